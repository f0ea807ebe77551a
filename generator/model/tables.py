"""The data contract's tables as the model holds them: which ``Dataset`` field keeps each
table's records, and each value as one canonical text (the form downloads publish and the
history compares). One map, used by the model, the downloads, the history and the
compliance figures."""

from __future__ import annotations

from typing import Any

from generator import money
from generator.records import (
    Allocation,
    Asset,
    AssetIncome,
    Benefit,
    Case,
    Column,
    Disbursement,
    Distribution,
    Fund,
    Funding,
    Notice,
    Objection,
    Plan,
    Project,
    Rectification,
    Table,
    Target,
    Village,
)

LIST_SEP = "；"

RECORD_TYPES: dict[str, type] = {
    "villages": Village,
    "projects": Project,
    "project_funding": Funding,
    "project_targets": Target,
    "funds": Fund,
    "allocations": Allocation,
    "disbursements": Disbursement,
    "notices": Notice,
    "plans": Plan,
    "benefits": Benefit,
    "distributions": Distribution,
    "cases": Case,
    "rectifications": Rectification,
    "objections": Objection,
    "assets": Asset,
    "asset_income": AssetIncome,
}
# table name → the ``Dataset`` attribute holding its records
DATASET_FIELD = {
    "villages": "villages",
    "projects": "projects",
    "project_funding": "funding",
    "project_targets": "targets",
    "funds": "funds",
    "allocations": "allocations",
    "disbursements": "disbursements",
    "notices": "notices",
    "plans": "plans",
    "benefits": "benefits",
    "distributions": "distributions",
    "cases": "cases",
    "rectifications": "rectifications",
    "objections": "objections",
    "assets": "assets",
    "asset_income": "asset_income",
}


def header(c: Column) -> str:
    """The CSV header of a column: its Chinese name, with the unit for money (read back by
    the loader as 元)."""
    return f"{c.title}(元)" if c.kind == "money" else c.title


def cell_text(value: Any, kind: str) -> str:
    """One value as CSV text: money in 元 to the 分, ISO dates, 是/否, lists joined by ；.

    >>> from datetime import date
    >>> cell_text(19479215, "money"), cell_text(date(2018, 3, 5), "date")
    ('194792.15', '2018-03-05')
    >>> cell_text(("松洞村", "杨庄村"), "list"), cell_text(None, "int"), cell_text(True, "bool")
    ('松洞村；杨庄村', '', '是')
    """
    if value is None or value == "" or value == ():
        return ""
    if kind == "money":
        return money.plain(value)
    if kind == "date":
        return value.isoformat()
    if kind == "bool":
        return "是" if value else "否"
    if kind == "list":
        return LIST_SEP.join(value)
    return str(value)


def cell_json(value: Any, kind: str) -> Any:
    """One value for JSON: money stays a decimal *string* (JSON numbers become floats)."""
    if value is None:
        return None
    if kind == "money":
        return money.plain(value)
    if kind == "date":
        return value.isoformat()
    if kind == "list":
        return list(value)
    return value


def row_text(record: Any, table: Table) -> dict[str, str]:
    """A record as ``{Chinese header: text}``, the CSV row."""
    return {header(c): cell_text(getattr(record, c.key), c.kind) for c in table.columns}


def row_json(record: Any, table: Table) -> dict[str, Any]:
    """A record as ``{English key: value}``, the JSON row."""
    return {c.key: cell_json(getattr(record, c.key), c.kind) for c in table.columns}
