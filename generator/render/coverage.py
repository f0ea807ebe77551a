"""The 标准目录 coverage page's judgement (issue 17): for every catalogue item
(``model.catalogue``), the records that need it, per township, each 已公开, 逾期, 缺失 or
未到期.

A record is 已公开 when one of its notices has one of the item's kinds and began in time,
逾期 when the first such notice began after the deadline, 缺失 when there is none and the
deadline has passed (or the item has no clock), and 未到期 while its deadline is still
ahead of the data date. A fund counts in every township its money went to (全县 when it
went to none), a benefit programme in every township of its villages.

Two items take their clock from ``model.lifecycle``, the module rules J001 and J003 ask,
so the page marks 逾期 exactly what those rules report:

- 入库公示: a project whose 入库公示 had not ended when the plan that lists it was approved
  (``lifecycle.pool_lapses``, J001) is 逾期; its deadline is the day before that approval.
- 年度计划 / 调整方案: each plan of the year whose notice kind (年度计划公告 / 调整公告) the
  item names is judged by ``lifecycle.plan_clock`` (J002/J003), in every township of its
  projects (全县 when it lists none); a year with projects and no plan record is judged by
  the county's notices of that year, as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from generator.model import Dataset, lifecycle, totals
from generator.model.catalogue import COUNTY_WIDE, Item
from generator.records import Notice
from generator.render.titles import distribution_title
from generator.workdays import add_workdays

STARTED = ("公示中", "实施中", "已完工", "已验收")
PUBLISHED, LATE, MISSING, NOT_DUE = "已公开", "逾期", "缺失", "未到期"
STATES = (LATE, MISSING, PUBLISHED, NOT_DUE)  # worst first


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
        for s in STATES:
            if self.of(s):
                return s
        return ""


@dataclass(frozen=True)
class ItemCoverage:
    item: Item
    rows: list[Row]


def _due(item: Item, anchor: date | None) -> date | None:
    if not item.due_from or anchor is None:
        return None
    if item.due_workdays <= 0:
        return anchor
    return add_workdays(anchor, item.due_workdays)[0]


def _judge(
    ds: Dataset, item: Item, notices: list[Notice], anchor: date | None
) -> tuple[str, date | None, Notice | None]:
    """(state, due, notice) of one record."""
    due = _due(item, anchor)
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


def _clocked(ds: Dataset, clock: lifecycle.Clock) -> tuple[str, date, Notice | None]:
    """(state, due, notice) of a record whose clock ``model.lifecycle`` keeps."""
    if clock.notice is None:
        return (NOT_DUE if ds.as_of <= clock.deadline else MISSING), clock.deadline, None
    return (LATE if clock.late else PUBLISHED), clock.deadline, clock.notice


def _plan_entries(ds: Dataset, item: Item, year: int) -> Iterator[tuple[str, Entry]]:
    """The plans of ``year`` whose notice kind the item names, each in the townships of its
    projects (J002/J003's clock, ``lifecycle.plan_clock``)."""
    for plan in ds.plans_of_year(year):
        if lifecycle.PLAN_NOTICE.get(plan.kind) not in item.kinds:
            continue
        clock = lifecycle.plan_clock(ds, plan)
        if clock is not None:
            state, due, n = _clocked(ds, clock)
        else:  # no approval date: published or not, no clock (V-findings say why)
            n = lifecycle.plan_notice(ds, plan)
            state, due = (PUBLISHED if n else MISSING), None
        label = f"{year}年{plan.kind}" + (f"（{plan.document_no}）" if plan.document_no else "")
        entry = Entry(f"plan:{plan.id}", label, state, due, n)
        towns = {
            pp.township
            for pid in totals.plan_project_ids(ds, plan)
            if (pp := ds.project(pid)) and pp.township
        }
        for town in sorted(towns) or [COUNTY_WIDE]:
            yield town, entry


def _entries(ds: Dataset, item: Item) -> Iterator[tuple[str, Entry]]:
    """(township, Entry) for every record the item applies to."""
    if item.subject == "project":
        # J001's lapses, when the item is the pool posting
        lapses = lifecycle.pool_lapses(ds) if lifecycle.POOL_KIND in item.kinds else {}
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
            lapse = lapses.get(p.id)
            if lapse and n is not None and n.kind == lifecycle.POOL_KIND and lapse[0].approved_on:
                # its 入库公示 had not ended when the plan was approved (J001)
                state, due = LATE, lapse[0].approved_on - timedelta(days=1)
            yield p.township or COUNTY_WIDE, Entry(f"project:{p.id}", p.name, state, due, n)
    elif item.subject == "fund":
        for f in sorted(ds.funds, key=lambda f: f.id):
            anchor = f.issued_on if item.due_from == "issued_on" else None
            state, due, n = _judge(ds, item, ds.notices_of("fund", f.id), anchor)
            entry = Entry(f"fund:{f.id}", f.document_no or f.id, state, due, n)
            towns = {
                fp.township
                for a in ds.allocations_of_fund(f.id)
                if (fp := ds.project(a.project_id)) and fp.township
            }
            for town in sorted(towns) or [COUNTY_WIDE]:
                yield town, entry
    elif item.subject == "distribution":
        for d in sorted(ds.distributions, key=lambda d: d.id):
            state, due, n = _judge(ds, item, ds.notices_of("distribution", d.id), None)
            dp = ds.project(d.project_id) if d.project_id else None
            town = dp.township if dp and dp.township else COUNTY_WIDE
            title = distribution_title(ds, d)
            yield town, Entry(f"distribution:{d.id}", title, state, due, n)
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
        plan_years = {x.year for x in ds.plans if x.year}
        by_plan = any(k in item.kinds for k in lifecycle.PLAN_NOTICE.values())
        for year in sorted(set(years) | (plan_years if by_plan else set())):
            if item.when == "year_over" and year >= ds.as_of.year:
                continue
            if by_plan and year in plan_years:
                yield from _plan_entries(ds, item, year)
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
