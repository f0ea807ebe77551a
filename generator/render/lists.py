"""Project lists that filter and sort without JavaScript: the pre-built pages per township,
per township and year, per year, per category (类别) and per status (状态), each year's list
once more in order of amount (按金额), and the links between them.

A villager without JavaScript (or with a phone that blocks it) finds one township's
projects of one year in two taps: 项目公示 → 金岭镇 → 2018. Only pages that have projects are
written, so a county writes townships × years-with-data pages, never a full grid, and the
category, status and amount pages are county-wide (one per category, status and year, not
crossed with the townships): docs/design.md counts them for the synthetic county. A
village's projects are on its own page (the same list); the filter bar links there instead
of writing a page per village. The small local script
(``site_templates/overrides/assets/javascripts/gongshi-lists.js``) filters and sorts in place
on top of these pages; the pages are what works without it.

Counts and sums come from ``model.totals``; each page prints them with ``fig`` and the
recipe ``figures.Where.projects(township, year, category, status)``, so ``gongshi verify``
recomputes them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from generator.model import Dataset, status, totals
from generator.records import Project, Village
from generator.render import urls


@dataclass(frozen=True)
class ProjectGroup:
    """One pre-built project list: a township, a year, a township's year, a category, a
    status, or a year in order of amount."""

    township: str
    """The township, ``""`` on the other pages."""
    year: int | None
    """The year, ``None`` on a township's (all its years), a category's or a status's page."""
    path: str
    """Its content path (``urls.projects_township_year`` …)."""
    projects: list[Project]
    """Its projects, in the order of the full list (newest year, township, id), or the
    largest amount first on a page ``by_amount``."""
    count: int
    """How many (``len(projects)``)."""
    amount: int
    """Their funding in 分 (``totals.projects_funding``)."""
    years: list[ProjectGroup] = field(default_factory=list)
    """On a township's page: its years that have projects, newest first."""
    category: str = ""
    """The category (类别) of a category's page, else ``""``."""
    status: str = ""
    """The status (状态) of a status's page, else ``""``."""
    by_amount: bool = False
    """A year's projects, the largest amount first (``urls.projects_year_by_amount``)."""
    villages: list[VillageLink] = field(default_factory=list)
    """On a township's pages: its villages that have projects, each linked to the list on
    its own page."""

    @property
    def title(self) -> str:
        """``金岭镇 2018 年的项目`` / ``金岭镇的项目`` / ``2018 年的项目`` / ``产业发展类项目``
        / ``状态为“实施中”的项目`` / ``2018 年的项目（按金额从高到低）``."""
        if self.by_amount:
            return f"{self.year} 年的项目（按金额从高到低）"
        if self.category:
            return f"{self.category}类项目"
        if self.status:
            return f"状态为“{self.status}”的项目"
        if self.township and self.year:
            return f"{self.township} {self.year} 年的项目"
        if self.township:
            return f"{self.township}的项目"
        return f"{self.year} 年的项目"


@dataclass(frozen=True)
class VillageLink:
    """A village in the filter bar: its projects are listed on its own page."""

    village: Village
    """The village."""
    count: int
    """How many projects name it (``Dataset.projects_of_village``; shared ones too)."""
    path: str
    """Its page (``urls.village``); the list is at the anchor ``#projects``."""


@dataclass(frozen=True)
class ProjectFilters:
    """The filter links of the project list: townships (each with its years and villages),
    years, categories, statuses and the years in order of amount."""

    townships: list[ProjectGroup]
    """Each township that has projects, by name; ``years`` holds its years, ``villages``
    its villages."""
    years: list[ProjectGroup]
    """Each year that has projects, newest first."""
    categories: list[ProjectGroup] = field(default_factory=list)
    """Each category that has projects, by name."""
    statuses: list[ProjectGroup] = field(default_factory=list)
    """Each status that has projects, in the order of a project's life (拟建 … 已验收,
    已终止), then any other status by name."""
    by_amount: list[ProjectGroup] = field(default_factory=list)
    """Each year once more, its projects the largest amount first, newest year first."""

    def pages(self) -> list[ProjectGroup]:
        """Every pre-built page: townships, their years, the years, the categories, the
        statuses, the years by amount."""
        out: list[ProjectGroup] = []
        for t in self.townships:
            out.append(t)
            out.extend(t.years)
        return out + self.years + self.categories + self.statuses + self.by_amount


