"""What pages show, computed once in Python: links between records, and the grouped views
of the home, village and benefit pages. Templates only lay these out.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any

from markupsafe import Markup

from generator.dates import zh_date
from generator.model import Dataset, benefit_key, parse_subject, totals
from generator.model.notice_status import Status, notice_status
from generator.records import Notice, Project, Village
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

    # --- notice status and 信息公开 metadata (issue 17, status) -------------------------

    def status(self, n: Notice) -> Status:
        """``n``'s status on the data date (``model.notice_status``); a notice of a stopped
        project (已终止) is 已废止 unless its 有效性 says otherwise."""
        parsed = parse_subject(n.subject)
        stopped = False
        if parsed and parsed[0] == "project" and (p := self.ds.project(parsed[1])):
            stopped = p.status == "已终止"
        return notice_status(n, self.ds.as_of, self.ds.site.notice_days, withdrawn=stopped)

    def badge(self, n: Notice) -> Markup:
        """The status as a badge: words, never colour alone. A badge with a period carries
        its dates (``data-gs-start``, ``data-gs-end``) so ``gongshi-status.js`` can redo
        the count from the reader's clock; without the script it reads as built."""
        st = self.status(n)
        attrs = ""
        if st.live and st.start and st.end:
            attrs = Markup(' data-gs-start="{}" data-gs-end="{}"').format(
                st.start.isoformat(), st.end.isoformat()
            )
        return Markup('<span class="gs-status gs-status--{}"{}>{}</span>').format(
            st.code, attrs, st.text
        )

    def open_notices(self) -> list[tuple[Notice, Status]]:
        """Notices within their objection period on the data date, ending soonest first:
        what a villager can still object to (the home page's 正在公示)."""
        found = [(n, self.status(n)) for n in self.ds.notices]
        found = [(n, st) for n, st in found if st.is_open]
        return sorted(found, key=lambda x: (x[1].end, x[0].posted_on, x[0].id))

    def notice_meta(self, n: Notice) -> dict[str, str]:
        """The 信息公开 metadata of a notice, as county disclosure pages show it: 索引号,
        发布机构, 文号, 成文日期, 发布日期, 有效性. What the notices table leaves empty is
        derived: 索引号 from ``site.index_format``, 发布机构 from the site's 主办单位, 文号 and
        成文日期 of a fund notice from the fund, 有效性 from the status."""
        return self._meta.get(n.id) or self._notice_meta(n)

    @cached_property
    def _meta(self) -> dict[str, dict[str, str]]:
        return {n.id: self._notice_meta(n) for n in self.ds.notices}

    @cached_property
    def _seq(self) -> dict[str, int]:
        """A notice's number within the year it was posted (for ``{seq}``)."""
        out: dict[str, int] = {}
        count: dict[int, int] = {}
        for n in sorted(self.ds.notices, key=lambda n: (n.posted_on or date.min, n.id)):
            y = n.posted_on.year if n.posted_on else 0
            count[y] = count.get(y, 0) + 1
            out.setdefault(n.id, count[y])
        return out

    def _notice_meta(self, n: Notice) -> dict[str, str]:
        site = self.ds.site
        parsed = parse_subject(n.subject)
        fund = self.ds.fund(parsed[1]) if parsed and parsed[0] == "fund" else None
        index_no = n.index_no
        if not index_no:
            year = n.posted_on.year if n.posted_on else ""
            index_no = site.index_format.format(
                site_code=site.site_code,
                year=year,
                id=n.id,
                seq=self._seq.get(n.id, 0),
                kind=n.kind,
            ).strip("/- ")
        st = self.status(n)
        validity = n.validity or ("已废止" if st.code == "void" else "有效")
        written = n.written_on or (fund.issued_on if fund else None)
        return {
            "索引号": index_no,
            "发布机构": n.publisher or site.office,
            "文号": n.document_no or (fund.document_no if fund else ""),
            "成文日期": zh_date(written),
            "发布日期": zh_date(n.posted_on),
            "有效性": validity,
        }


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
