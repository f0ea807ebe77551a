"""What each page template is given: one dataclass per page type.

A template sees the fields of ``SiteContext`` (the same on every page, ``root`` aside) and
the fields of its page's dataclass, by name (``p``, ``f``, ``village`` …). Each class names
its template in ``TEMPLATE``. The fields are computed in Python (``views``,
``model.totals``, ``opendata``, ``print_pages``); a template lays them out and never sums
money itself. docs/templates.md lists every field and every block of every page, and
``tests/test_templates.py`` fails when a field or a block is missing there.

``render`` builds these objects for its own pages; ``opendata`` and ``print_pages`` pass
keyword arguments, which ``context_for`` turns into the registered class (so a missing or
misspelt field is an error in Python, never an empty figure on a page).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from generator.findings import Code
from generator.model import Dataset
from generator.model.history import Change, History, Removed
from generator.model.siteconfig import Site
from generator.model.totals import Totals, TownshipMoney
from generator.records import (
    Benefit,
    Case,
    Distribution,
    Fund,
    Notice,
    Project,
    Rectification,
    Village,
)
from generator.render.charts import Charts
from generator.render.coverage import ItemCoverage
from generator.render.downloads import Downloads
from generator.render.lists import ProjectFilters, ProjectGroup
from generator.render.opendata import OpenData
from generator.render.print_pages import PrintIndex, PrintNotice
from generator.render.views import Views
from generator.rules.compliance import Area, Compliance
from generator.rules.flags import Flags


@dataclass(frozen=True)
class SiteContext:
    """Given to every page (and to the partials it includes)."""

    site: Site
    """``site.yaml``: name, office, county, address, phones (``site.all_phones`` adds 12317)."""
    ds: Dataset
    """The public model: records and their lookups (``ds.funding_of(p.id)`` …)."""
    v: Views
    """Links and derived values: ``v.project_link(id, root)``, ``v.total(p.id)`` …"""
    sums: Totals
    """The aggregation layer: ``sums.sum_of(rows)``, ``sums.fund_allocated(f.id)`` …"""
    prints: PrintIndex
    """Printable notices: ``prints.of("project", p.id)``; ``prints.pdf`` when PDFs are made."""
    od: OpenData
    """Open data: ``od.slice_link(kind, record, root)``, ``od.changes(table, key)``."""
    rf: Flags
    """风险提示 (``rules.flags``): ``rf.of("project", p.id)``, ``rf.of("fund", f.id)`` give the
    flags of a record (``code``, ``title``, ``heading``, ``anchor``); ``rf.flags`` all of them."""
    charts: Charts
    """Static SVG charts with the rows of their tables: ``charts.years()``,
    ``charts.fund(f)``, ``charts.project(p)``, ``charts.village(village)`` …"""
    root: str = ""
    """The way from this page up to the site's root (``""``, ``"../"`` …), for links."""
    here: str = ""
    """This page's content path (``projects/index.md``), for links in raw HTML:
    ``urls.href(here, urls.project(p.id))``."""


@dataclass(frozen=True)
class PageContext:
    """Base of the page types: ``TEMPLATE`` is the template file in site_templates/pages/."""

    TEMPLATE: ClassVar[str] = ""

    def fields(self) -> dict[str, Any]:
        """The names the template sees, with their values (not copied)."""
        return {name: getattr(self, name) for name in field_names(type(self))}


# --- the site's own pages (render/pages.py) ---------------------------------------------


@dataclass(frozen=True)
class HomePage(PageContext):
    TEMPLATE: ClassVar[str] = "home.md.j2"
    stats: dict[str, Any]
    """Headline figures (``views.home_stats``): ``projects``, ``funding``, ``funds``,
    ``disbursed``, ``households``, ``benefits``, ``benefit_rows``, ``villages``, ``cases``,
    ``by_year`` (year → ``projects``, ``funding``, ``households``); money in 分."""
    latest: list[Notice]
    """The ten newest notices, newest first."""


@dataclass(frozen=True)
class ProjectsIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "projects_index.md.j2"
    projects: list[Project]
    """Every project, newest year first, then township and id."""
    filters: ProjectFilters
    """The pre-built filtered lists (``render.lists``): ``filters.townships`` (each with
    its ``years``) and ``filters.years``, each with ``title``, ``path``, ``count``,
    ``amount`` (分)."""


