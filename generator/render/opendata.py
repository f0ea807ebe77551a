"""Open data pages: downloads, checksums, feeds, the year archive, 变更记录 and the pages of
withdrawn records. ``render`` makes the ``OpenData`` that templates reach as ``od`` and
calls ``publish``.

Why here and not in ``render``: render lays out the records that exist; this module adds
what a supervisor needs to verify and keep them — the data behind each page, a history
that never disappears, and a page for every id that was ever published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any

from markupsafe import Markup

from generator.memo import Memo
from generator.model import Dataset
from generator.model.history import TRACKED, Change, History, Removed
from generator.records import TABLE_BY_NAME, Village
from generator.render import downloads, feeds, urls
from generator.render.mdtext import escape_md, link
from generator.render.views import home_stats

# render's ``page(template, rel, meta=None, **fields)``: the fields of the template's
# context (``contexts.BY_TEMPLATE``), checked when the context is built.
Page = Callable[..., None]
# Tables whose withdrawn records keep a page of their own (the others are listed in the
# year archive): table → the kind of record page (``urls.record``).
PAGES = {
    "projects": "project",
    "funds": "fund",
    "cases": "case",
    "distributions": "distribution",
    "rectifications": "rectification",
}
# Fields a withdrawn record's page leaves out: a withdrawn project's supervision phone is no
# longer a public line (the page lists the current phones), and the scan would flag it.
NOT_KEPT = frozenset({"监督电话"})
# The field that gives a record's year, by Chinese title (as kept in the history).
_YEAR_FIELD = {
    "projects": "年度",
    "funds": "下达日期",
    "cases": "通报日期",
    "notices": "公示开始日期",
    "distributions": "年度",
    "rectifications": "发现日期",
    "plans": "年度",
    "objections": "受理日期",
    "assets": "确权日期",
}
_TITLE_FIELD = {
    "projects": "项目名称",
    "funds": "文号",
    "cases": "问题",
    "notices": "公示对象",
    "distributions": "分配编号",
    "rectifications": "问题",
    "plans": "文号",
    "objections": "异议内容",
    "assets": "资产名称",
}


@dataclass(frozen=True)
class Provenance:
    """数据来源 of a record page (issue 19, scope 5): the table, file and row it was read
    from, when it last changed and the date the data speaks for."""

    table: str  # the table's Chinese name (项目)
    table_name: str  # its file name in the contract and in downloads/ (projects)
    file: str  # the file inside the data folder as the county names it (projects/2019.csv)
    row: int  # the row of a CSV or sheet (the header is row 1), the line of a YAML file
    change: Change | None  # the newest line of its 变更记录
    tracked: bool  # whether the history follows this table at all
    history_note: str  # why there is no history (git missing …), "" when there is one
    data_date: date | None  # downloads.data_date: 数据截止日期, else the newest date in data

    @property
    def place(self) -> str:
        """``projects/2019.csv 第 3 行`` (YAML files: the line the record starts on)."""
        if not self.file:
            return ""
        unit = "行" if not self.file.endswith((".yaml", ".yml")) else "行起"
        return f"{self.file} 第 {self.row} {unit}" if self.row else self.file


def public_file(origin_file: str) -> str:
    """A record's file as the county knows it, inside its data folder: the loader names
    files from the data folder's parent (``data/projects/2019.csv``), never a full path.

    >>> public_file("data/projects/2019.csv"), public_file("contract_county/funds.xlsx")
    ('projects/2019.csv', 'funds.xlsx')
    """
    parts = PurePosixPath(origin_file).parts
    return "/".join(parts[1:]) if len(parts) > 1 else origin_file


@dataclass
class OpenData:
    """What templates ask as ``od``: a page's data link, its 变更记录 and its 数据来源."""

    ds: Dataset
    history: History

    def changes(self, table: str, key: str) -> list[Change]:
        """Newest first, as people read a log."""
        return list(reversed(self.history.of(table, key)))

    @cached_property
    def data_date(self) -> date | None:
        text = downloads.data_date(self.ds)
        return date.fromisoformat(text) if text else None

    def withdrawn_objections(self, notices: list[Any]) -> list[Removed]:
        """Objections to ``notices`` that were published and are no longer in the data:
        their answer stays beside the notice, marked 已废止 (长期公开, issue 17)."""
        ids = {n.id for n in notices}
        return [r for r in self.history.removed_in("objections") if r.values.get("公示编号") in ids]

    def source(self, table: str, record: Any) -> Provenance:
        """Where a record page's record came from (``od.source("projects", p)``)."""
        t = TABLE_BY_NAME[table]
        key = getattr(record, t.key) if t.key else ""
        changes = self.changes(table, key) if key else []
        return Provenance(
            table=t.title,
            table_name=t.name,
            file=public_file(record.origin.file),
            row=record.origin.row,
            change=changes[0] if changes else None,
            tracked=table in TRACKED,
            history_note=self.history.note,
            data_date=self.data_date,
        )

    def slice_link(self, kind: str, record: Any, root: str) -> Markup:
        key = urls.village_slug(record) if isinstance(record, Village) else str(record)
        target = f"{root}{downloads.ROOT}/{downloads.slice_path(kind, key)}"
        return link("下载本页数据（JSON）", target)

    def slice_xlsx_link(self, kind: str, record: Any, root: str) -> Markup:
        """The same slice as an Excel workbook (``render/workbook.py``)."""
        key = urls.village_slug(record) if isinstance(record, Village) else str(record)
        target = f"{root}{downloads.ROOT}/{urls.data_slice_xlsx(kind, key)}"
        return link("下载本页数据（Excel）", target)


