"""What pages show, computed once in Python: links between records, and the grouped views
of the home, village and benefit pages. Templates only lay these out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup

from generator.model import Dataset, benefit_key, parse_subject, totals
from generator.records import Project, Village
from generator.render import urls
from generator.render.mdtext import escape_md, html_link, html_text, link
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

    def project_a(self, pid: str, here: str) -> Markup:
        """``project_link`` as HTML, for a list written as raw HTML on page ``here``."""
        p = self.ds.project(pid)
        return html_link(p.name if p else pid, urls.href(here, urls.project(pid)))

    def villages_html(self, p: Project, here: str) -> Markup:
        """``villages_of`` as HTML: village names linked, unknown references as text."""
        parts = []
        for ref in p.villages:
            v = self.ds.village(ref, p.township)
            parts.append(
                html_link(v.name, urls.href(here, urls.village(v))) if v else html_text(ref)
            )
        return Markup("、").join(parts)

    def subject_a(self, subject: str, here: str) -> Markup:
        """``subject_link`` as HTML: the page of a notice's subject, linked."""
        parsed = parse_subject(subject)
        if parsed is None:
            return html_text(subject)
        kind, key = parsed
        if kind == "project" and self.ds.project(key):
            return self.project_a(key, here)
        if kind == "fund" and (f := self.ds.fund(key)):
            return html_link(f.document_no or key, urls.href(here, urls.fund(key)))
        if kind == "distribution" and self.ds.distribution(key):
            return html_link(f"收益分配 {key}", urls.href(here, urls.distribution(key)))
        if kind == "benefit":
            program, year = benefit_key(key)
            return html_link(f"{year}年{program}", urls.href(here, urls.benefit(program, year)))
        return html_text(key)

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
    return {
        "projects": len(ds.projects),
        "funding": totals.county_funding(ds),
        "funds": totals.funds_issued(ds),
        "disbursed": totals.county_disbursed(ds),
        "households": totals.project_households(ds.projects),
        "benefits": totals.benefits_paid(ds),
        "benefit_rows": len(ds.benefits),
        "villages": len(ds.villages),
        "cases": len(ds.cases),
        "by_year": totals.by_year(ds),
    }


def village_view(ds: Dataset, vil: Village) -> dict[str, Any]:
    """Everything that touches a village, grouped for its page.

    ``projects`` are all projects that name the village, each with its full amount;
    ``shared_with`` gives, per shared project, the other places it names. The village's
    own total (``totals.own``) holds only the projects that name it alone; shared projects
    are summed apart (``totals.shared``), so no sum over villages counts a project twice.
    Wording follows status: ``built`` (实施中 and later) and ``planned`` (拟建, 公示中)."""
    benefit_rows = ds.benefits_of_village(vil)
    benefit_groups = totals.benefit_groups(benefit_rows)
    unit_match = (vil.name, f"{vil.township}{vil.name}")
    projects = sorted(ds.projects_of_village(vil), key=project_sort_key)
    own = [p for p in projects if totals.is_own(ds, p, vil)]
    shared = [p for p in projects if p not in own]
    live = [p for p in projects if p.status not in totals.STOPPED]
    return {
        "projects": projects,
        "own_projects": own,
        "shared_projects": shared,
        "shared_with": {p.id: totals.partners(ds, p, vil) for p in shared},
        "built": [p for p in live if p.status not in totals.PLANNED],
        "planned": [p for p in live if p.status in totals.PLANNED],
        "benefit_groups": benefit_groups,
        "totals": {
            "own": totals.village_own_funding(ds, vil),
            "shared": totals.village_shared_funding(ds, vil),
            "benefit_rows": len(benefit_rows),
            "benefits": totals.sum_of(benefit_rows),
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
    out = []
    for g in totals.benefit_groups(ds.benefits):
        villages = []
        for sub in sorted(totals.benefit_groups_by(g["rows"], "village"), key=lambda x: x["key"]):
            vil = ds.village(sub["key"])
            villages.append(
                {
                    "name": vil.name if vil else sub["key"],
                    "ref": sub["key"],
                    "village": vil,
                    "township": vil.township if vil else "",
                    "households": sub["households"],
                    "amount": sub["amount"],
                }
            )
        prog, year = g["program"], g["year"]
        out.append(
            {
                "year": year,
                "program": prog,
                "slug": urls.benefit_slug(prog, year),
                "households": g["households"],
                "persons": g["persons"],
                "amount": g["amount"],
                "villages": villages,
                "notices": ds.notices_of("benefit", f"{prog}:{year}"),
            }
        )
    return out
