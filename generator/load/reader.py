"""Load every table of ``data/`` from CSV, XLSX or YAML, and ``site.yaml``.

Every value keeps its file, row and column (``Origin``); every problem becomes a finding,
all of them at once. Never-published columns are recognised and dropped here: their
values go into ``Loaded.private_values`` (for the post-build scan), never into a row.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

import yaml
from openpyxl.utils.exceptions import InvalidFileException

from generator import cores
from generator import findings as F
from generator.dates import cell_to_text
from generator.load import misreads, tidy
from generator.load.cells import Parser, parser_for
from generator.memo import Memo, digest
from generator.money import parse_money, yuan
from generator.progress import SILENT, Progress
from generator.records import (
    FUND_SOURCES,
    NESTED,
    PRIVATE,
    TABLE_BY_NAME,
    TABLES,
    Column,
    Origin,
    Table,
)

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".yaml": "yaml", ".yml": "yaml"}
ENCODINGS = ("utf-8-sig", "gb18030")  # GBK is a subset of GB18030; see ecosystem.md


@dataclass
class Row:
    """One record as parsed: column key → typed value, plus where it came from."""

    values: dict[str, Any]
    origin: Origin


@dataclass
class Source:
    """What the loader detected about one file or sheet (shown by ``gongshi check -v``)."""

    file: str
    table: str
    format: str
    encoding: str = ""
    sheet: str = ""
    header_row: int = 1
    rows: int = 0
    mapping: dict[str, str] = field(default_factory=dict)


@dataclass
class Loaded:
    site: dict[str, Any]
    site_origin: Origin
    tables: dict[str, list[Row]]
    private_values: set[str]
    sources: list[Source]
    findings: list[F.Finding]
    warned: set[tuple[str, str, str]] = field(default_factory=set)  # (file, table, header)
    # What was normalised (title rows skipped, 合计 rows ignored, 万元 converted …): one
    # info finding per file or sheet. Not problems, so kept apart from ``findings``.
    notes: list[F.Finding] = field(default_factory=list)
    # Cells that could not be read as what they say (a V001/V002/V003 value, a formula
    # without its result, a row of the wrong width, an amount out of bounds): their value
    # is left out (``None``) and ``(file, row, key)`` is recorded here, so later stages can
    # say a figure was not checked because of that cell (key ``"*"``: the whole row).
    # For funding rows made from a project sheet's 中央财政… columns, ``row`` is the
    # project's row and ``key`` is ``"amount"``.
    unread: set[tuple[str, int, str]] = field(default_factory=set)
    limit: int = misreads.DEFAULT_MAX_YUAN * 100  # largest amount of one record, in 分
    # Names of private persons read from never-published name columns (an objection's
    # 反映人): not in any row; the privacy matcher masks them in free text (``summary``).
    private_names: set[str] = field(default_factory=set)

    def is_unread(self, origin: Origin, key: str) -> bool:
        """Whether the value ``key`` of the record at ``origin`` was left unread."""
        return bool({(origin.file, origin.row, key), (origin.file, origin.row, "*")} & self.unread)


def _norm(header: str) -> str:
    s = unicodedata.normalize("NFKC", str(header)).strip().lower()
    return re.sub(r"[\s*＊:：]", "", s)


_UNIT = re.compile(r"[(\[]?(万元|元|万)[)\]]?$")


def _split_unit(header: str) -> tuple[str, bool]:
    """``金额(万元)`` → ``('金额', True)``; ``amount_wan`` → ``('amount', True)``."""
    h = _norm(header)
    if h.endswith("_wan"):
        return h[:-4], True
    m = _UNIT.search(h)
    if m and m.start() > 0:
        return h[: m.start()], m.group(1) in ("万元", "万")
    return h, False


def _column_index(table: Table) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for c in table.columns + PRIVATE.get(table.name, ()):
        for name in (c.key, c.title, *c.aliases):
            index.setdefault(_norm(name), c)
    return index


_COLUMN_INDEX = {t.name: _column_index(t) for t in TABLES}
_PRIVATE_KEYS = {t: {c.key for c in cols} for t, cols in PRIVATE.items()}


def _probably_meant(table: Table, header: str) -> list[Column]:
    """The known columns of ``table`` that the unknown (normalised) ``header`` reads as a
    typo of: ``资金号`` → 资金编号, ``amout`` → amount. Every column as close as the closest.
    """
    best: dict[str, tuple[int, Column]] = {}
    sources = (
        tuple(Column(f"project_funding:{s}", s, "money") for s in FUND_SOURCES)
        if table.name == "projects"  # 中央才政 beside 省级财政 is a funding column, misspelt
        else ()
    )
    for c in table.columns + PRIVATE.get(table.name, ()) + sources:
        for name in (c.key, c.title, *c.aliases):
            n = _norm(name)
            if misreads.close_enough(header, n):
                d = misreads.distance(header, n)
                if c.key not in best or d < best[c.key][0]:
                    best[c.key] = (d, c)
    if not best:
        return []
    low = min(d for d, _ in best.values())
    return [c for d, c in best.values() if d == low]


def table_for_name(name: str) -> Table | None:
    """A table named by its file, folder or sheet name (English or Chinese)."""
    n = _norm(name)
    for t in TABLES:
        if n in {_norm(x) for x in (t.name, t.title, *t.aliases)}:
            return t
    return None


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (Excel column letters, also used for CSV columns)."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


# Text columns read as identifiers: full-width ＪＬ２０１８－００１ is JL2018-001.
_IDENTIFIERS = frozenset(
    {"id", "code", "voucher", "document_no", "supervisor_phone", "subject", "replaces"}
)
_AMOUNT = Column("amount", "金额", "money")  # how a funding-source column's cells are parsed
_FUND_SOURCE_NAMES = {
    _norm(name): source
    for source in FUND_SOURCES
    for name in (
        source,
        source + "资金",
        *(
            (source[:-2], source[:-2] + "资金", source[:-2] + "财政资金")
            if source.endswith("财政")
            else ()
        ),
    )
}


def _at(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _known_in(index: dict[str, Column], header: str) -> bool:
    return _split_unit(header)[0] in index or _norm(header) in index


def _fund_source(header: str) -> str | None:
    """``中央财政(万元)``, ``中央资金`` or ``中央`` → ``中央财政`` (a funding-source column)."""
    return _FUND_SOURCE_NAMES.get(_split_unit(header)[0])


def _says_yuan(header: str) -> bool:
    m = _UNIT.search(_norm(header))
    return m is not None and m.group(1) == "元" and m.start() > 0


def _unit(header: str) -> bool | None:
    """What a header says of its unit: ``True`` 万元, ``False`` 元, ``None`` nothing."""
    if _split_unit(header)[1]:
        return True
    return False if _says_yuan(header) else None


def _in_wan(header: str, group: str, sheet_wan: bool) -> bool:
    """A money column's unit, decided once: its own header, else the merged header above it
    (资金来源（万元）), else the sheet's ``单位：万元``. A column that says 元 stays in 元."""
    for said in (_unit(header), _unit(group) if group else None):
        if said is not None:
            return said
    return sheet_wan


