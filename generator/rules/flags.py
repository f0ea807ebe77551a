"""风险提示 (issue 19): red-flag indicators for supervisors, computed from the data alone.

A flag is a hint where an inspector may want to look, not a finding: the data can be
complete and correct and still show a pattern worth checking (several contracts just under
the bidding threshold, one firm winning most of a township's money, money paid before the
notice period ended). So the indicators are *not* rules: they are declared here with
``findings.declare`` under their own codes ``RF01``–``RF08`` at severity ``info``, they are
not registered with ``@rule``, never count towards the exit code of ``gongshi check``
(``--strict`` included) and never towards the compliance figures. ``gongshi check`` lists
them with the loader's notes (``Report.notes``) as ``风险提示`` lines, so a cadre sees before
publishing what the 风险提示 page will say; the site publishes them on that page and in a
short box on each record they concern.

Every threshold is a ``site.yaml`` setting (``model.flagconfig``). Amounts come from
``model.totals``; each flag keeps the figures it is based on with the rows they sum
(``Fig``), so the page prints them with recipes that ``gongshi verify`` recomputes.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from markupsafe import Markup

from generator import money
from generator.dates import zh_date
from generator.findings import Finding, declare, make
from generator.model import Dataset, totals
from generator.model.flagconfig import FlagSettings
from generator.records import Fund, Origin, Project

NOT_A_CONCLUSION = "提示不是结论，是需要核实的线索"
NONCOMPETITIVE = ("单一来源", "直接委托", "邀请招标")
DONE = ("已完工", "已验收")
STOPPED = "已终止"
ROLES = {"responsible_person": "责任人", "supervisor": "项目监督人"}
TENDER_RULE = "《必须招标的工程项目规定》（国家发展改革委令第16号）"


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it means, what it does not mean, and its threshold in words."""

    code: str
    title: str
    means: str
    not_means: str
    threshold: Callable[[FlagSettings], str]
    source: str = ""


INDICATORS: dict[str, Indicator] = {}


def indicator(
    code: str,
    title: str,
    message: str,
    means: str,
    not_means: str,
    threshold: Callable[[FlagSettings], str],
    source: str = "",
) -> None:
    """Declare an indicator: its finding code (severity info) and its page text."""
    declare(code, "info", title, message, NOT_A_CONCLUSION + "。{check}", source)
    INDICATORS[code] = Indicator(code, title, means, not_means, threshold, source)


def _wan(fen: int) -> str:
    return f"{money.wan(fen)}万元"


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


