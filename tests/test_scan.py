"""The post-build scan as a county meets it: whatever slips into any file of the site — a
page, the search index, a download, the sitemap — is found with file and position and shown
masked; an outside font, script or image in a template override stops the build and the
published site stays exactly as it was.

Identifiers are made with python-stdnum (independent of the generator's checksums).
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import TEST_DATA, build_project, make_project
from test_build import tree_hashes
from test_privacy import CARD19, ID15, ID18, MOBILE

from generator.pipeline import scan_rules_for
from generator.project import open_project
from generator.scan import ScanRules, SiteScan, scan, theme_template_dirs

REPO = Path(__file__).resolve().parent.parent
THEME = theme_template_dirs(REPO / "site_templates" / "overrides")


def hits(found) -> set[tuple[str, str, str]]:
    """``(code, file, message)`` of each finding."""
    return {(f.code, f.file, f.message) for f in found}


# --- a hand-made site: what counts, and where ----------------------------------------------

PAGE = """<!doctype html><html><head><title>项目</title>
<script>var target=document.getElementById(location.hash.slice(1));target&&target.name&&\
(target.checked=target.name.startsWith("__tabbed_"))</script>
<script id="__config" type="application/json">{"base": "..", "n": 1234567890123456789}</script>
</head><body><article>
<p>监督电话 0531-7000101，联系人 {mobile}</p>
<a href="tel:0531-7000101">0531-7000101</a>
<a href="https://beian.miit.gov.cn/">鲁ICP备</a>
</article></body></html>
"""


SITEMAP = "<urlset><url><loc>https://x/13800138000/</loc></url></urlset>"


@pytest.fixture
def small_site(tmp_path) -> Path:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text(PAGE.replace("{mobile}", "（已隐去）"), "utf-8")
    # theme files are full of long numbers: only exact private values count there. A file
    # is the theme's when it is byte-identical to one in a template folder (``themed``).
    theme = tmp_path / "theme" / "assets"
    theme.mkdir(parents=True)
    for folder in (site / "assets", theme):
        (folder / "bundle.js").write_text(f"var a={ID18},b={CARD19};", "utf-8")
        (folder / "main.css").write_text(
            f"/* {CARD19} */ .x{{background:url(../img/a.png)}}", "utf-8"
        )
    return site


def themed(site: Path) -> tuple[Path, ...]:
    """The theme folders of the ``small_site`` fixture: Material's, ours and its own."""
    return (*THEME, site.parent / "theme")


def test_a_clean_site_has_no_findings(small_site):
    assert (
        scan(small_site, official_phones=["0531-7000101"], template_dirs=themed(small_site)) == []
    )


def test_unofficial_phone_on_a_page_is_found_at_its_line_and_masked(small_site):
    page = small_site / "index.html"
    page.write_text(PAGE.replace("{mobile}", MOBILE), "utf-8")
    found = scan(small_site, official_phones=["0531-7000101"], template_dirs=themed(small_site))
    assert [(f.code, f.file, f.row, f.message) for f in found] == [
        ("S001", "index.html", 5, "发布的文件中出现了个人信息（手机号）：139****5678")
    ]
    assert found[0].column.endswith("字")


def test_private_value_is_found_even_in_theme_javascript(small_site):
    found = scan(
        small_site, [CARD19], official_phones=["0531-7000101"], template_dirs=themed(small_site)
    )
    masked = f"发布的文件中出现了个人信息（个人信息）：6228***********{CARD19[-4:]}"
    assert {(f.file, f.message) for f in found} == {
        ("assets/bundle.js", masked),
        ("assets/main.css", masked),
    }


def test_script_link_and_outside_resources_in_a_page(small_site):
    page = small_site / "index.html"
    page.write_text(
        PAGE.replace("{mobile}", "").replace(
            "</article>",
            "<script>alert(1)</script>"
            '<a href="javascript:alert(2)">点我</a>'
            '<a href="https://x.example/">外站</a>'
            '<a href="https://www.12317.gov.cn/">12317</a>'
            '<img src="//img.example.com/a.png">'
            '<link rel="preconnect" href="https://fonts.example.com">'
            '<div style="background:url(https://bg.example.com/b.jpg)"></div>'
            "</article>",
        ),
        "utf-8",
    )
    found = scan(
        small_site,
        official_phones=["0531-7000101"],
        link_hosts=["www.12317.gov.cn"],
        template_dirs=themed(small_site),
    )
    assert hits(found) == {
        ("S004", "index.html", "页面中有不是主题模板写入的脚本：alert(1)"),
        ("S004", "index.html", "页面中有不是主题模板写入的脚本：javascript:alert(2)"),
        ("S003", "index.html", "页面链接到外部网站：https://x.example/"),
        ("S002", "index.html", "页面从外部网站加载资源：//img.example.com/a.png"),
        ("S002", "index.html", "页面从外部网站加载资源：https://fonts.example.com"),
        ("S002", "index.html", "页面从外部网站加载资源：https://bg.example.com/b.jpg"),
    }


