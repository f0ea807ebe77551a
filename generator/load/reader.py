"""Load every table of ``data/`` from CSV, XLSX or YAML, and ``site.yaml``.

Every value keeps its file, row and column (``Origin``); every problem becomes a finding,
all of them at once. Never-published columns are recognised and dropped here: their
values go into ``Loaded.private_values`` (for the post-build scan), never into a row.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from generator import cores
from generator import findings as F
from generator.dates import cell_to_text
from generator.load import tidy
from generator.load.cells import Parser, parser_for
from generator.money import yuan
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
_IDENTIFIERS = frozenset({"id", "code", "voucher", "document_no", "supervisor_phone", "subject"})
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
    return bool(m) and m.group(1) == "元"


@dataclass
class _Layout:
    """How the columns of one sheet are read: contract columns, funding-source columns
    (turned into ``project_funding`` rows) and a 合计 column over those sources."""

    columns: dict[int, tuple[Column, Parser, str]] = field(default_factory=dict)
    wide: dict[int, tuple[str, Parser, str]] = field(default_factory=dict)
    row_totals: list[tuple[int, Parser, str]] = field(default_factory=list)
    wide_note: str = ""


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
        sheet_wan = tidy.sheet_in_wan(texts[:h])
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
        self._missing_columns({c.key for c, _, _ in layout.columns.values()})
        self._read_records(grid, texts, start, layout, source)

    def _layout(
        self, titles: list[str], groups: list[str], sheet_wan: bool, source: Source
    ) -> _Layout:
        layout = _Layout()
        seen: dict[str, str] = {}
        wide_names: list[str] = []
        if sheet_wan:
            self.notes.add("标题写明“单位：万元”，未注明单位的金额列按万元换算为元")
        for i, header in enumerate(titles):
            if not header:
                continue
            label = f"{self.prefix}{_letter(i)}列（{header}）"
            wan = _split_unit(header)[1] or (
                not _says_yuan(header) and (_split_unit(groups[i])[1] if groups[i] else sheet_wan)
            )
            source_name = _fund_source(header) if self.table.name == "projects" else None
            if tidy.is_ignored_header(header):
                self.notes.add(f"“{header}”列是序号，已忽略")
            elif source_name and self._column(header) is None:
                layout.wide[i] = (source_name, parser_for(_AMOUNT, wan), label)
                wide_names.append(header)
                source.mapping[header] = f"project_funding:{source_name}"
            elif groups[i] and layout.wide and tidy.total_label([header]):
                layout.row_totals.append((i, parser_for(_AMOUNT, wan), label))
            elif mapped := self._map(header, label, seen, wan):
                layout.columns[i] = mapped
                source.mapping[header] = mapped[0].key
                if mapped[0].kind == "money" and (_split_unit(header)[1] or groups[i] and wan):
                    self.notes.add(f"“{header}”列按万元换算为元")
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
            added = self._add_row(
                row,
                {c[0].key: (raw[i] if i < len(raw) else "", c) for i, c in layout.columns.items()},
            )
            sums = {c[0].key: added.values.get(c[0].key) for c in layout.columns.values()}
            sums.update(self._wide_funding(row, cells, raw, layout, added))
            since_subtotal.append(sums)
            since_total.append(sums)
            source.rows += 1

    def _wide_funding(
        self, row: int, cells: list[str], raw: list[Any], layout: _Layout, record: Row
    ) -> dict[int, int]:
        """Funding-source columns of a project row → ``project_funding`` rows, each value
        keeping the cell it came from."""
        amounts: dict[int, int] = {}
        project_id = record.values.get("id", "")
        for i, (name, parse, label) in layout.wide.items():
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
                continue
            amounts[i] = amount
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
                        stated=f"{yuan(stated)} 元",
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
        checks = [
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
            if key not in self.loaded.warned:  # reported once per file, not once per row
                self.loaded.warned.add(key)
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
        return column, parser_for(column, wan), label

    def _missing_columns(self, present: set[str]) -> None:
        for c in self.table.columns:
            if c.required and c.key not in present and c.key not in self.implied:
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
                if text.strip():
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
        record = Row(values, Origin(self.file, row, origin_cols))
        self.loaded.tables[self.table.name].append(record)
        return record


def _read_csv(path: Path) -> tuple[list[list[str]], str]:
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # UTF-16 without BOM decodes "successfully" as GB18030
            continue
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), encoding
    raise ValueError("编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）")


def _has_merges(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return any(
            b"<mergeCell " in z.read(name)
            for name in z.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def _read_xlsx(path: Path) -> Iterator[tuple[int, str, list[list[Any]], list[tidy.Merge]]]:
    """Each sheet's cell values (typed, as Excel stores them) and its merged ranges.

    Read-only mode is fast but knows nothing of merged cells, so a workbook with merged
    cells (a two-row header, a 乡镇 cell merged down its villages) is opened in full."""
    import openpyxl  # imported here: loading it costs time that CSV-only counties need not pay

    merged = _has_merges(path)
    wb = openpyxl.load_workbook(path, read_only=not merged, data_only=True)
    try:
        for i, ws in enumerate(wb.worksheets):
            grid = [list(row) for row in ws.iter_rows(values_only=True)]
            merges = (
                [
                    (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                    for m in ws.merged_cells.ranges
                ]
                if merged
                else []
            )
            yield i, ws.title, grid, merges
    finally:
        wb.close()


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


def _yaml_records(path: Path) -> list[yaml.Node]:
    text = path.read_bytes().decode("utf-8-sig")
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
                    cells[mapped[0].key] = (_scalar(value_node), mapped)
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
            present = set(cells) | set(extra or {}) | self.implied
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
    """Every data file with the table its name (or folder's name) gives, in sorted order."""
    for path in sorted(data_dir.iterdir()):
        if path.name.startswith((".", "_", "~$")) or path.name in ("site.yaml", "site.yml"):
            continue
        if path.is_dir():
            table = table_for_name(path.name)
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in FORMATS
                    and not child.name.startswith((".", "~$"))
                ):
                    yield child, table
        elif path.suffix.lower() in FORMATS:
            yield path, table_for_name(path.stem)