indicator(
    "RF01",
    "拆分规避招标",
    "{what}",
    "同一实施单位或同一中标单位在同一年度、同一乡镇的两个以上同类项目（项目类别相同，"
    "采购类别同为工程、货物或服务），"
    "每个项目的金额都低于必须招标的限额，合起来却达到或超过限额；或者单个项目的金额只比限额低"
    "一点（在临界比例之内）。金额用合同金额，没有合同金额的用项目资金规模。",
    "不说明项目被故意拆分：几个村各建一座光伏电站、分批下达的资金，本来就是不同的项目。"
    "要核实的是这些项目是否本应作为一个项目招标。",
    lambda s: (
        f"招标限额：工程 {_wan(s.bid_works)}、货物 {_wan(s.bid_goods)}、"
        f"服务 {_wan(s.bid_services)}；临界比例 {_pct(s.near_pct)}"
    ),
    TENDER_RULE,
)
indicator(
    "RF02",
    "中标集中",
    "{what}",
    "一个年度内，一家中标单位的合同金额占一个乡镇（或全县）全部合同金额的份额超过上限；"
    "或者这个乡镇（或全县）的集中度指数（HHI，各中标单位份额百分数的平方和）超过上限。"
    "合同太少时份额没有意义，不计算。",
    "不说明有串标或指定中标：本地有资质的单位可能本来就少，一家单位也可能一直报价最低。"
    "要核实的是招标是否公开、竞争是否充分。",
    lambda s: (
        f"份额上限 {_pct(s.share_pct)}，集中度指数上限 {s.hhi}；"
        f"合同少于 {s.min_contracts} 份的不计算"
    ),
)
indicator(
    "RF03",
    "合同金额与预算不符",
    "{what}",
    "项目的合同金额与项目资金规模（资金来源合计）相比，低于下限或高于上限。",
    "不说明资金被挪用：预算可能包含合同以外的费用（监理、设备、补助），合同也可能只是项目的一部分。"
    "要核实的是差额用在了哪里、是否按规定调整了预算。",
    lambda s: (
        f"合同金额在项目资金的 {s.budget_low.normalize():f} 倍到 "
        f"{s.budget_high.normalize():f} 倍之外"
    ),
)
indicator(
    "RF04",
    "非竞争方式",
    "{what}",
    "项目用单一来源、直接委托或邀请招标等非公开竞争的方式确定承建单位，而金额达到或超过限额。"
    "金额用合同金额，没有合同金额的用项目资金规模。",
    "不说明违规：邀请招标、单一来源在符合条件时是允许的（如技术复杂、只有少数单位能做）。"
    "要核实的是有没有批准手续和理由。",
    lambda s: (
        f"非竞争方式限额：{_wan(s.noncompetitive)}"
        if s.noncompetitive is not None
        else f"非竞争方式限额：按各类别的招标限额（工程 {_wan(s.bid_works)}、"
        f"货物 {_wan(s.bid_goods)}、服务 {_wan(s.bid_services)}）"
    ),
    TENDER_RULE,
)
indicator(
    "RF05",
    "工期延误",
    "{what}",
    "项目的完工日期晚于计划完工日期；或者计划完工日期过去很久，项目仍未完工。",
    "不说明施工单位违约：天气、设计变更、资金到位晚都会推迟工期。要核实的是延误的原因和是否办理了延期。",
    lambda s: f"完工晚于计划 {s.late_days} 天以上；计划完工 {s.overdue_months} 个月后仍未完工",
)
indicator(
    "RF06",
    "资金闲置",
    "{what}",
    "资金下达一段时间后，还有钱没有分配到项目，或者还没有拨付出去；"
    "或者项目安排了资金，资金下达后几个月内一分钱也没有拨付。",
    "不说明资金被挪用或滞留：项目可能还没到付款节点，拨付记录也可能还没有录入。"
    "要核实的是资金在哪里、为什么没有用。资金分配表没有日期，“未分配”按数据截止日期的分配情况计算；"
    "没有拨付日期的拨付不计入按期拨付的金额；项目的安排日期按它所用资金中最早的下达日期计算。",
    lambda s: (
        f"下达 {s.idle_months} 个月后仍未分配完或未拨付完；"
        f"资金下达 {s.unpaid_months} 个月内项目一笔未拨"
    ),
)
indicator(
    "RF07",
    "先拨后公示",
    "{what}",
    "项目在事前公示期还没有结束时（含截止当天）就已经拨付了资金。公示没有写截止日期的，按公示开始日期计算。",
    "不说明资金被冒领：可能是拨付日期录错了，也可能是预付款。要核实的是公示期间有没有异议、"
    "拨付时是否已经履行了程序。",
    lambda s: "拨付日期不晚于事前公示截止日期",
)
indicator(
    "RF08",
    "同一人多项",
    "{what}",
    "同一年度里一个人担任很多个项目的责任人或项目监督人；"
    "或者一个项目的监督人同时是它的责任人或实施单位（自己监督自己）。",
    "不说明这个人有问题：乡镇干部分管多个项目很常见。要核实的是一个人能否真正管好、"
    "监督好这么多项目，监督是否独立。这里的姓名是公示中履行职务的干部姓名。",
    lambda s: (
        f"一人一年担任 {s.person_projects} 个以上项目的责任人或监督人；监督人与责任人或实施单位相同"
    ),
)


