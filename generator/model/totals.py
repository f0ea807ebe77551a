"""The aggregation layer: every total the site prints is computed here, from the model,
by a named function (never summed in a template, a view or a rule of its own).

Money is integer 分. An amount that could not be read is ``None``; it counts as 0 in a
sum, the V-finding of the loader names the cell, and ``unread`` lets the money rules skip
a comparison that such a sum would spoil (one cause, one finding).

Villages: a project belongs to every village it names (shown on each village page with its
full amount), but a village's *own* total holds only the projects that name that village
alone, so a project is counted once in any sum over villages: the village totals of a
county never add up to more than the county total (``tests/test_totals.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.model.dataset import Dataset
from generator.model.objections import objection_state
from generator.records import Disbursement, Plan, Project, Village

PLANNED = ("拟建", "公示中")  # wording: 计划, not 修建了
STOPPED = ("已终止",)


def sum_of(items: Iterable[Any], attr: str = "amount") -> int:
    """The sum of one money (or count) attribute over records, in 分.

    >>> from types import SimpleNamespace as R
    >>> sum_of([R(amount=150), R(amount=None), R(amount=50)])
    200
    """
    return sum(getattr(i, attr) or 0 for i in items)


def unread(items: Iterable[Any], attr: str = "amount") -> list[Any]:
    """The records of a sum whose value could not be read (``None``): the sum is not a
    fact, and a rule comparing it would report a consequence of the bad cell.

    >>> from types import SimpleNamespace as R
    >>> [r.amount for r in unread([R(amount=1), R(amount=None)])]
    [None]
    """
    return [i for i in items if getattr(i, attr) is None]


# --- plans (annual plans and adjustments) -------------------------------------------------


def plan_project_ids(ds: Dataset, plan: Plan) -> list[str]:
    """The projects of a plan that exist, in the plan's order, each once (an unknown id is
    rule R001's finding and counts in no total)."""
    return [pid for pid in dict.fromkeys(plan.projects) if ds.project(pid) is not None]


def plan_funding(ds: Dataset, plan: Plan) -> int:
    """A plan's money: the funding of its projects, each project once."""
    return sum(project_funding(ds, pid) for pid in plan_project_ids(ds, plan))


def ids_funding(ds: Dataset, pids: Iterable[str]) -> int:
    """The funding of a set of project ids (an adjustment's projects moved in or out)."""
    return sum(project_funding(ds, pid) for pid in dict.fromkeys(pids))


# --- projects and funds --------------------------------------------------------------------


def project_funding(ds: Dataset, pid: str) -> int:
    """A project's money: the sum of its funding sources."""
    return sum_of(ds.funding_of(pid))


def project_fiscal_funding(ds: Dataset, pid: str, fiscal: Iterable[str]) -> int:
    """A project's funding from the given (fiscal) sources."""
    kinds = set(fiscal)
    return sum_of(f for f in ds.funding_of(pid) if f.source in kinds)


def project_allocated(ds: Dataset, pid: str) -> int:
    return sum_of(ds.allocations_of_project(pid))


def project_disbursed(ds: Dataset, pid: str) -> int:
    return sum_of(ds.disbursements_of_project(pid))


def fund_allocated(ds: Dataset, fid: str) -> int:
    return sum_of(ds.allocations_of_fund(fid))


def fund_disbursed(ds: Dataset, fid: str) -> int:
    return sum_of(ds.disbursements_of_fund(fid))


def distribution_paid(ds: Dataset, did: str) -> int:
    return sum_of(ds.benefits_of_distribution(did))


# --- the county, years, townships -------------------------------------------------------


def county_funding(ds: Dataset) -> int:
    """All projects' funding: every row of project_funding, once."""
    return sum_of(ds.funding)


def funds_issued(ds: Dataset) -> int:
    return sum_of(ds.funds)


def funds_allocated(ds: Dataset, funds: Iterable[Any]) -> int:
    """What the given funds have allocated to projects (the funds list's 合计)."""
    return sum(fund_allocated(ds, f.id) for f in {f.id: f for f in funds}.values())