class _SiteLoader(yaml.SafeLoader):
    """site.yaml as text: ``data_date: 2019-02-30`` is a string that siteconfig reports,
    not a crash inside YAML's date constructor (scanbad)."""


_SiteLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def load_site(data_dir: Path, loaded: Loaded, root: Path) -> None:
    for name in ("site.yaml", "site.yml"):
        path = data_dir / name
        if path.exists():
            loaded.site_origin = Origin(_display(path, root), 1)
            try:
                data = yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=_SiteLoader)
            except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as e:
                reason = _reason(e)
                if isinstance(e, RecursionError):  # scanbad: nested thousands deep
                    reason = "嵌套层数太多：site.yaml 的每项设置应是一行文字或一个简单列表"
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


def load(data_dir: Path) -> Loaded:
    """Read ``data_dir``; return rows per table, detected sources and all findings."""
    data_dir = Path(data_dir)
    root = data_dir.resolve().parent
    loaded = _empty()
    if not data_dir.is_dir():
        loaded.findings.append(F.make("L001", path=str(data_dir)))
        return loaded
    data_dir = data_dir.resolve()
    load_site(data_dir, loaded, root)
    present: set[str] = set()
    for part, part_present in _load_files(list(_files(data_dir)), root):
        _merge(loaded, part)
        present |= part_present
    for t in TABLES:
        if t.required and t.name not in present:
            loaded.findings.append(
                F.make("L002", file=_display(data_dir, root), table=t.title, name=t.name)
            )
    return loaded


def _empty() -> Loaded:
    return Loaded({}, Origin("", 0), {t.name: [] for t in TABLES}, set(), [], [])


def _load_files(
    files: list[tuple[Path, Table | None]], root: Path
) -> list[tuple[Loaded, set[str]]]:
    """Each file into its own ``Loaded``, returned in the order given. With a second core,
    a forked child reads too: each process takes the next file, largest first, when it is
    free (a county's workbooks and CSVs take 10 s in one process)."""
    order = sorted(range(len(files)), key=lambda i: -_size(files[i][0]))
    take = cores.shares(len(order))

    def read() -> list[tuple[int, Loaded, set[str]]]:
        out = []
        for k in cores.taken(take):
            path, table = files[order[k]]
            part, present = _empty(), set()
            load_file(path, table, _display(path, root), part, present)
            out.append((order[k], part, present))
        return out

    if len(files) < 2 or not cores.can_fork():
        parts = read()
    else:
        theirs = cores.beside(read)
        parts = read() + theirs()
    return [(part, present) for _, part, present in sorted(parts, key=lambda x: x[0])]


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
    loaded.sources.extend(part.sources)
    loaded.findings.extend(part.findings)
    loaded.warned |= part.warned
    loaded.notes.extend(part.notes)


def load_file(
    path: Path, file_table: Table | None, shown: str, loaded: Loaded, present: set[str]
) -> None:
    """Read one CSV, XLSX or YAML file into ``loaded`` (``shown`` is its name in findings);
    ``present`` collects the tables it held."""
    fmt = FORMATS[path.suffix.lower()]
    try:
        if fmt == "xlsx":
            sheets_of: dict[str, list[str]] = {}
            for i, sheet, grid, merges in _read_xlsx(path):
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
            grid, source.encoding = _read_csv(path)
            reader = _TableReader(file_table, shown, loaded)
            reader.read_grid(grid, source)
        else:
            source.encoding = "utf-8"
            reader = _YamlReader(file_table, shown, loaded)
            reader.read(_yaml_records(path), source)
        loaded.sources.append(source)
        present.add(file_table.name)
        _note(loaded, reader.notes, shown, "")
    except Exception as e:  # noqa: BLE001 — any unreadable file becomes a finding
        loaded.findings.append(F.make("L003", file=shown, row=_error_line(e), reason=_reason(e)))
        if file_table is not None:
            present.add(file_table.name)  # the table is there, just unreadable


def _note(loaded: Loaded, notes: tidy.Notes, file: str, sheet: str) -> None:
    """One info finding per file (or sheet) saying what was normalised."""
    if notes:
        loaded.notes.append(F.make("I001", file=file, column=sheet, what=notes.text()))


def _error_line(e: Exception) -> int | None:
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
    return f"{type(e).__name__}: {e}"