def test_downloads_sitemap_and_search_index_are_read(small_site):
    downloads = small_site / "downloads"
    downloads.mkdir()
    (downloads / "projects.csv").write_text(f"项目编号,备注\nX-1,卡号{CARD19}\n", "utf-8")
    wb = openpyxl.Workbook()
    wb.active.title = "补助"
    wb.active.append(["户主", "备注"])
    wb.active.append(["张某某", f"身份证{ID18}"])
    wb.save(downloads / "benefits.xlsx")
    (downloads / "notices.json").write_text(json.dumps({"备注": f"老证{ID15}"}), "utf-8")
    (small_site / "sitemap.xml.gz").write_bytes(gzip.compress(SITEMAP.encode()))
    index = {
        "config": {},
        "docs": [{"location": "projects/X-1/", "title": "X", "text": "金岭镇大洼村3号"}],
    }
    (small_site / "search").mkdir()
    (small_site / "search" / "search_index.json").write_text(json.dumps(index), "utf-8")

    found = scan(
        small_site,
        ["金岭镇大洼村3号"],
        official_phones=["0531-7000101"],
        template_dirs=themed(small_site),
    )

    where = {(f.file, f.column, f.message.split("：")[-1]) for f in found}
    assert where == {
        ("downloads/projects.csv", "第2行 备注列", "6228***********" + CARD19[-4:]),
        ("downloads/benefits.xlsx", "工作表 补助!B2", "3713**********" + ID18[-4:]),
        ("downloads/notices.json", "JSON", "3713*******" + ID15[-4:]),
        ("sitemap.xml.gz", f"第{SITEMAP.index('13800138000') + 1}字", "138****8000"),
        ("search/search_index.json", "（解码后）", "金*******"),
    }
    assert next(f for f in found if f.file == "sitemap.xml.gz").row == 1


# --- scanning while MkDocs writes: nothing read half-written slips through ----------------


def test_a_file_scanned_while_half_written_is_read_again_before_the_verdict(small_site):
    """``gongshi build`` scans the site while MkDocs is still writing it. A page that was
    scanned half-written (the mobile number not written yet) must be read again whole, and
    a file MkDocs removed after it was scanned must not be reported."""
    rules = ScanRules(frozenset(), frozenset({"0531-7000101"}), frozenset(), themed(small_site))
    page = small_site / "projects" / "X-1" / "index.html"
    page.parent.mkdir(parents=True)
    half = PAGE.replace("{mobile}", "")
    page.write_text(half[: half.index("</article>")], "utf-8")  # MkDocs is mid-write
    gone = small_site / "tmp.html"
    gone.write_text(f"<p>{MOBILE}</p>", "utf-8")

    scanner = SiteScan(small_site, rules)
    assert scanner.sweep() == 5  # both pages and the three files of the fixture
    assert scanner.sweep(settle=1.0) == 0  # while writing goes on, scanned files wait
    with page.open("a", encoding="utf-8") as f:  # the rest of the page arrives
        f.write(f"<p>{MOBILE}</p></article></body></html>")
    gone.unlink()
    (page.parent / "late.html").write_text(f"<p>{MOBILE}</p>", "utf-8")  # a file just added

    found = scanner.findings()
    assert [(f.code, f.file, f.row) for f in found] == [
        ("S001", "projects/X-1/index.html", PAGE.count("\n", 0, PAGE.index("</article>")) + 1),
        ("S001", "projects/X-1/late.html", 1),
    ]
    assert found == scan(
        small_site, official_phones=["0531-7000101"], template_dirs=themed(small_site)
    )


def test_young_files_wait_for_a_later_sweep_while_mkdocs_writes(small_site):
    rules = ScanRules(frozenset(), frozenset({"0531-7000101"}), frozenset(), themed(small_site))
    scanner = SiteScan(small_site, rules)
    assert scanner.sweep(settle=60.0) == 0  # everything was written just now
    assert scanner.sweep() == 3
    assert scanner.findings() == []


# --- the demo county: clean, and every planted value found ----------------------------------