def county_disbursed(ds: Dataset) -> int:
    return sum_of(ds.disbursements)


def project_households(projects: Iterable[Project]) -> int:
    return sum_of(projects, "households")


def benefits_paid(ds: Dataset) -> int:
    return sum_of(ds.benefits)


def by_year(ds: Dataset) -> dict[int, dict[str, int]]:
    """Per project year (0: no year): projects, funding in 分, households; newest first."""
    years: dict[int, dict[str, int]] = defaultdict(
        lambda: {"projects": 0, "funding": 0, "households": 0}
    )
    for p in ds.projects:
        y = years[p.year or 0]
        y["projects"] += 1
        y["funding"] += project_funding(ds, p.id)
        y["households"] += p.households or 0
    return dict(sorted(years.items(), reverse=True))


def township_projects(ds: Dataset, township: str) -> list[Project]:
    return [p for p in ds.projects if p.township == township]


def township_funding(ds: Dataset, township: str) -> int:
    """The funding of the projects filed under a township (each project once)."""
    return sum(project_funding(ds, p.id) for p in township_projects(ds, township))


def projects_funding(ds: Dataset, projects: Iterable[Project]) -> int:
    """The funding of a list of projects (a filtered project list's 合计), each once."""
    return sum(project_funding(ds, p.id) for p in {p.id: p for p in projects}.values())


def balance_by_year(ds: Dataset) -> dict[int, tuple[int, int]]:
    """Per fund year (下达年份): (funds issued, disbursed from those funds), in 分."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for f in ds.funds:
        if f.issued_on is None:
            continue
        out[f.issued_on.year][0] += f.amount or 0
        out[f.issued_on.year][1] += fund_disbursed(ds, f.id)
    return {y: (v[0], v[1]) for y, v in sorted(out.items())}


# --- the money trail: fund → allocations → projects → disbursements ----------------------
# Issue 19: every step totalled. 拨付率 is 已拨付 ÷ 安排 (what was paid of what was arranged
# to projects); 结余 is 安排 − 已拨付; a fund's 未安排 is its amount − its allocations.


def ratio(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a Decimal, or ``None`` when ``whole`` is 0 (no rate to give).

    >>> ratio(1, 3), ratio(5, 0)
    (Decimal('0.3333333333333333333333333333'), None)
    """
    return Decimal(part) / Decimal(whole) if whole else None


def percent_text(part: int, whole: int) -> str:
    """The rate as the site prints it: one decimal, half up, ``—`` without a base.
    ``scan/figures.py`` rounds the same way when it recomputes it.

    >>> percent_text(2, 3), percent_text(1, 8), percent_text(1, 0)
    ('66.7%', '12.5%', '—')
    """
    r = ratio(part, whole)
    if r is None:
        return "—"
    return f"{(r * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def last_paid(rows: Iterable[Disbursement]) -> date | None:
    """The newest 拨付日期 of some disbursements (``None``: none is dated)."""
    return max((d.paid_on for d in rows if d.paid_on), default=None)


def fund_unallocated(ds: Dataset, fid: str) -> int:
    """What of a fund was never arranged to a project (negative: arranged beyond it)."""
    f = ds.fund(fid)
    return ((f.amount or 0) if f else 0) - fund_allocated(ds, fid)


def fund_project_allocated(ds: Dataset, fid: str, pid: str) -> int:
    return sum_of(a for a in ds.allocations_of_fund(fid) if a.project_id == pid)


def fund_project_disbursed(ds: Dataset, fid: str, pid: str) -> int:
    """Paid to project ``pid`` from fund ``fid`` (``fid == ""``: payments naming no fund)."""
    return sum_of(d for d in ds.disbursements_of_project(pid) if d.fund_id == fid)


@dataclass(frozen=True)
class TrailRow:
    """One line of a money trail: a project of a fund, or a fund of a project."""

    key: str  # the project id (fund page) or the fund id (project page; "" = no fund named)
    allocated: int  # 分
    disbursed: int  # 分
    last_paid: date | None

    @property
    def rate(self) -> str:
        return percent_text(self.disbursed, self.allocated)


