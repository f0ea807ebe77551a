"""What pages show, computed once in Python: links between records, and the grouped views
of the home, village and benefit pages. Templates only lay these out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from markupsafe import Markup

from generator.model import Dataset, benefit_key, parse_subject, totals
from generator.records import Project, Village
from generator.render import urls
from generator.render.mdtext import escape_md, link
from generator.render.templates import date_span as _date


class Views:
    """Query helpers passed to templates as ``v``: links and derived values."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds

    def project_link(self, pid: str, root: str) -> Markup:
        p = self.ds.project(pid)
        return link(p.name if p else pid, root + urls.project(pid))

    def village_link(self, v: Village, root: str) -> Markup:
        return link(v.name, root + urls.village(v))

    def villages_of(self, p: Project, root: str) -> Markup:
        """Village names of a project as links; unknown references as plain text."""
        parts = []
        for ref in p.villages:
            v = self.ds.village(ref, p.township)
            parts.append(self.village_link(v, root) if v else escape_md(ref))
        return Markup("、").join(parts)

    def subject_link(self, subject: str, root: str) -> Markup:
        parsed = parse_subject(subject)
        if parsed is None:
            return escape_md(subject)
        kind, key = parsed
        if kind == "project" and self.ds.project(key):
            return self.project_link(key, root)
        if kind == "fund" and (f := self.ds.fund(key)):
            return link(f.document_no or key, root + urls.fund(key))
        if kind == "distribution" and self.ds.distribution(key):
            return link(f"收益分配 {key}", root + urls.distribution(key))
        if kind == "benefit":
            program, year = benefit_key(key)
            return link(f"{year}年{program}", root + urls.benefit(program, year))
        return escape_md(key)

    def period(self, start: date | None, end: date | None) -> Markup:
        if start and end:
            return Markup("{} 至 {}").format(_date(start), _date(end))
        return _date(start or end)

    def total(self, pid: str) -> int:
        return totals.project_funding(self.ds, pid)


def project_sort_key(p: Project) -> tuple:
    return (-(p.year or 0), p.township, p.id)


def home_stats(ds: Dataset) -> dict[str, Any]:
    """Headline figures; every money figure is an exact sum of records in 分."""
    years: dict[int, dict[str, int]] = defaultdict(
        lambda: {"projects": 0, "funding": 0, "households": 0}
    )
    for p in ds.projects:
        y = years[p.year or 0]
        y["projects"] += 1
        y["funding"] += totals.project_funding(ds, p.id)
        y["households"] += p.households or 0
    return {
        "projects": len(ds.projects),
        "funding": totals.sum_of(ds.funding),
        "funds": totals.sum_of(ds.funds),
        "disbursed": totals.sum_of(ds.disbursements),
        "households": totals.sum_of(ds.projects, "households"),
        "benefits": totals.sum_of(ds.benefits),
        "benefit_rows": len(ds.benefits),
        "villages": len(ds.villages),
        "cases": len(ds.cases),
        "by_year": dict(sorted(years.items(), reverse=True)),
    }


def village_view(ds: Dataset, vil: Village) -> dict[str, Any]:
    """Everything that touches a village, grouped for its page."""
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for b in ds.benefits_of_village(vil):
        groups[(b.year or 0, b.program)].append(b)
    benefit_groups: list[dict[str, Any]] = [
        {"year": y, "program": prog, "rows": rows, "amount": totals.sum_of(rows)}
        for (y, prog), rows in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1]))
    ]
    unit_match = (vil.name, f"{vil.township}{vil.name}")
    projects = sorted(ds.projects_of_village(vil), key=project_sort_key)
    return {
        "projects": projects,
        "benefit_groups": benefit_groups,
        "totals": {
            "projects": sum(totals.project_funding(ds, p.id) for p in projects),
            "benefit_rows": sum(len(g["rows"]) for g in benefit_groups),
            "benefits": sum(g["amount"] for g in benefit_groups),
        },
        "rectifications": [r for r in ds.rectifications if r.unit in unit_match],
        "cases": [
            c
            for c in ds.cases
            if c.unit in unit_match
            or (c.unit.endswith(vil.name) and c.township in ("", vil.township))
        ],
    }


def benefit_programs(ds: Dataset) -> list[dict[str, Any]]:
    """Household aid per programme and year, with per-village totals."""
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for b in ds.benefits:
        groups[(b.year or 0, b.program)].append(b)
    out = []
    for (year, prog), rows in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        per_village: dict[str, list] = defaultdict(list)
        for b in rows:
            per_village[b.village].append(b)
        villages = []
        for name, items in sorted(per_village.items()):
            vil = ds.village(name)
            villages.append(
                {
                    "name": vil.name if vil else name,
                    "village": vil,
                    "township": vil.township if vil else "",
                    "households": len(items),
                    "amount": totals.sum_of(items),
                }
            )
        out.append(
            {
                "year": year,
                "program": prog,
                "slug": urls.benefit_slug(prog, year),
                "households": len(rows),
                "persons": totals.sum_of(rows, "persons"),
                "amount": totals.sum_of(rows),
                "villages": villages,
                "notices": ds.notices_of("benefit", f"{prog}:{year}"),
            }
        )
    return out
