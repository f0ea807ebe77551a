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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import findings as F
from generator.cells import Parser, parser_for
from generator.dates import cell_to_text
from generator.records import NESTED, PRIVATE, TABLE_BY_NAME, TABLES, Column, Origin, Table

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


class _TableReader:
    """Maps headers to columns and parses rows of one file (or sheet) of one table."""

    def __init__(self, table: Table, file: str, loaded: Loaded) -> None:
        self.table = table
        self.file = file
        self.loaded = loaded
        self.index = _COLUMN_INDEX[table.name]
        self.private = _PRIVATE_KEYS.get(table.name, set())

    def header_row(self, rows: list[list[str]]) -> int:
        """The header is the first of the top rows that names at least two known columns
        (title rows such as “2018年金岭镇扶贫项目台账” may stand above it)."""
        for i, cells in enumerate(rows[:10]):
            known = sum(1 for c in cells if c and _split_unit(c)[0] in self.index)
            if known >= 2 or (known == 1 and len([c for c in cells if c]) == 1):
                return i
        return 0

    def read_grid(self, rows: list[list[str]], source: Source) -> None:
        """Read a grid of text cells (CSV or a sheet) whose header is found in the top rows."""
        if not rows:
            self._missing_columns(set())
            return
        h = self.header_row(rows)
        source.header_row = h + 1
        headers = rows[h]
        columns: dict[int, tuple[Column, Parser, str]] = {}
        seen: dict[str, str] = {}
        for i, header in enumerate(headers):
            if not str(header).strip():
                continue
            label = f"{self.prefix}{_letter(i)}列（{str(header).strip()}）"
            mapped = self._map(str(header), label, seen)
            if mapped:
                columns[i] = mapped
                source.mapping[str(header).strip()] = mapped[0].key
        self._missing_columns({c.key for c, _, _ in columns.values()})
        for r, cells in enumerate(rows[h + 1:], start=h + 2):
            raw = {i: cells[i] if i < len(cells) else "" for i in columns}
            if not any(str(v).strip() for v in raw.values()):
                continue
            self._add_row(r, {columns[i][0].key: (v, columns[i]) for i, v in raw.items()})
            source.rows += 1

    def _map(self, header: str, label: str, seen: dict[str, str]) -> tuple | None:
        base, wan = _split_unit(header)
        column = self.index.get(base) or self.index.get(_norm(header))
        if column is None:
            key = (self.file, self.table.name, _norm(header))
            if key not in self.loaded.warned:  # reported once per file, not once per row
                self.loaded.warned.add(key)
                self.loaded.findings.append(F.make(
                    "L005", file=self.file, column=label, header=header.strip(),
                    table=self.table.title))
            return None
        if column.key in seen:
            self.loaded.findings.append(F.make("L007", file=self.file, column=label,
                                               header=header.strip()))
            return None
        seen[column.key] = label
        return column, parser_for(column, wan), label

    def _missing_columns(self, present: set[str]) -> None:
        for c in self.table.columns:
            if c.required and c.key not in present and c.key not in self.implied:
                self.loaded.findings.append(F.make(
                    "L004", file=self.file, table=self.table.title, title=c.title, key=c.key))

    implied: frozenset[str] = frozenset()  # columns a nested YAML list fills from its parent
    prefix: str = ""  # “工作表“X” ” when the table is not on a workbook's first sheet

    def _add_row(self, row: int, cells: dict[str, tuple[Any, tuple]], extra: dict | None = None,
                 labels: dict[str, str] | None = None) -> None:
        values: dict[str, Any] = dict(extra or {})
        origin_cols = dict(labels or {})
        for key, (raw, (column, parse, label)) in cells.items():
            origin_cols[key] = label
            text = raw if isinstance(raw, str) else cell_to_text(raw)
            if key in self.private:
                if text.strip():
                    self.loaded.private_values.add(text.strip())
                continue
            if not text.strip():
                if column.required:
                    self.loaded.findings.append(F.make(
                        "V004", file=self.file, row=row, column=label, title=column.title))
                continue
            value, reason = parse(text)
            if reason is None:
                values[key] = value
                if column.choices and value not in column.choices:
                    self.loaded.findings.append(F.make(
                        "V005", file=self.file, row=row, column=label, title=column.title,
                        value=value, choices="、".join(column.choices)))
            else:
                code = {"money": "V001", "date": "V002", "int": "V003", "year": "V003",
                        "bool": "V006"}.get(column.kind, "V003")
                self.loaded.findings.append(F.make(
                    code, file=self.file, row=row, column=label, title=column.title,
                    value=text.strip(), reason=reason))
        self.loaded.tables[self.table.name].append(
            Row(values, Origin(self.file, row, origin_cols)))


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