@dataclass(frozen=True)
class Fig:
    """A money figure or count the flag is based on, and the download rows it sums:
    ``source`` as ``figures.fig`` takes it (``table.key`` sums, ``table`` counts),
    ``match`` English column key → value (or tuple of values) of those rows."""

    label: str
    value: int
    source: str
    match: tuple[tuple[str, object], ...]
    cell: bool = False

    @property
    def table(self) -> str:
        return self.source.partition(".")[0]


@dataclass(frozen=True)
class Flag:
    code: str
    n: int  # running number within the code: the anchor on the 风险提示 page
    heading: str
    message: str  # the whole hint in one sentence (gongshi check)
    facts: tuple[tuple[str, str], ...] = ()  # dates, ratios, shares: not sums of downloads
    figures: tuple[Fig, ...] = ()
    projects: tuple[str, ...] = ()
    funds: tuple[str, ...] = ()
    rows: tuple[Origin, ...] = ()
    subject: str = ""
    extra_tables: tuple[str, ...] = ()  # tables read without a figure (RF07: notices)
    townships: tuple[str, ...] = ()  # the townships of its projects (township pages)

    @property
    def anchor(self) -> Markup:
        """``rf01-3``: the flag's place on the 风险提示 page (letters, digits and ``-`` only,
        so it is Markup: a heading's ``{ #id }`` must not be backslash-escaped)."""
        return Markup(f"{self.code.lower()}-{self.n}")

    @property
    def title(self) -> str:
        return INDICATORS[self.code].title

    @property
    def downloads(self) -> tuple[str, ...]:
        """The published tables (CSV downloads) whose rows this flag is based on."""
        names = {f.table for f in self.figures}
        names |= {"projects"} if self.projects else set()
        names |= {"funds"} if self.funds else set()
        names |= set(self.extra_tables)
        order = ("projects", "project_funding", "funds", "allocations", "disbursements", "notices")
        return tuple(t for t in order if t in names)


@dataclass
class Flags:
    """Every flag of a county, with lookups by record (``rf.of("project", p.id)``)."""

    settings: FlagSettings
    as_of: date
    flags: list[Flag] = field(default_factory=list)

    def by_code(self, code: str) -> list[Flag]:
        return [f for f in self.flags if f.code == code]

    def of(self, kind: str, key: str) -> list[Flag]:
        """The flags of one record (``project`` or ``fund``) or of a ``township`` (the flags
        of its projects), in page order."""
        return self._index().get((kind, key), [])

    def _index(self) -> dict[tuple[str, str], list[Flag]]:
        # built once: every record page asks (a county has thousands of pages)
        index = self.__dict__.get("_by_record")
        if index is None:
            index = defaultdict(list)
            for f in self.flags:
                for pid in f.projects:
                    index[("project", pid)].append(f)
                for fid in f.funds:
                    index[("fund", fid)].append(f)
                for town in f.townships:
                    index[("township", town)].append(f)
            self.__dict__["_by_record"] = index
        return index

    @property
    def indicators(self) -> list[Indicator]:
        return list(INDICATORS.values())

    def threshold(self, code: str) -> str:
        return INDICATORS[code].threshold(self.settings)

    def notes(self) -> list[Finding]:
        """The flags as ``info`` findings for ``gongshi check`` (``Report.notes``)."""
        out = []
        for f in self.flags:
            origin = f.rows[0] if f.rows else Origin("", 0)
            out.append(
                make(
                    f.code,
                    file=origin.file,
                    row=origin.row or None,
                    subject=f.subject,
                    what=f.message,
                    check="网站“风险提示”页会列出这一条。",
                )
            )
        return out