@dataclass
class _Layout:
    """How the columns of one sheet are read: contract columns, funding-source columns
    (turned into ``project_funding`` rows) and a 合计 column over those sources."""

    columns: dict[int, tuple[Column, Parser, str]] = field(default_factory=dict)
    wide: dict[int, tuple[str, Parser, str]] = field(default_factory=dict)
    row_totals: list[tuple[int, Parser, str]] = field(default_factory=list)
    wide_note: str = ""
    width: int = 0  # cells of the header, up to its last title

    def label(self, i: int) -> str:
        if i in self.columns:
            return self.columns[i][2]
        if i in self.wide:
            return self.wide[i][2]
        return f"{_letter(i)}列"

    def money(self) -> list[int]:
        return [i for i, c in self.columns.items() if c[0].kind == "money"] + list(self.wide)


class _TableReader:
    """Maps headers to columns and parses rows of one file (or sheet) of one table."""

    def __init__(self, table: Table, file: str, loaded: Loaded) -> None:
        self.table = table
        self.file = file
        self.loaded = loaded
        self.index = _COLUMN_INDEX[table.name]
        self.private = _PRIVATE_KEYS.get(table.name, set())
        self.notes = tidy.Notes()  # what was normalised, reported once by ``load``
        self.workbook = False  # cells come from a sheet (typed), not from CSV text
        self.formulas: dict[tuple[int, int], str] = {}  # (row, column) → formula, no result
        self.typo_keys: set[str] = set()  # known columns whose header was misspelt (L012)

    def _column(self, header: str) -> Column | None:
        return self.index.get(_split_unit(header)[0]) or self.index.get(_norm(header))

    def _known(self, header: str) -> bool:
        return _known_in(self.index, header)

    def _key_of(self, header: str) -> str | None:
        column = self._column(header)
        return column.key if column else None

    def header_row(self, rows: list[list[str]]) -> int:
        """The header is the first of the top rows that names at least two known columns
        (title rows such as “2018年金岭镇扶贫项目台账” may stand above it)."""
        return tidy.find_header(rows, self._known)

    def read_grid(
        self, grid: list[list[Any]], source: Source, merges: list[tidy.Merge] | None = None
    ) -> None:
        """Read a grid of cells (CSV text, or sheet values with its merged ranges): a header
        below any title rows, of one row or two (资金来源 over 中央财政 …), then records;
        合计/小计 rows are checked and skipped, spacer and 填表人 rows skipped."""
        if not grid:
            self._missing_columns(set())
            return
        texts = tidy.texts_of(grid)
        h = self.header_row(texts)
        if merges:
            grid = [list(row) for row in grid]
            head, body = tidy.fill_merges(grid, merges, h + 2)
            texts = tidy.texts_of(grid)
            self.notes.add("读取了合并单元格的表头", bool(head))
            self.notes.add("合并单元格按所覆盖的每一行填入相同内容（{n} 处）", body)
        if any(any(c.strip() for c in row) for row in texts[:h]):
            self.notes.add(f"跳过了表头上方的标题行（表头在第{h + 1}行）")
        # ``单位：万元`` above the header, in it (a cell at its right end) or in a note below
        # the records (注：单位：万元) puts the whole sheet in 万元.
        sheet_wan = tidy.sheet_in_wan(texts[: h + 1]) or any(
            "万元" in "".join(row)
            and len([c for c in row if c.strip()]) <= 3
            and tidy.sheet_in_wan([row])
            for row in texts[h + 1 :]
        )
        titles, groups = [c.strip() for c in texts[h]], [""] * len(texts[h])
        start = h + 1
        if start < len(texts) and tidy.is_sub_header(texts[h], texts[start], self._known):
            titles, groups = tidy.combine_headers(texts[h], texts[start])
            start += 1
            self.notes.add("读取了两行表头（大类下分列）")
        if start < len(texts) and tidy.is_key_row(texts[start], titles, self._key_of):
            start += 1  # the template's (hidden) row of English keys
        source.header_row = h + 1
        self.notes.add("跳过了空列（{n} 列）", tidy.empty_columns(texts, h, len(titles)))
        layout = self._layout(titles, groups, sheet_wan, source)
        layout.width = max((i + 1 for i, t in enumerate(titles) if t), default=0)
        self._missing_columns({c.key for c, _, _ in layout.columns.values()})
        self._read_records(grid, texts, start, layout, source)
        if not source.rows and not self.workbook:  # an empty template sheet is no mistake
            self.loaded.findings.append(F.make("L020", file=self.file, table=self.table.title))

    def _layout(
        self, titles: list[str], groups: list[str], sheet_wan: bool, source: Source
    ) -> _Layout:
        layout = _Layout()
        seen: dict[str, str] = {}
        wide_names: list[str] = []
        converted: list[str] = []
        kept: list[str] = []
        for i, header in enumerate(titles):
            if not header:
                continue
            label = f"{self.prefix}{_letter(i)}列（{header}）"
            wan = _in_wan(header, groups[i], sheet_wan)
            if _says_yuan(header) and (sheet_wan or (groups[i] and _unit(groups[i]))):
                kept.append(header)
            source_name = _fund_source(header) if self.table.name == "projects" else None
            if tidy.is_ignored_header(header):
                self.notes.add(f"“{header}”列是序号，已忽略")
            elif tidy.sheet_in_wan([[header]]):
                continue  # 单位：万元 written into the header row: the sheet's unit, no column
            elif source_name and self._column(header) is None:
                layout.wide[i] = (source_name, parser_for(_AMOUNT, wan), label)
                wide_names.append(header)
                converted += [header] if wan else []
                source.mapping[header] = f"project_funding:{source_name}"
            elif groups[i] and layout.wide and tidy.total_label([header]):
                layout.row_totals.append((i, parser_for(_AMOUNT, wan), label))
                converted += [header] if wan else []
            elif mapped := self._map(header, label, seen, wan):
                layout.columns[i] = mapped
                source.mapping[header] = mapped[0].key
                if mapped[0].kind == "money" and wan:
                    converted.append(header)
        if sheet_wan:
            self.notes.add("标题写明“单位：万元”")
        if converted:
            self.notes.add(f"按万元换算为元的金额列：{'、'.join(converted)}")
        if kept:
            self.notes.add(f"表头写明单位为元、未按万元换算的列：{'、'.join(kept)}")
        names = "、".join(wide_names)
        layout.wide_note = f"资金来源列（{names}）转为项目资金来源明细（{{n}} 条）"
        return layout

    def _read_records(
        self,
        grid: list[list[Any]],
        texts: list[list[str]],
        start: int,
        layout: _Layout,
        source: Source,
    ) -> None:
        since_subtotal: list[dict] = []
        since_total: list[dict] = []
        blank = 0
        used = set(layout.columns) | set(layout.wide)
        for r in range(start, len(texts)):
            cells, row = texts[r], r + 1
            if not any(_at(cells, i).strip() for i in used) and not tidy.is_footer(cells):
                blank += 1 if source.rows else 0  # blank rows above the first record: none
                continue
            label = tidy.total_label(cells)
            if label:
                rows = since_subtotal if label == "小计" else since_total
                self._check_total(label, row, cells, layout, rows)
                since_subtotal = []
                if label != "小计":
                    since_total = []
                self.notes.add("合计、小计行不作为记录读取，已与上面各行之和核对（{n} 行）")
                continue
            if tidy.is_footer(cells):
                self.notes.add("跳过了表格下方的填表人、审核人、说明等行（{n} 行）")
                continue
            if blank:
                self.notes.add("跳过了数据中间的空行（{n} 行）", blank)
                blank = 0
            raw = grid[r]
            unread = self._unreadable(r, cells, layout)
            if unread is None:
                self.loaded.unread.add((self.file, row, "*"))
                continue
            keep = {
                c[0].key: (raw[i] if i < len(raw) else "", c)
                for i, c in layout.columns.items()
                if i not in unread
            }
            for i in unread & set(layout.columns):
                self.loaded.unread.add((self.file, row, layout.columns[i][0].key))
            labels = {c[0].key: c[2] for c in layout.columns.values()}
            added = self._add_row(row, keep, labels=labels)
            sums: dict[str | int, Any] = {
                c[0].key: added.values.get(c[0].key) for c in layout.columns.values()
            }
            sums.update(self._wide_funding(row, cells, raw, layout, added, unread).items())
            since_subtotal.append(sums)
            since_total.append(sums)
            source.rows += 1

    def _unreadable(self, r: int, cells: list[str], layout: _Layout) -> set[int] | None:
        """The columns of record row ``r`` (0-based) that cannot be read as they stand, each
        reported; ``None`` when none of the row can (its cells do not line up with the header).

        A row with more cells than its header (an unquoted ``387,300.00``) is read up to the
        split amount; a CSV row with fewer cells, or more without a split amount to explain
        them, is not read at all. A cell holding later lines of the file (a quote left
        open), a formula without its saved result, or a cell longer than Excel allows is
        not read, and neither is anything right of an open quote."""
        row = r + 1
        used = sorted(set(layout.columns) | set(layout.wide))
        unread: set[int] = set()
        first = len(cells) + 1  # cells from this index on are not read
        filled = max((j + 1 for j, c in enumerate(cells) if c.strip()), default=0)
        width = layout.width
        if filled > width:
            extra = filled - width
            split = None if self.workbook else misreads.comma_split(cells, layout.money(), extra)
            where = "" if split is None else layout.label(split[0])
            if split is not None:
                i, typed = split
                detail = (
                    f"第{row}行比表头多 {extra} 个格子，金额里的逗号可能把一个数分成了两格："
                    f"“{cells[i].strip()}”和“{cells[i + 1].strip()}”是不是一个数“{typed}”？"
                )
                first, how = i, f"从{_letter(i)}列起未读取"
            else:
                shown = "、".join(f"“{c.strip()}”" for c in cells[width:filled] if c.strip())
                detail = (
                    f"第{row}行比表头多 {extra} 个格子（表头 {width} 格，这一行 {filled} 格），"
                    f"多出的{shown[:60]}不知道属于哪一列"
                )
                if self.workbook:
                    how = "其余各列已读取，表头以外的内容未读取"
                else:
                    detail += "：可能是某个格子里的逗号把它分成了两格"
                    first, how = 0, "未读取"
            self.loaded.findings.append(
                F.make("L013", file=self.file, row=row, column=where, detail=detail, unread=how)
            )
        elif not self.workbook and len(cells) < width:
            detail = (
                f"第{row}行比表头少 {width - len(cells)} 个格子（表头 {width} 格，这一行 "
                f"{len(cells)} 格）：可能少了逗号，各列的值对不上"
            )
            self.loaded.findings.append(
                F.make("L013", file=self.file, row=row, detail=detail, unread="未读取")
            )
            return None
        if not self.workbook:
            for j, cell in enumerate(cells):
                lines = misreads.swallowed_lines(cell, self.delimiter, width)
                if lines:
                    title = layout.label(j)
                    self.loaded.findings.append(
                        F.make(
                            "L016",
                            file=self.file,
                            row=row,
                            column=title,
                            title=title,
                            lines=lines,
                        )
                    )
                    first = min(first, j)
                    break
        if first == 0:
            return None
        for i in used:
            if i >= first:
                unread.add(i)
                continue
            formula = self.formulas.get((r, i))
            if formula is not None:
                self.loaded.findings.append(
                    F.make("L015", file=self.file, row=row, column=layout.label(i), formula=formula)
                )
                unread.add(i)
            elif len(_at(cells, i)) > misreads.MAX_CELL_CHARS:
                self.loaded.findings.append(
                    F.make(
                        "L017",
                        file=self.file,
                        row=row,
                        column=layout.label(i),
                        what="这个格子",
                        size=f"{len(_at(cells, i)):,} 个字",
                        limit=f"{misreads.MAX_CELL_CHARS:,} 个字",
                    )
                )
                unread.add(i)
        return unread

    delimiter: str = ","  # of a CSV file

    def _wide_funding(
        self,
        row: int,
        cells: list[str],
        raw: list[Any],
        layout: _Layout,
        record: Row,
        unread: set[int] | None = None,
    ) -> dict[int, int]:
        """Funding-source columns of a project row → ``project_funding`` rows, each value
        keeping the cell it came from."""
        amounts: dict[int, int] = {}
        project_id = record.values.get("id", "")
        for i, (name, parse, label) in layout.wide.items():
            if unread and i in unread:
                self.loaded.unread.add((self.file, row, "amount"))
                continue
            text = _at(cells, i)
            tidy.value_notes(
                raw[i] if i < len(raw) else "", text, "money", False, self.workbook, self.notes
            )
            if not text.strip():
                continue
            amount, reason = parse(text)
            if reason is not None:
                self.loaded.findings.append(
                    F.make(
                        "V001",
                        file=self.file,
                        row=row,
                        column=label,
                        title=name,
                        value=text.strip(),
                        reason=reason,
                    )
                )
                self.loaded.unread.add((self.file, row, "amount"))
                continue
            if not self._amount_ok(cast(int, amount), row, label, name, text):
                self.loaded.unread.add((self.file, row, "amount"))
                continue
            amounts[i] = cast(int, amount)  # a money parser's value is 分
            if amount and project_id:
                self.loaded.tables["project_funding"].append(
                    Row(
                        {"project_id": project_id, "source": name, "amount": amount},
                        Origin(
                            self.file,
                            row,
                            {
                                "project_id": record.origin.column("id"),
                                "source": label,
                                "amount": label,
                            },
                        ),
                    )
                )
                self.notes.add(layout.wide_note)
        for i, parse, label in layout.row_totals:
            stated, reason = parse(_at(cells, i)) if _at(cells, i).strip() else (None, "empty")
            computed = sum(amounts.values())
            if reason is None and stated != computed:
                self.loaded.findings.append(
                    F.make(
                        "L011",
                        file=self.file,
                        row=row,
                        column=label,
                        label="本行",
                        title="合计",
                        stated=f"{yuan(cast(int, stated))} 元",
                        basis="各资金来源列",
                        computed=f"{yuan(computed)} 元",
                    )
                )
        return amounts

    def _check_total(
        self, label: str, row: int, cells: list[str], layout: _Layout, rows: list[dict]
    ) -> None:
        """A 合计/小计 row is not a record; its figures must equal the sum of the rows it
        closes (小计: since the last 小计; 合计/总计: since the last 合计)."""
        checks: list[tuple[int, str | int, str, str, Parser, str]] = [
            (i, c.key, c.title, c.kind, parse, lab)
            for i, (c, parse, lab) in layout.columns.items()
            if c.kind in ("money", "int")
        ]
        checks += [
            (i, i, name, "money", parse, lab) for i, (name, parse, lab) in layout.wide.items()
        ]
        for i, key, title, kind, parse, column_label in checks:
            text = _at(cells, i)
            if not text.strip():
                continue
            stated, reason = parse(text)
            if reason is not None:
                continue
            computed = sum(r.get(key) or 0 for r in rows)
            if stated != computed:
                shown = (lambda v: f"{yuan(v)} 元") if kind == "money" else str
                self.loaded.findings.append(
                    F.make(
                        "L011",
                        file=self.file,
                        row=row,
                        column=column_label,
                        label=label,
                        title=title,
                        stated=shown(stated),
                        basis=f"上面 {len(rows)} 行",
                        computed=shown(computed),
                    )
                )

    def _map(
        self, header: str, label: str, seen: dict[str, str], wan: bool | None = None
    ) -> tuple | None:
        base, header_wan = _split_unit(header)
        wan = header_wan if wan is None else wan
        column = self.index.get(base) or self.index.get(_norm(header))
        if column is None:
            key = (self.file, self.table.name, _norm(header))
            meant = _probably_meant(self.table, base)
            self.typo_keys |= {c.key for c in meant}
            if key not in self.loaded.warned:  # reported once per file, not once per row
                self.loaded.warned.add(key)
                if meant:
                    self.loaded.findings.append(
                        F.make(
                            "L012",
                            file=self.file,
                            column=label,
                            header=header.strip(),
                            table=self.table.title,
                            meant="”或“".join(c.title for c in meant),
                            key=" / ".join(c.key for c in meant),
                        )
                    )
                else:
                    self.loaded.findings.append(
                        F.make(
                            "L005",
                            file=self.file,
                            column=label,
                            header=header.strip(),
                            table=self.table.title,
                        )
                    )
            return None
        if column.key in seen:
            self.loaded.findings.append(
                F.make("L007", file=self.file, column=label, header=header.strip())
            )
            return None
        seen[column.key] = label
        if column.key in self.private and self.table.name == "objections":
            # said once per file: the complainant's details are read only to be guarded
            self.notes.add(f"“{header.strip()}”列只用于隐私检查，不读入公开数据")
        return column, parser_for(column, wan), label

    def _amount_ok(self, fen: int, row: int, label: str, title: str, text: str) -> bool:
        """A parsed amount that no record holds: negative, or above ``Loaded.limit``."""
        if fen < 0:
            self.loaded.findings.append(
                F.make(
                    "L018", file=self.file, row=row, column=label, title=title, value=text.strip()
                )
            )
            return False
        if fen > self.loaded.limit:
            self.loaded.findings.append(
                F.make(
                    "L019",
                    file=self.file,
                    row=row,
                    column=label,
                    title=title,
                    value=text.strip()[:40],
                    amount=yuan(fen),
                    limit=yuan(self.loaded.limit),
                )
            )
            return False
        return True

    def _missing_columns(self, present: set[str]) -> None:
        for c in self.table.columns:
            if c.required and c.key not in present | self.implied | self.typo_keys:
                self.loaded.findings.append(
                    F.make("L004", file=self.file, table=self.table.title, title=c.title, key=c.key)
                )

    implied: frozenset[str] = frozenset()  # columns a nested YAML list fills from its parent
    prefix: str = ""  # “工作表“X” ” when the table is not on a workbook's first sheet

    def _add_row(
        self,
        row: int,
        cells: dict[str, tuple[Any, tuple]],
        extra: dict | None = None,
        labels: dict[str, str] | None = None,
    ) -> Row:
        values: dict[str, Any] = dict(extra or {})
        origin_cols = dict(labels or {})
        for key, (raw, (column, parse, label)) in cells.items():
            origin_cols[key] = label
            text = raw if isinstance(raw, str) else cell_to_text(raw)
            if key in self.private:
                if text.strip() and column.kind == "name":
                    self.loaded.private_names.add(text.strip())
                elif text.strip():
                    self.loaded.private_values.add(text.strip())
                    self.loaded.private_values.add(tidy.halfwidth(text).strip())
                continue
            identifier = key in _IDENTIFIERS or key.endswith("_id")
            tidy.value_notes(raw, text, column.kind, identifier, self.workbook, self.notes)
            if identifier:
                text = tidy.halfwidth(text)
            if not text.strip():
                if column.required:
                    self.loaded.findings.append(
                        F.make("V004", file=self.file, row=row, column=label, title=column.title)
                    )
                continue
            value, reason = parse(text)
            if (
                reason is None
                and column.kind == "money"
                and not self._amount_ok(value, row, label, column.title, text)
            ):
                self.loaded.unread.add((self.file, row, key))
                continue
            if reason is None:
                values[key] = value
                if column.choices and value not in column.choices:
                    self.loaded.findings.append(
                        F.make(
                            "V005",
                            file=self.file,
                            row=row,
                            column=label,
                            title=column.title,
                            value=value,
                            choices="、".join(column.choices),
                        )
                    )
            else:
                code = {
                    "money": "V001",
                    "date": "V002",
                    "int": "V003",
                    "year": "V003",
                    "bool": "V006",
                }.get(column.kind, "V003")
                self.loaded.findings.append(
                    F.make(
                        code,
                        file=self.file,
                        row=row,
                        column=label,
                        title=column.title,
                        value=text.strip(),
                        reason=reason,
                    )
                )
                self.loaded.unread.add((self.file, row, key))
        for key in self.typo_keys - values.keys():  # its column was there, misspelt
            # a misspelt 中央财政… column: the funding row it would have made (as _wide_funding)
            key = "amount" if key.startswith("project_funding:") else key
            self.loaded.unread.add((self.file, row, key))
        record = Row(values, Origin(self.file, row, origin_cols))
        self.loaded.tables[self.table.name].append(record)
        return record


