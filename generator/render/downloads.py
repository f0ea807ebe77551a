"""Open data: every public table as CSV and JSON, per county and per year, described by a
Frictionless ``datapackage.json``, with ``SHA256SUMS`` and a manifest.

Why this shape: a supervisor must be able to take the data behind any page and recompute
it. So the downloads hold exactly the public records (never-published columns are not
fields of any record, names are already masked), money is a plain decimal string in 元
exact to the 分 (``194792.15``; a float would lose the 分), CSV is UTF-8 with a BOM so Excel
opens it, and CSV headers are the Chinese column names a cadre knows (``金额(元)``), which
gongshi itself reads back. JSON files use the English keys of the data contract and say
which is which. Everything is computed from the data only: the same data gives the same
bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator import money
from generator.memo import Memo
from generator.model import Dataset, benefit_key, parse_subject, status
from generator.model import totals as sums
from generator.model.dataset import published_tables, records
from generator.model.tables import header, row_json, row_text
from generator.records import TABLES, Column, Table
from generator.render import urls, workbook
from generator.render.views import village_view

ROOT = "downloads"
SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
PACKAGE = "datapackage.json"

# Foreign keys by column name, following records.py's convention ``<thing>_id`` → its table.
REFERENCES = {
    "project_id": "projects",
    "fund_id": "funds",
    "distribution_id": "distributions",
    "notice": "notices",  # objections (issue 17)
    "asset_id": "assets",
}
_FRICTIONLESS_TYPE = {
    "text": "string",
    "list": "string",
    "money": "number",
    "date": "date",
    "int": "integer",
    "year": "year",
    "bool": "boolean",
}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel may run as a formula
_TEXT_KINDS = ("text", "list")


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would read as a formula gets a leading ``'`` (OWASP,
    "CSV Injection"): ``=HYPERLINK(…)`` stays text when a verifier opens the file in Excel.

    >>> neutralise("=HYPERLINK(1)"), neutralise("-2+3+cmd|' /C calc'!A0")
    ("'=HYPERLINK(1)", "'-2+3+cmd|' /C calc'!A0")
    >>> neutralise("青山村道路硬化项目")
    '青山村道路硬化项目'
    """
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(table: Table, rows: Iterable[Any]) -> str:
    """CSV with a BOM (Excel needs it to read UTF-8) and CRLF line ends (RFC 4180).

    Text cells are formula-neutralised (``neutralise``); money, numbers and dates are
    written as they are, so they stay numbers in a spreadsheet (the JSON download has every
    text exactly as recorded)."""
    text_headers = {header(c) for c in table.columns if c.kind in _TEXT_KINDS}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([header(c) for c in table.columns])
    for r in rows:
        cells = row_text(r, table)
        writer.writerow([neutralise(v) if k in text_headers else v for k, v in cells.items()])
    return "\ufeff" + buf.getvalue()


def json_text(table: Table, rows: Iterable[Any]) -> str:
    doc = {
        "table": table.name,
        "title": table.title,
        "fields": [
            {
                "key": c.key,
                "title": c.title,
                "csv_header": header(c),
                "type": _FRICTIONLESS_TYPE[c.kind],
            }
            for c in table.columns
        ],
        "rows": [row_json(r, table) for r in rows],
    }
    return dumps(doc)


def dumps(doc: Any) -> str:
    """JSON indented by structure, with each row on one line: as readable in an editor or
    a diff as ``indent=1``, but every row goes through the C encoder (``indent`` makes
    ``json`` use its Python one: 14 s for a county)."""
    return _pretty(doc, "") + "\n"


def _flat(value: Any) -> bool:
    """A row: plain values, or lists of plain values (a project's villages)."""
    items = value.values() if isinstance(value, dict) else value
    return not any(isinstance(x, dict) or (isinstance(x, list) and not _flat(x)) for x in items)


def _pretty(value: Any, pad: str) -> str:
    if not isinstance(value, dict | list) or _flat(value):
        return json.dumps(value, ensure_ascii=False)
    inner = pad + " "
    if isinstance(value, dict):
        parts = [
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_pretty(x, inner)}"
            for k, x in value.items()
        ]
        return "{\n" + ",\n".join(parts) + "\n" + pad + "}"
    return "[\n" + ",\n".join(inner + _pretty(x, inner) for x in value) + "\n" + pad + "]"


