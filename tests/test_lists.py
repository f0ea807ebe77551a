"""The lists (项目、资金、公示、整改 …) in a real browser (Chromium via Playwright): cards on a
360 px phone, a full-width table at 1280 px, filters without JavaScript (pre-built pages)
and with it (gongshi-lists.js), axe on the list and its cards.

The contract county (``tests/data/contract_county``): two townships, two years. What a
list should hold is read from the site's own downloads (projects.csv, project_funding.csv),
not from the templates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from test_browser import PHONE, browser, serve  # noqa: F401 — browser is a fixture
from test_render import NAME, hostile  # noqa: F401 — the hostile county, built for this module

DESKTOP = {"width": 1280, "height": 800}
TOWN, YEAR = "张寨镇", "2019"
CATEGORY, STATUS = "光伏扶贫", "已验收"
VILLAGE, PROJECT = "villages/371522107202/", "projects/SX2019001/"

# Every list page of the contract county, and which of status / amount the records of its
# first list carry besides their name (a notice's status is its type; the archive's years
# are counts; a fund's page lists its payments first).
LISTS = {
    "projects/": ("status", "amount"),
    f"projects/by/{TOWN}/": ("status", "amount"),
    f"projects/by/{TOWN}/{YEAR}/": ("status", "amount"),
    f"projects/by/{YEAR}年/": ("status", "amount"),
    f"projects/by/类别/{CATEGORY}/": ("status", "amount"),
    f"projects/by/状态/{STATUS}/": ("status", "amount"),
    f"projects/by/{YEAR}年-按金额/": ("status", "amount"),
    "funds/": ("amount",),
    "funds/F2019-01/": ("amount",),  # a fund's 拨付情况
    "notices/": ("status",),
    "rectifications/": ("status",),
    "cases/": ("status", "amount"),
    "distributions/": ("amount",),
    "benefits/": ("amount",),
    "archive/": (),
    f"archive/{YEAR}/": (),  # notices, projects, funds, cases: each its own columns
    VILLAGE: ("amount",),  # its chart's table first, then its projects, aid lists …
    PROJECT: ("amount",),  # its 资金安排与拨付 first, then 拨付, 变更记录 …
}
# Pages that use the whole width (no left sidebar); record pages keep their navigation.
FULL_WIDTH = [rel for rel in LISTS if not rel.startswith(("funds/F", VILLAGE, PROJECT))]


@pytest.fixture(scope="module")
def site(contract) -> Path:
    return contract[0] / "site"


@pytest.fixture(scope="module")
def url(site) -> Iterator[str]:
    yield from serve(site)


def _csv(site: Path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((site / "downloads" / name).read_text("utf-8-sig"))))


def _expected(site: Path, town: str, year: str) -> tuple[set[str], Decimal]:
    """Names and 合计 of one township's projects of one year, from the downloads."""
    ids = {
        r["项目编号"]: r["项目名称"]
        for r in _csv(site, "projects.csv")
        if r["乡镇"] == town and r["年度"] == year
    }
    total = sum(
        (Decimal(r["金额(元)"]) for r in _csv(site, "project_funding.csv") if r["项目编号"] in ids),
        Decimal(0),
    )
    return set(ids.values()), total


