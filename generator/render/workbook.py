"""The county's data as one Excel workbook: a sheet per table, as an inspector opens it.

The CSV and JSON downloads are for programs; auditors and journalists work in Excel. So the
workbook has Chinese headers, money as numbers with two decimals (``#,##0.00``), dates as
dates, a frozen header row and filters on, one sheet per public table, in the order of the
data contract. It holds exactly the rows of the CSV downloads (the same records, the same
masking), so its sums equal theirs to the 分.

Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written as
a text cell, never as a formula (OWASP's advice against formula injection): a remark typed
as ``=HYPERLINK(…)`` opens as the words, not as a link. Same data, same bytes: the
workbook's dates and the zip entries' times are fixed, not the clock.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from generator.model import Dataset
from generator.model.dataset import published_tables, records
from generator.model.tables import LIST_SEP, header
from generator.records import Table

FILE = "county.xlsx"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIXED = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
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


def _sheet(wb: Workbook, table: Table, rows: list[Any]) -> None:
    ws = wb.create_sheet(table.title[:31])
    ws.append([header(c) for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r in rows:
        ws.append([cell_value(getattr(r, c.key), c.kind) for c in table.columns])
    for i, c in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = _WIDTH.get(c.kind, 18)
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            if c.kind == "money":
                cell.number_format = "#,##0.00"
            elif c.kind == "date":
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"  # text, never a formula
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions


def workbook_bytes(ds: Dataset) -> bytes:
    """The workbook of every public table, reproducibly (no clock inside)."""
    wb = Workbook()
    wb.remove(wb.active)
    for table in published_tables(ds):
        _sheet(wb, table, records(ds, table))
    wb.properties.created = wb.properties.modified = _FIXED
    wb.properties.creator = ds.site.office or ds.site.name
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's time fixed and the workbook's "modified" date fixed:
    openpyxl stamps the current time into both when it saves."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()