@dataclass(frozen=True)
class Trail:
    """A fund's or a project's money trail, totalled at every step (in 分)."""

    rows: list[TrailRow]
    amount: int  # the fund's amount, or the project's 资金规模 (its funding sources)
    allocated: int
    disbursed: int
    last_paid: date | None

    @property
    def unallocated(self) -> int:
        return self.amount - self.allocated

    @property
    def undisbursed(self) -> int:
        return self.allocated - self.disbursed

    @property
    def rate(self) -> str:
        return percent_text(self.disbursed, self.allocated)


def fund_trail(ds: Dataset, fid: str) -> Trail:
    """Fund → its projects: per project the amount arranged from this fund, what was paid to
    it from this fund and when last; in the order the allocations (then payments) list them."""
    allocs, paid = ds.allocations_of_fund(fid), ds.disbursements_of_fund(fid)
    order = list(dict.fromkeys([a.project_id for a in allocs] + [d.project_id for d in paid]))
    rows = [
        TrailRow(
            pid,
            fund_project_allocated(ds, fid, pid),
            sum_of(d for d in paid if d.project_id == pid),
            last_paid(d for d in paid if d.project_id == pid),
        )
        for pid in order
    ]
    f = ds.fund(fid)
    amount = (f.amount or 0) if f else 0
    return Trail(rows, amount, fund_allocated(ds, fid), fund_disbursed(ds, fid), last_paid(paid))


def project_trail(ds: Dataset, pid: str) -> Trail:
    """Project ← its funds: per fund what was arranged to the project and paid from it
    (payments that name no fund on a line of their own, key ``""``)."""
    allocs, paid = ds.allocations_of_project(pid), ds.disbursements_of_project(pid)
    order = list(dict.fromkeys([a.fund_id for a in allocs] + [d.fund_id for d in paid]))
    order = [k for k in order if k] + [k for k in order if not k]
    rows = [
        TrailRow(
            fid,
            sum_of(a for a in allocs if a.fund_id == fid),
            sum_of(d for d in paid if d.fund_id == fid),
            last_paid(d for d in paid if d.fund_id == fid),
        )
        for fid in order
    ]
    return Trail(
        rows,
        project_funding(ds, pid),
        project_allocated(ds, pid),
        project_disbursed(ds, pid),
        last_paid(paid),
    )


# --- townships side by side ---------------------------------------------------------------


@dataclass(frozen=True)
class TownshipMoney:
    """A township's projects and money (分): its projects' funding, what funds arranged to
    them, what was paid; 拨付率 = 已拨付 ÷ 安排, 结余 = 安排 − 已拨付."""

    name: str
    projects: int
    funding: int
    allocated: int
    disbursed: int
    cases: int
    rectifications: int
    open_rectifications: int

    @property
    def balance(self) -> int:
        return self.allocated - self.disbursed

    @property
    def rate(self) -> str:
        return percent_text(self.disbursed, self.allocated)

    @property
    def rate_value(self) -> Decimal:
        """For sorting: no base sorts below every rate."""
        r = ratio(self.disbursed, self.allocated)
        return r if r is not None else Decimal(-1)


def township_money(ds: Dataset, township: str) -> TownshipMoney:
    projects = township_projects(ds, township)
    rects = [r for r in ds.rectifications if r.township == township]
    return TownshipMoney(
        township,
        len(projects),
        sum(project_funding(ds, p.id) for p in projects),
        sum(project_allocated(ds, p.id) for p in projects),
        sum(project_disbursed(ds, p.id) for p in projects),
        sum(1 for c in ds.cases if c.township == township),
        len(rects),
        sum(1 for r in rects if r.status != "已整改"),
    )


def townships_money(ds: Dataset) -> list[TownshipMoney]:
    """Every township (``ds.townships``), by name."""
    return [township_money(ds, t) for t in ds.townships]


# --- villages ---------------------------------------------------------------------------