# --- which rows belong to which year ------------------------------------------------------


def year_of(ds: Dataset, table: str, record: Any) -> int | None:
    """The year a row is filed under: its own 年度, the year of its project, or the year of
    its main date. ``None`` rows appear only in the county files."""
    if table in ("projects", "benefits", "distributions", "plans"):
        return record.year
    if table in ("project_funding", "project_targets", "allocations", "disbursements", "assets"):
        p = ds.project(record.project_id)
        return p.year if p else None
    if table == "asset_income":
        return record.year
    dated = {
        "funds": "issued_on",
        "notices": "posted_on",
        "cases": "published_on",
        "rectifications": "found_on",
        "objections": "received_on",
    }.get(table)
    if dated:
        d = getattr(record, dated)
        return d.year if d else None
    return None


def years(ds: Dataset) -> list[int]:
    found = {year_of(ds, t.name, r) for t in TABLES for r in records(ds, t)}
    return sorted(y for y in found if y)


# --- Frictionless table schemas -------------------------------------------------------------


def schema(table: Table, rows: list, present: dict[str, set[str]]) -> dict[str, Any]:
    """Table Schema: Chinese names and titles, types, primary key, foreign keys.

    ``present`` maps a referenced table to the keys it holds in this package; a foreign key
    is declared only when every reference in ``rows`` resolves there (a year's allocations
    may draw on a fund of the previous year, which is in the county package, not this one).
    """
    fields = []
    for c in table.columns:
        f: dict[str, Any] = {
            "name": header(c),
            "title": c.title,
            "type": _FRICTIONLESS_TYPE[c.kind],
            "description": _describe(c),
        }
        if c.kind == "bool":
            f.update(trueValues=["是"], falseValues=["否"])
        if c.kind == "money":
            f["bareNumber"] = True
        if c.required and c.key in ("id", "code") and table.key == c.key:
            f["constraints"] = {"required": True, "unique": True}
        fields.append(f)
    out: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if table.key:
        keys = [getattr(r, table.key) for r in rows]
        if all(keys) and len(set(keys)) == len(keys):
            out["primaryKey"] = [header(_column(table, table.key))]
    fks = []
    for c in table.columns:
        target = REFERENCES.get(c.key)
        if not target or target not in present:
            continue
        values = {getattr(r, c.key) for r in rows} - {""}
        if values <= present[target]:
            ref = _column(_table(target), "id")
            fks.append(
                {"fields": [header(c)], "reference": {"resource": target, "fields": [header(ref)]}}
            )
    if fks:
        out["foreignKeys"] = fks
    return out


def _describe(c: Column) -> str:
    parts = [f"英文键 {c.key}"]
    if c.kind == "money":
        parts.append("金额，单位元，精确到分")
    if c.kind == "list":
        parts.append("多个值用“；”分隔")
    if c.choices:
        parts.append("取值：" + "、".join(c.choices))
    if c.help:
        parts.append(c.help)
    return "；".join(parts)


def _column(table: Table, key: str) -> Column:
    return next(c for c in table.columns if c.key == key)


def _table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)


# --- the whole download folder ------------------------------------------------------------


@dataclass
class FileInfo:
    path: str  # relative to downloads/
    sha256: str
    bytes: int
    rows: int | None = None


@dataclass
class Downloads:
    """What was written, for the download page, the checksum file and the manifest."""

    files: list[FileInfo] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    data_date: str = ""
    totals: dict[str, str] = field(default_factory=dict)

    def sums(self) -> str:
        return "".join(f"{f.sha256}  {f.path}\n" for f in sorted(self.files, key=lambda f: f.path))


Write = Callable[[str, str | bytes], None]


class _Out:
    def __init__(self, write: Write, result: Downloads) -> None:
        self._write = write
        self.result = result

    def put(self, rel: str, text: str | bytes, rows: int | None = None) -> None:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        self.result.files.append(FileInfo(rel, hashlib.sha256(data).hexdigest(), len(data), rows))
        self._write(f"{ROOT}/{rel}", text)