@dataclass(frozen=True)
class ProjectsByPage(PageContext):
    """One pre-built filtered project list: a township, a township's year, or a year."""

    TEMPLATE: ClassVar[str] = "projects_by.md.j2"
    g: ProjectGroup
    """The list: ``township``, ``year``, ``title``, ``projects``, ``count``, ``amount``
    (分), ``years`` (a township's years)."""
    filters: ProjectFilters
    """All the filtered lists, as on the project index."""


@dataclass(frozen=True)
class ProjectPage(PageContext):
    TEMPLATE: ClassVar[str] = "project.md.j2"
    p: Project
    """The project; its funding, allocations, payments, targets and notices come from ``ds``
    (``ds.funding_of(p.id)`` …) and its total from ``v.total(p.id)``."""


@dataclass(frozen=True)
class PlansIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "plans_index.md.j2"
    years: list[dict[str, Any]]
    """Each year with a plan, newest first (``views.plan_years``): ``year``, ``plans``, each
    as on the year's page, and ``withdrawn`` (its plans removed from the data, 已废止)."""


@dataclass(frozen=True)
class PlanYearPage(PageContext):
    """A year's 年度计划 and its 调整方案 (``views.plan_view``)."""

    TEMPLATE: ClassVar[str] = "plan_year.md.j2"
    year: int
    """The year."""
    plans: list[dict[str, Any]]
    """Its plans, the 年度计划 first: ``plan`` (the record), ``projects`` and ``ids`` (its
    known projects), ``unknown`` (ids not in the project table), ``funding`` (分,
    ``totals.plan_funding``), ``clock`` and ``clock_text`` (the publication deadline and
    its result, ``model.lifecycle.plan_clock``), ``notice`` (its 年度计划公告 / 调整公告),
    ``completion`` (its 完成情况公告), ``pool`` (project id → why it entered without a passed
    入库公示, ``""`` if it did not) and ``pool_notice`` (id → its 入库公示); for an
    adjustment ``before`` (the plan it adjusts), ``before_ids``, ``before_funding``,
    ``added`` / ``added_ids`` / ``added_funding`` and ``removed`` / ``removed_ids`` /
    ``removed_funding``."""
    withdrawn: list[Removed]
    """Plans of this year that were published and later removed from the data
    (``model.history.Removed``, newest history first by id): ``key`` (计划编号), ``values``
    (the last published version, by Chinese column title), ``removed_on`` (the day of the
    commit that removed it, ``None`` when the removal is not committed yet) and
    ``last_seen``. 长期公开: the page keeps them, marked 已废止."""


@dataclass(frozen=True)
class FundsIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "funds_index.md.j2"
    funds: list[Fund]
    """Every fund, newest issue date first."""


@dataclass(frozen=True)
class FundPage(PageContext):
    TEMPLATE: ClassVar[str] = "fund.md.j2"
    f: Fund
    """The fund; where it went: ``ds.allocations_of_fund(f.id)`` and
    ``ds.disbursements_of_fund(f.id)``."""


@dataclass(frozen=True)
class VillagesIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "villages_index.md.j2"
    townships: dict[str, list[Village]]
    """Township name → its villages, both sorted."""


@dataclass(frozen=True)
class VillagePage(PageContext):
    """Everything that touches a village (``views.village_view``)."""

    TEMPLATE: ClassVar[str] = "village.md.j2"
    village: Village
    """The village."""
    projects: list[Project]
    """Its projects (a project of several villages is on each, with its full amount),
    newest first."""
    own_projects: list[Project]
    """The projects that name this village alone: they make up ``totals.own``."""
    shared_projects: list[Project]
    """The projects it shares with other villages (or a whole township): shown with their
    full amount, summed apart in ``totals.shared``, never in the village's own total."""
    shared_with: dict[str, str]
    """Per shared project id, the other places it names (for ``（与××村共建）``)."""
    built: list[Project]
    """Projects under way or finished (``已建设``)."""
    planned: list[Project]
    """Projects 拟建 or 公示中 (``计划``), never called built."""
    benefit_groups: list[dict[str, Any]]
    """Household aid by year and programme: ``year``, ``program``, ``rows`` (benefit
    records), ``amount`` (their sum in 分)."""
    totals: dict[str, int]
    """``own`` (the funding of its own projects, 分), ``shared`` (the full funding of the
    projects it shares), ``benefit_rows``, ``benefits`` (分)."""
    rectifications: list[Rectification]
    """Problems found in this village and their rectification."""
    cases: list[Case]
    """Disciplinary cases of this village's officials."""


