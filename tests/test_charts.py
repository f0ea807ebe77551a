"""The charts (``generator/render/charts.py``) as a reader and an inspector meet them: each
SVG draws the same figures as the table next to it (the table's figures are checked against
the downloads by ``gongshi verify``), the same data gives the same bytes, nothing in a
chart is fetched from anywhere, and a screen reader gets a name and a description.

The contract county is built once per session (conftest ``contract``); the figures of a
chart are read from its ``data-label`` / ``data-value`` attributes and its text, the
table's from the cells a reader sees.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEST_DATA, build_project, make_project, write_data
from test_site import Page, Table

from generator.pipeline import check
from generator.render import charts, render

CHART = re.compile(r'<div class="gs-chart" data-search-exclude>(<svg .*?</svg>)</div>', re.S)
MONEY_CHARTS = {"year", "township", "category", "source", "fund", "village"}


def chart_pages(site: Path) -> dict[str, str]:
    """Every built page with a chart: its path → its HTML."""
    out = {}
    for path in sorted(site.rglob("index.html")):
        text = path.read_text("utf-8")
        if 'class="gs-chart"' in text:
            out[path.relative_to(site).parent.as_posix()] = text
    return out


def charts_with_tables(html: str) -> list[tuple[ET.Element, Table | None, str]]:
    """Each chart of a page, parsed as XML, with the table that follows it (``None``
    when the next thing is not a table) and the HTML between the two."""
    out = []
    for m in CHART.finditer(html):
        svg = ET.fromstring(m.group(1))
        rest = html[m.end() :]
        after = rest.split("<table", 1)[0]
        table = None
        if "<table" in rest and "gs-chart" not in after and "<h2" not in after:
            fragment = "<article><table" + rest.split("<table", 1)[1].split("</table>", 1)[0]
            table = Page(fragment + "</table></article>").tables[0]
        out.append((svg, table, after))
    return out


def bars_of(svg: ET.Element) -> list[ET.Element]:
    return [g for g in svg.iter("g") if g.get("class") == "gs-chart__bar"]


def yuan(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def fen(text: str) -> int:
    return int(yuan(text) * 100)


def _key(text: str) -> str:
    """A row's name as the chart and the table both write it (2019年 / 2019)."""
    text = text.strip()
    return "未注明" if text in ("未注明", "未注明年度") else text.removesuffix("年")


def row_of(table: Table, label: str) -> list[str]:
    rows = [r for r in table.rows if _key(r[0]) == _key(label) or r[0].startswith(label + "（")]
    assert len(rows) == 1, (label, table)
    return rows[0]


def money_column(table: Table) -> int:
    return table.column("资金（元）", "金额（元）", "资金（元）")


# --- the picture and the table say the same --------------------------------------------------


@pytest.fixture(scope="module")
def contract_charts(contract) -> dict[str, str]:
    pages = chart_pages(contract[0] / "site")
    assert pages
    return pages


def test_every_kind_of_chart_is_on_its_page(contract_charts):
    kinds = {
        page: [svg.get("data-chart") for svg, _, _ in charts_with_tables(html)]
        for page, html in contract_charts.items()
    }
    assert kinds["."] == ["year", "township", "category"]
    assert kinds["flow"] == ["source", "category", "township"]
    assert kinds["compliance"] == ["compliance"]
    assert all(k == ["fund"] for p, k in kinds.items() if p.startswith("funds/"))
    assert all(k == ["progress"] for p, k in kinds.items() if p.startswith("projects/"))
    assert all(k == ["village"] for p, k in kinds.items() if p.startswith("villages/"))
    for folder in ("funds", "projects", "villages"):
        assert any(p.startswith(folder + "/") for p in kinds), folder


