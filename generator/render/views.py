"""What pages show, computed once in Python: links between records, and the grouped views
of the home, village and benefit pages. Templates only lay these out.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any

from markupsafe import Markup

from generator.dates import zh_date
from generator.model import Dataset, benefit_key, lifecycle, parse_subject, status, totals
from generator.model.history import Removed
from generator.model.notice_status import Status, notice_status
from generator.model.objections import objection_state
from generator.records import Asset, Case, Notice, Plan, Project, Rectification, Village
from generator.render import titles, urls
from generator.render.mdtext import badge, escape_md, html_badge, html_link, html_text, link
from generator.render.templates import date_span as _date
from generator.rules.compliance import Area, Compliance


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
            return html_link(self.distribution_title(key), urls.href(here, urls.distribution(key)))
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
            return link(self.distribution_title(key), root + urls.distribution(key))
        if kind == "plan" and (plan := self.ds.plan(key)) and plan.year:
            return link(f"{plan.year}年{plan.kind}", root + urls.plan_year(plan.year))
        if kind == "benefit":
            program, year = benefit_key(key)
            return link(f"{year}年{program}", root + urls.benefit(program, year))
        return escape_md(key)

    def distribution_title(self, did: str) -> str:
        """``2018年……项目收益分配`` (``titles.distribution_title``), never its id alone."""
        d = self.ds.distribution(did)
        return titles.distribution_title(self.ds, d) if d else did

    def case_title(self, c: Case) -> str:
        """``××镇××村党支部书记张某某……问题``, the township once (``titles.case_title``)."""
        return titles.case_title(c)

    def case_place(self, c: Case) -> str:
        """The case's township and unit, the township once."""
        return titles.case_place(c)

    def period(self, start: date | None, end: date | None) -> Markup:
        if start and end:
            return Markup("{} 至 {}").format(_date(start), _date(end))
        return _date(start or end)

    def total(self, pid: str) -> int:
        return totals.project_funding(self.ds, pid)

    # --- objections and assets (issue 17) ---------------------------------------------
    def objections(self, notices: list[Notice]) -> list[dict[str, Any]]:
        """The objections raised against these notices, each with where it stands on the
        data date (``state.label``: 已答复 / 逾期答复 / 逾期未答复 / 办理中（…前答复）)."""
        days = self.ds.site.objection_reply_days
        return [
            {"o": o, "notice": n, "state": objection_state(o, days, self.ds.as_of)}
            for n in notices
            for o in self.ds.objections_of(n.id)
        ]

    def objection_note(self, n: Notice) -> str:
        """Where a notice's objections stand, in a few words for a table cell:
        ``逾期未答复、已答复`` (each state once, the worst first)."""
        order = ("逾期未答复", "办理中", "逾期答复", "已答复")
        states = {item["state"].label.split("（")[0] for item in self.objections([n])}
        return "、".join(s for s in order if s in states)

    def asset_village_name(self, a: Asset) -> str:
        v = self.ds.asset_village(a)
        return v.name if v else a.village

    # --- status, in words a villager reads at a glance (model.status) ----------------
    def status_badge(self, p: Project) -> Markup:
        """A project's status as a badge: ``已验收`` green, ``实施中`` orange …"""
        return badge(p.status, status.project_tone(p.status))

    def status_badge_html(self, p: Project) -> Markup:
        """``status_badge`` for a list written as raw HTML."""
        return html_badge(p.status, status.project_tone(p.status))

    def rectification_badge_html(self, r: Rectification) -> Markup:
        """``rectification_badge`` for a list written as raw HTML."""
        return html_badge(*status.rectification_label(r, self.ds.as_of))

    def overdue(self, r: Rectification) -> int:
        """Days ``r`` is past its deadline on the data's date (0: not late)."""
        return status.overdue_days(r, self.ds.as_of)

    def rectification_badge(self, r: Rectification) -> Markup:
        """A rectification's status as a badge, ``整改中，已逾期 120 天`` when late."""
        return badge(*status.rectification_label(r, self.ds.as_of))

    @property
    def data_date(self) -> str:
        """The data's date (``Dataset.as_of``) in Chinese: ``2019年4月30日``."""
        return zh_date(self.ds.as_of)

    def path(self, p: Project) -> list[lifecycle.Step]:
        """The project's seven lifecycle steps (``model.lifecycle.path``)."""
        return lifecycle.path(self.ds, p)

    def stage(self, p: Project) -> str:
        """The project's current stage (``model.lifecycle.stage``), ``""`` if none."""
        return lifecycle.stage(self.ds, p)

    def step_link(self, step: lifecycle.Step, root: str) -> Markup:
        """What a timeline step links to: its plan's year page, or the notice list."""
        plan = step.plan
        if plan is not None and plan.year:
            doc = f"（{plan.document_no}）" if plan.document_no else ""
            return link(f"{plan.year}年{plan.kind}{doc}", root + urls.plan_year(plan.year))
        if step.notice is not None:  # notices are listed, by id, on the 公示记录 page
            n = step.notice
            return link(f"{n.kind} {n.id}", root + urls.index("notices"))
        return Markup("")

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