def is_own(ds: Dataset, p: Project, v: Village) -> bool:
    """Whether ``p`` is the village's alone: every place it names is this village."""
    return bool(p.villages) and all(ds.village(ref, p.township) == v for ref in p.villages)


def partners(ds: Dataset, p: Project, v: Village) -> list[str]:
    """The other places a project shared with ``v`` names (village names, or the text
    written when a place is unknown), for ``（与××村共建）``."""
    out = []
    for ref in p.villages:
        other = ds.village(ref, p.township)
        if other == v:
            continue
        name = other.name if other else ref
        if name not in out:
            out.append(name)
    return out


def village_own_projects(ds: Dataset, v: Village) -> list[Project]:
    return [p for p in ds.projects_of_village(v) if is_own(ds, p, v)]


def village_shared_projects(ds: Dataset, v: Village) -> list[Project]:
    return [p for p in ds.projects_of_village(v) if not is_own(ds, p, v)]


def village_own_funding(ds: Dataset, v: Village) -> int:
    """A village's own total: its own projects' funding (shared projects not included)."""
    return sum(project_funding(ds, p.id) for p in village_own_projects(ds, v))


def village_shared_funding(ds: Dataset, v: Village) -> int:
    """The full amounts of the projects the village shares with others (each shared
    project is counted on every village it names, so this is never summed over villages)."""
    return sum(project_funding(ds, p.id) for p in village_shared_projects(ds, v))