@dataclass(frozen=True)
class TownshipsIndexPage(PageContext):
    """All townships side by side, one pre-built page per sort order (issue 19)."""

    TEMPLATE: ClassVar[str] = "townships_index.md.j2"
    rows: list[dict[str, Any]]
    """One per township (``views.township_rows``): ``money`` (``totals.TownshipMoney``:
    ``name``, ``projects``, ``funding``, ``allocated``, ``disbursed``, ``balance``, ``rate``,
    ``cases``, ``rectifications``, ``open_rectifications``; money in 分) and ``area`` (its
    compliance figures, ``None`` when it has no project)."""
    sort: str
    """The key this page is sorted by (``urls.TOWNSHIP_SORTS``)."""
    sorts: dict[str, tuple[str, str]]
    """Every sort key → (its column's name, its page), for the order links."""


@dataclass(frozen=True)
class TownshipPage(PageContext):
    """One township (``views.township_view``)."""

    TEMPLATE: ClassVar[str] = "township.md.j2"
    township: str
    """The township's name."""
    money: TownshipMoney
    """Its projects and money (``totals.township_money``), in 分."""
    area: Area | None
    """Its compliance figures (``rules.compliance``): ``compliant``, ``compliant_rate``,
    ``completeness``, ``timeliness``, ``findings``; ``None`` when it has no project."""
    villages: list[Village]
    """Its villages."""
    projects: list[Project]
    """The projects filed under it, newest first."""
    cases: list[Case]
    """Disciplinary cases filed under it, newest first."""
    rectifications: list[Rectification]
    """Problems found in it and their rectification, newest first."""


@dataclass(frozen=True)
class BenefitsIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "benefits_index.md.j2"
    programs: list[dict[str, Any]]
    """Each programme and year, as ``prog`` on its own page (``views.benefit_programs``)."""


@dataclass(frozen=True)
class BenefitProgramPage(PageContext):
    TEMPLATE: ClassVar[str] = "benefit_program.md.j2"
    prog: dict[str, Any]
    """One programme in one year: ``year``, ``program``, ``slug``, ``households``,
    ``persons``, ``amount`` (分), ``villages`` (each ``name``, ``village`` (or ``None``),
    ``township``, ``households``, ``amount``) and ``notices``."""


@dataclass(frozen=True)
class DistributionsIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "distributions_index.md.j2"
    distributions: list[Distribution]
    """Every distribution of asset income, by id."""


@dataclass(frozen=True)
class DistributionPage(PageContext):
    TEMPLATE: ClassVar[str] = "distribution.md.j2"
    d: Distribution
    """The distribution."""
    rows: list[Benefit]
    """Its households (benefit records), by village and source row; their sum is
    ``sums.sum_of(rows)``."""


@dataclass(frozen=True)
class NoticesIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "notices_index.md.j2"
    notices: list[Notice]
    """Every notice, newest first."""


@dataclass(frozen=True)
class RectificationsIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "rectifications_index.md.j2"
    items: list[Rectification]
    """Every problem found and its rectification, newest first."""


@dataclass(frozen=True)
class RectificationPage(PageContext):
    TEMPLATE: ClassVar[str] = "rectification.md.j2"
    r: Rectification
    """The problem and its rectification. Each has its own page, so that a search finds it
    there and the lists that name it are left out of the search index: a list of every
    problem was one search entry that grew with the county (60 KB, over Zensical's 32 KB)."""


@dataclass(frozen=True)
class CasesIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "cases_index.md.j2"
    cases: list[Case]
    """Every disciplinary case, newest first."""


@dataclass(frozen=True)
class CasePage(PageContext):
    TEMPLATE: ClassVar[str] = "case.md.j2"
    c: Case
    """The case."""