def _yuan(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def _context(browser, viewport, **kw):  # noqa: F811
    phone = viewport["width"] < 600
    return browser.new_context(
        viewport=viewport, is_mobile=phone, has_touch=phone, locale="zh-CN", **kw
    )


# What a reader sees of each record: the boxes of its name, status and amount, and whether
# anything in the article is wider than the screen.
_CARDS = """() => {
  const vw = document.documentElement.clientWidth;
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
    return {l: r.left, r: r.right, w: r.width, h: r.height, text: e.innerText.trim(),
            shown: e.offsetParent !== null && r.width > 0 && r.height > 0}; };
  const first = document.querySelector(".gs-list");
  const rows = [...document.querySelectorAll(".gs-list__table tbody tr")].map(tr => ({
    first: tr.closest(".gs-list") === first, card: box(tr),
    name: box(tr.querySelector(".gs-list__name")),
    status: box(tr.querySelector(".gs-list__status")),
    amount: box(tr.querySelector(".gs-list__amount"))}));
  const wide = [...document.querySelectorAll("article *")]
    .filter(e => e.offsetParent !== null && e.clientWidth > 1  // not the hidden headers
                 && e.scrollWidth > e.clientWidth + 1
                 && getComputedStyle(e).overflowX !== "visible")
    .map(e => e.tagName + "." + e.className);
  return {doc: [document.documentElement.scrollWidth, vw], rows, wide,
          plain: document.querySelectorAll("article table:not(.gs-list__table)").length};
}"""


def _phone_faults(seen: dict, rel: str) -> list[str]:
    faults = []
    if seen["doc"][0] > seen["doc"][1]:
        faults.append(f"the page scrolls sideways: {seen['doc']}")
    if seen["wide"]:
        faults.append(f"a box scrolls sideways: {seen['wide']}")
    if not seen["rows"]:
        faults.append("no list")
    for row in seen["rows"]:
        # every record has its name; those of the page's main list their status and amount
        for part in ("name", *LISTS[rel]) if row["first"] else ("name",):
            b = row[part]
            if not (b and b["shown"] and b["text"]):
                faults.append(f"a record without its {part}: {row['card']['text'][:40]}")
            elif b["l"] < 0 or b["r"] > PHONE["width"] + 0.5:
                faults.append(f"{part} off screen: {b}")
        # one card on one screen: name, status and amount seen together
        if row["card"]["h"] > PHONE["height"] - 100:
            faults.append(f"card too tall: {row['card']['h']} px")
    return faults


def test_at_360px_every_record_shows_name_status_and_amount_without_sideways_scrolling(
    browser,  # noqa: F811
    url,
):
    context = _context(browser, PHONE)
    failures = {}
    try:
        page = context.new_page()
        for rel in LISTS:
            page.goto(url + rel, wait_until="networkidle")
            faults = _phone_faults(page.evaluate(_CARDS), rel)
            if faults:
                failures[rel] = faults[:5]
    finally:
        context.close()
    assert failures == {}


_TABLES = """() => [...document.querySelectorAll("article table")].map(t => {
  const r = t.getBoundingClientRect(), a = t.closest("article").getBoundingClientRect();
  let clipped = t.scrollWidth > t.clientWidth + 1;
  for (let e = t.parentElement; e && e.tagName !== "ARTICLE"; e = e.parentElement)
    if (e.scrollWidth > e.clientWidth + 1) clipped = true;
  return {cls: t.className, clipped, right: r.right, article: a.right, width: r.width};
})"""


def test_at_1280px_no_table_is_clipped_and_lists_use_the_whole_width(browser, url):  # noqa: F811
    context = _context(browser, DESKTOP)
    failures: dict[str, list] = {}
    try:
        page = context.new_page()
        for rel in LISTS:
            page.goto(url + rel, wait_until="networkidle")
            tables = page.evaluate(_TABLES)
            faults = [t for t in tables if t["clipped"] or t["right"] > t["article"] + 0.5]
            if not tables:
                faults.append("no table")
            if page.locator(".gs-scroll-hint").count():
                faults.append("tells a desktop reader to scroll sideways")
            if rel in FULL_WIDTH:
                if page.locator(".md-sidebar--primary").first.is_visible():
                    faults.append("keeps the empty left sidebar")
                width = page.evaluate("() => document.querySelector('article').clientWidth")
                if width < 1100:
                    faults.append(f"the list is {width} px wide at 1280 px")
            if faults:
                failures[rel] = faults
    finally:
        context.close()
    assert failures == {}


def test_without_javascript_a_villager_lists_one_townships_projects_of_one_year(
    browser,  # noqa: F811
    url,
    site,
):
    names, total = _expected(site, TOWN, YEAR)
    assert len(names) >= 2
    context = _context(browser, PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url + "projects/")
        assert page.locator(".gs-list__form").count() == 0  # no script ran
        page.locator(".gs-filters a", has_text=TOWN).first.click()
        page.wait_for_load_state()
        assert page.locator("article h1").inner_text() == f"{TOWN}的项目"
        page.locator(".gs-filters a", has_text=f"{YEAR} 年").first.click()
        page.wait_for_load_state()
        assert page.locator("article h1").inner_text() == f"{TOWN} {YEAR} 年的项目"
        shown = set(page.locator(".gs-list__table tbody .gs-list__name").all_inner_texts())
        footer = page.locator(".gs-list__table tfoot .gs-list__amount").inner_text()
        count = page.locator(".gs-list__count .gs-fig").first.inner_text()
    finally:
        context.close()
    assert shown == names
    assert _yuan(footer) == total
    assert int(count) == len(names)


def _expected_by(site: Path, column: str, value: str) -> tuple[dict[str, str], dict[str, Decimal]]:
    """Names (by id) and amounts (by name) of the projects whose ``column`` is ``value``,
    from the downloads."""
    ids = {r["项目编号"]: r["项目名称"] for r in _csv(site, "projects.csv") if r[column] == value}
    amounts = dict.fromkeys(ids.values(), Decimal(0))
    for r in _csv(site, "project_funding.csv"):
        if r["项目编号"] in ids:
            amounts[ids[r["项目编号"]]] += Decimal(r["金额(元)"])
    return ids, amounts


def _listed(page) -> tuple[list[str], list[Decimal], Decimal, int]:
    """What the page's project list shows: names and amounts in order, 合计, count."""
    rows = page.locator(".gs-list__table tbody tr")
    names = rows.locator(".gs-list__name").all_inner_texts()
    amounts = [_yuan(t) for t in rows.locator(".gs-list__amount").all_inner_texts()]
    footer = page.locator(".gs-list__table tfoot .gs-list__amount").inner_text()
    count = page.locator(".gs-list__count .gs-fig").first.inner_text()
    return names, amounts, _yuan(footer), int(count)


@pytest.mark.parametrize(
    ("row", "link", "column", "value", "title"),
    [
        ("按类别", CATEGORY, "项目类别", CATEGORY, f"{CATEGORY}类项目"),
        ("按状态", STATUS, "项目状态", STATUS, f"状态为“{STATUS}”的项目"),
        ("按金额从高到低", f"{YEAR} 年", "年度", YEAR, f"{YEAR} 年的项目（按金额从高到低）"),
    ],
)
def test_without_javascript_a_villager_lists_a_category_a_status_or_a_year_by_amount(
    browser,  # noqa: F811
    url,
    site,
    row,
    link,
    column,
    value,
    title,
):
    ids, amounts = _expected_by(site, column, value)
    assert len(ids) >= 2
    context = _context(browser, PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url + "projects/")
        bar = page.locator(".gs-filters__row", has_text=row + "：")
        bar.locator("a", has_text=link).first.click()
        page.wait_for_load_state()
        assert page.locator("article h1").inner_text() == title
        names, shown, footer, count = _listed(page)
    finally:
        context.close()
    assert sorted(names) == sorted(ids.values())
    assert shown == [amounts[n] for n in names]
    assert footer == sum(amounts.values()) and count == len(ids)
    if row == "按金额从高到低":
        assert shown == sorted(shown, reverse=True) and shown != list(reversed(shown))


def test_without_javascript_a_township_page_leads_to_each_villages_own_list(
    browser,  # noqa: F811
    url,
):
    context = _context(browser, PHONE, java_script_enabled=False)
    seen = {}
    try:
        page = context.new_page()
        page.goto(url + f"projects/by/{TOWN}/")
        links = page.locator(".gs-filters__row", has_text=f"{TOWN}按村：").locator("a")
        targets = [
            (a.inner_text(), a.locator(".gs-filters__n").inner_text(), a.get_attribute("href"))
            for a in links.all()
        ]
        assert len(targets) >= 2
        for text, n, href in targets:
            page.goto(url + f"projects/by/{TOWN}/" + href)
            block = page.locator("#projects + .gs-list")  # the list right under 本村项目
            name = text[: -len(n)].strip()
            seen[name] = (
                block.locator("tbody tr .gs-list__name").count(),
                int(n),
                page.locator("article h1").inner_text(),
            )
    finally:
        context.close()
    for name, (rows, n, h1) in seen.items():
        assert h1.endswith(name) and rows == n > 0, (name, rows, n, h1)


def test_with_javascript_the_list_filters_and_sorts_in_place_and_sums_what_is_shown(
    browser,  # noqa: F811
    url,
    site,
):
    names, total = _expected(site, TOWN, YEAR)
    context = _context(browser, DESKTOP)
    try:
        page = context.new_page()
        page.goto(url + "projects/", wait_until="networkidle")
        all_rows = page.locator(".gs-list__table tbody tr").count()
        form = page.locator(".gs-list__form")
        form.locator("select[data-key=township]").select_option(TOWN)
        form.locator("select[data-key=year]").select_option(YEAR)
        visible = page.locator(".gs-list__table tbody tr:not([hidden])")
        shown = set(visible.locator(".gs-list__name").all_inner_texts())
        line = page.locator(".gs-list__shown").inner_text()
        form.locator("label", has_text="排序").locator("select").select_option(label="金额从高到低")
        amounts = [_yuan(t) for t in visible.locator(".gs-list__amount").all_inner_texts()]
        form.get_by_role("button", name="全部显示").click()
        back = page.locator(".gs-list__table tbody tr:not([hidden])").count()
    finally:
        context.close()
    assert shown == names
    assert f"筛选后显示 {len(names)} 个项目" in line
    assert f"合计 {total:,.2f} 元" in line
    assert amounts == sorted(amounts, reverse=True) and len(amounts) == len(names)
    assert back == all_rows > len(names)


def test_a_project_list_shows_a_hostile_name_as_typed_and_runs_no_script(browser, hostile):  # noqa: F811
    dialogs: list[str] = []
    for site_url in serve(hostile):
        context = _context(browser, PHONE)
        try:
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for rel in ("projects/", "projects/by/青山镇/2020/"):
                page.goto(site_url + rel, wait_until="networkidle")
                names = page.locator(".gs-list__name").all_inner_texts()
                assert " ".join(NAME.split()) in [" ".join(n.split()) for n in names], rel
        finally:
            context.close()
    assert dialogs == []


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_nothing_serious_on_the_lists_as_cards_and_as_tables(browser, url):  # noqa: F811
    axe = Axe()
    failures = {}
    for viewport in (PHONE, DESKTOP):
        context = _context(browser, viewport)
        try:
            page = context.new_page()
            page.add_init_script(
                "addEventListener('DOMContentLoaded', () => document.head.insertAdjacentHTML("
                "'beforeend', '<style>*{transition:none!important;animation:none!important}"
                "</style>'))"
            )
            for rel in ("projects/", f"projects/by/{TOWN}/{YEAR}/", "rectifications/", "funds/"):
                page.goto(url + rel, wait_until="networkidle")
                tools = page.locator("details.gs-list__tools")
                if tools.count() and not tools.first.get_attribute("open"):
                    tools.first.locator("summary").click()  # the filter form, opened
                bad = _serious(axe.run(page))
                if bad:
                    failures[f"{rel} @ {viewport['width']}"] = bad
        finally:
            context.close()
    assert failures == {}


# --- the demo county's record pages: their own tables are cards too ------------------------

# Each kind of table a village or project page can hold, by the heading above it: the test
# opens the first page of the demo that has it, so every kind is seen on a phone.
RECORD_TABLES = {
    "villages": ("每年得到的资金", "本村项目", "扶贫项目资产", "到户补助", "问题整改"),
    "projects": (
        "资金安排与拨付",
        "资金拨付",
        "收益分配",
        "扶贫项目资产",
        "异议及处理",
        "变更记录",
    ),
}

OPTIONAL = {"变更记录"}


def _record_pages(site: Path) -> dict[str, list[str]]:
    """Heading → the first village or project page of ``site`` that has it."""
    out: dict[str, list[str]] = {}
    for folder, headings in RECORD_TABLES.items():
        pages = sorted(p for p in (site / folder).glob("*/index.html"))
        for heading in headings:
            for p in pages:
                html = p.read_text("utf-8")
                if f">{heading}</h2>" in html or f">{heading}</h3>" in html:
                    out.setdefault(f"{folder}/{p.parent.name}/", []).append(heading)
                    break
            else:
                # 变更记录 needs the data's git history, which a test's copy of data/ lacks
                if heading not in OPTIONAL:
                    raise AssertionError(f"no {folder} page of the demo has {heading}")
    return out


def test_demo_village_and_project_pages_fit_a_phone_as_cards_and_a_desktop_unclipped(
    browser,  # noqa: F811
    demo,
):
    site = demo[0] / "site"
    pages = _record_pages(site)
    faults: dict[str, list] = {}
    for base in serve(site):
        context = _context(browser, PHONE)
        try:
            page = context.new_page()
            for rel, headings in pages.items():
                page.goto(base + rel, wait_until="networkidle")
                seen = page.evaluate(_CARDS)
                width = page.evaluate("() => document.scrollingElement.scrollWidth")
                wide_plain = page.evaluate(
                    "() => [...document.querySelectorAll('article table:not(.gs-list__table)')]"
                    ".filter(t => t.rows[0] && t.rows[0].cells.length > 3).length"
                )
                found = []
                if width > PHONE["width"]:
                    found.append(f"the page is {width} px wide")
                if seen["wide"]:
                    found.append(f"a box scrolls sideways: {seen['wide'][:3]}")
                if wide_plain:
                    found.append(f"{wide_plain} tables of more than 3 columns are not cards")
                if found:
                    faults[f"{rel} ({'、'.join(headings)})"] = found
        finally:
            context.close()
        # and at 1280 px, beside Material's navigation (a ~690 px column), no table is clipped
        context = _context(browser, DESKTOP)
        try:
            page = context.new_page()
            for rel in pages:
                page.goto(base + rel, wait_until="networkidle")
                tables = page.evaluate(_TABLES)
                clipped = [t for t in tables if t["clipped"] or t["right"] > t["article"] + 0.5]
                if clipped:
                    faults[f"{rel} @ 1280"] = clipped
        finally:
            context.close()
    assert faults == {}
