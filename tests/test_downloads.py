"""Open data downloads of the demo county, read back from the built ``site/`` as a
supervisor would: recompute the home page's totals to the 分, check the checksums, validate
the Frictionless data package, and find the data behind a project page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import require_tool

from generator.records import PRIVATE, TABLE_BY_NAME


def _text(html: str) -> str:
    """The text a reader sees: inline spans (a figure's ``gs-fig``) join their neighbours."""
    html = re.sub(r"</?span\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _fen(text: str) -> int:
    """``19,397,982.70`` → 1939798270, exactly."""
    value = Decimal(text.replace(",", "")) * 100
    assert value == value.to_integral_value(), text
    return int(value)


def _csv(site: Path, rel: str) -> pd.DataFrame:
    """A download as text only: money never passes through a float."""
    return pd.read_csv(
        site / "downloads" / rel, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def _sum_fen(column: pd.Series) -> int:
    return sum(_fen(x) for x in column if x)


@pytest.fixture(scope="module")
def site(demo) -> Path:
    return demo[0] / "site"


def test_csv_downloads_recompute_the_home_page_totals_to_the_fen(site: Path) -> None:
    home = _text((site / "index.html").read_text(encoding="utf-8"))

    def shown(label: str) -> int:
        m = re.search(re.escape(label) + r" ([\d,]+\.\d{2}) 元", home)
        assert m, label
        return _fen(m.group(1))

    projects = _csv(site, "projects.csv")
    funding = _csv(site, "project_funding.csv")
    benefits = _csv(site, "benefits.csv")
    assert shown("项目资金合计") == _sum_fen(funding["金额(元)"])
    assert shown("下达资金合计") == _sum_fen(_csv(site, "funds.csv")["金额(元)"])
    assert shown("已拨付资金") == _sum_fen(_csv(site, "disbursements.csv")["金额(元)"])
    assert shown("到户补助发放") == _sum_fen(benefits["金额(元)"])
    assert f"项目个数 {len(projects)} 个" in home
    assert f"（{len(benefits)} 户次）" in home
    assert f"村庄 {len(_csv(site, 'villages.csv'))} 个" in home
    households = sum(int(x) for x in projects["受益户数"] if x)
    assert f"项目受益户数 {households} 户" in home

    # 分年度: each year's funding from the year's own download folder
    by_year = re.findall(
        r"\b(20\d\d) (\d+) ([\d,]+\.\d{2}) (\d+)\b", home.split("分年度")[-1].split("最新公示")[0]
    )
    assert by_year
    for year, count, money, _households in by_year:
        year_projects = _csv(site, f"{year}/projects.csv")
        assert len(year_projects) == int(count)
        assert _sum_fen(_csv(site, f"{year}/project_funding.csv")["金额(元)"]) == _fen(money)


def test_downloads_are_excel_ready_and_keep_private_columns_out(demo, site: Path) -> None:
    raw = (site / "downloads" / "benefits.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    private_titles = {c.title for cols in PRIVATE.values() for c in cols}
    private_values = {v for v in demo[1].checked.loaded.private_values if len(v) >= 6}
    assert private_values  # the demo carries ID numbers and accounts: they must stay out
    files = [p for p in (site / "downloads").rglob("*") if p.suffix in (".csv", ".json")]
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".csv":
            assert not set(text.splitlines()[0].split(",")) & private_titles, path
        assert not [v for v in private_values if v in text], path
    heads = _csv(site, "benefits.csv")["户主姓名"]
    assert all("某" in h or "*" in h for h in heads if h)  # masked names only


def test_sha256sums_verify_with_sha256sum(site: Path) -> None:
    sha256sum = require_tool("sha256sum")
    downloads = site / "downloads"
    listed = [
        line.split("  ", 1)[1]
        for line in (downloads / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    ]
    on_disk = sorted(
        p.relative_to(downloads).as_posix()
        for p in downloads.rglob("*")
        if p.is_file() and p.suffix in (".csv", ".json", ".xlsx")
    )
    assert sorted(listed) == on_disk  # every download is covered, manifest included
    proc = subprocess.run(
        [sha256sum, "-c", "--strict", "SHA256SUMS"], cwd=downloads, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    manifest = json.loads((downloads / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data_date"] == "2019-04-30"
    assert manifest["totals"]["项目资金合计(元)"] == "23297782.70"  # test_totals: by hand


@pytest.mark.parametrize("package", ["datapackage.json", "2018/datapackage.json"])
def test_frictionless_validates_the_data_package(site: Path, package: str) -> None:
    path = site / "downloads" / package
    proc = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["valid"] is True
    tasks = {t["name"]: t for t in report["tasks"]}
    assert "projects" in tasks and tasks["projects"]["stats"]["rows"] > 0
    described = json.loads(path.read_text(encoding="utf-8"))
    funding = next(r for r in described["resources"] if r["name"] == "project_funding")
    assert funding["schema"]["foreignKeys"][0]["reference"]["resource"] == "projects"
    projects = next(r for r in described["resources"] if r["name"] == "projects")
    assert projects["schema"]["primaryKey"] == ["项目编号"]
    money = next(f for f in funding["schema"]["fields"] if f["name"] == "金额(元)")
    assert money["type"] == "number" and money["title"] == "金额"


def test_project_fund_and_village_pages_link_to_their_data(site: Path) -> None:
    page = (site / "projects" / "JL2018-001" / "index.html").read_text(encoding="utf-8")
    m = re.search(r'href="([^"]*slices/projects/JL2018-001\.json)"', page)
    assert m and "下载本页数据" in page
    data = json.loads(
        (site / "projects" / "JL2018-001" / m.group(1)).resolve().read_text(encoding="utf-8")
    )
    total = sum(_fen(r["amount"]) for r in data["tables"]["project_funding"])
    assert total > 0
    assert re.search(
        r"合计.{0,80}?" + re.escape(f"{total // 100:,}.{total % 100:02d}"), _text(page)
    )
    for rel, pattern in (
        ("funds/F2018-01", "slices/funds/F2018-01.json"),
        ("villages/371324104201", "slices/villages/371324104201.json"),
    ):
        html = (site / rel / "index.html").read_text(encoding="utf-8")
        link = re.search(r'href="([^"]*' + re.escape(pattern) + ')"', html)
        assert link, rel
        assert (site / rel / link.group(1)).resolve().is_file()


def test_each_year_stays_reachable_in_the_archive(site: Path) -> None:
    index = _text((site / "archive" / "index.html").read_text(encoding="utf-8"))
    assert "2018 年" in index and "2019 年" in index
    y2018 = _text((site / "archive" / "2018" / "index.html").read_text(encoding="utf-8"))
    assert "GS2018-001" in y2018 and "GS2019-001" not in y2018
    notices = _csv(site, "2018/notices.csv")
    assert all(d.startswith("2018") for d in notices["公示开始日期"])
    assert all(n in y2018 for n in notices["公示编号"])


def test_json_downloads_hold_one_row_per_line(site: Path) -> None:
    """A supervisor opening projects.json in a text editor (or diffing two years) sees one
    project per line, and every such line is JSON on its own."""
    path = site / "downloads" / "projects.json"
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    row_lines = [
        line.strip().rstrip(",") for line in text.splitlines() if line.startswith('  {"id": ')
    ]
    assert len(row_lines) == len(doc["rows"]) > 40
    assert [json.loads(line) for line in row_lines] == doc["rows"]


def test_the_county_workbook_sums_to_the_csv_downloads_to_the_fen(demo):
    """An inspector opens county.xlsx in Excel: every sheet holds the CSV's rows, money as
    numbers with two decimals, and the same sums to the 分."""
    import csv
    import io
    from decimal import Decimal

    import openpyxl

    project, _ = demo
    dl = project / "site" / "downloads"
    wb = openpyxl.load_workbook(dl / "county.xlsx")
    checked = 0
    for name in ("project_funding", "funds", "allocations", "disbursements", "benefits"):
        rows = list(csv.DictReader(io.StringIO((dl / f"{name}.csv").read_text("utf-8-sig"))))
        header = next(h for h in rows[0] if h.endswith("(元)"))
        from_csv = sum(Decimal(r[header]) for r in rows if r[header])
        sheet = wb[TABLE_BY_NAME[name].title]
        titles = [c.value for c in sheet[1]]
        col = titles.index(header) + 1
        cells = [sheet.cell(r, col) for r in range(2, sheet.max_row + 1)]
        assert len(cells) == len(rows), name
        assert all(c.number_format == "#,##0.00" for c in cells if c.value is not None)
        from_xlsx = sum(Decimal(str(c.value)) for c in cells if c.value is not None)
        assert from_xlsx == from_csv, name
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        checked += 1
    assert checked == 5
    sums = (dl / "SHA256SUMS").read_text("utf-8")
    assert "  county.xlsx\n" in sums


def test_workbook_text_that_looks_like_a_formula_stays_text():
    """A remark typed as a formula opens in Excel as the words, not as a live link."""
    import dataclasses
    import io

    import openpyxl

    from generator.pipeline import check
    from generator.render.workbook import workbook_bytes

    checked = check(Path(__file__).resolve().parent / "data" / "tiny")
    assert checked.dataset is not None
    remarks = '=HYPERLINK("http://evil.example/","点我")'
    ds = checked.dataset
    ds.projects[0] = dataclasses.replace(ds.projects[0], remarks=remarks)
    data = workbook_bytes(ds)
    assert data == workbook_bytes(ds)  # no clock inside: the same data gives the same bytes
    ws = openpyxl.load_workbook(io.BytesIO(data))["项目"]
    col = [c.value for c in ws[1]].index("备注") + 1
    cell = ws.cell(2, col)
    assert cell.value == remarks and cell.data_type == "s"
