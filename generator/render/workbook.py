"""The county's data as one Excel workbook, and each record page's data slice as a small
one: a sheet per table, as an inspector opens it.

The CSV and JSON downloads are for programs; auditors and journalists work in Excel. So the
workbook has Chinese headers, money as numbers with two decimals (``#,##0.00``), dates as
dates, a frozen header row and filters on, one sheet per public table, in the order of the
data contract. It holds exactly the rows of the CSV downloads (the same records, the same
masking), so its sums equal theirs to the 分. A page's slice (``slices/<kind>/<id>.xlsx``,
next to its ``.json``) follows the same conventions with the tables of that page.

Text is always written as a text cell, never as a formula, so a value that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP's list for formula injection)
opens as the words: a remark typed as ``=HYPERLINK(…)`` is not a link. Same data, same
bytes: ``render/xlsx.py`` writes the parts itself, with fixed times (openpyxl took 200 ms a
workbook, minutes for a county's slices).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from generator.memo import Memo
from generator.model import Dataset
from generator.model.dataset import published_tables, records
from generator.model.tables import LIST_SEP, header
from generator.records import TABLES, Table
from generator.render import xlsx

FILE = "county.xlsx"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # written as text like all text
_WIDTH = {"money": 16, "date": 12, "int": 10, "year": 8, "bool": 8}


def cell_value(value: Any, kind: str) -> Any:
    """One value as the workbook holds it: money as a Decimal in 元, dates as dates.

    >>> from datetime import date
    >>> cell_value(19479215, "money"), cell_value(date(2018, 3, 5), "date")
    (Decimal('194792.15'), datetime.date(2018, 3, 5))
    >>> cell_value(("松洞村", "杨庄村"), "list"), cell_value(True, "bool"), cell_value(None, "int")
    ('松洞村；杨庄村', '是', None)
    """
    if value is None or value == "" or value == ():
        return None
    if kind == "money":
        return Decimal(value) / 100
    if kind == "bool":
        return "是" if value else "否"
    if kind == "list":
        return LIST_SEP.join(value)
    return value


def sheet(table: Table, rows: Iterable[Any]) -> xlsx.Sheet:
    """One table's sheet: its Chinese title, CSV headers and the rows' values."""
    cols = table.columns
    return xlsx.Sheet(
        name=table.title,
        header=[header(c) for c in cols],
        rows=[[cell_value(getattr(r, c.key), c.kind) for c in cols] for r in rows],
        kinds=[c.kind for c in cols],
        widths=[_WIDTH.get(c.kind, 18) for c in cols],
    )


def workbook_bytes(ds: Dataset, memo: Memo | None = None) -> bytes:
    """The workbook of every public table, reproducibly (no clock inside)."""
    sheets = [sheet(t, records(ds, t)) for t in published_tables(ds)]
    return xlsx.workbook(
        sheets, creator=ds.site.office or ds.site.name, title=ds.site.name, memo=memo
    )


def slice_bytes(
    ds: Dataset, page: str, tables: dict[str, list[Any]], memo: Memo | None = None
) -> bytes:
    """One page's data slice (``tables``: table name → its records on that page), one sheet
    per table, in the order given."""
    by_name = {t.name: t for t in TABLES}
    sheets = [sheet(by_name[name], rows) for name, rows in tables.items()]
    return xlsx.workbook(sheets, creator=ds.site.office or ds.site.name, title=page, memo=memo)