def _read_csv(path: Path) -> tuple[list[list[str]], str, str]:
    """The cells of a CSV file, its encoding and its delimiter. Cells longer than Excel
    allows are read whole (the reader reports them at their cell)."""
    data = path.read_bytes()
    csv.field_size_limit(max(csv.field_size_limit(), misreads.MAX_FILE_BYTES))
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # UTF-16 without BOM decodes "successfully" as GB18030
            continue
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        return rows, encoding, delimiter
    raise ValueError("编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）")


def _has_merges(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return any(
            b"<mergeCell " in z.read(name)
            for name in z.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


# A cell holding a formula and no saved result: ``<c r="B2"><f>SUM(A1:A3)</f></c>``, or a
# ``<v>`` left empty (files written by scripts, or by Excel with calculation off).
_FORMULA_NO_VALUE = re.compile(
    rb"<c\b[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


def _formulas_without_values(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return any(
            _FORMULA_NO_VALUE.search(z.read(name))
            for name in z.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def _read_xlsx(
    path: Path,
) -> Iterator[tuple[int, str, list[list[Any]], list[tidy.Merge], dict[tuple[int, int], str]]]:
    """Each sheet's cell values (typed, as Excel stores them), its merged ranges, and its
    formulas that have no saved result (``(row, column)`` → formula, 0-based): openpyxl
    gives their value as empty, which is not what the sheet shows.

    Read-only mode is fast but knows nothing of merged cells, so a workbook with merged
    cells (a two-row header, a 乡镇 cell merged down its villages) is opened in full."""
    import openpyxl  # imported here: loading it costs time that CSV-only counties need not pay

    merged = _has_merges(path)
    wb = openpyxl.load_workbook(path, read_only=not merged, data_only=True)
    formulas_wb = (
        openpyxl.load_workbook(path, read_only=True, data_only=False)
        if _formulas_without_values(path)
        else None
    )
    try:
        for i, ws in enumerate(wb.worksheets):
            grid = [list(row) for row in ws.iter_rows(values_only=True)]
            formulas: dict[tuple[int, int], str] = {}
            if formulas_wb is not None:
                for r, row in enumerate(formulas_wb.worksheets[i].iter_rows(values_only=True)):
                    for c, v in enumerate(row):
                        if (
                            isinstance(v, str)
                            and v.startswith("=")
                            and (r >= len(grid) or c >= len(grid[r]) or grid[r][c] is None)
                        ):
                            formulas[(r, c)] = v
            merges = (
                [
                    (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                    for m in ws.merged_cells.ranges
                ]
                if merged
                else []
            )
            yield i, ws.title, grid, merges, formulas
    finally:
        wb.close()
        if formulas_wb is not None:
            formulas_wb.close()


SKIPPED_SHEETS = ("说明", "填写说明", "使用说明")  # the template's instructions; ``_…`` too


def _sheet_table(
    index: int, sheet: str, grid: list[list[Any]], file_table: Table | None
) -> Table | None:
    """The table a sheet holds. A sheet named after a table holds that table. In a workbook
    named after a table (``projects.xlsx``, ``projects/2018.xlsx``) the first sheet, and
    every other sheet whose header names that table's columns (sheets ``2018``, ``2019``),
    hold the file's table."""
    table = table_for_name(sheet)
    if table is not None or file_table is None:
        return table
    if index == 0:
        return file_table
    known = partial(_known_in, _COLUMN_INDEX[file_table.name])
    texts = tidy.texts_of(grid[:10])
    h = tidy.find_header(texts, known)
    return file_table if h < len(texts) and sum(map(known, filter(None, texts[h]))) >= 2 else None


# libyaml's loader when PyYAML was built with it: ten times faster on a county's YAML, and
# its nodes carry the same line marks.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlRefused(ValueError):
    """A YAML file not loaded because of what it could expand to; ``line`` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def _yaml_text(path: Path) -> str:
    """The text of a YAML file, refused when it uses aliases or nests too deep."""
    text = path.read_bytes().decode("utf-8-sig")
    problem = misreads.yaml_problem(text, _YAML_LOADER)
    if problem is not None:
        raise YamlRefused(*problem)
    return text


def _yaml_records(path: Path) -> list[yaml.Node]:
    text = _yaml_text(path)
    root = yaml.compose(text, Loader=_YAML_LOADER)
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise ValueError("YAML 文件应是记录的列表（每条记录以“- ”开头）")
    return list(root.value)


def _scalar(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return (
            ""
            if node.value in ("~", "null", "Null", "NULL") and node.tag.endswith("null")
            else node.value
        )
    if isinstance(node, yaml.SequenceNode):
        return "\n".join(_scalar(n) for n in node.value)
    raise ValueError("值应是文字或列表")


class _YamlReader(_TableReader):
    def read(self, nodes: list[yaml.Node], source: Source, extra: dict | None = None) -> None:
        for node in nodes:
            row = node.start_mark.line + 1
            if not isinstance(node, yaml.MappingNode):
                self.loaded.findings.append(
                    F.make("L003", file=self.file, row=row, reason="每条记录应是“键: 值”的形式")
                )
                continue
            cells: dict[str, tuple[Any, tuple]] = {}
            nested: list[tuple[str, str, list[yaml.Node]]] = []
            for key_node, value_node in node.value:
                key = str(key_node.value)
                label = f"“{key}”"
                child = NESTED.get(self.table.name, {}).get(_norm(key)) or NESTED.get(
                    self.table.name, {}
                ).get(key)
                if (
                    child
                    and isinstance(value_node, yaml.SequenceNode)
                    and all(isinstance(n, yaml.MappingNode) for n in value_node.value)
                ):
                    nested.append((*child, value_node.value))
                    continue
                mapped = self._map(key, label, {})
                if mapped is None:
                    continue
                try:
                    text = _scalar(value_node)
                    if len(text) > misreads.MAX_CELL_CHARS:
                        self.loaded.findings.append(
                            F.make(
                                "L017",
                                file=self.file,
                                row=value_node.start_mark.line + 1,
                                column=label,
                                what="这个值",
                                size=f"{len(text):,} 个字",
                                limit=f"{misreads.MAX_CELL_CHARS:,} 个字",
                            )
                        )
                        self.loaded.unread.add((self.file, row, mapped[0].key))
                        continue
                    cells[mapped[0].key] = (text, mapped)
                except ValueError as e:
                    self.loaded.findings.append(
                        F.make(
                            "L003",
                            file=self.file,
                            row=value_node.start_mark.line + 1,
                            column=label,
                            reason=str(e),
                        )
                    )
            present = set(cells) | set(extra or {}) | self.implied | self.typo_keys
            for c in self.table.columns:  # a YAML record has no header: check each record
                if c.required and c.key not in present:
                    self.loaded.findings.append(
                        F.make("V004", file=self.file, row=row, column=f"“{c.key}”", title=c.title)
                    )
            self._add_row(row, cells, extra)
            source.rows += 1
            parent_id = self.loaded.tables[self.table.name][-1].values.get("id", "")
            for child_table, fk, child_nodes in nested:
                reader = _YamlReader(TABLE_BY_NAME[child_table], self.file, self.loaded)
                reader.notes = self.notes
                reader.implied = frozenset({fk})
                reader.read(
                    child_nodes, Source(self.file, child_table, "yaml"), extra={fk: parent_id}
                )


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _files(data_dir: Path) -> Iterator[tuple[Path, Table | None]]:
    """Every data file with the table its name (or folder's name) gives, in sorted order.
    Symbolic links are yielded too, never followed (``load`` refuses them)."""
    for path in sorted(data_dir.iterdir()):
        if path.name.startswith((".", "_", "~$")) or path.name in ("site.yaml", "site.yml"):
            continue
        if path.is_dir() and not path.is_symlink():
            table = table_for_name(path.name)
            for child in _walk(path):
                if child.is_symlink() or (
                    child.suffix.lower() in FORMATS and not child.name.startswith((".", "~$"))
                ):
                    yield child, table
        elif path.is_symlink() or path.suffix.lower() in FORMATS:
            yield path, table_for_name(path.stem)


def _walk(folder: Path) -> list[Path]:
    """Files under ``folder`` and the links in it, sorted; links to folders not entered."""
    out = []
    for top, dirs, files in os.walk(folder):
        base = Path(top)
        out += [base / d for d in dirs if (base / d).is_symlink()]
        out += [base / f for f in files]
    return sorted(out)


def _refusal(path: Path, data_dir: Path, shown: str) -> F.Finding | None:
    """Why a file of ``data/`` is not read at all: a symbolic link, a name that says it is a
    copy (``disbursements - 副本.xlsx``, ``projects (2).csv``, ``funds_bak.yaml``), or a
    size no county table has."""
    if path.is_symlink():
        return F.make("L022", file=shown, path=shown)
    parts = path.relative_to(data_dir).parts
    for part in (*parts[:-1], path.stem):
        mark = misreads.copy_mark(part)
        if mark is not None:
            return F.make(
                "L014", file=shown, reason=f"文件名“{path.name}”中有“{mark}”，像是副本或备份"
            )
    size = _size(path)
    if size > misreads.MAX_FILE_BYTES:
        return F.make(
            "L017",
            file=shown,
            what="这个文件",
            size=f"{size / 1024 / 1024:,.0f} MB",
            limit=f"{misreads.MAX_FILE_BYTES // 1024 // 1024} MB",
        )
    return None


class _SiteLoader(yaml.SafeLoader):
    """site.yaml as text: ``data_date: 2019-02-30`` is a string that siteconfig reports,
    not a crash inside YAML's date constructor (scanbad)."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]  # a timestamp is a scalar


_SiteLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load_site(data_dir: Path, loaded: Loaded, root: Path) -> None:
    for name in ("site.yaml", "site.yml"):
        path = data_dir / name
        if path.exists():
            loaded.site_origin = Origin(_display(path, root), 1)
            try:
                data = yaml.load(_yaml_text(path), Loader=_SiteLoader)
            except (yaml.YAMLError, UnicodeDecodeError, YamlRefused, RecursionError) as e:
                reason = _reason(e)
                loaded.findings.append(
                    F.make("L008", file=loaded.site_origin.file, row=_error_line(e), reason=reason)
                )
                return
            if not isinstance(data, dict):
                loaded.findings.append(
                    F.make("L008", file=loaded.site_origin.file, reason="内容应是“键: 值”的设置")
                )
                return
            loaded.site = data
            return
    shown = _display(data_dir, root)
    loaded.findings.append(F.make("L010", file=shown, path=shown))


def load(data_dir: Path, memo: Memo | None = None, progress: Progress = SILENT) -> Loaded:
    """Read ``data_dir``; return rows per table, detected sources and all findings.

    ``memo``: each file's rows and findings by its name and bytes, kept between builds
    (``generator.memo``): a one-cell commit reads one file again, not the county.
    ``progress`` counts the files read (``generator.progress``)."""
    data_dir = Path(data_dir)
    root = data_dir.resolve().parent
    loaded = _empty()
    if not data_dir.is_dir():
        loaded.findings.append(F.make("L001", path=str(data_dir)))
        return loaded
    data_dir = data_dir.resolve()
    load_site(data_dir, loaded, root)
    loaded.limit = _limit(loaded)
    present: set[str] = set()
    files = []
    for path, table in _files(data_dir):
        refused = _refusal(path, data_dir, _display(path, root))
        if refused is None:
            files.append((path, table))
        else:
            loaded.findings.append(refused)
            if table is not None:
                present.add(table.name)  # the table is there, just not read
    with progress.task("读取数据文件", total=len(files), unit="个") as task:
        parts = _load_files(files, root, loaded.limit, memo, task.advance)
    for part, part_present in parts:
        _merge(loaded, part)
        present |= part_present
    _same_rows(loaded)
    _links_present(loaded)
    for t in TABLES:
        if t.required and t.name not in present:
            loaded.findings.append(
                F.make("L002", file=_display(data_dir, root), table=t.title, name=t.name)
            )
    return loaded


_LIMIT_KEYS = ("max_amount", "单笔金额上限", "金额上限")


def _limit(loaded: Loaded) -> int:
    """The largest amount one record may hold, in 分: ``max_amount`` of site.yaml (元, or
    with 万/万元), else 10 亿元."""
    for key in _LIMIT_KEYS:
        if key in loaded.site:
            value = loaded.site[key]
            fen, reason = parse_money(str(value)) if isinstance(value, str | int) else (None, "")
            if reason is None and fen and fen > 0:
                return fen
            loaded.findings.append(
                F.make(
                    "L008",
                    file=loaded.site_origin.file,
                    column=key,
                    severity="error",
                    reason=f"{key} 应是大于 0 的金额（单位元），如 {key}: 1000000000，"
                    f"而不是“{value}”",
                )
            )
    return misreads.DEFAULT_MAX_YUAN * 100


def _row_key(row: Row) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in row.values.items()))


def _same_rows(loaded: Loaded) -> None:
    """A file whose records of a table all stand, value for value, in another file of that
    table is a copy of it (saved under a name that does not say so): its records are taken
    out again and reported, so nothing is counted twice."""
    for name, rows in loaded.tables.items():
        by_file: dict[str, list[Row]] = {}
        for row in rows:
            by_file.setdefault(row.origin.file, []).append(row)
        if len(by_file) < 2:
            continue
        keys = {f: [_row_key(r) for r in rs] for f, rs in by_file.items()}
        dropped: dict[str, str] = {}
        for f, own in keys.items():
            for other, theirs in keys.items():
                if other == f or other in dropped or len(own) > len(theirs):
                    continue
                if (len(own) >= 2 or len(own) == len(theirs)) and _within(own, theirs):
                    if len(own) == len(theirs) and f < other:
                        continue  # two identical files: the later name is the copy
                    dropped[f] = other
                    break
        if not dropped:
            continue
        gone = {(r.origin.file, r.origin.row) for f in dropped for r in by_file[f]}
        loaded.tables[name] = [r for r in rows if r.origin.file not in dropped]
        if name == "projects":  # funding rows read from the copy's 中央财政… columns
            funding = loaded.tables["project_funding"]
            loaded.tables["project_funding"] = [
                r for r in funding if (r.origin.file, r.origin.row) not in gone
            ]
        for f, other in sorted(dropped.items()):
            loaded.findings.append(
                F.make(
                    "L014",
                    file=f,
                    reason=f"这个文件的 {len(keys[f])} 条“{TABLE_BY_NAME[name].title}”记录"
                    f"在 {other} 中都有，一模一样，像是它的副本",
                )
            )


def _within(own: list[tuple], theirs: list[tuple]) -> bool:
    """Every row of ``own`` (as a multiset) is among ``theirs``."""
    left: dict[tuple, int] = {}
    for k in theirs:
        left[k] = left.get(k, 0) + 1
    for k in own:
        if not left.get(k):
            return False
        left[k] -= 1
    return True


# Columns that link a table's rows to another table's records: (table, column, the table
# it points to, which rows need it: None for every row, else column → value).
_LINKS = (
    ("disbursements", "fund_id", "funds", None),
    ("benefits", "distribution_id", "distributions", ("program", "资产收益分红")),
)


def _links_present(loaded: Loaded) -> None:
    """A file of rows that need a link (资金拨付 → 资金编号 while funds are listed) but have
    no such column at all is an error: every row would lose its link, and every figure
    over it (已拨付, 结余率) would be wrong without a word."""
    for name, key, target, need in _LINKS:
        if not loaded.tables[target]:
            continue
        by_file: dict[str, list[Row]] = {}
        for row in loaded.tables[name]:
            if need is None or row.values.get(need[0]) == need[1]:
                by_file.setdefault(row.origin.file, []).append(row)
        column = next(c for c in TABLE_BY_NAME[name].columns if c.key == key)
        for file, rows in sorted(by_file.items()):
            if any(key in r.values or loaded.is_unread(r.origin, key) for r in rows):
                for r in rows:  # the column is there: every row that needs it fills it
                    if key not in r.values and not loaded.is_unread(r.origin, key):
                        loaded.findings.append(
                            F.make(
                                "V004",
                                file=file,
                                row=r.origin.row,
                                column=r.origin.column(key),
                                title=column.title,
                            )
                        )
                continue
            loaded.findings.append(
                F.make(
                    "L021",
                    file=file,
                    table=TABLE_BY_NAME[name].title,
                    n=len(rows),
                    title=column.title,
                    key=key,
                    target=f"“{TABLE_BY_NAME[target].title}”表的记录",
                )
            )


def _empty() -> Loaded:
    return Loaded({}, Origin("", 0), {t.name: [] for t in TABLES}, set(), [], [])


def _load_files(
    files: list[tuple[Path, Table | None]],
    root: Path,
    limit: int,
    memo: Memo | None = None,
    done: Callable[[], object] = lambda: None,
) -> list[tuple[Loaded, set[str]]]:
    """Each file into its own ``Loaded``, returned in the order given. With a second core,
    a forked child reads too: each process takes the next file, largest first, when it is
    free (a county's workbooks and CSVs take 10 s in one process). A file ``memo`` knows
    by its name and bytes is not read again."""
    known: dict[int, tuple[Loaded, set[str]]] = {}
    keys: dict[int, tuple[str, ...]] = {}
    if memo is not None:
        for i, (path, table) in enumerate(files):
            try:
                data = path.read_bytes()
            except OSError:
                continue  # load_file reports it
            name = table.name if table is not None else ""
            keys[i] = ("load", _display(path, root), name, str(limit), digest(data))
            hit = memo.get(keys[i])
            if hit is not None:
                known[i] = hit
                done()
    order = sorted(
        (i for i in range(len(files)) if i not in known), key=lambda i: -_size(files[i][0])
    )
    fork = len(order) >= 2 and cores.can_fork()
    take = cores.shares(len(order), fork=fork)

    def read() -> list[tuple[int, Loaded, set[str]]]:
        out = []
        for k in cores.taken(take):
            path, table = files[order[k]]
            part, present = _empty(), set[str]()
            part.limit = limit
            load_file(path, table, _display(path, root), part, present)
            out.append((order[k], part, present))
            done()  # progress: one more file (counted in shared memory from the child too)
        return out

    if not fork:
        parts = read()
    else:
        with cores.beside(read, fork) as theirs:
            parts = read() + theirs()
    for i, part, present in parts:
        if memo is not None and i in keys:
            memo.put(keys[i], (part, present))
        known[i] = (part, present)
    return [known[i] for i in range(len(files))]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _merge(loaded: Loaded, part: Loaded) -> None:
    """Add one file's ``Loaded`` to the whole, as if it had been read into it."""
    for name, rows in part.tables.items():
        loaded.tables[name].extend(rows)
    loaded.private_values |= part.private_values
    loaded.private_names |= part.private_names
    loaded.sources.extend(part.sources)
    loaded.findings.extend(part.findings)
    loaded.warned |= part.warned
    loaded.notes.extend(part.notes)
    loaded.unread |= part.unread


def load_file(
    path: Path, file_table: Table | None, shown: str, loaded: Loaded, present: set[str]
) -> None:
    """Read one CSV, XLSX or YAML file into ``loaded`` (``shown`` is its name in findings);
    ``present`` collects the tables it held."""
    fmt = FORMATS[path.suffix.lower()]
    try:
        if fmt == "xlsx":
            sheets_of: dict[str, list[str]] = {}
            for i, sheet, grid, merges, formulas in _read_xlsx(path):
                if sheet.startswith("_") or sheet.strip() in SKIPPED_SHEETS:
                    continue
                table = _sheet_table(i, sheet, grid, file_table)
                if table is None:
                    if any(any(cell_to_text(c).strip() for c in r) for r in grid):
                        loaded.findings.append(F.make("L006", file=shown, sheet=sheet))
                    continue
                source = Source(shown, table.name, fmt, sheet=sheet)
                reader = _TableReader(table, shown, loaded)
                reader.prefix = f"工作表“{sheet}” " if i else ""
                reader.workbook = True
                reader.formulas = formulas
                reader.read_grid(grid, source, merges)
                loaded.sources.append(source)
                present.add(table.name)
                sheets_of.setdefault(table.title, []).append(sheet)
                _note(loaded, reader.notes, shown, reader.prefix.strip())
            for title, sheets in sheets_of.items():
                if len(sheets) > 1 and table_for_name(sheets[0]) is None:
                    notes = tidy.Notes()
                    notes.add(
                        f"“{title}”表分布在 {len(sheets)} 个工作表中"
                        f"（{'、'.join(sheets)}），已合并读取"
                    )
                    _note(loaded, notes, shown, "")
            return
        if file_table is None:
            loaded.findings.append(F.make("L009", file=shown, path=shown))
            return
        source = Source(shown, file_table.name, fmt)
        if fmt == "csv":
            grid, source.encoding, delimiter = _read_csv(path)
            reader = _TableReader(file_table, shown, loaded)
            reader.delimiter = delimiter
            reader.read_grid(grid, source)
        else:
            source.encoding = "utf-8"
            reader = _YamlReader(file_table, shown, loaded)
            records = _yaml_records(path)
            reader.read(records, source)
            if not records:
                loaded.findings.append(F.make("L020", file=shown, table=file_table.title))
        loaded.sources.append(source)
        present.add(file_table.name)
        _note(loaded, reader.notes, shown, "")
    except UNREADABLE as e:
        loaded.findings.append(F.make("L003", file=shown, row=_error_line(e), reason=_reason(e)))
        if file_table is not None:
            present.add(file_table.name)  # the table is there, just unreadable


# What a file that cannot be read raises (its format, its encoding, a damaged workbook): an
# L003 finding at the file. Anything else (TypeError, AttributeError, IndexError …) is a
# bug of gongshi's own and is not blamed on the county's file.
UNREADABLE: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    UnicodeError,
    ValueError,
    KeyError,
    RecursionError,
    csv.Error,
    zipfile.BadZipFile,
    yaml.YAMLError,
    YamlRefused,
    InvalidFileException,
)


def _note(loaded: Loaded, notes: tidy.Notes, file: str, sheet: str) -> None:
    """One info finding per file (or sheet) saying what was normalised."""
    if notes:
        loaded.notes.append(F.make("I001", file=file, column=sheet, what=notes.text()))


def _error_line(e: Exception) -> int | None:
    if isinstance(e, YamlRefused):
        return e.line
    if isinstance(e, yaml.MarkedYAMLError) and e.problem_mark is not None:
        return e.problem_mark.line + 1
    return None


def _reason(e: Exception) -> str:
    if isinstance(e, yaml.MarkedYAMLError) and e.problem_mark is not None:
        return (
            f"YAML 格式错误（第{e.problem_mark.line + 1}行第{e.problem_mark.column + 1}"
            "个字符附近）：请检查冒号、缩进和引号"
        )
    if isinstance(e, yaml.YAMLError):
        return "YAML 格式错误：请检查冒号、缩进和引号"
    if isinstance(e, ValueError | UnicodeDecodeError):
        return str(e)
    if isinstance(e, RecursionError):
        return misreads.too_deep(0)
    return f"{type(e).__name__}: {e}"
