"""A small, fast writer of Excel workbooks (Office Open XML SpreadsheetML), for the county
workbook and the per-page data slices (``render/workbook.py``).

Why not openpyxl for writing: a page's slice is a handful of rows, but openpyxl spends
about 200 ms building and saving even a tiny workbook; with one slice per project, fund and
village page that is minutes for a county. This writer emits the few parts a workbook
needs as text, in one pass, with nothing taken from the clock: the same sheets give the
same bytes. openpyxl still reads what it writes in the tests (``tests/test_slices_xlsx.py``,
``tests/test_downloads.py``).

What a sheet holds: a bold, wrapped header row, frozen; filters over the data; column
widths; cells that are numbers (money with ``#,##0.00``), dates (``yyyy-mm-dd``) or text.
Text is always an inline string, never a formula: a cell that begins with ``=`` is the
words, not a calculation.
"""

from __future__ import annotations

import io
import pickle
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from generator.memo import Memo, digest

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_TIME = "2000-01-01T00:00:00Z"
EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug included)

# Cell styles (index into cellXfs of styles.xml)
PLAIN, HEADER, MONEY, DATE = 0, 1, 2, 3
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name, header, rows of cell values and their kinds, column widths."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]  # None, str, int, Decimal, date
    kinds: Sequence[str]  # per column: money, date, or anything else
    widths: Sequence[float]


def column_letter(i: int) -> str:
    """``0 → 'A'``, ``25 → 'Z'``, ``26 → 'AA'``.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def text_xml(value: str) -> str:
    """Text as SpreadsheetML holds it: XML-escaped; control characters, which XML cannot
    hold, as the format's ``_xHHHH_`` escapes (a literal ``_x0041_`` is escaped itself).

    >>> text_xml("a<b & _x0041_\\x0b")
    'a&lt;b &amp; _x005F_x0041__x000B_'
    """
    value = _ESCAPED.sub(lambda m: "_x005F_" + m.group()[1:], value)
    value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return escape(value)


def _cell(ref: str, value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EPOCH).days}</v></c>'
    if isinstance(value, int | Decimal):
        style = f' s="{MONEY}"' if kind == "money" else ""
        number = format(value, "f") if isinstance(value, Decimal) else str(value)
        return f'<c r="{ref}"{style}><v>{number}</v></c>'
    text = text_xml(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def sheet_xml(sheet: Sheet) -> str:
    ncols = len(sheet.header)
    last = column_letter(max(ncols - 1, 0))
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        f'<dimension ref="A1:{last}{len(sheet.rows) + 1}"/>',
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/>',
    ]
    if ncols:
        parts.append("<cols>")
        for i, w in enumerate(sheet.widths, start=1):
            parts.append(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>')
        parts.append("</cols>")
    parts.append("<sheetData>")
    head = "".join(
        f'<c r="{column_letter(i)}1" s="{HEADER}" t="inlineStr"><is><t>{text_xml(h)}</t></is></c>'
        for i, h in enumerate(sheet.header)
    )
    parts.append(f'<row r="1">{head}</row>')
    letters = [column_letter(i) for i in range(ncols)]
    for n, row in enumerate(sheet.rows, start=2):
        cells = "".join(
            _cell(f"{letters[i]}{n}", v, sheet.kinds[i]) for i, v in enumerate(row) if i < ncols
        )
        parts.append(f'<row r="{n}">{cells}</row>')
    parts.append("</sheetData>")
    if sheet.rows and ncols:
        parts.append(f'<autoFilter ref="A1:{last}{len(sheet.rows) + 1}"/>')
    parts.append("</worksheet>")
    return "".join(parts)


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.00"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{sheets}</Types>"
    )


_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)


def _core(creator: str, title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{text_xml(title)}</dc:title><dc:creator>{text_xml(creator)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:modified>'
        "</cp:coreProperties>"
    )


_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>gongshi</Application></Properties>'
)


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, n in enumerate(names, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
        "</workbook>"
    )


def _workbook_rels(n: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{rels}<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
    )


def sheet_names(names: Sequence[str]) -> list[str]:
    """Excel's rules for sheet names: at most 31 characters, none of ``[]:*?/\\``, unique
    (case-insensitively); a name that clashes gets ``(2)``.

    >>> sheet_names(["资金", "资金", "a/b"])
    ['资金', '资金(2)', 'a_b']
    """
    out: list[str] = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"
        candidate, n = base, 2
        while candidate.lower() in (x.lower() for x in out):
            candidate = f"{base[: 31 - len(str(n)) - 2]}({n})"
            n += 1
        out.append(candidate)
    return out


def workbook(
    sheets: Sequence[Sheet], creator: str = "", title: str = "", memo: Memo | None = None
) -> bytes:
    """The workbook of ``sheets``, reproducibly: fixed times in the zip and the properties.

    ``memo``: workbooks by the hash of what they hold, kept between builds (a county's
    2,400 page slices took a fifth of its render)."""
    if memo is None:
        return _workbook_bytes(sheets, creator, title)
    key = ("xlsx", title, digest(pickle.dumps((list(sheets), creator, title), protocol=5)))
    found = memo.get(key)
    if found is None:
        found = memo.put(key, _workbook_bytes(sheets, creator, title))
    return found


def _workbook_bytes(sheets: Sequence[Sheet], creator: str, title: str) -> bytes:
    names = sheet_names([s.name for s in sheets])
    parts = [
        ("[Content_Types].xml", _content_types(len(sheets))),
        ("_rels/.rels", _RELS),
        ("docProps/app.xml", _APP),
        ("docProps/core.xml", _core(creator, title)),
        ("xl/workbook.xml", _workbook(names)),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
        ("xl/styles.xml", _STYLES),
    ]
    parts += [(f"xl/worksheets/sheet{i}.xml", sheet_xml(s)) for i, s in enumerate(sheets, 1)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, text.encode("utf-8"))
    return out.getvalue()