# --- helpers ------------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day).

    >>> add_months(date(2018, 8, 31), 6), add_months(date(2019, 1, 31), 1)
    (datetime.date(2019, 2, 28), datetime.date(2019, 2, 28))
    """
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def kind_of(p: Project) -> str:
    return p.procurement_type or "工程"


def amount_of(ds: Dataset, p: Project) -> Fig | None:
    """What a project costs: its contract amount, else its funding (资金规模)."""
    if p.contract_amount is not None:
        return Fig(
            f"{p.id} 合同金额",
            p.contract_amount,
            "projects.contract_amount",
            (("id", p.id),),
            cell=True,
        )
    rows = ds.funding_of(p.id)
    if not rows or totals.unread(rows):
        return None
    return Fig(
        f"{p.id} 资金规模",
        totals.project_funding(ds, p.id),
        "project_funding.amount",
        (("project_id", p.id),),
    )


def _sum_figs(label: str, figs: list[Fig]) -> list[Fig]:
    """The sum of several projects' amounts as figures with recipes: one per source
    (contract amounts, funding), since a recipe sums one column of one download."""
    out = []
    for source, key in (
        ("projects.contract_amount", "id"),
        ("project_funding.amount", "project_id"),
    ):
        part = [f for f in figs if f.source == source]
        if part:
            ids = tuple(sorted(dict(f.match)[key] for f in part))  # type: ignore[type-var]
            what = "合同金额" if key == "id" else "资金规模"
            value = totals.sum_of(part, "value")
            out.append(Fig(f"{label}（{what}）", value, source, ((key, ids),)))
    return out


def _names(ps: Iterable[Project]) -> str:
    return "、".join(p.id for p in ps)


class _Collector:
    def __init__(self) -> None:
        self.flags: list[Flag] = []
        self.count: dict[str, int] = defaultdict(int)

    def add(self, code: str, heading: str, message: str, **kw: object) -> None:
        self.count[code] += 1
        self.flags.append(Flag(code, self.count[code], heading, message, **kw))  # type: ignore[arg-type]


def _live(ds: Dataset) -> list[Project]:
    return sorted(
        (p for p in ds.projects if p.status != STOPPED), key=lambda p: (p.year or 0, p.id)
    )


# --- the indicators -----------------------------------------------------------------------


def _rf01(ds: Dataset, s: FlagSettings, out: _Collector) -> None:
    groups: dict[tuple[str, str, int, str, str, str], list[tuple[Project, Fig]]] = defaultdict(list)
    for p in _live(ds):
        fig = amount_of(ds, p)
        if fig is None or p.year is None or not p.township:
            continue
        kind = kind_of(p)
        limit = s.bid_threshold(kind)
        if fig.value >= limit:
            continue
        for attr, role in (("implementer", "实施单位"), ("contractor", "中标单位")):
            who = getattr(p, attr).strip()
            if who:
                groups[(role, who, p.year, p.township, p.category, kind)].append((p, fig))
        if fig.value * 100 >= limit * (100 - s.near_pct):
            short = limit - fig.value
            out.add(
                "RF01",
                f"{p.name}：接近{kind}招标限额",
                f"项目 {p.id}“{p.name}”的{fig.label[len(p.id) + 1 :]} {money.yuan(fig.value)} 元，"
                f"只比{kind}招标限额 {_wan(limit)}低 {money.yuan(short)} 元",
                facts=(("招标限额", _wan(limit)), ("低于限额", f"{money.yuan(short)} 元")),
                figures=(fig,),
                projects=(p.id,),
                rows=(p.origin,),
                subject=f"project:{p.id}",
            )
    for (role, who, year, town, category, kind), items in sorted(groups.items()):
        limit = s.bid_threshold(kind)
        total = totals.sum_of((f for _, f in items), "value")
        if len(items) < 2 or total < limit:
            continue
        ps = [p for p, _ in items]
        out.add(
            "RF01",
            f"{who}（{role}）· {town} · {year}年 · {len(items)} 个{category}{kind}项目",
            f"{role}“{who}”在{town}{year}年有 {len(items)} 个{category}{kind}项目（{_names(ps)}），"
            f"每个都低于招标限额 {_wan(limit)}，合计 {money.yuan(total)} 元",
            facts=(("招标限额", _wan(limit)), ("项目数", f"{len(items)} 个")),
            figures=(*(f for _, f in items), *_sum_figs("合计", [f for _, f in items])),
            projects=tuple(p.id for p in ps),
            rows=tuple(p.origin for p in ps),
            subject=f"project:{ps[0].id}",
        )


def _hhi_exceeds(sums: list[int], total: int, limit: int) -> bool:
    """Σ(100·sᵢ/T)² > limit, exactly."""
    return sum(x * x for x in sums) * 10000 > limit * total * total


def _hhi(sums: list[int], total: int) -> int:
    return round(Decimal(sum(x * x for x in sums) * 10000) / Decimal(total * total))


def _rf02(ds: Dataset, s: FlagSettings, out: _Collector) -> None:
    areas: dict[tuple[int, str], list[Project]] = defaultdict(list)
    for p in _live(ds):
        if p.year is None or p.contract_amount is None or not p.contractor.strip():
            continue
        areas[(p.year, "")].append(p)
        if p.township:
            areas[(p.year, p.township)].append(p)
    for (year, town), ps in sorted(areas.items()):
        if len(ps) < s.min_contracts:
            continue
        area = town or "全县"
        where: tuple[tuple[str, object], ...] = (("year", year),) + (
            (("township", town),) if town else ()
        )
        where += (("id", tuple(p.id for p in ps)),)  # the rows counted, 已终止 left out
        total = totals.sum_of(ps, "contract_amount")
        if total <= 0:
            continue
        by: dict[str, list[Project]] = defaultdict(list)
        for p in ps:
            by[p.contractor.strip()].append(p)
        total_fig = Fig(f"{area}{year}年合同金额合计", total, "projects.contract_amount", where)
        for who, mine in sorted(by.items()):
            amount = totals.sum_of(mine, "contract_amount")
            if amount * 100 <= s.share_pct * total:
                continue
            share = (Decimal(amount) * 100 / Decimal(total)).quantize(Decimal("0.1"))
            out.add(
                "RF02",
                f"{who} · {area} · {year}年 · 份额 {share}%",
                f"“{who}”在{area}{year}年中标 {len(mine)} 个项目，"
                f"合同金额 {money.yuan(amount)} 元，"
                f"占{area}全部合同金额 {money.yuan(total)} 元的 {share}%",
                facts=(("份额", f"{share}%"), ("中标项目", f"{len(mine)} 个")),
                figures=(
                    Fig(
                        f"{who}的合同金额",
                        amount,
                        "projects.contract_amount",
                        (*where[:-1], ("id", tuple(p.id for p in mine))),
                    ),
                    total_fig,
                ),
                projects=tuple(p.id for p in mine),
                rows=tuple(p.origin for p in mine),
                subject=f"project:{mine[0].id}",
            )
        sums = [totals.sum_of(v, "contract_amount") for v in by.values()]
        if _hhi_exceeds(sums, total, s.hhi):
            hhi = _hhi(sums, total)
            out.add(
                "RF02",
                f"{area} · {year}年 · 集中度指数 {hhi}",
                f"{area}{year}年 {len(ps)} 份合同由 {len(by)} 家单位中标，集中度指数（HHI）{hhi}",
                facts=(
                    ("集中度指数", str(hhi)),
                    ("合同数", f"{len(ps)} 份"),
                    ("中标单位数", f"{len(by)} 家"),
                ),
                figures=(total_fig,),
                projects=tuple(p.id for p in ps),
                rows=tuple(p.origin for p in ps),
                subject=f"project:{ps[0].id}",
            )


def _rf03(ds: Dataset, s: FlagSettings, out: _Collector) -> None:
    for p in _live(ds):
        rows = ds.funding_of(p.id)
        if p.contract_amount is None or not rows or totals.unread(rows):
            continue
        budget = totals.project_funding(ds, p.id)
        if budget <= 0:
            continue
        c = p.contract_amount
        if s.budget_low * budget <= c <= s.budget_high * budget:
            continue
        ratio = (Decimal(c) / Decimal(budget)).quantize(Decimal("0.01"))
        out.add(
            "RF03",
            f"{p.name}：合同金额是项目资金的 {ratio} 倍",
            f"项目 {p.id}“{p.name}”的合同金额 {money.yuan(c)} 元"
            f"是项目资金 {money.yuan(budget)} 元的 {ratio} 倍",
            facts=(("合同金额 ÷ 项目资金", f"{ratio} 倍"),),
            figures=(
                Fig("合同金额", c, "projects.contract_amount", (("id", p.id),), cell=True),
                Fig(
                    "项目资金（资金来源合计）",
                    budget,
                    "project_funding.amount",
                    (("project_id", p.id),),
                ),
            ),
            projects=(p.id,),
            rows=(p.origin, *(r.origin for r in rows)),
            subject=f"project:{p.id}",
        )


def _rf04(ds: Dataset, s: FlagSettings, out: _Collector) -> None:
    for p in _live(ds):
        method = next((m for m in NONCOMPETITIVE if m in p.procurement), None)
        fig = amount_of(ds, p)
        if method is None or fig is None:
            continue
        limit = s.noncompetitive_threshold(kind_of(p))
        if fig.value < limit:
            continue
        out.add(
            "RF04",
            f"{p.name}：{p.procurement}",
            f"项目 {p.id}“{p.name}”用“{p.procurement}”确定承建单位，"
            f"{fig.label[len(p.id) + 1 :]} {money.yuan(fig.value)} 元，达到限额 {_wan(limit)}",
            facts=(("招标方式", p.procurement), ("限额", _wan(limit))),
            figures=(fig,),
            projects=(p.id,),
            rows=(p.origin,),
            subject=f"project:{p.id}",
        )


def _rf05(ds: Dataset, s: FlagSettings, out: _Collector) -> None:
    for p in _live(ds):
        if p.end is None:
            continue
        if p.completed_on is not None:
            late = (p.completed_on - p.end).days
            if late > s.late_days:
                out.add(
                    "RF05",
                    f"{p.name}：晚 {late} 天完工",
                    f"项目 {p.id}“{p.name}”计划{zh_date(p.end)}完工，"
                    f"{zh_date(p.completed_on)}才完工，晚 {late} 天",
                    facts=(
                        ("计划完工", zh_date(p.end)),
                        ("实际完工", zh_date(p.completed_on)),
                        ("延误", f"{late} 天"),
                    ),
                    projects=(p.id,),
                    rows=(p.origin,),
                    subject=f"project:{p.id}",
                )
        elif p.status not in DONE and ds.as_of > add_months(p.end, s.overdue_months):
            late = (ds.as_of - p.end).days
            out.add(
                "RF05",
                f"{p.name}：计划完工 {late} 天后仍未完工",
                f"项目 {p.id}“{p.name}”计划{zh_date(p.end)}完工，到{zh_date(ds.as_of)}"
                f"仍未完工（{p.status or '未写状态'}），已过 {late} 天",
                facts=(
                    ("计划完工", zh_date(p.end)),
                    ("状态", p.status or "未写"),
                    ("已过计划完工", f"{late} 天"),
                ),
                projects=(p.id,),
                rows=(p.origin,),
                subject=f"project:{p.id}",
            )


def _paid_by(rows: Iterable, deadline: date) -> list:
    return [d for d in rows if d.paid_on is not None and d.paid_on <= deadline]


def _fund_flag(ds: Dataset, s: FlagSettings, f: Fund, out: _Collector) -> None:
    if f.issued_on is None or f.amount is None:
        return
    deadline = add_months(f.issued_on, s.idle_months)
    if ds.as_of < deadline:
        return
    allocs = ds.allocations_of_fund(f.id)
    allocated = totals.fund_allocated(ds, f.id)
    paid_rows = _paid_by(ds.disbursements_of_fund(f.id), deadline)
    paid = totals.sum_of(paid_rows)
    if totals.unread(allocs) or totals.unread(paid_rows):
        return
    if allocated >= f.amount and paid >= f.amount:
        return
    parts = []
    if allocated < f.amount:
        parts.append(f"未分配 {money.yuan(f.amount - allocated)} 元")
    if paid < f.amount:
        parts.append(f"到{zh_date(deadline)}未拨付 {money.yuan(f.amount - paid)} 元")
    dates = tuple(sorted({d.paid_on.isoformat() for d in paid_rows if d.paid_on}))
    out.add(
        "RF06",
        f"{f.document_no or f.id}：下达 {s.idle_months} 个月后{'、'.join(parts)}",
        f"资金 {f.id}（{f.document_no}）{zh_date(f.issued_on)}下达 {money.yuan(f.amount)} 元，"
        + "，".join(parts),
        facts=(
            ("下达日期", zh_date(f.issued_on)),
            ("核对日期", zh_date(deadline)),
            ("未分配", f"{money.yuan(max(f.amount - allocated, 0))} 元"),
            ("到核对日期未拨付", f"{money.yuan(max(f.amount - paid, 0))} 元"),
        ),
        figures=(
            Fig("下达金额", f.amount, "funds.amount", (("id", f.id),), cell=True),
            Fig("已分配到项目", allocated, "allocations.amount", (("fund_id", f.id),)),
            Fig(
                f"{zh_date(deadline)}前已拨付",
                paid,
                "disbursements.amount",
                (("fund_id", f.id), ("paid_on", dates)),
            ),
        ),
        funds=(f.id,),
        rows=(f.origin,),
        subject=f"fund:{f.id}",
    )


def _rf06(ds: Dataset, s: FlagSettings, out: _Collector) -> None:
    for f in sorted(ds.funds, key=lambda f: (f.issued_on or date.min, f.id)):
        _fund_flag(ds, s, f, out)
    for p in _live(ds):
        allocs = [a for a in ds.allocations_of_project(p.id) if (a.amount or 0) > 0]
        issued = [
            fund.issued_on
            for a in allocs
            if (fund := ds.fund(a.fund_id)) is not None and fund.issued_on is not None
        ]
        if not issued:
            continue
        first = min(issued)
        deadline = add_months(first, s.unpaid_months)
        if ds.as_of < deadline:
            continue
        if any((d.amount or 0) > 0 for d in _paid_by(ds.disbursements_of_project(p.id), deadline)):
            continue
        allocated = totals.project_allocated(ds, p.id)
        out.add(
            "RF06",
            f"{p.name}：安排资金 {s.unpaid_months} 个月内未拨付",
            f"项目 {p.id}“{p.name}”安排资金 {money.yuan(allocated)} 元，资金{zh_date(first)}下达，"
            f"到{zh_date(deadline)}一笔也没有拨付",
            facts=(("资金下达", zh_date(first)), ("核对日期", zh_date(deadline))),
            figures=(Fig("安排金额", allocated, "allocations.amount", (("project_id", p.id),)),),
            projects=(p.id,),
            funds=tuple(sorted({a.fund_id for a in allocs})),
            rows=(p.origin, *(a.origin for a in allocs)),
            subject=f"project:{p.id}",
        )


def _rf07(ds: Dataset, s: FlagSettings, out: _Collector) -> None:
    for p in _live(ds):
        prior = [n for n in ds.notices_of("project", p.id) if n.kind == "事前公示" and n.posted_on]
        if not prior:
            continue
        ends = [n.until or n.posted_on for n in prior]
        end = min(e for e in ends if e is not None)
        early = [
            d
            for d in ds.disbursements_of_project(p.id)
            if d.paid_on is not None and d.paid_on <= end and (d.amount or 0) > 0
        ]
        if not early:
            continue
        notice = next(n for n in prior if (n.until or n.posted_on) == end)
        out.add(
            "RF07",
            f"{p.name}：公示{zh_date(end)}截止，{zh_date(early[0].paid_on)}已拨付",
            f"项目 {p.id}“{p.name}”的事前公示 {notice.id} {zh_date(end)}截止，"
            f"此前（含当天）已拨付 {len(early)} 笔 {money.yuan(totals.sum_of(early))} 元",
            facts=(
                ("事前公示", f"{notice.id}，{zh_date(notice.posted_on)}至{zh_date(notice.until)}"),
                ("拨付日期", "、".join(zh_date(d.paid_on) for d in early)),
            ),
            figures=(
                *(
                    Fig(
                        f"{zh_date(d.paid_on)}拨付",
                        d.amount or 0,
                        "disbursements.amount",
                        (("project_id", p.id), ("fund_id", d.fund_id), ("paid_on", d.paid_on)),
                        cell=True,
                    )
                    for d in early
                ),
            ),
            projects=(p.id,),
            rows=(notice.origin, *(d.origin for d in early)),
            subject=f"project:{p.id}",
            extra_tables=("notices",),
        )


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and "".join(a.split()) == "".join(b.split())


def _rf08(ds: Dataset, s: FlagSettings, out: _Collector) -> None:
    live = _live(ds)
    for attr, role in ROLES.items():
        held: dict[tuple[int, str], list[Project]] = defaultdict(list)
        for p in live:
            who = getattr(p, attr).strip()
            if who and p.year is not None:
                held[(p.year, who)].append(p)
        for (year, who), ps in sorted(held.items()):
            if len(ps) < s.person_projects:
                continue
            out.add(
                "RF08",
                f"{who}（{role}）· {year}年 · {len(ps)} 个项目",
                f"{who}在{year}年担任 {len(ps)} 个项目的{role}",
                facts=(("职务", role),),
                figures=(
                    Fig(
                        "项目个数",
                        len(ps),
                        "projects",
                        (("year", year), ("id", tuple(p.id for p in ps))),  # ids pin the rows
                    ),
                ),
                projects=tuple(p.id for p in ps),
                rows=tuple(p.origin for p in ps),
                subject=f"project:{ps[0].id}",
            )
    for p in live:
        for attr, role in (("responsible_person", "责任人"), ("implementer", "实施单位")):
            if _same(p.supervisor, getattr(p, attr)):
                out.add(
                    "RF08",
                    f"{p.name}：监督人也是{role}",
                    f"项目 {p.id}“{p.name}”的项目监督人“{p.supervisor}”同时是它的{role}",
                    facts=(("项目监督人", p.supervisor), (role, getattr(p, attr))),
                    projects=(p.id,),
                    rows=(p.origin,),
                    subject=f"project:{p.id}",
                )


def by_indicator(rf: Flags) -> list[dict]:
    """The 风险提示 page's sections: each indicator with its thresholds and its flags."""
    return [
        {"i": i, "threshold": i.threshold(rf.settings), "flags": rf.by_code(i.code)}
        for i in INDICATORS.values()
    ]


def compute(ds: Dataset) -> Flags:
    """Every flag of the county, in indicator order, reproducibly (sorted inputs only)."""
    s = ds.site.flags
    out = _Collector()
    for step in (_rf01, _rf02, _rf03, _rf04, _rf05, _rf06, _rf07, _rf08):
        step(ds, s, out)
    flags = [
        dataclasses.replace(f, townships=_townships(ds, f.projects)) if f.projects else f
        for f in out.flags
    ]
    return Flags(s, ds.as_of, flags)


def _townships(ds: Dataset, pids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({p.township for pid in pids if (p := ds.project(pid)) and p.township}))