def _read_xlsx(path: Path) -> Iterator[tuple[int, str, list[list[str]]]]:
    import openpyxl  # imported here: loading it costs time that CSV-only counties need not pay

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for i, ws in enumerate(wb.worksheets):
            grid = [[cell_to_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            yield i, ws.title, grid
    finally:
        wb.close()


def _yaml_records(path: Path) -> list[yaml.Node]:
    text = path.read_bytes().decode("utf-8-sig")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise ValueError("YAML 文件应是记录的列表（每条记录以“- ”开头）")
    return list(root.value)


def _scalar(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return "" if node.value in ("~", "null", "Null", "NULL") and node.tag.endswith("null") \
            else node.value
    if isinstance(node, yaml.SequenceNode):
        return "\n".join(_scalar(n) for n in node.value)
    raise ValueError("值应是文字或列表")


class _YamlReader(_TableReader):
    def read(self, nodes: list[yaml.Node], source: Source, extra: dict | None = None) -> None:
        for node in nodes:
            row = node.start_mark.line + 1
            if not isinstance(node, yaml.MappingNode):
                self.loaded.findings.append(F.make(
                    "L003", file=self.file, row=row, reason="每条记录应是“键: 值”的形式"))
                continue
            cells: dict[str, tuple[Any, tuple]] = {}
            nested: list[tuple[str, str, list[yaml.Node]]] = []
            for key_node, value_node in node.value:
                key = str(key_node.value)
                label = f"“{key}”"
                child = NESTED.get(self.table.name, {}).get(_norm(key)) or \
                    NESTED.get(self.table.name, {}).get(key)
                if child and isinstance(value_node, yaml.SequenceNode) and all(
                        isinstance(n, yaml.MappingNode) for n in value_node.value):
                    nested.append((*child, value_node.value))
                    continue
                mapped = self._map(key, label, {})
                if mapped is None:
                    continue
                try:
                    cells[mapped[0].key] = (_scalar(value_node), mapped)
                except ValueError as e:
                    self.loaded.findings.append(F.make(
                        "L003", file=self.file, row=value_node.start_mark.line + 1,
                        column=label, reason=str(e)))
            present = set(cells) | set(extra or {}) | self.implied
            for c in self.table.columns:  # a YAML record has no header: check each record
                if c.required and c.key not in present:
                    self.loaded.findings.append(F.make(
                        "V004", file=self.file, row=row, column=f"“{c.key}”", title=c.title))
            self._add_row(row, cells, extra)
            source.rows += 1
            parent_id = self.loaded.tables[self.table.name][-1].values.get("id", "")
            for child_table, fk, child_nodes in nested:
                reader = _YamlReader(TABLE_BY_NAME[child_table], self.file, self.loaded)
                reader.implied = frozenset({fk})
                reader.read(child_nodes, Source(self.file, child_table, "yaml"),
                            extra={fk: parent_id})


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
                if child.is_file() and child.suffix.lower() in FORMATS \
                        and not child.name.startswith((".", "~$")):
                    yield child, table
        elif path.suffix.lower() in FORMATS:
            yield path, table_for_name(path.stem)


def load_site(data_dir: Path, loaded: Loaded, root: Path) -> None:
    for name in ("site.yaml", "site.yml"):
        path = data_dir / name
        if path.exists():
            loaded.site_origin = Origin(_display(path, root), 1)
            try:
                data = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
            except (yaml.YAMLError, UnicodeDecodeError) as e:
                loaded.findings.append(F.make("L008", file=loaded.site_origin.file,
                                              row=_error_line(e), reason=_reason(e)))
                return
            if not isinstance(data, dict):
                loaded.findings.append(F.make("L008", file=loaded.site_origin.file,
                                              reason="内容应是“键: 值”的设置"))
                return
            loaded.site = data
            return
    shown = _display(data_dir, root)
    loaded.findings.append(F.make("L010", file=shown, path=shown))


def load(data_dir: Path) -> Loaded:
    """Read ``data_dir``; return rows per table, detected sources and all findings."""
    data_dir = Path(data_dir)
    root = data_dir.resolve().parent
    loaded = Loaded({}, Origin("", 0), {t.name: [] for t in TABLES}, set(), [], [])
    if not data_dir.is_dir():
        loaded.findings.append(F.make("L001", path=str(data_dir)))
        return loaded
    data_dir = data_dir.resolve()
    load_site(data_dir, loaded, root)
    present: set[str] = set()
    for path, file_table in _files(data_dir):
        shown = _display(path, root)
        fmt = FORMATS[path.suffix.lower()]
        try:
            if fmt == "xlsx":
                for i, sheet, grid in _read_xlsx(path):
                    table = table_for_name(sheet) or (file_table if i == 0 else None)
                    if table is None:
                        if grid and any(any(c.strip() for c in r) for r in grid):
                            loaded.findings.append(F.make("L006", file=shown, sheet=sheet))
                        continue
                    source = Source(shown, table.name, fmt, sheet=sheet)
                    reader = _TableReader(table, shown, loaded)
                    reader.prefix = f"工作表“{sheet}” " if i else ""
                    reader.read_grid(grid, source)
                    loaded.sources.append(source)
                    present.add(table.name)
                continue
            if file_table is None:
                loaded.findings.append(F.make("L009", file=shown, path=shown))
                continue
            source = Source(shown, file_table.name, fmt)
            if fmt == "csv":
                grid, source.encoding = _read_csv(path)
                _TableReader(file_table, shown, loaded).read_grid(grid, source)
            else:
                source.encoding = "utf-8"
                _YamlReader(file_table, shown, loaded).read(_yaml_records(path), source)
            loaded.sources.append(source)
            present.add(file_table.name)
        except Exception as e:  # noqa: BLE001 — any unreadable file becomes a finding
            loaded.findings.append(F.make("L003", file=shown, row=_error_line(e),
                                          reason=_reason(e)))
            if file_table is not None:
                present.add(file_table.name)  # the table is there, just unreadable
    for t in TABLES:
        if t.required and t.name not in present:
            loaded.findings.append(F.make("L002", file=_display(data_dir, root),
                                          table=t.title, name=t.name))
    return loaded


def _error_line(e: Exception) -> int | None:
    if isinstance(e, yaml.MarkedYAMLError) and e.problem_mark is not None:
        return e.problem_mark.line + 1
    return None


def _reason(e: Exception) -> str:
    if isinstance(e, yaml.MarkedYAMLError) and e.problem_mark is not None:
        return (f"YAML 格式错误（第{e.problem_mark.line + 1}行第{e.problem_mark.column + 1}"
                "个字符附近）：请检查冒号、缩进和引号")
    if isinstance(e, yaml.YAMLError):
        return "YAML 格式错误：请检查冒号、缩进和引号"
    if isinstance(e, ValueError | UnicodeDecodeError):
        return str(e)
    return f"{type(e).__name__}: {e}"