def test_each_bar_chart_draws_the_figures_of_the_table_next_to_it(contract_charts):
    compared = 0
    for page, html in contract_charts.items():
        for svg, table, _ in charts_with_tables(html):
            kind = svg.get("data-chart")
            if kind == "progress" or svg.find(".//g[@data-series]") is not None:
                continue  # below: the progress bar and the stacked bars
            assert table is not None, (page, kind)
            bars = bars_of(svg)
            assert bars, (page, kind)
            for bar in bars:
                label, group = bar.get("data-label", ""), bar.get("data-group", "")
                shown = [t.text or "" for t in bar.iter("text")][-1]  # the figure at its end
                if group:  # grouped bars: the group is the table's row, the bar its column
                    row, col = row_of(table, group), table.column(label)
                else:
                    row, col = row_of(table, label), money_column(table)
                cell = row[col]
                if kind in MONEY_CHARTS:
                    assert fen(cell) == int(bar.get("data-value", "").replace(",", "")), (
                        page,
                        label,
                        cell,
                    )
                    assert shown == f"{yuan(cell) / 10000:,.2f} 万元", (page, label, shown)
                else:  # rates: the table prints the same percentage
                    assert shown in cell, (page, group, label, cell)
                compared += 1
            # and the other way round: every row of the table is drawn
            drawn = {_key(b.get("data-group") or b.get("data-label", "")) for b in bars}
            names = {_key(r[0]) for r in table.rows if r[0] != "合计"}
            if kind == "fund":
                names = {n.split("（")[0] for n in names}
            assert names == drawn, (page, kind)
    assert compared > 20


def test_each_stacked_bar_draws_the_cells_and_the_total_of_its_table_row(contract_charts):
    stacked = 0
    for page, html in contract_charts.items():
        for svg, table, _ in charts_with_tables(html):
            if svg.find(".//g[@data-series]") is None:
                continue
            assert table is not None
            legend = [t.text for t in svg.findall("text")]
            total_col = table.column("合计")
            assert len(bars_of(svg)) == len(table.rows)
            for bar in bars_of(svg):
                row = row_of(table, bar.get("data-label", ""))
                assert int(bar.get("data-value", "").replace(",", "")) == fen(row[total_col])
                segments = {
                    s.get("data-series"): int(s.get("data-value", "").replace(",", ""))
                    for s in bar
                    if s.tag == "g"  # the others: the row's own label and total
                }
                for col, name in enumerate(table.header[1:total_col], start=1):
                    assert segments.get(name, 0) == fen(row[col]), (page, name)
                    assert f"{list(table.header).index(name)} {name}" in legend
                stacked += 1
    assert stacked >= 3


def test_the_progress_bar_draws_the_sentence_under_it(contract_charts):
    seen = 0
    for page, html in contract_charts.items():
        if not page.startswith("projects/"):
            continue
        ((svg, _, after),) = charts_with_tables(html)
        figures = [fen(x) for x in re.findall(r'class="gs-fig"[^>]*>([\d,.]+)<', after)]
        bar = bars_of(svg)[0]
        paid, whole = (
            int(bar.get("data-value", "").replace(",", "")),
            int(bar.get("data-whole", "").replace(",", "")),
        )
        assert figures[:2] == [paid, whole], page
        rate = re.search(r"拨付进度 ([\d.]+)%", after)
        assert rate, page
        assert f"{rate.group(1)}%" in (svg.findtext("text") or "")
        filled = [r for r in bar.iter("rect")][-1]
        share = min(paid / whole, 1)
        assert abs(float(filled.get("width", "")) - 359 * share) < 0.1, page
        seen += 1
    assert seen >= 5


