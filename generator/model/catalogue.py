"""The 标准目录 (standard disclosure catalogue) items that apply to these funds, and how far
each township has published them (issue 17, the coverage page).

Each item names the notice kinds that fulfil it, the records that need it (``subject`` and
``when``) and its clock (``due_from`` + ``due_workdays``). A record is 已公开 when one of
its notices has one of the kinds and began in time, 逾期 when it began late, 缺失 when
there is none and the deadline has passed (or there is no deadline), and 未到期 while its
deadline is still ahead. The defaults follow /work/shared/disclosure-rules.md (county
标准目录 citing 国开办发〔2017〕50号); ``site.yaml`` ``catalogue`` changes an item by its
name, switches one off, or adds one (``siteconfig.catalogue_items``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from generator.workdays import add_workdays

if TYPE_CHECKING:
    from generator.model.dataset import Dataset
    from generator.records import Notice

COUNTY_WIDE = "全县"
SUBJECTS = ("project", "fund", "distribution", "benefit", "county")
SUBJECT_NAMES = {
    "项目": "project",
    "资金": "fund",
    "收益分配": "distribution",
    "到户补助": "benefit",
    "补助": "benefit",
    "全县": "county",
    "县级": "county",
}
WHEN = ("all", "started", "accepted", "year_over")
WHEN_NAMES = {"全部": "all", "已开工": "started", "已验收": "accepted", "年度结束后": "year_over"}
DUE_FROM = ("", "start", "issued_on", "accepted_on")
DUE_FROM_NAMES = {"开工日期": "start", "下达日期": "issued_on", "验收日期": "accepted_on"}
STARTED = ("公示中", "实施中", "已完工", "已验收")

PUBLISHED, LATE, MISSING, NOT_DUE = "已公开", "逾期", "缺失", "未到期"


@dataclass(frozen=True)
class Item:
    """One catalogue item. ``kinds``: notice kinds that fulfil it; ``subject``: the records
    that need it (``project``, ``fund``, ``distribution``, ``benefit``, or ``county``: one
    per project year, county-wide); ``when``: which of them (``all``, ``started``,
    ``accepted``, ``year_over``); ``due_from``: the record's date the clock runs from
    (``""``: no clock); ``due_workdays``: working days after it (0: by that day)."""

    name: str
    basis: str
    deadline: str
    channel: str
    kinds: tuple[str, ...]
    subject: str
    when: str = "all"
    due_from: str = ""
    due_workdays: int = 0


GUIDE = "国开办发〔2017〕50号"
DEFAULT_ITEMS: tuple[Item, ...] = (
    Item(
        "项目库入库公示",
        "国乡振发〔2021〕3号（县级标准目录引用）：村申报、乡审核、县审定，公示无异议后入库",
        "入库前在村、乡公开栏公示不少于10天",
        "村公开栏、乡镇公开栏、县门户网站",
        ("入库公示",),
        "project",
    ),
    Item(
        "年度计划（统筹整合方案）公告",
        "县级标准目录：信息形成（变更）20个工作日内",
        "批复后20个工作日内",
        "县门户网站；乡镇、村公开栏公开本级部分",
        ("年度计划公告",),
        "county",
    ),
    Item(
        "资金分配结果公告",
        GUIDE + "（吴川标准目录）：资金分配结果公告",
        "资金下达后15个工作日内",
        "县门户网站",
        ("资金公告", "分配结果公告"),
        "fund",
        due_from="issued_on",
        due_workdays=15,
    ),
    Item(
        "项目实施前公示",
        GUIDE + "：项目实施前在实施地公示",
        "开工前，村公开栏和项目现场公示不少于10天",
        "项目现场、村公开栏、县门户网站",
        ("事前公示",),
        "project",
        when="started",
        due_from="start",
    ),
    Item(
        "项目竣工公告",
        GUIDE + "：项目竣工验收后公告建设内容、资金使用和验收结论",
        "验收后及时公告，门户网站长期公开",
        "项目现场、村公开栏、县门户网站",
        ("事后公告",),
        "project",
        when="accepted",
    ),
    Item(
        "资产收益分配公示",
        "素材003：村提方案、乡镇审核、县级备案，公示无异议后发放",
        "发放前在村公开栏公示不少于10天",
        "村公开栏、县门户网站",
        ("分配公示",),
        "distribution",
    ),
    Item(
        "到户补助对象和金额公示",
        GUIDE + "：到户补助对象、标准和金额公示",
        "发放前在村公开栏公示不少于10天",
        "村公开栏、县门户网站",
        ("分配公示",),
        "benefit",
    ),
    Item(
        "年度计划完成情况公告",
        "县级标准目录：建设完成、资金使用、绩效目标和减贫机制实现情况",
        "年度结束后公告",
        "县门户网站",
        ("完成情况公告",),
        "county",
        when="year_over",
    ),
)


@dataclass(frozen=True)
class Entry:
    """One record that needs the item: ``subject`` (``project:ID`` …, or the year for a
    county-wide item), its ``label``, ``state`` (已公开 / 逾期 / 缺失 / 未到期), ``due``
    and the notice that counts (``notice``), if any."""

    subject: str
    label: str
    state: str
    due: date | None = None
    notice: Notice | None = None


@dataclass
class Row:
    """One township (or 全县) for one item; ``state`` is its worst entry."""

    township: str
    entries: list[Entry] = field(default_factory=list)

    def of(self, state: str) -> list[Entry]:
        return [e for e in self.entries if e.state == state]

    @property
    def state(self) -> str:
        for s in (LATE, MISSING, PUBLISHED, NOT_DUE):
            if self.of(s):
                return s
        return ""


@dataclass(frozen=True)
class ItemCoverage:
    item: Item
    rows: list[Row]


def _due(ds: Dataset, item: Item, anchor: date | None) -> date | None:
    if not item.due_from or anchor is None:
        return None
    if item.due_workdays <= 0:
        return anchor
    return add_workdays(anchor, item.due_workdays)[0]


def _judge(ds: Dataset, item: Item, notices: list[Notice], anchor: date | None) -> tuple:
    """(state, due, notice) of one record."""
    due = _due(ds, item, anchor)
    mine = sorted(
        (n for n in notices if n.kind in item.kinds and n.posted_on),
        key=lambda n: (n.posted_on, n.id),
    )
    if mine:
        first = mine[0]
        late = due is not None and first.posted_on is not None and first.posted_on > due
        return (LATE if late else PUBLISHED), due, first
    if due is not None and ds.as_of <= due:
        return NOT_DUE, due, None
    return MISSING, due, None


def coverage(ds: Dataset, items: tuple[Item, ...] | None = None) -> list[ItemCoverage]:
    """Every item, per township (sorted; 全县 last), with the records that need it."""
    out = []
    for item in items if items is not None else ds.site.catalogue:
        rows: dict[str, Row] = defaultdict(lambda: Row(""))
        for town, entry in _entries(ds, item):
            row = rows[town]
            row.township = town
            row.entries.append(entry)
        order = sorted(rows, key=lambda t: (t == COUNTY_WIDE, t))
        out.append(ItemCoverage(item, [rows[t] for t in order]))
    return out


def _entries(ds: Dataset, item: Item):
    """(township, Entry) for every record the item applies to."""
    if item.subject == "project":
        for p in sorted(ds.projects, key=lambda p: p.id):
            if item.when == "started" and p.status not in STARTED and not p.started_on:
                continue
            if item.when == "accepted" and p.status != "已验收" and not p.accepted_on:
                continue
            if item.when == "year_over" and not (p.year and p.year < ds.as_of.year):
                continue
            anchor = {
                "start": p.started_on or p.start,
                "accepted_on": p.accepted_on,
            }.get(item.due_from)
            state, due, n = _judge(ds, item, ds.notices_of("project", p.id), anchor)
            yield p.township or COUNTY_WIDE, Entry(f"project:{p.id}", p.name, state, due, n)
    elif item.subject == "fund":
        for f in sorted(ds.funds, key=lambda f: f.id):
            anchor = f.issued_on if item.due_from == "issued_on" else None
            state, due, n = _judge(ds, item, ds.notices_of("fund", f.id), anchor)
            entry = Entry(f"fund:{f.id}", f.document_no or f.id, state, due, n)
            towns = sorted(
                {
                    p.township
                    for a in ds.allocations_of_fund(f.id)
                    if (p := ds.project(a.project_id)) and p.township
                }
            )
            for town in towns or [COUNTY_WIDE]:
                yield town, entry
    elif item.subject == "distribution":
        for d in sorted(ds.distributions, key=lambda d: d.id):
            state, due, n = _judge(ds, item, ds.notices_of("distribution", d.id), None)
            p = ds.project(d.project_id) if d.project_id else None
            town = p.township if p and p.township else COUNTY_WIDE
            yield town, Entry(f"distribution:{d.id}", f"收益分配 {d.id}", state, due, n)
    elif item.subject == "benefit":
        towns_of: dict[tuple[str, int], set[str]] = defaultdict(set)
        for b in ds.benefits:
            if b.year is None:
                continue
            vil = ds.village(b.village)
            towns_of[(b.program, b.year)].add(vil.township if vil else COUNTY_WIDE)
        for (program, year), towns in sorted(towns_of.items()):
            key = f"{program}:{year}"
            state, due, n = _judge(ds, item, ds.notices_of("benefit", key), None)
            entry = Entry(f"benefit:{key}", f"{year}年{program}", state, due, n)
            for town in sorted(towns):
                yield town, entry
    elif item.subject == "county":
        years = sorted({p.year for p in ds.projects if p.year})
        for year in years:
            if item.when == "year_over" and year >= ds.as_of.year:
                continue
            # a county-wide notice of the year: posted in it, or its subject names it
            mine = [
                n
                for n in ds.notices
                if n.kind in item.kinds
                and ((n.posted_on and n.posted_on.year == year) or str(year) in n.subject)
            ]
            state, due, n = _judge(ds, item, mine, None)
            yield COUNTY_WIDE, Entry(str(year), f"{year}年", state, due, n)


def merge(base: tuple[Item, ...], changes: list[tuple[str, dict, bool]]) -> tuple[Item, ...]:
    """``base`` with ``site.yaml``'s changes: (name, fields, off) per item, in order; an item
    of a known name is changed (or dropped when ``off``), a new name is added at the end."""
    items = list(base)
    for name, fields, off in changes:
        at = next((i for i, it in enumerate(items) if it.name == name), None)
        if at is not None:
            if off:
                del items[at]
            else:
                items[at] = replace(items[at], **fields)
        elif not off:
            items.append(Item(name=name, **{**_NEW_DEFAULTS, **fields}))
    return tuple(items)


_NEW_DEFAULTS: dict = {
    "basis": "",
    "deadline": "",
    "channel": "",
    "kinds": (),
    "subject": "project",
}
