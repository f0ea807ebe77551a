"""Issue 18 (items 3–5): status and dates a villager understands, masked names a household
can check, and the marks of a credible government site.

One small county (the tiny one plus household aid, cases, rectifications and a
distribution, with a logo and the footer identifiers in site.yaml) is built once with the
real ``mkdocs build`` and scanned; the tests read the built pages as a user sees them.
The header and the 12317 line are measured in Chromium at 360 px.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEST_DATA, build_project, make_project, require_tool

from generator.model.siteconfig import Site, build_site, read_logo
from generator.pipeline import check, scan_site
from generator.records import Origin


def png(size: int = 8) -> bytes:
    """A real PNG picture (a red square), written without an imaging library."""
    row = b"\x00" + b"\xc6\x28\x28\xff" * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


SITE_EXTRA = """
data_date: 2021-03-31
logo: 县标.png
公安机关备案号: 虚公网安备 99000002000001号
党政机关网站标识: https://bszs.conac.cn/sitename?method=show&id=AB12CD34EF56AB12CD34EF56AB12CD34
"""
BENEFITS = (
    "补助项目,年度,村,户主姓名,村民小组,家庭人口,金额,发放日期\n"
    "教育补助,2020,青山村,王小明,3组,4,1500.00,2020-09-10\n"
    "教育补助,2020,青山村,王小红,5组,3,1000.00,2020-09-10\n"
    "教育补助,2020,青山村,张三,3组,2,500.00,2020-09-11\n"
    "教育补助,2020,青山村,欧阳明华,1组,5,1500.00,2020-09-11\n"
)
CASES = (
    "案件编号,通报日期,通报单位,乡镇,单位或村,职务,姓名,问题,处理结果,状态\n"
    "AJ2020-001,2020-11-10,虚构县纪委监委,青山镇,青山镇人民政府,扶贫专员,李建国,"
    "入户核查走过场,党纪:警告；政务:记过,已办结\n"
)
RECTIFICATIONS = (
    "问题编号,问题来源,发现日期,乡镇,单位或村,问题,整改措施,责任单位,整改时限,整改状态,完成日期\n"
    "ZG2020-01,督查,2020-10-01,青山镇,青山村,公示牌未写监督电话,重新制作公示牌,"
    "青山镇人民政府,2020-12-31,整改中,\n"
    "ZG2020-02,自查,2020-10-02,青山镇,石桥村,台账不全,补齐台账,青山镇人民政府,"
    "2021-06-30,整改中,\n"
    "ZG2020-03,自查,2020-10-03,白水镇,白水村,公示期不足,重新公示,白水镇人民政府,"
    "2020-11-30,已整改,2020-11-20\n"
)
DISTRIBUTIONS = (
    "分配编号,项目编号,年度,收益总额,分配户数,分配人数\nD2020-01,TY2020-002,2020,8000.00,40,95\n"
)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("credible"), TEST_DATA / "tiny")
    data = project / "data"
    with (data / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(SITE_EXTRA)
    (data / "县标.png").write_bytes(png())
    for name, text in (
        ("benefits.csv", BENEFITS),
        ("cases.csv", CASES),
        ("rectifications.csv", RECTIFICATIONS),
        ("distributions.csv", DISTRIBUTIONS),
    ):
        (data / name).write_text(text, encoding="utf-8")
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    assert not [f for f in result.scan_findings if f.severity == "error"]
    return project


def html(project: Path, rel: str) -> str:
    path = project / "site" / rel
    return (path / "index.html" if path.is_dir() else path).read_text(encoding="utf-8")


def text(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))


def article(project: Path, rel: str) -> str:
    page = html(project, rel)
    return text(page[page.index("<article") : page.index("</article>")])


def footer(project: Path, rel: str) -> str:
    page = html(project, rel)
    return text(page[page.index('<footer class="md-footer"') :])


# --- 3. status and dates ------------------------------------------------------------------


def test_a_late_rectification_says_how_many_days_from_the_data_date(county: Path) -> None:
    page = html(county, "rectifications")
    # 2020-12-31 → 2021-03-31 (site.yaml 数据截止日期): 90 days, in a "late" badge
    assert '<span class="gs-badge gs-badge--late">整改中，已逾期 90 天</span>' in page
    assert '<span class="gs-badge gs-badge--active">整改中</span>' in page  # not late yet
    assert '<span class="gs-badge gs-badge--done">已整改</span>' in page
    assert "已逾期" not in text(page).split("已逾期 90 天")[1].split("</table>")[0]
    # the rule says the same thing about the same record, from the same date
    checked = check(county / "data")
    late = [f for f in checked.report.findings if f.code == "Q004"]
    assert [f.message for f in late] == [
        "问题ZG2020-01“公示牌未写监督电话”整改时限是2020年12月31日，现在仍整改中"
    ]
    # the village page shows the same badge
    assert "整改中，已逾期 90 天" in article(county, "villages/990000101201")


def test_project_status_is_a_badge(county: Path) -> None:
    page = html(county, "projects/TY2020-001")
    assert '<span class="gs-badge gs-badge--done">已验收</span>' in page
    page = html(county, "projects/TY2020-002")
    assert '<span class="gs-badge gs-badge--active">实施中</span>' in page


def test_every_page_carries_the_data_date(county: Path) -> None:
    pages = [p for p in (county / "site").rglob("*.html")]
    assert len(pages) > 20
    missing = [
        p.relative_to(county / "site").as_posix()
        for p in pages
        if 'class="md-footer"' in (s := p.read_text("utf-8"))
        # also the page's update time for gongshi audit (政府网站检查)
        and '数据截止日期：<time class="gs-updated" datetime="2021-03-31">2021年3月31日</time>'
        not in s
    ]
    assert missing == []
    assert "数据截止日期：2021年3月31日" in article(county, "")  # and on the home page itself


# --- 4. masked names a household can check --------------------------------------------------


def test_households_find_their_row_and_outsiders_do_not_learn_the_name(county: Path) -> None:
    page = article(county, "villages/990000101201")
    # surname and last character, the group, persons and amount: 王小明 and 王小红 differ
    assert "王*明 3组 4 1,500.00" in page, page
    assert "王*红 5组 3 1,000.00" in page
    assert "张* 3组 2 500.00" in page  # a two-character name shows the surname only
    assert "欧阳*华 1组 5 1,500.00" in page
    everything = "\n".join(
        p.read_text("utf-8", errors="replace")
        for p in (county / "site").rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".csv", ".xml", ".txt")
    )
    for full in ("王小明", "王小红", "欧阳明华"):
        assert full not in everything, full
    # a case subject reads as discipline notices are published: surname + 某某
    assert "扶贫专员李某某" in article(county, "cases/AJ2020-001")


def test_the_scan_catches_a_full_name_but_not_the_masked_forms(county: Path) -> None:
    site = county / "site.planted"
    shutil.copytree(county / "site", site)
    try:
        report, _ = scan_site(site, county / "data", county)
        assert not [f for f in report.findings if f.code == "S001"]  # 王*明, 张*, 欧阳*华 pass
        page = site / "villages" / "990000101201" / "index.html"
        page.write_text(page.read_text("utf-8").replace("王*明", "王小明", 1), encoding="utf-8")
        report, _ = scan_site(site, county / "data", county)
        hits = [f for f in report.findings if f.code == "S001"]
        assert len(hits) == 1 and "villages/990000101201/index.html" in hits[0].file
    finally:
        shutil.rmtree(site)


def test_the_county_can_still_choose_zhang_mou_mou(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", TEST_DATA / "tiny")
    data = project / "data"
    (data / "benefits.csv").write_text(BENEFITS, encoding="utf-8")
    with (data / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\n脱敏方式: 张某某\n")
    heads = [b.household_head for b in check(data).dataset.benefits]
    assert heads == ["王某某", "王某某", "张某某", "欧阳某某"]


# --- 5. a credible government site ------------------------------------------------------


def test_the_county_logo_is_the_header_logo_and_the_favicon(county: Path) -> None:
    page = html(county, "projects/TY2020-001")
    assert (county / "site/assets/gongshi/logo.png").read_bytes() == png()
    assert '<img src="../../assets/gongshi/logo.png" alt="">' in page
    assert '<link rel="icon" href="../../assets/gongshi/logo.png">' in page
    assert "favicon.png" not in page  # not Material's book


def test_without_a_logo_the_portal_mark_replaces_materials_book(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", TEST_DATA / "tiny")
    result = build_project(project)
    assert result.published
    page = html(project, "")
    assert '<img src="assets/images/gongshi-logo.svg" alt="">' in page
    assert '<link rel="icon" href="assets/images/gongshi-logo.svg">' in page


@pytest.mark.parametrize(
    ("value", "files", "says"),
    [
        ("logo.svg", {}, "SVG 里可以藏脚本"),
        ("../logo.png", {}, "data 文件夹里的图片文件名"),
        ("没有.png", {}, "找不到 logo 图片“没有.png”"),
        ("假.png", {"假.png": b"GIF89a not a png"}, "不是它扩展名所说的图片"),
        ("大.png", {"大.png": png() + b"\0" * 200_000}, "太大"),
    ],
)
def test_a_logo_that_cannot_be_used_is_an_l008_error(tmp_path, value, files, says) -> None:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    site, found = build_site({"logo": value}, Origin("data/site.yaml", 1))
    if not found:
        _, found = read_logo(site, tmp_path)
    assert len(found) == 1 and found[0].code == "L008" and found[0].severity == "error"
    assert says in found[0].message, found[0].message


def test_footer_shows_the_government_site_identifiers(county: Path) -> None:
    page = html(county, "projects/TY2020-001")
    foot = page[page.index('<footer class="md-footer"') :]
    assert "网站标识码：9900000001" in text(foot)
    assert (
        '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=99000002000001" '
        'rel="noopener noreferrer">虚公网安备 99000002000001号</a>'
    ) in foot
    assert 'href="https://bszs.conac.cn/sitename?method=show&amp;id=AB12CD' in foot
    assert "党政机关网站标识" in text(foot)
    # 我为政府网站找错: the national platform, for this site's 网站标识码
    assert 'href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=9900000001"' in foot
    assert "我为政府网站找错" in text(foot)


def test_the_correction_link_can_be_set_and_bad_addresses_are_errors() -> None:
    site, found = build_site({"纠错": "https://www.example.gov.cn/jiucuo/"}, Origin("s", 1))
    assert not found and site.correction == "https://www.example.gov.cn/jiucuo/"
    assert "www.example.gov.cn" in site.linkable_hosts
    _, found = build_site({"纠错": "javascript:alert(1)"}, Origin("s", 1))
    assert [f.code for f in found] == ["L008"] and "纠错 应以 http:// 或 https:// 开头" in (
        found[0].message
    )
    _, found = build_site({"公安机关备案号": "鲁公网安备"}, Origin("s", 1))
    assert [f.code for f in found] == ["L008"] and "37132402000123" in found[0].message
    assert Site().correction == ""  # no 网站标识码, no platform link


def test_phones_are_listed_once_per_page(county: Path) -> None:
    for rel in ("", "projects/TY2020-001", "villages/990000101201"):
        page = html(county, rel)
        assert page.count('href="tel:0531-7000001"') == 1, rel  # the footer's
        assert "0531-7000001" not in article(county, rel), rel
        assert "监督举报" in article(county, rel)
    assert page.count('href="tel:12317"') == 1
    # the supervisor of a project is a different person, named on its page
    assert "0531-7000101" in article(county, "projects/TY2020-001")
    # the 监督举报 page lists them in its body, so its footer does not repeat them
    report = html(county, "report")
    assert report.count('href="tel:0531-7000001"') == 1
    assert "0531-7000001" in article(county, "report")


def test_titles_and_headings_are_human(county: Path) -> None:
    titles = {}
    for p in (county / "site").rglob("index.html"):
        m = re.search(r"<title>([^<]*)</title>", p.read_text("utf-8"))
        assert m, p
        titles[p.parent.relative_to(county / "site").as_posix()] = m.group(1)
    slugs = {
        rel: t for rel, t in titles.items() if re.search(r"[A-Za-z]{2,}|\d{6,}| before| after", t)
    }
    assert slugs == {}
    assert titles["print/projects/TY2020-001-before"].startswith("青山村道路硬化项目事前公示 - ")
    dist = article(county, "distributions/D2020-01")
    assert dist.lstrip().startswith("2020年石桥村光伏扶贫电站项目收益分配")
    assert "收益分配 D2020-01" not in article(county, "projects/TY2020-002")
    assert "2020年石桥村光伏扶贫电站项目收益分配" in article(county, "projects/TY2020-002")


def test_case_titles_name_the_township_once_with_official_punctuation(county: Path) -> None:
    page = article(county, "cases/AJ2020-001")
    assert page.lstrip().startswith("青山镇人民政府扶贫专员李某某入户核查走过场问题")
    assert "青山镇青山镇" not in page
    assert "党纪：警告；政务：记过" in page and "党纪:警告" not in page
    assert "党纪：警告；政务：记过" in article(county, "cases")


def test_rule_codes_only_on_the_rules_page(county: Path) -> None:
    code = re.compile(r"\b[LMNQRTS]\d{3}\b")
    assert code.search(article(county, "compliance/rules"))
    for p in (county / "site").rglob("index.html"):
        rel = p.parent.relative_to(county / "site").as_posix()
        if rel == "compliance/rules":
            continue
        assert not code.search(article(county, rel)), rel


def test_township_boxes_use_a_place_marker_not_the_edit_pencil(county: Path) -> None:
    css = (county / "site/assets/stylesheets/gongshi.css").read_text("utf-8")
    block = css[css.index(".md-typeset .gs-villages details {") :].split("}", 1)[0]
    assert "--md-admonition-icon--note" in block and "M12 6.5A2.5" in block  # map marker


# --- in Chromium at 360 px ---------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def url(county: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(county / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def browser():
    require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"))
        yield b
        b.close()


PHONE = {"width": 360, "height": 740}


def test_phone_header_title_is_centred_and_12317_keeps_its_full_stop(browser, url) -> None:
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(url, wait_until="networkidle")
        box = page.evaluate(
            """() => {
              const t = document.querySelector('.md-header__topic .md-ellipsis');
              const r = document.createRange(); r.selectNodeContents(t);
              const b = r.getBoundingClientRect();
              return [b.left, b.right, innerWidth];
            }"""
        )
        left, right, width = box
        assert abs((left + right) / 2 - width / 2) <= 4, box
        # the buttons stay where a thumb finds them, and clickable over the title
        switch = page.locator(".gs-large-switch").bounding_box()
        assert switch["x"] + switch["width"] > width / 2 and switch["height"] >= 44
        # 12317 and the closing 。 on one line
        line = page.evaluate(
            """() => {
              const a = document.querySelector('article a.gs-phone[href="tel:12317"]');
              const span = a.parentElement;
              const r = document.createRange();
              r.setStart(span.lastChild, span.lastChild.length - 1);
              r.setEnd(span.lastChild, span.lastChild.length);
              return [a.getBoundingClientRect().toJSON(), r.getBoundingClientRect().toJSON()];
            }"""
        )
        phone, stop = line
        assert stop["top"] < phone["bottom"] and stop["bottom"] > phone["top"], line
        assert stop["left"] >= phone["right"] - 1, line
    finally:
        page.close()


def test_large_type_entry_is_a_how_to_link_without_javascript(browser, url) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url + "projects/TY2020-001/")
        link = page.locator("header a.gs-large-switch")
        assert link.inner_text() == "大字"
        link.click()
        page.wait_for_url("**/help/#large-text")
        assert "把字放大" in page.locator("#large-text").inner_text()
    finally:
        context.close()


def test_large_type_switch_persists_across_pages(browser, url) -> None:
    page = browser.new_page(viewport=PHONE)
    size = "() => parseFloat(getComputedStyle(document.querySelector('article')).fontSize)"
    try:
        page.goto(url + "projects/TY2020-001/", wait_until="networkidle")
        normal = page.evaluate(size)
        page.get_by_role("button", name="大字").click()
        assert page.evaluate(size) >= normal * 1.15
        assert page.locator(".gs-large-switch").inner_text() == "标准字"
        page.goto(url + "villages/990000101201/", wait_until="networkidle")
        assert page.evaluate(size) >= normal * 1.15
        assert page.url.endswith("villages/990000101201/")  # the link did not navigate
    finally:
        page.close()
