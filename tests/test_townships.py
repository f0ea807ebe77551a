"""Townships side by side (issue 19, scope 3): a page per township (projects, money,
拨付率, 结余, compliance, cases, rectifications) and one comparison table of all townships,
sortable without JavaScript: one pre-built page per sort key, linked from each other.

Expected totals come from ``contract_county/expected.json`` (worked out by hand), the
per-township split from the CSV downloads, summed here with ``csv`` and ``Decimal``."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEST_DATA
from test_site import Page, number

from generator.render import urls

EXPECTED = json.loads((TEST_DATA / "contract_county" / "expected.json").read_text("utf-8"))
TOWNS = ("张寨镇", "莘州街道")


@pytest.fixture(scope="module")
def site(contract) -> Path:
    project, result = contract
    assert result.published
    return project / "site"


def _csv(site: Path, table: str) -> list[dict[str, str]]:
    text = (site / "downloads" / f"{table}.csv").read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _by_town(site: Path) -> dict[str, dict[str, Decimal]]:
    """Per township from the downloads: projects, funding, allocated, disbursed, cases."""
    town_of = {r["项目编号"]: r["乡镇"] for r in _csv(site, "projects")}
    out = {
        t: dict.fromkeys(("projects", "funding", "allocated", "disbursed"), Decimal(0))
        for t in TOWNS
    }
    for t in town_of.values():
        out[t]["projects"] += 1
    for table, key in (("project_funding", "funding"), ("allocations", "allocated")):
        for r in _csv(site, table):
            out[town_of[r["项目编号"]]][key] += Decimal(r["金额(元)"])
    for r in _csv(site, "disbursements"):
        out[town_of[r["项目编号"]]]["disbursed"] += Decimal(r["金额(元)"])
    for t in TOWNS:
        out[t]["cases"] = Decimal(sum(1 for r in _csv(site, "cases") if r["乡镇"] == t))
    return out


def _table(page: Page):
    return page.table_with("乡镇", "拨付率", "结余")


def test_the_comparison_adds_up_to_the_county(site: Path) -> None:
    table = _table(Page.of(site, "townships"))
    cols = {k: table.column(k) for k in ("项目资金", "安排", "已拨付", "结余")}
    assert [r[0] for r in table.rows] == sorted(TOWNS)
    total = {k: sum(number(r[i]) for r in table.rows) for k, i in cols.items()}
    assert total["项目资金"] == Decimal(EXPECTED["project_funding_total"])
    assert total["已拨付"] == Decimal(EXPECTED["disbursed_total"])
    trail = EXPECTED["money_trail"]["funds"]
    allocated = sum(Decimal(f["allocated"]) for f in trail.values())
    assert total["安排"] == allocated
    assert total["结余"] == allocated - Decimal(EXPECTED["disbursed_total"])
    towns = _by_town(site)
    for r in table.rows:
        t = towns[r[0]]
        assert number(r[table.column("项目")]) == t["projects"]
        assert number(r[cols["项目资金"]]) == t["funding"]
        assert number(r[cols["已拨付"]]) == t["disbursed"]
        rate = (t["disbursed"] / t["allocated"] * 100).quantize(Decimal("0.1"), "ROUND_HALF_UP")
        assert r[table.column("拨付率")] == f"{rate}%"
        assert number(r[table.column("案件")]) == t["cases"]


@pytest.mark.parametrize("key", list(urls.TOWNSHIP_SORTS))
def test_each_sort_order_is_a_page_of_its_own(site: Path, key: str) -> None:
    label, path = urls.TOWNSHIP_SORTS[key]
    rel = urls.site_path(path)
    page = Page.of(site, rel.rstrip("/"))
    table = _table(page)
    names = [r[0] for r in table.rows]
    if key == "name":
        assert names == sorted(names)
    else:
        col = table.column({"funding": "项目资金", "rate": "拨付率", "balance": "结余"}[key])
        values = [number(r[col]) for r in table.rows]
        assert values == sorted(values, reverse=True), (key, values)
    # the other orders are links, this one is not (no JavaScript needed to sort)
    for other, (other_label, other_path) in urls.TOWNSHIP_SORTS.items():
        if other == key:
            assert ("按" + other_label) not in [t for _, t in page.links]
        else:
            href = page.link_to("按" + other_label)
            target = (site / rel / href).resolve()
            assert target == (site / urls.site_path(other_path)).resolve(), href
    assert sorted(names) == sorted(TOWNS)  # every page holds every township


def test_a_township_page_holds_its_money_compliance_cases_and_rectifications(site) -> None:
    towns = _by_town(site)
    comparison = _table(Page.of(site, "townships"))
    for name in TOWNS:
        href = Page.of(site, "townships").link_to(name)
        page = Page.of(site, urls.site_path(urls.township(name)).rstrip("/"))
        assert page.headings[0] == ("h1", name), href
        t = towns[name]
        assert number(page.row("项目个数")[1]) == t["projects"]
        assert number(page.row("资金安排到本乡镇项目")[1]) == t["allocated"]
        assert number(page.row("已拨付")[1]) == t["disbursed"]
        assert number(page.row("结余（安排 − 已拨付）")[1]) == t["allocated"] - t["disbursed"]
        line = next(r for r in comparison.rows if r[0] == name)
        assert page.row("拨付率（已拨付 ÷ 安排）")[1] == line[comparison.column("拨付率")]
        assert "完全合规的项目" in page.text and "公示要素完整率" in page.text
        projects = page.table_with("项目", "资金规模")
        assert len(projects.rows) == t["projects"]
        cases = [x for x in _csv(site, "cases") if x["乡镇"] == name]
        assert ("本乡镇暂无执纪通报" in page.text) == (not cases)
        rects = [x for x in _csv(site, "rectifications") if x["乡镇"] == name]
        if rects:
            assert len(page.table_with("问题", "整改时限").rows) == len(rects)


def test_the_nav_has_the_comparison_and_no_township_record(site: Path) -> None:
    home = Page.of(site, "")
    assert "乡镇对比" in home.nav
    assert not any(n in TOWNS for n in home.nav)
