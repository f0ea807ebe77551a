"""``gongshi import``: turn a messy export into clean, contract-shaped CSV files to review.

``check`` and ``build`` read messy files directly (title rows, merged headers, 合计 rows …),
so importing is optional. It exists because a clean CSV is what a county should commit:
one header row in Chinese, one record per row, money in 元, ISO dates, diffable in git —
and without the never-published columns (身份证号, 银行账号, 联系电话, 家庭住址), which
are dropped here and never written anywhere.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.findings import Report
from generator.load import Loaded, Row, load_file, table_for_name
from generator.money import plain
from generator.records import PRIVATE, TABLE_BY_NAME, TABLES, Column, Origin, Table


@dataclass
class Imported:
    report: Report
    written: list[tuple[Path, int]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # Chinese titles of private columns
    existing: list[Path] = field(default_factory=list)  # files not overwritten

    @property
    def exit_code(self) -> int:
        if self.report.exit_code:
            return self.report.exit_code
        return 2 if self.existing else 0


def text_of(column: Column, value: Any) -> str:
    """A parsed value written back as the contract's plain text.

    >>> text_of(Column("amount", "金额", "money"), 12500000)
    '125000.00'
    >>> text_of(Column("villages", "实施地点", "list"), ("大洼村", "小洼村"))
    '大洼村、小洼村'
    """
    if value is None:
        return ""
    if column.kind == "money":
        return plain(value)
    if column.kind == "list":
        return "、".join(value)
    if column.kind == "bool":
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def table_csv(table: Table, rows: list[Row]) -> str:
    """Rows as CSV text with Chinese headers: the contract's columns in order, those that
    hold a value or are required."""
    columns = [c for c in table.columns if c.required or any(c.key in r.values for r in rows)]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.title for c in columns])
    for r in rows:
        writer.writerow([text_of(c, r.values.get(c.key)) for c in columns])
    return out.getvalue()


def import_file(path: Path, out: Path, table: str | None = None, force: bool = False) -> Imported:
    """Read ``path`` as ``load`` would; if it has no errors, write one CSV per table found
    (UTF-8 with BOM, so Excel and WPS open it) into ``out``."""
    path = Path(path)
    forced = table_for_name(table) if table else None
    file_table = forced or table_for_name(path.stem) or table_for_name(path.parent.name)
    loaded = Loaded({}, Origin("", 0), {t.name: [] for t in TABLES}, set(), [], [])
    load_file(path, file_table, path.name, loaded, set())
    result = Imported(Report(list(loaded.findings), notes=list(loaded.notes)))
    private = {c.key: c.title for cols in PRIVATE.values() for c in cols}
    for source in loaded.sources:
        for key in source.mapping.values():
            if key in private and private[key] not in result.dropped:
                result.dropped.append(private[key])
    if result.report.exit_code:
        return result
    targets = [(TABLE_BY_NAME[name], rows) for name, rows in loaded.tables.items() if rows]
    result.existing = [
        out / f"{t.name}.csv" for t, _ in targets if (out / f"{t.name}.csv").exists() and not force
    ]
    if result.existing:
        return result
    out.mkdir(parents=True, exist_ok=True)
    for t, rows in targets:
        target = out / f"{t.name}.csv"
        target.write_text(table_csv(t, rows), encoding="utf-8-sig", newline="")
        result.written.append((target, len(rows)))
    return result
