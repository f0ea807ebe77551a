"""Project lists that filter without JavaScript: the pre-built pages per township, per
township and year, and per year, and the links between them.

A villager without JavaScript (or with a phone that blocks it) finds one township's
projects of one year in two taps: 项目公示 → 金岭镇 → 2018. Only pages that have projects are
written, so a big county writes townships × years-with-data pages, never a full grid. The
small local script (``site_templates/overrides/assets/javascripts/gongshi-lists.js``)
filters and sorts in place on top of these pages; the pages are what works without it.

Counts and sums come from ``model.totals``; each page prints them with ``fig`` and the
recipe ``figures.Where.projects(township, year)``, so ``gongshi verify`` recomputes them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from generator.model import Dataset, totals
from generator.records import Project
from generator.render import urls


@dataclass(frozen=True)
class ProjectGroup:
    """One pre-built project list: a township, a year, or a township's year."""

    township: str
    """The township, ``""`` on a year's page."""
    year: int | None
    """The year, ``None`` on a township's page (all its years)."""
    path: str
    """Its content path (``urls.projects_township_year`` …)."""
    projects: list[Project]
    """Its projects, in the order of the full list (newest year, township, id)."""
    count: int
    """How many (``len(projects)``)."""
    amount: int
    """Their funding in 分 (``totals.projects_funding``)."""
    years: list[ProjectGroup] = field(default_factory=list)
    """On a township's page: its years that have projects, newest first."""

    @property
    def title(self) -> str:
        """``金岭镇 2018 年的项目`` / ``金岭镇的项目`` / ``2018 年的项目``."""
        if self.township and self.year:
            return f"{self.township} {self.year} 年的项目"
        if self.township:
            return f"{self.township}的项目"
        return f"{self.year} 年的项目"


@dataclass(frozen=True)
class ProjectFilters:
    """The filter links of the project list: townships (each with its years) and years."""

    townships: list[ProjectGroup]
    """Each township that has projects, by name; ``years`` holds its years."""
    years: list[ProjectGroup]
    """Each year that has projects, newest first."""

    def pages(self) -> list[ProjectGroup]:
        """Every pre-built page: townships, their years, the years."""
        out: list[ProjectGroup] = []
        for t in self.townships:
            out.append(t)
            out.extend(t.years)
        return out + self.years


def _group(ds: Dataset, township: str, year: int | None, projects: list[Project]) -> ProjectGroup:
    if township and year:
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
    )


def project_filters(ds: Dataset, projects: list[Project]) -> ProjectFilters:
    """The pre-built lists of ``projects`` (already in list order). A project without a
    township or a year is on the full list only (and on its township's page when it has
    one): the pages of a year are the projects that say that year."""
    by_town: dict[str, list[Project]] = defaultdict(list)
    by_year: dict[int, list[Project]] = defaultdict(list)
    for p in projects:
        if p.township:
            by_town[p.township].append(p)
        if p.year:
            by_year[p.year].append(p)
    towns = []
    for town in sorted(by_town):
        rows = by_town[town]
        years: dict[int, list[Project]] = defaultdict(list)
        for p in rows:
            if p.year:
                years[p.year].append(p)
        g = _group(ds, town, None, rows)
        g.years.extend(_group(ds, town, y, years[y]) for y in sorted(years, reverse=True))
        towns.append(g)
    return ProjectFilters(
        townships=towns,
        years=[_group(ds, "", y, by_year[y]) for y in sorted(by_year, reverse=True)],
    )
