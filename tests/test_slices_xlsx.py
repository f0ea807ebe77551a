"""Per-page data slices as Excel workbooks (issue 19, scope 4): every project, fund and
village page links ``slices/<kind>/<id>.xlsx`` next to its JSON slice, with the county
workbook's conventions (Chinese headers, money as numbers with two decimals, dates as
dates, frozen header, filters, formula-like text as text), reproducible byte for byte.
Read back with openpyxl, its sums equal the JSON slice and the CSV downloads to the 分."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import TEST_DATA
from test_site import Page

from generator.model.tables import header
from generator.pipeline import check
from generator.records import TABLE_BY_NAME
from generator.render import downloads, workbook


@pytest.fixture(scope="module")
def site(contract) -> Path:
    project, result = contract
    assert result.published
    return project / "site"


def _csv(site: Path, table: str) -> list[dict[str, str]]:
    text = (site / "downloads" / f"{table}.csv").read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_every_json_slice_has_an_xlsx_with_the_same_rows_and_sums(site: Path) -> None:
    slices = sorted((site / "downloads" / "slices").rglob("*.json"))
    assert len(slices) == 12 + 3 + 8  # projects, funds, villages of the contract county
    for path in slices:
        doc = json.loads(path.read_text("utf-8"))
        wb = openpyxl.load_workbook(path.with_suffix(".xlsx"))
        titles = [TABLE_BY_NAME[t].title for t in doc["tables"]]
        assert wb.sheetnames == titles, path
        for name, rows in doc["tables"].items():
            table = TABLE_BY_NAME[name]
            ws = wb[table.title]
            assert [c.value for c in ws[1]] == [header(c) for c in table.columns]
            assert ws.max_row == len(rows) + 1, (path, name)
            assert ws.freeze_panes == "A2"
            assert bool(ws.auto_filter.ref) == bool(rows)
            for i, c in enumerate(table.columns, start=1):
                cells = [ws.cell(r, i) for r in range(2, ws.max_row + 1)]
                values = [x.value for x in cells if x.value is not None]
                if c.kind == "money":
                    assert all(x.number_format == "#,##0.00" for x in cells if x.value is not None)
                    from_xlsx = sum((Decimal(str(v)) for v in values), Decimal(0))
                    from_json = sum((Decimal(r[c.key]) for r in rows if r[c.key]), Decimal(0))
                    assert from_xlsx == from_json, (path, name, c.key)
                elif c.kind == "date":
                    assert all(isinstance(v, datetime) for v in values), (path, name, c.key)
                    shown = [v.date().isoformat() for v in values]
                    assert shown == [r[c.key] for r in rows if r[c.key]]


def test_a_project_slice_sums_to_its_csv_rows_to_the_fen(site: Path) -> None:
    for pid in ("SX2019002", "SX2020005", "SX2020006"):
        wb = openpyxl.load_workbook(site / f"downloads/slices/projects/{pid}.xlsx")
        for name in ("project_funding", "allocations", "disbursements"):
            rows = [r for r in _csv(site, name) if r["项目编号"] == pid]
            ws = wb[TABLE_BY_NAME[name].title]
            col = [c.value for c in ws[1]].index("金额(元)") + 1
            cells = [ws.cell(r, col).value for r in range(2, ws.max_row + 1)]
            from_xlsx = sum((Decimal(str(v)) for v in cells if v is not None), Decimal(0))
            assert from_xlsx == sum((Decimal(r["金额(元)"]) for r in rows), Decimal(0)), pid
            assert len(cells) == len(rows)


def test_the_record_pages_link_both_slices(site: Path) -> None:
    for rel, target in (
        ("projects/SX2019002", "downloads/slices/projects/SX2019002.xlsx"),
        ("funds/F2019-01", "downloads/slices/funds/F2019-01.xlsx"),
    ):
        page = Page.of(site, rel)
        href = page.link_to("下载本页数据（Excel）")
        assert href.endswith(target), href
        assert (site / rel / href).resolve() == (site / target).resolve()
        assert page.link_to("下载本页数据（JSON）").endswith(target.replace(".xlsx", ".json"))
    sums = (site / "downloads" / "SHA256SUMS").read_text("utf-8")
    assert "  slices/projects/SX2019002.xlsx\n" in sums


def test_slices_are_reproducible_and_formula_text_stays_text() -> None:
    ds = check(TEST_DATA / "tiny").dataset
    remarks = '=HYPERLINK("http://evil.example/","点我")'
    ds.projects[0] = dataclasses.replace(ds.projects[0], remarks=remarks, name="-1+2")
    kind, key, page, tables = next(iter(downloads.slice_records(ds)))
    data = workbook.slice_bytes(ds, page, tables)
    assert data == workbook.slice_bytes(ds, page, tables)  # no clock inside
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.properties.modified == datetime(2000, 1, 1)
    ws = wb["项目"]
    heads = [c.value for c in ws[1]]
    for title, value in (("备注", remarks), ("项目名称", "-1+2")):
        cell = ws.cell(2, heads.index(title) + 1)
        assert cell.value == value and cell.data_type == "s", title


def test_text_that_xml_cannot_hold_survives() -> None:
    """A control character (a vertical tab pasted from Word) cannot stand in XML: it is
    written as SpreadsheetML's ``_xHHHH_`` escape, which Excel and WPS decode (openpyxl
    leaves escapes as they are, so the test decodes them as Excel does)."""
    import re

    ds = check(TEST_DATA / "tiny").dataset
    odd = "第一行\x0b第二行 & <备注> _x0041_"
    ds.projects[0] = dataclasses.replace(ds.projects[0], remarks=odd)
    _, _, page, tables = next(iter(downloads.slice_records(ds)))
    ws = openpyxl.load_workbook(io.BytesIO(workbook.slice_bytes(ds, page, tables)))["项目"]
    cell = ws.cell(2, [c.value for c in ws[1]].index("备注") + 1)
    as_excel_reads = re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), cell.value)
    assert as_excel_reads == odd
