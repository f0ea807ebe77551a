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
from typing import Any

from generator.model.dataset import Dataset
from generator.records import Project, Village

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


def balance_by_year(ds: Dataset) -> dict[int, tuple[int, int]]:
    """Per fund year (下达年份): (funds issued, disbursed from those funds), in 分."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for f in ds.funds:
        if f.issued_on is None:
            continue
        out[f.issued_on.year][0] += f.amount or 0
        out[f.issued_on.year][1] += fund_disbursed(ds, f.id)
    return {y: (v[0], v[1]) for y, v in sorted(out.items())}


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