@pytest.fixture(scope="module")
def planted(demo, tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the built demo site with identifiers planted in a page and the index."""
    project, result = demo
    site = tmp_path_factory.mktemp("planted") / "site"
    shutil.copytree(project / "site", site)
    account = sorted(
        v for v in result.checked.loaded.private_values if v.isdigit() and len(v) >= 16
    )[0]
    page = site / "about" / "index.html"
    text = page.read_text("utf-8")
    text = text.replace("</article>", f"<p>村民电话 {MOBILE}，账号 {account}</p></article>", 1)
    page.write_text(text, "utf-8")
    index = site / "search" / "search_index.json"
    data = json.loads(index.read_text("utf-8"))
    data["docs"].append({"location": "about/", "title": "关于", "text": f"身份证 {ID18}"})
    index.write_text(json.dumps(data), "utf-8")  # \uXXXX-escaped, as MkDocs writes it
    return project, site, {"mobile": MOBILE, "account": account, "id": ID18}


def test_the_demo_site_scans_clean(demo):
    project, result = demo
    rules = scan_rules_for(result.checked, open_project(project))
    assert SiteScan(project / "site", rules).findings() == []


def test_planted_values_in_the_demo_site_are_found(demo, planted):
    project, site, values = planted
    found = SiteScan(site, scan_rules_for(demo[1].checked, open_project(project))).findings()
    line = next(
        i
        for i, x in enumerate((site / "about" / "index.html").read_text("utf-8").splitlines(), 1)
        if MOBILE in x
    )
    got = {(f.file, f.row, f.message.split("：")[-1]) for f in found}
    assert got == {
        ("about/index.html", line, "139****5678"),
        ("about/index.html", line, mask(values["account"])),
        ("search/search_index.json", None, "3713**********" + ID18[-4:]),
    }


def mask(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def run_scan(project: Path, site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "scan",
            str(site),
            "--data",
            str(project / "data"),
            *args,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def test_scan_command_exit_codes_and_masked_report(demo, planted, tmp_path):
    project, site, values = planted
    clean = run_scan(project, project / "site")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "没有发现问题" in clean.stdout + clean.stderr

    table = run_scan(project, site)
    assert table.returncode == 1
    out = table.stdout + table.stderr
    assert "网站中发现个人信息" in out or "个人信息" in out
    as_json = run_scan(project, site, "--format", "json")
    assert as_json.returncode == 1
    findings = json.loads(as_json.stdout)["findings"]
    assert {f["file"] for f in findings} == {"about/index.html", "search/search_index.json"}
    assert "139****5678" in as_json.stdout
    junit = run_scan(project, site, "--format", "junit", "-o", str(tmp_path / "scan.xml"))
    assert junit.returncode == 1
    xml = (tmp_path / "scan.xml").read_text("utf-8")
    assert "about/index.html" in xml
    for text in (out, as_json.stdout, xml):
        for value in values.values():
            assert value not in text, value


# --- an outside font, script and image in a template override stop the build ----------------


def test_outside_font_script_and_image_in_an_override_stop_the_build(tmp_path):
    project = make_project(tmp_path / "county", TEST_DATA / "tiny")
    first = build_project(project)
    assert first.published, first.checked.report.to_json() + first.mkdocs_output
    before = tree_hashes(project / "site")

    overrides = project / "site_templates" / "overrides"
    css = overrides / "assets" / "stylesheets" / "gongshi.css"
    css.write_text(
        '@import url("https://fonts.example.com/css2?family=Noto+Sans+SC");\n'
        + css.read_text("utf-8"),
        "utf-8",
    )
    footer = overrides / "partials" / "footer.html"
    footer.write_text(
        footer.read_text("utf-8")
        + '\n<script src="https://cdn.example.com/tongji.js"></script>'
        + '\n<img src="https://img.example.com/logo.png" alt="">\n',
        "utf-8",
    )

    result = build_project(project)

    assert not result.published
    assert result.exit_code == 1
    assert tree_hashes(project / "site") == before
    assert not any(
        p.name.startswith(".site.") and p.name != ".site.lock" for p in project.iterdir()
    )
    s002 = {(f.file, f.message) for f in result.scan_findings if f.code == "S002"}
    files = {f for f, _ in s002}
    assert "assets/stylesheets/gongshi.css" in files
    messages = "\n".join(m for _, m in s002)
    for url in (
        "https://fonts.example.com/css2?family=Noto+Sans+SC",
        "https://cdn.example.com/tongji.js",
        "https://img.example.com/logo.png",
    ):
        assert f"页面从外部网站加载资源：{url}" in messages, messages
    # one finding per URL, not one per page
    assert len(s002) == 3, s002
    assert all("site_templates/overrides" in f.hint for f in result.scan_findings)


# --- privacy: the scan matches what the model redacts (issue 14) ------------------------------


def test_a_spaced_private_account_printed_unspaced_is_found(small_site):
    """The loader saw ``6228 4804 …`` (a passbook account, not Luhn-valid) in 银行账号; a
    page prints it without spaces. The model's redactor always caught this; the scan's own
    matcher did not. Both now use ``privacy.KnownValues``. Names of private persons count
    in record text, and only the masked value is reported."""
    account = CARD19[:-1] + str((int(CARD19[-1]) + 1) % 10)
    spaced = " ".join(account[i : i + 4] for i in range(0, len(account), 4))
    (small_site / "index.html").write_text(
        PAGE.replace("{mobile}", f"转入{account}，户主王小明"), "utf-8"
    )
    found = scan(
        small_site,
        [spaced],
        official_phones=["0531-7000101"],
        template_dirs=themed(small_site),
        private_names=["王小明"],
    )
    assert [(f.code, f.file, f.row) for f in found] == [
        ("S001", "index.html", 5),
        ("S001", "index.html", 5),
    ]
    messages = " ".join(f.message for f in found)
    assert account not in messages and "王小明" not in messages
    assert f"6228***********{account[-4:]}" in messages and "王**" in messages