def data_date(ds: Dataset) -> str:
    """The date the data speaks for: ``site.yaml``'s 数据截止日期, else the newest date in
    any record (``model.status.data_day``). Never the clock, so a rebuild gives the same
    bytes."""
    if ds.site.data_date:
        return str(ds.site.data_date)
    newest = status.data_day(ds)
    return newest.isoformat() if newest else ""


def totals(ds: Dataset) -> dict[str, str]:
    """The home page's headline figures (from ``model.totals``), as a supervisor
    recomputes them from the CSVs."""
    p = money.plain
    return {
        "项目个数": str(len(ds.projects)),
        "项目资金合计(元)": p(sums.county_funding(ds)),
        "下达资金合计(元)": p(sums.funds_issued(ds)),
        "已拨付资金(元)": p(sums.county_disbursed(ds)),
        "项目受益户数": str(sums.project_households(ds.projects)),
        "到户补助发放(元)": p(sums.benefits_paid(ds)),
        "到户补助户次": str(len(ds.benefits)),
        "村庄个数": str(len(ds.villages)),
    }


def _package(
    ds: Dataset, tables: list[tuple[Table, list]], name: str, title: str, prefix: str = ""
) -> dict[str, Any]:
    present = {t.name: {getattr(r, t.key) for r in rows} for t, rows in tables if t.key == "id"}
    resources = []
    for t, rows in tables:
        resources.append(
            {
                "name": t.name,
                "title": t.title,
                "path": f"{prefix}{t.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": schema(t, rows, present),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": f"{ds.site.name}公开数据。金额单位为元，精确到分；姓名已脱敏；"
        "身份证号、银行账号、联系电话、家庭住址不公开。",
        "version": data_date(ds) or "0",
        "resources": resources,
    }


def write_downloads(ds: Dataset, write: Write, memo: Memo | None = None) -> Downloads:
    """Write ``downloads/`` (through ``write(rel_path, text)``) and return what was written.
    ``memo``: the Excel workbooks by what they hold (``xlsx.workbook``)."""
    result = Downloads(years=years(ds), data_date=data_date(ds), totals=totals(ds))
    out = _Out(write, result)
    county = [(t, records(ds, t)) for t in published_tables(ds)]
    for t, rows in county:
        out.put(f"{t.name}.csv", csv_text(t, rows), len(rows))
        out.put(f"{t.name}.json", json_text(t, rows), len(rows))
        result.tables.append(
            {
                "name": t.name,
                "title": t.title,
                "rows": len(rows),
                "columns": [
                    {"key": c.key, "header": header(c), "type": _FRICTIONLESS_TYPE[c.kind]}
                    for c in t.columns
                ],
            }
        )
    out.put(PACKAGE, dumps(_package(ds, county, "gongshi-county", ds.site.name)))
    out.put(workbook.FILE, workbook.workbook_bytes(ds, memo), sum(len(rows) for _, rows in county))
    for y in result.years:
        per_year = [(t, [r for r in rows if year_of(ds, t.name, r) == y]) for t, rows in county]
        per_year = [(t, rows) for t, rows in per_year if rows]
        for t, rows in per_year:
            out.put(f"{y}/{t.name}.csv", csv_text(t, rows), len(rows))
            out.put(f"{y}/{t.name}.json", json_text(t, rows), len(rows))
        out.put(
            f"{y}/{PACKAGE}",
            dumps(_package(ds, per_year, f"gongshi-{y}", f"{ds.site.name}（{y}年）")),
        )
    for kind, key, page, tables in slice_records(ds):
        doc = {"page": page, "tables": {n: _rows(n, rows) for n, rows in tables.items()}}
        out.put(slice_path(kind, key), dumps(doc))
        out.put(urls.data_slice_xlsx(kind, key), workbook.slice_bytes(ds, page, tables, memo))
    manifest = {
        "site": ds.site.name,
        "county": ds.site.county,
        "office": ds.site.office,
        "data_date": result.data_date,
        "totals": result.totals,
        "note": "金额单位为元，精确到分。用 sha256sum -c SHA256SUMS 核对文件。",
        # Hashes live in SHA256SUMS only: hex digests hold digit runs that the privacy scan
        # would have to tell apart from account numbers.
        "files": [
            {"path": f.path, "bytes": f.bytes, "rows": f.rows}
            for f in sorted(result.files, key=lambda f: f.path)
        ],
    }
    out.put(MANIFEST, dumps(manifest))
    write(f"{ROOT}/{SUMS}", result.sums())
    return result


# --- slices: the data behind one page -------------------------------------------------------


def slice_path(kind: str, key: str) -> str:
    """Where the data of one project/fund/village page lives, relative to ``downloads/``;
    depends only on the record's id."""
    return urls.data_slice(kind, key)


def _rows(name: str, items: Iterable[Any]) -> list[dict[str, Any]]:
    t = _table(name)
    return [row_json(r, t) for r in items]


def slice_records(ds: Dataset) -> Iterable[tuple[str, str, str, dict[str, list[Any]]]]:
    """``(kind, key, page title, {table: records})`` for every project, fund and village
    page: the rows behind that page, as its JSON and Excel slices hold them."""
    for p in sorted(ds.projects, key=lambda p: p.id):
        notices = ds.notices_of("project", p.id)
        yield (
            "projects",
            p.id,
            p.name,
            {
                "projects": [p],
                "project_funding": ds.funding_of(p.id),
                "project_targets": ds.targets_of(p.id),
                "allocations": ds.allocations_of_project(p.id),
                "disbursements": ds.disbursements_of_project(p.id),
                "distributions": ds.distributions_of_project(p.id),
                "notices": notices,
                **_issue17_records(ds, notices, ds.assets_of_project(p.id)),
            },
        )
    for f in sorted(ds.funds, key=lambda f: f.id):
        yield (
            "funds",
            f.id,
            f.document_no or f.id,
            {
                "funds": [f],
                "allocations": ds.allocations_of_fund(f.id),
                "disbursements": ds.disbursements_of_fund(f.id),
                "notices": ds.notices_of("fund", f.id),
            },
        )
    for v in sorted(ds.villages, key=lambda v: (v.township, v.code, v.name)):
        view = village_view(ds, v)
        yield (
            "villages",
            urls.village_slug(v),
            f"{v.township}{v.name}",
            {
                "villages": [v],
                "projects": view["projects"],
                "benefits": [b for g in view["benefit_groups"] for b in g["rows"]],
                "rectifications": view["rectifications"],
                "cases": view["cases"],
                **_issue17_records(ds, None, ds.assets_of_village(v)),
            },
        )


def _issue17_records(ds: Dataset, notices: list | None, assets: list) -> dict[str, list]:
    """A page's objections (``None``: a page without notices) and assets with their income,
    only for a county that keeps those tables: the slices of the old contract stay as they
    were."""
    out: dict[str, list] = {}
    if ds.objections and notices is not None:
        out["objections"] = [o for n in notices for o in ds.objections_of(n.id)]
    if ds.assets:
        out["assets"] = list(assets)
        out["asset_income"] = [i for a in assets for i in ds.income_of_asset(a.id)]
    return out


def slices(ds: Dataset) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """``(kind, key, document)``: the JSON slice of every project, fund and village page."""
    for kind, key, page, tables in slice_records(ds):
        yield kind, key, {"page": page, "tables": {n: _rows(n, rows) for n, rows in tables.items()}}


def notice_township(ds: Dataset, subject: str) -> list[str]:
    """The townships a notice concerns (for per-township feeds); fund notices are county-wide."""
    parsed = parse_subject(subject)
    if not parsed:
        return []
    kind, key = parsed
    if kind == "project" and (p := ds.project(key)):
        return [p.township] if p.township else []
    if kind == "distribution" and (d := ds.distribution(key)) and (p := ds.project(d.project_id)):
        return [p.township] if p.township else []
    if kind == "benefit":
        program, year = benefit_key(key)
        towns = set()
        for b in ds.benefits:
            if b.program == program and str(b.year) == year and (v := ds.village(b.village)):
                towns.add(v.township)
        return sorted(towns)
    return []