def _group(
    ds: Dataset,
    projects: list[Project],
    township: str = "",
    year: int | None = None,
    category: str = "",
    state: str = "",
    by_amount: bool = False,
) -> ProjectGroup:
    if by_amount:
        path = urls.projects_year_by_amount(year or 0)
        # stable: equal amounts keep the list order
        projects = sorted(projects, key=lambda p: -totals.project_funding(ds, p.id))
    elif category:
        path = urls.projects_category(category)
    elif state:
        path = urls.projects_status(state)
    elif township and year:
        path = urls.projects_township_year(township, year)
    elif township:
        path = urls.projects_township(township)
    else:
        path = urls.projects_year(year or 0)
    return ProjectGroup(
        township=township,
        year=year,
        path=path,
        projects=projects,
        count=len(projects),
        amount=totals.projects_funding(ds, projects),
        category=category,
        status=state,
        by_amount=by_amount,
    )


def _status_order(name: str) -> tuple[int, str]:
    order = list(status.PROJECT_TONES)
    return (order.index(name), "") if name in order else (len(order), name)


def _distinct_paths(groups: list[ProjectGroup]) -> list[ProjectGroup]:
    """Two names that make the same file name (``产业 发展`` and ``产业/发展``) must not write
    one page over the other: the later name (in the list's order) gets ``-2``, ``-3`` …"""
    seen: set[str] = set()
    out = []
    for g in groups:
        path, n = g.path, 1
        while path in seen:
            n += 1
            path = f"{g.path[: -len('.md')]}-{n}.md"
        seen.add(path)
        out.append(g if path == g.path else replace(g, path=path))
    return out


def project_filters(ds: Dataset, projects: list[Project]) -> ProjectFilters:
    """The pre-built lists of ``projects`` (already in list order). A project without a
    township, a year, a category or a status is on the full list only (and on the pages of
    what it does say): the page of a year is the projects that say that year."""
    by_town: dict[str, list[Project]] = defaultdict(list)
    by_year: dict[int, list[Project]] = defaultdict(list)
    by_cat: dict[str, list[Project]] = defaultdict(list)
    by_status: dict[str, list[Project]] = defaultdict(list)
    for p in projects:
        if p.township:
            by_town[p.township].append(p)
        if p.year:
            by_year[p.year].append(p)
        if p.category:
            by_cat[p.category].append(p)
        if p.status:
            by_status[p.status].append(p)
    villages: dict[str, list[VillageLink]] = defaultdict(list)
    for vil in sorted(ds.villages, key=lambda x: (x.township, x.code, x.name)):
        n = len(ds.projects_of_village(vil))
        if n:
            villages[vil.township].append(VillageLink(vil, n, urls.village(vil)))
    towns = []
    for town in sorted(by_town):
        rows = by_town[town]
        years: dict[int, list[Project]] = defaultdict(list)
        for p in rows:
            if p.year:
                years[p.year].append(p)
        g = _group(ds, rows, township=town)
        g.years.extend(_group(ds, years[y], town, y) for y in sorted(years, reverse=True))
        g.villages.extend(villages.get(town, []))
        for y in g.years:
            y.villages.extend(g.villages)
        towns.append(g)
    newest = sorted(by_year, reverse=True)
    return ProjectFilters(
        townships=towns,
        years=[_group(ds, by_year[y], year=y) for y in newest],
        categories=_distinct_paths([_group(ds, by_cat[c], category=c) for c in sorted(by_cat)]),
        statuses=_distinct_paths(
            [_group(ds, by_status[s], state=s) for s in sorted(by_status, key=_status_order)]
        ),
        by_amount=[_group(ds, by_year[y], year=y, by_amount=True) for y in newest],
    )