def benefit_groups(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Benefit rows grouped by (year, programme), newest year first: rows, households
    (one row is one household), persons, amount."""
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for b in rows:
        groups[(b.year or 0, b.program)].append(b)
    return [
        {
            "year": y,
            "program": prog,
            "rows": items,
            "households": len(items),
            "persons": sum_of(items, "persons"),
            "amount": sum_of(items),
        }
        for (y, prog), items in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1]))
    ]


def benefit_groups_by(rows: Iterable[Any], attr: str) -> list[dict[str, Any]]:
    """Benefit rows grouped by one attribute (``village``): key, rows, households, amount."""
    groups: dict[str, list] = defaultdict(list)
    for b in rows:
        groups[getattr(b, attr)].append(b)
    return [
        {"key": k, "rows": items, "households": len(items), "amount": sum_of(items)}
        for k, items in groups.items()
    ]


# --- objections and assets (issue 17) ------------------------------------------------------

COUNTY_LEVEL = ""  # objections to county notices (funds, benefit programmes): no township


def objection_counts(ds: Dataset) -> list[dict[str, Any]]:
    """Per township (``""``: county notices, listed last): objections received, answered,
    and unanswered past the reply period on the data date (``model.objections``)."""
    days = ds.site.objection_reply_days
    rows: dict[str, dict[str, Any]] = {}
    for o in ds.objections:
        st = objection_state(o, days, ds.as_of)
        r = rows.setdefault(
            o.township, {"township": o.township, "received": 0, "answered": 0, "overdue": 0}
        )
        r["received"] += 1
        r["answered"] += int(st.answered)
        r["overdue"] += int(st.overdue)
    return sorted(rows.values(), key=lambda r: (r["township"] == COUNTY_LEVEL, r["township"]))


def overdue_cutoff(ds: Dataset) -> date:
    """An unanswered objection received before this day is overdue on the data date."""
    return ds.as_of - timedelta(days=ds.site.objection_reply_days)


def asset_income_total(ds: Dataset, aid: str) -> int:
    """An asset's income over all its years, in 分."""
    return sum_of(ds.income_of_asset(aid), "income")


def assets_value(assets: Iterable[Any]) -> int:
    """The summed 资产原值 of assets (a village's, a project's), in 分."""
    return sum_of(assets, "value")


class Totals:
    """The same functions bound to one dataset, for templates (``sums.fund_allocated(f.id)``)."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds

    def sum_of(self, items: Iterable[Any], attr: str = "amount") -> int:
        return sum_of(items, attr)

    def project_funding(self, pid: str) -> int:
        return project_funding(self.ds, pid)

    def project_disbursed(self, pid: str) -> int:
        return project_disbursed(self.ds, pid)

    def fund_allocated(self, fid: str) -> int:
        return fund_allocated(self.ds, fid)

    def fund_disbursed(self, fid: str) -> int:
        return fund_disbursed(self.ds, fid)

    def distribution_paid(self, did: str) -> int:
        return distribution_paid(self.ds, did)

    def township_funding(self, township: str) -> int:
        return township_funding(self.ds, township)

    def township_projects(self, township: str) -> int:
        return len(township_projects(self.ds, township))

    def asset_income_total(self, aid: str) -> int:
        return asset_income_total(self.ds, aid)

    def assets_value(self, assets: Iterable[Any]) -> int:
        return assets_value(assets)

    def fund_trail(self, fid: str) -> Trail:
        return fund_trail(self.ds, fid)

    def project_trail(self, pid: str) -> Trail:
        return project_trail(self.ds, pid)

    def fund_unallocated(self, fid: str) -> int:
        return fund_unallocated(self.ds, fid)

    def last_paid(self, rows: Iterable[Disbursement]) -> date | None:
        return last_paid(rows)

    def projects_funding(self, projects: Iterable[Project]) -> int:
        return projects_funding(self.ds, projects)

    def funds_issued(self, funds: Iterable[Any] | None = None) -> int:
        """All funds (``None``) or the given ones."""
        return funds_issued(self.ds) if funds is None else sum_of(funds)

    def funds_allocated(self, funds: Iterable[Any]) -> int:
        return funds_allocated(self.ds, funds)


# --- charts (pages issue: money by year, township, category and source) -----------------

# The dimensions ``funding_by`` groups the rows of project_funding by: the row's own source,
# or an attribute of its project. An empty value (no category written) is its own group "".
FUNDING_KEYS = ("source", "year", "township", "category")


def funding_by(ds: Dataset, *keys: str) -> dict[tuple[Any, ...], int]:
    """Project funding in 分 grouped by ``keys`` (from ``FUNDING_KEYS``): every row of
        project_funding counted once, in the group of its source and its project's year (0:
        none), township or category. The groups sum to ``county_funding``, except for rows of
    a project that does not exist (an integrity finding), which only ``("source",)`` counts.

        ``funding_by(ds, "category", "source")`` → ``{("基础设施", "中央财政"): 1500000, …}``,
        in the order of first appearance (callers sort for display)."""
    unknown = [k for k in keys if k not in FUNDING_KEYS]
    if unknown:
        raise ValueError(f"funding_by: unknown keys {unknown}")
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for f in ds.funding:
        p = ds.project(f.project_id)
        if p is None and keys != ("source",):
            continue  # a row of no known project (an integrity finding) has no place
        out[tuple(_funding_key(f, p, k) for k in keys)] += f.amount or 0
    return dict(out)


def _funding_key(f: Any, p: Project | None, key: str) -> Any:
    if key == "source":
        return f.source
    return getattr(p, key, None) or (0 if key == "year" else "")


def fund_balance(ds: Dataset, fid: str) -> int:
    """A fund's 结余: issued minus disbursed from it (negative when more was paid out)."""
    f = ds.fund(fid)
    return ((f.amount or 0) if f else 0) - fund_disbursed(ds, fid)


def village_by_year(ds: Dataset, v: Village) -> dict[int, dict[str, int]]:
    """What a village received per year (0: no year), newest first: ``own`` (funding of the
    projects that name it alone: its own total), ``shared`` (the full funding of the
    projects it shares, never added to ``own``), ``benefits`` (household aid paid to it)."""
    years: dict[int, dict[str, int]] = defaultdict(lambda: {"own": 0, "shared": 0, "benefits": 0})
    for p in ds.projects_of_village(v):
        kind = "own" if is_own(ds, p, v) else "shared"
        years[p.year or 0][kind] += project_funding(ds, p.id)
    for b in ds.benefits_of_village(v):
        years[b.year or 0]["benefits"] += b.amount or 0
    return dict(sorted(years.items(), reverse=True))