@dataclass(frozen=True)
class ReportPage(PageContext):
    """How to report a problem: only the site's fields (phones come from ``site``)."""

    TEMPLATE: ClassVar[str] = "report.md.j2"


@dataclass(frozen=True)
class CompliancePage(PageContext):
    TEMPLATE: ClassVar[str] = "compliance.md.j2"
    c: Compliance
    """The public compliance figures (``rules.compliance``)."""
    codes: dict[str, Code]
    """Finding code → its title, message and hint."""


@dataclass(frozen=True)
class FlagsPage(PageContext):
    TEMPLATE: ClassVar[str] = "flags.md.j2"
    indicators: list[dict[str, Any]]
    """Per indicator, in code order: ``i`` (``code``, ``title``, ``means``, ``not_means``,
    ``source``), ``threshold`` (the thresholds in words, from site.yaml) and ``flags`` (each
    ``anchor``, ``heading``, ``facts`` (label, text), ``figures`` (``label``, ``value``,
    ``source``, ``table``, ``match``, ``cell``: print with ``fig``), ``projects``, ``funds``)."""
    as_of: str
    """The date the flags were computed for (数据截止日期)."""


@dataclass(frozen=True)
class FlowPage(PageContext):
    """The county's 资金流向: funding sources → categories → townships (``render.charts``)."""

    TEMPLATE: ClassVar[str] = "flow.md.j2"
    total: int
    """All projects' funding (``totals.county_funding``), 分."""


@dataclass(frozen=True)
class RulesPage(PageContext):
    TEMPLATE: ClassVar[str] = "rules.md.j2"
    c: Compliance
    """The compliance figures; ``c.rules`` lists the rules checked."""


@dataclass(frozen=True)
class CataloguePage(PageContext):
    """The 标准目录 coverage (issue 17): each catalogue item, per township."""

    TEMPLATE: ClassVar[str] = "catalogue.md.j2"
    items: list[ItemCoverage]
    """Per item (``ic.item``: ``name``, ``basis``, ``deadline``, ``channel``, ``kinds``),
    its ``rows``: one per township (``全县`` last) with ``township``, ``state`` (the worst:
    逾期, 缺失, 已公开, 未到期) and ``of(state)``, the records in that state (``subject``,
    ``label``, ``due``, ``notice``) — ``model.catalogue.coverage``."""
    states: tuple[str, ...]
    """The states in the order the page lists them."""
    limit: int
    """At most this many records are named per state and township (then 等)."""


# --- open data pages (render/opendata.py) -----------------------------------------------


@dataclass(frozen=True)
class DownloadsIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "downloads_index.md.j2"
    dl: Downloads
    """What was written to downloads/: ``dl.tables``, ``dl.files``, ``dl.data_date``."""
    year_files: dict[int, list[str]]
    """Year → the tables that have a CSV for that year."""
    tables: dict[str, dict[str, Any]]
    """Table name → its entry of ``dl.tables`` (``title``, ``rows``, ``columns``)."""
    feeds: dict[str, str]
    """Township (``""`` for the county) → path of its Atom feed."""
    hist: History
    """The published history of the data: ``hist.available``, ``hist.versions``, ``hist.note``."""


@dataclass(frozen=True)
class DownloadsVerifyPage(PageContext):
    TEMPLATE: ClassVar[str] = "downloads_verify.md.j2"
    dl: Downloads
    """``dl.totals``: the home page's figures as written to manifest.json."""
    stats: dict[str, Any]
    """The same figures as the home page's ``stats`` (``views.home_stats``), printed with
    their recipes so that ``gongshi verify`` checks this page too."""


@dataclass(frozen=True)
class WithdrawnPage(PageContext):
    TEMPLATE: ClassVar[str] = "withdrawn.md.j2"
    r: Removed
    """The withdrawn record: ``key``, ``table``, ``removed_on``, ``last_seen``."""
    values: dict[str, str]
    """Its last published values by Chinese column title (supervision phone left out)."""
    title: str
    """Its name (project name, document number …), or its key."""
    table_title: str
    """The Chinese name of its table (项目, 资金 …)."""
    changes: list[Change]
    """Its 变更记录, newest first."""


