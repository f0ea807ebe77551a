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

    def projects_funding(self, projects: Iterable[Project]) -> int:
        return projects_funding(self.ds, projects)

    def funds_issued(self, funds: Iterable[Any] | None = None) -> int:
        """All funds (``None``) or the given ones."""
        return funds_issued(self.ds) if funds is None else sum_of(funds)

    def funds_allocated(self, funds: Iterable[Any]) -> int:
        return funds_allocated(self.ds, funds)