# --- townships side by side (issue 19) ---------------------------------------------------


def township_rows(ds: Dataset, comp: Compliance, sort: str = "name") -> list[dict[str, Any]]:
    """One row per township for the comparison table: ``money`` (``totals.TownshipMoney``)
    and ``area`` (its compliance figures, ``None`` without projects), sorted by ``sort``:
    ``name``, or ``funding`` / ``rate`` / ``balance``, largest first (ties by name)."""
    areas = {a.name: a for a in comp.townships}
    rows = [{"money": m, "area": areas.get(m.name)} for m in totals.townships_money(ds)]
    keys = {
        "name": lambda r: (r["money"].name,),
        "funding": lambda r: (-r["money"].funding, r["money"].name),
        "rate": lambda r: (-r["money"].rate_value, r["money"].name),
        "balance": lambda r: (-r["money"].balance, r["money"].name),
    }
    return sorted(rows, key=keys[sort])


def township_view(ds: Dataset, comp: Compliance, town: str) -> dict[str, Any]:
    """Everything filed under a township, for its page: its villages, projects (newest
    first), money, compliance ``area`` (or ``None``), cases and rectifications."""
    area: Area | None = next((a for a in comp.townships if a.name == town), None)
    return {
        "township": town,
        "money": totals.township_money(ds, town),
        "area": area,
        "villages": sorted(
            (v for v in ds.villages if v.township == town), key=lambda v: (v.code, v.name)
        ),
        "projects": sorted(totals.township_projects(ds, town), key=project_sort_key),
        "cases": sorted(
            (c for c in ds.cases if c.township == town),
            key=lambda c: (c.published_on or date.min, c.id),
            reverse=True,
        ),
        "rectifications": sorted(
            (r for r in ds.rectifications if r.township == town),
            key=lambda r: (r.found_on or date.min, r.id),
            reverse=True,
        ),
    }


# --- plans and the project lifecycle (issue 17, plans) -------------------------------------


def clock_text(clock: lifecycle.Clock | None) -> str:
    """A publication clock as a page states it: deadline and result, in plain Chinese."""
    if clock is None:
        return "未填写批复日期，无法核对公告时限"
    due = f"应于{zh_date(clock.deadline)}前公告（批复后{clock.days}个工作日内）"
    if clock.notice is None:
        return f"{due}；未见{clock.what}（缺失）"
    if clock.late:
        return f"{due}；{zh_date(clock.posted)}才公告，逾期{clock.days_late}天"
    return f"{due}；{zh_date(clock.posted)}公告，按时"


def plan_view(ds: Dataset, plan: Plan) -> dict[str, Any]:
    """One plan or adjustment as its year's page shows it (every figure from ``totals``)."""
    ids = totals.plan_project_ids(ds, plan)
    before = ds.plan(plan.replaces) if plan.replaces and plan.replaces != plan.id else None
    before_ids = totals.plan_project_ids(ds, before) if before else []
    added = [pid for pid in ids if before and pid not in before_ids]
    removed = [pid for pid in before_ids if pid not in ids]
    clock = lifecycle.plan_clock(ds, plan)
    return {
        "plan": plan,
        "ids": ids,
        "projects": [ds.project(pid) for pid in ids],
        "unknown": [pid for pid in dict.fromkeys(plan.projects) if pid not in ids],
        "funding": totals.plan_funding(ds, plan),
        "clock": clock,
        "clock_text": clock_text(clock),
        "notice": lifecycle.plan_notice(ds, plan),
        "completion": next(
            (n for n in ds.notices_of("plan", plan.id) if n.kind == "完成情况公告"), None
        ),
        "pool": {pid: lifecycle.pool_lapse(ds, pid, plan) for pid in ids},
        "pool_notice": {pid: lifecycle.pool_notice(ds, pid) for pid in ids},
        "before": before,
        "before_ids": before_ids,
        "before_funding": totals.plan_funding(ds, before) if before else 0,
        "added": [ds.project(pid) for pid in added],
        "added_ids": added,
        "added_funding": totals.ids_funding(ds, added),
        "removed": [ds.project(pid) for pid in removed],
        "removed_ids": removed,
        "removed_funding": totals.ids_funding(ds, removed),
    }


def plan_years(
    ds: Dataset, withdrawn: dict[int, list[Removed]] | None = None
) -> list[dict[str, Any]]:
    """Each year that has a plan, newest first: ``year``, its ``plans`` (``plan_view``),
    the 年度计划 first, then the adjustments by approval date, and ``withdrawn``: the plans
    of that year removed from the data (``opendata.withdrawn_plans``), which 长期公开 keeps
    on the page marked 已废止 — a year whose only plan was withdrawn keeps its page."""
    withdrawn = withdrawn or {}
    years = sorted({x.year for x in ds.plans if x.year} | set(withdrawn), reverse=True)
    return [
        {
            "year": y,
            "plans": [plan_view(ds, x) for x in ds.plans_of_year(y)],
            "withdrawn": sorted(withdrawn.get(y, []), key=lambda r: r.key),
        }
        for y in years
    ]