@dataclass(frozen=True)
class ArchiveIndexPage(PageContext):
    TEMPLATE: ClassVar[str] = "archive_index.md.j2"
    archive: dict[int, dict[str, list[Any]]]
    """Year (newest first) → ``projects``, ``funds``, ``notices``, ``cases``, ``removed``."""
    undated: list[Removed]
    """Withdrawn records without a year."""
    removed_link: Callable[[Removed, str], Markup]
    """``removed_link(r, root)``: a withdrawn record's name, linked to its page if it has one."""


@dataclass(frozen=True)
class ArchiveYearPage(PageContext):
    TEMPLATE: ClassVar[str] = "archive_year.md.j2"
    year: int
    """The year."""
    a: dict[str, list[Any]]
    """That year's ``projects``, ``funds``, ``notices``, ``cases`` and ``removed``."""
    files: list[str]
    """The tables with a CSV for that year."""
    tables: dict[str, dict[str, Any]]
    """Table name → its entry of the downloads (``title`` …)."""
    removed_link: Callable[[Removed, str], Markup]
    """``removed_link(r, root)``, as on the archive's index."""


# --- printable notices (render/print_pages.py) ------------------------------------------


@dataclass(frozen=True)
class PrintPage(PageContext):
    """Fields of every printable notice (used by ``_print_head`` and ``_print_foot``)."""

    pn: PrintNotice
    """The notice: ``title``, ``kind``, ``notice`` (its row of the notices table or
    ``None``), ``online`` (path of the online page), ``qr``, ``pdf``, ``rel``."""
    url: str
    """The online page's address, also held by the QR code."""


@dataclass(frozen=True)
class PrintProjectPage(PrintPage):
    TEMPLATE: ClassVar[str] = "print_project.md.j2"
    p: Project
    """The project."""
    after: bool
    """``False``: 事前公示 (before work starts); ``True``: 事后公告 (after acceptance)."""


@dataclass(frozen=True)
class PrintFundPage(PrintPage):
    TEMPLATE: ClassVar[str] = "print_fund.md.j2"
    f: Fund
    """The fund."""


@dataclass(frozen=True)
class PrintBenefitsPage(PrintPage):
    TEMPLATE: ClassVar[str] = "print_benefits.md.j2"
    program: str
    """The programme."""
    year: int
    """Its year."""
    village: Village
    """The village whose list this is."""
    rows: list[Benefit]
    """The village's benefit records of that programme and year."""
    amount: int
    """Their sum in 分 (``model.totals.sum_of``)."""


@dataclass(frozen=True)
class PrintDistributionPage(PrintPage):
    TEMPLATE: ClassVar[str] = "print_distribution.md.j2"
    d: Distribution
    """The distribution."""
    rows: list[Benefit]
    """Its households (benefit records)."""
    amount: int
    """Their sum in 分."""


PAGE_TYPES: tuple[type[PageContext], ...] = (
    HomePage,
    ProjectsIndexPage,
    ProjectsByPage,
    ProjectPage,
    PlansIndexPage,
    PlanYearPage,
    FundsIndexPage,
    FundPage,
    VillagesIndexPage,
    VillagePage,
    TownshipsIndexPage,
    TownshipPage,
    BenefitsIndexPage,
    BenefitProgramPage,
    DistributionsIndexPage,
    DistributionPage,
    NoticesIndexPage,
    RectificationsIndexPage,
    RectificationPage,
    CasesIndexPage,
    CasePage,
    ReportPage,
    CompliancePage,
    FlagsPage,
    RulesPage,
    FlowPage,
    CataloguePage,
    DownloadsIndexPage,
    DownloadsVerifyPage,
    WithdrawnPage,
    ArchiveIndexPage,
    ArchiveYearPage,
    PrintProjectPage,
    PrintFundPage,
    PrintBenefitsPage,
    PrintDistributionPage,
)
BY_TEMPLATE: dict[str, type[PageContext]] = {c.TEMPLATE: c for c in PAGE_TYPES}

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """A context class's field names, in order (computed once per class)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def context_for(template: str, **fields: Any) -> PageContext:
    """The context of ``template`` built from keyword arguments (as ``opendata`` and
    ``print_pages`` pass them); a missing or unknown field raises ``TypeError``."""
    return BY_TEMPLATE[template](**fields)
