"""Tidy a spreadsheet as township cadres export it, before its rows are read.

Real 台账 have a title row above the header, a two-row header with 资金来源 merged over
中央财政/省级财政/县级财政, merged cells down a 乡镇 column, 合计/小计 rows, spacer rows and
columns, and a 填表人 line at the bottom. These functions find the header and tell records
from everything else; the loader reads the records. Nothing is dropped silently: every
normalisation is counted in ``Notes`` and reported once per file or sheet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.dates import cell_to_text

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)

_TOTAL = re.compile(r"^\S{0,12}?(合计|小计|总计)[:：]?$")
_FOOTER = re.compile(
    r"^(填表人|填报人|制表人|审核人|负责人|经办人|分管领导|主要领导|填报单位|"
    r"制表单位|填表单位|制表日期|填报日期|填表日期|说明|注)\s*[:：]"
)
_SHEET_WAN = re.compile(r"单位\s*[:：]\s*万元")
_FULLWIDTH = re.compile(r"[\uff01-\uff5e\u3000]")
_SERIAL = re.compile(r"^\d{5}(\.0+)?$")
IGNORED_HEADERS = ("序号", "编号序号", "no", "no.", "序")


@dataclass
class Notes:
    """What was normalised in one file or sheet: phrase → count, in the order first seen."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, phrase: str, n: int = 1) -> None:
        """``phrase`` may hold ``{n}``; the same phrase is counted, not repeated."""
        if n:
            self.counts[phrase] = self.counts.get(phrase, 0) + n

    def text(self) -> str:
        return "；".join(p.format(n=n) if "{n}" in p else p for p, n in self.counts.items())

    def __bool__(self) -> bool:
        return bool(self.counts)


def compact(text: object) -> str:
    """Text with every kind of space removed: ``合 计`` → ``合计``."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def halfwidth(text: str) -> str:
    """Full-width ASCII (``ＪＬ２０１８－００１``) and the ideographic space → ASCII.

    Used on identifiers and numbers only; prose keeps its Chinese punctuation.

    >>> halfwidth("ＪＬ２０１８－００１　")
    'JL2018-001 '
    """
    return "".join(
        " " if c == "\u3000" else chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c
        for c in text
    )


def has_fullwidth(text: str) -> bool:
    return bool(_FULLWIDTH.search(text))


def texts_of(grid: list[list[Any]]) -> list[list[str]]:
    return [[cell_to_text(v) for v in row] for row in grid]


def fill_merges(grid: list[list[Any]], merges: list[Merge], header_end: int) -> tuple[int, int]:
    """Copy each merged range's value into every cell it covers, as the eye reads it.

    Returns how many ranges were filled that end within the header (rows ``< header_end``),
    and how many reach below it (a 乡镇 cell merged down over its projects).
    """
    head = body = 0
    for r0, c0, r1, c1 in merges:
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
        if r1 < header_end:
            head += 1
        else:
            body += 1
    return head, body


def find_header(texts: list[list[str]], known: Callable[[str], bool]) -> int:
    """The header is the first of the top rows that names at least two known columns
    (title rows such as “2018年金岭镇扶贫项目台账” may stand above it)."""
    for i, cells in enumerate(texts[:10]):
        hits = sum(1 for c in cells if c.strip() and known(c))
        if hits >= 2 or (hits == 1 and len([c for c in cells if c.strip()]) == 1):
            return i
    return 0


def is_sub_header(upper: list[str], lower: list[str], known: Callable[[str], bool]) -> bool:
    """Whether ``lower`` is the second row of a two-row header under ``upper``.

    Under a column the upper row names, the lower row is empty (CSV) or repeats it (a
    merged cell, filled); elsewhere it names sub-columns (中央财政 under 资金来源). A data
    row always has values under the named columns, so it never passes.
    """
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    new = 0
    for u, d in zip(upper, lower, strict=True):
        u, d = u.strip(), d.strip()
        if not d or d == u:
            continue
        if u and known(u):
            return False
        new += 1
    return new > 0


def combine_headers(upper: list[str], lower: list[str]) -> tuple[list[str], list[str]]:
    """Per column: its own title (the lower cell, else the upper) and its group (the upper
    cell over a sub-column; an empty upper cell continues the group on its left)."""
    width = max(len(upper), len(lower))
    titles, groups = [], []
    group = ""
    for j in range(width):
        u = upper[j].strip() if j < len(upper) else ""
        d = lower[j].strip() if j < len(lower) else ""
        if d and d != u:
            group = u or group
            titles.append(d)
            groups.append(group)
        else:
            group = ""
            titles.append(u or d)
            groups.append("")
    return titles, groups


def is_key_row(cells: list[str], titles: list[str], key_of: Callable[[str], str | None]) -> bool:
    """The template's hidden second row holds the English keys of the columns above it."""
    hits = 0
    for title, cell in zip(titles, cells, strict=False):
        cell = cell.strip()
        if not cell:
            continue
        if key_of(cell) is None or key_of(cell) != key_of(title) or not cell.isascii():
            return False
        hits += 1
    return hits >= 2


def total_label(cells: list[str]) -> str | None:
    """``合计``/``小计``/``总计`` when the row is a total row, else ``None``."""
    if not any("计" in cell for cell in cells):  # nearly every row: no need to normalise
        return None
    for cell in cells:
        m = _TOTAL.match(compact(cell))
        if m:
            return m.group(1)
    return None


def is_footer(cells: list[str]) -> bool:
    """A 填表人/审核人/说明 line below the records."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and len(filled) <= 3 and bool(_FOOTER.match(compact(filled[0])))


def sheet_in_wan(title_rows: list[list[str]]) -> bool:
    """A title row saying ``单位：万元`` puts every money column without a unit in 万元."""
    return any(_SHEET_WAN.search(c) for row in title_rows for c in row)


def is_ignored_header(header: str) -> bool:
    return compact(header).lower() in IGNORED_HEADERS


def empty_columns(texts: list[list[str]], start: int, width: int) -> int:
    """Columns inside the table that are empty from the header down (spacer columns)."""
    last = 0
    for row in texts[start:]:
        for j, c in enumerate(row[:width]):
            if c.strip():
                last = max(last, j)
    return sum(
        1
        for j in range(last + 1)
        if not any(j < len(row) and row[j].strip() for row in texts[start:])
    )


def value_notes(
    raw: Any, text: str, kind: str, identifier: bool, workbook: bool, notes: Notes
) -> None:
    """Count what reading one cell normalised (reported once per file, never per cell)."""
    stripped = text.strip()
    if not stripped:
        return
    if text != stripped and isinstance(raw, str):
        notes.add("去掉了单元格首尾的空格（{n} 处）")
    if has_fullwidth(stripped) and (identifier or kind in ("money", "int", "year", "date")):
        notes.add("全角数字和符号按半角读取（{n} 处）")
    if (
        kind in ("money", "int", "year")
        and workbook
        and isinstance(raw, str)
        and re.fullmatch(r"[\d.,，\s]+", halfwidth(stripped))
    ):
        notes.add("以文本形式保存的数字按数字读取（{n} 处）")
    if kind == "date":
        if isinstance(raw, int | float) or _SERIAL.match(halfwidth(stripped)):
            notes.add("Excel 日期序号转为日期（{n} 处）")
        elif "年" in stripped:
            notes.add("中文日期（如 2018年3月5日）转为日期（{n} 处）")
    if kind == "money" and re.fullmatch(r"[¥￥]?[\d.,，\s]+万元?", halfwidth(stripped)):
        notes.add("写成“××万”的金额按万元换算为元（{n} 处）")