def test_a_village_chart_keeps_shared_projects_out_of_the_village_total(tmp_path):
    """Two villages share a project: each village's chart shows its full amount apart
    (共建项目（全额）), and the village's own column adds up to its 本村合计, never
    with the shared project in it."""
    data = write_data(
        tmp_path / "county",
        {
            "villages.csv": "code,township,name\n990000000001,东镇,甲村\n990000000002,东镇,乙村\n",
            "projects.csv": "id,name,year,township,villages,category,status\n"
            "P1,甲村道路,2020,东镇,甲村,基础设施,已完工\n"
            "P2,两村水渠,2020,东镇,甲村、乙村,基础设施,已完工\n"
            "P3,甲村大棚,2021,东镇,甲村,产业发展,实施中\n",
            "project_funding.csv": "project_id,source,amount\n"
            "P1,中央财政,100000\nP2,中央财政,300000\nP2,县级财政,50000\nP3,省级财政,80000\n",
        },
        (TEST_DATA / "tiny" / "site.yaml").read_text("utf-8"),
    )
    project = make_project(tmp_path / "county", None)
    assert data == project / "data"
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    site = project / "site"
    for code, own, shared in (
        ("990000000001", {"2021": 80000, "2020": 100000}, 350000),
        ("990000000002", {}, 350000),
    ):
        ((svg, table, _),) = charts_with_tables(Page.of(site, f"villages/{code}/").source)
        assert table is not None
        shared_col = table.column("共建项目")
        assert fen(row_of(table, "2020")[shared_col]) == shared * 100
        if own:
            own_col = table.column("本村项目")
            assert {_key(r[0]): fen(r[own_col]) // 100 for r in table.rows} == own
        else:
            assert "本村项目" not in "".join(table.header)  # nothing of its own to draw
        labels = {b.get("data-label") for b in bars_of(svg)}
        assert "共建项目（全额）" in labels
    page = Page.of(site, "villages/990000000001/")
    assert "共建项目按项目全额列出" in page.article
    # the flow page: 2 sources, stacked per category and per township, same total
    flow = Page.of(site, "flow/")
    assert "全县项目资金共 530,000.00 元" in flow.article


# --- reproducible, self-contained, accessible ----------------------------------------------


def _svgs(content: Path) -> dict[str, list[str]]:
    return {
        p.relative_to(content).as_posix(): CHART.findall(p.read_text("utf-8"))
        for p in sorted(content.rglob("*.md"))
        if "gs-chart" in p.read_text("utf-8")
    }


def test_the_same_data_gives_byte_identical_charts(tmp_path, contract):
    """Rendered twice from fresh copies, and built by MkDocs: the same SVG bytes."""
    got = []
    for name in ("a", "b"):
        project = make_project(tmp_path / name, TEST_DATA / "contract_county")
        checked = check(project / "data")
        assert checked.dataset is not None
        render(checked.dataset, project, checked.report)
        got.append(_svgs(project / "content"))
    assert got[0] == got[1]
    assert sum(len(v) for v in got[0].values()) > 10
    # MkDocs passes the chart through untouched
    site = contract[0] / "site"
    for rel, svgs in got[0].items():
        page = rel.removesuffix(".md").removesuffix("index").strip("/")
        built = (site / page / "index.html") if page else site / "index.html"
        assert CHART.findall(built.read_text("utf-8")) == svgs, rel
    shutil.rmtree(tmp_path)


def test_no_chart_names_an_outside_address_or_loads_anything(contract_charts):
    for page, html in contract_charts.items():
        for svg_text in CHART.findall(html):
            assert not re.search(r"https?:|//|url\(|href|src=|@import", svg_text), page
            svg = ET.fromstring(svg_text)
            tags = {el.tag for el in svg.iter()}
            assert tags <= {"svg", "title", "desc", "g", "rect", "text"}, (page, tags)
            assert "font-family" not in svg_text  # the page's own (local) font stack


def test_every_chart_has_a_name_and_a_description_for_a_screen_reader(contract_charts):
    for page, html in contract_charts.items():
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), page  # every chart's ids are unique on its page
        for svg_text in CHART.findall(html):
            svg = ET.fromstring(svg_text)
            assert svg.get("role") == "img"
            title, desc = svg.find("title"), svg.find("desc")
            assert title is not None and desc is not None and title.text and desc.text
            assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
            assert "数字见下表" in desc.text or svg.get("data-chart") == "progress"


# --- the drawing itself ----------------------------------------------------------------------


def test_a_label_from_the_data_is_text_never_markup():
    hostile = '</text><script>alert(1)</script>&"'
    svg = charts.bars("x", hostile, hostile, [charts.Bar(hostile, 5, hostile)])
    assert "<script>" not in svg
    ET.fromstring(CHART.search(svg).group(1))  # still well-formed
    parsed = ET.fromstring(CHART.search(svg).group(1))
    assert parsed.find("title").text == hostile
    assert bars_of(parsed)[0].get("data-label") == hostile


def test_a_negative_balance_is_written_but_drawn_as_no_bar():
    svg = charts.bars("x", "t", "d", [charts.Bar("结余", -500, "-0.05 万元")])
    bar = bars_of(ET.fromstring(CHART.search(svg).group(1)))[0]
    assert bar.find("rect").get("width") == "0"
    assert [t.text for t in bar.iter("text")][-1] == "-0.05 万元"


def test_a_progress_over_the_whole_is_drawn_full_and_said_as_it_is():
    svg = charts.progress("p", "t", "d", 150, 100, "已拨付 150%")
    rects = list(ET.fromstring(CHART.search(svg).group(1)).iter("rect"))
    assert rects[-1].get("width") == rects[0].get("width")
    assert "已拨付 150%" in svg


def test_colours_meet_the_contrast_for_graphics_and_white_numbers():
    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for colour in charts.COLOURS:
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, colour