def removed_year(r: Removed) -> int | None:
    text = r.values.get(_YEAR_FIELD.get(r.table, ""), "")
    return int(text[:4]) if text[:4].isdigit() else None


def removed_title(r: Removed) -> str:
    if r.table == "plans":  # as the feeds name a plan: 2018年调整方案（兰扶组〔2018〕6号）
        no = r.values.get("文号", "")
        title = r.values.get("年度", "") + "年" + r.values.get("计划类型", "")
        return title + (f"（{no}）" if no else "")
    return r.values.get(_TITLE_FIELD.get(r.table, ""), "") or r.key


def withdrawn_plans(hist: History) -> dict[int, list[Removed]]:
    """Plans removed from the data, by year: 长期公开 keeps them on their year's plan page
    marked 已废止 (a plan without a year is listed in the archive only)."""
    out: dict[int, list[Removed]] = defaultdict(list)
    for r in hist.removed_in("plans"):
        if (y := removed_year(r)) is not None:
            out[y].append(r)
    return dict(out)


def publish(od: OpenData, page: Page, write: downloads.Write, memo: Memo | None = None) -> None:
    """Write ``downloads/``, ``feeds/``, ``archive/`` and the withdrawn records' pages."""
    ds, hist = od.ds, od.history
    dl = downloads.write_downloads(ds, write, memo)
    feed_paths = feeds.write_feeds(ds, hist, write)
    tables = {t["name"]: t for t in dl.tables}
    year_files: dict[int, list[str]] = defaultdict(list)
    for f in dl.files:
        head, _, rest = f.path.partition("/")
        if head.isdigit() and rest.endswith(".csv"):
            year_files[int(head)].append(rest.removesuffix(".csv"))
    # Each page gets the fields of its context (render/contexts.py), no more.
    page(
        "downloads_index.md.j2",
        "downloads/index.md",
        dl=dl,
        year_files=dict(year_files),
        tables=tables,
        feeds=feed_paths,
        hist=hist,
    )
    page("downloads_verify.md.j2", "downloads/verify.md", dl=dl, stats=home_stats(ds))

    for r in hist.removed:
        if r.table in PAGES:
            shown = {k: v for k, v in r.values.items() if v and k not in NOT_KEPT}
            page(
                "withdrawn.md.j2",
                urls.record(PAGES[r.table], r.key),
                r=r,
                values=shown,
                title=removed_title(r),
                table_title=TABLE_BY_NAME[r.table].title,
                changes=od.changes(r.table, r.key),
            )
    archive = year_archive(ds, hist)
    page(
        "archive_index.md.j2",
        "archive/index.md",
        archive=archive,
        undated=[r for r in hist.removed if removed_year(r) is None],
        removed_link=_removed_link,
    )
    for y, view in archive.items():
        page(
            "archive_year.md.j2",
            f"archive/{y}.md",
            year=y,
            a=view,
            files=sorted(year_files.get(y, [])),
            # a withdrawn record's table (plans, objections …) may have no download now
            tables={n: {"name": n, "title": t.title} for n, t in TABLE_BY_NAME.items()} | tables,
            removed_link=_removed_link,
        )


def _removed_link(r: Removed, root: str) -> Markup:
    if r.table in PAGES:
        return link(removed_title(r), root + urls.record(PAGES[r.table], r.key))
    if r.table == "plans" and (y := removed_year(r)) is not None:
        return link(removed_title(r), root + urls.plan_year(y))
    return escape_md(removed_title(r))


def year_archive(ds: Dataset, hist: History) -> dict[int, dict[str, Any]]:
    """Per year: its projects, funds, notices, cases and withdrawn records, so a year's
    notices stay one click away after the next year's data is added."""
    years: dict[int, dict[str, Any]] = {}

    def bucket(y: int) -> dict[str, Any]:
        return years.setdefault(
            y, {"projects": [], "funds": [], "notices": [], "cases": [], "removed": []}
        )

    for p in sorted(ds.projects, key=lambda p: (p.township, p.id)):
        if p.year:
            bucket(p.year)["projects"].append(p)
    for f in sorted(ds.funds, key=lambda f: (f.issued_on or date.min, f.id)):
        if f.issued_on:
            bucket(f.issued_on.year)["funds"].append(f)
    for n in sorted(ds.notices, key=lambda n: (n.posted_on or date.min, n.id)):
        if n.posted_on:
            bucket(n.posted_on.year)["notices"].append(n)
    for c in sorted(ds.cases, key=lambda c: (c.published_on or date.min, c.id)):
        if c.published_on:
            bucket(c.published_on.year)["cases"].append(c)
    for r in hist.removed:
        if (y := removed_year(r)) is not None:
            bucket(y)["removed"].append(r)
    return dict(sorted(years.items(), reverse=True))
