"""Data-quality rules (domain.md §8–§10, §12): plausible dates and counts, the distribution
approval chain, overdue rectifications, official case vocabulary, named supervisors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator import findings as F
from generator.dates import zh_date
from generator.findings import declare
from generator.model import Dataset, status
from generator.records import CASE_MEASURES
from generator.rules.registry import at, rule

SEED_004 = (
    "素材004（延安市宝塔区）：所有扶贫项目……要及时公告公示，并落实项目监督人员；"
    "环节不能少，程序不能缺"
)
SEED_003 = "素材003（莘县张寨镇）：村提方案、街道审核、县级备案"

declare(
    "Q001",
    "warning",
    "受益人数不合理",
    "项目“{name}”：{problem}",
    "请核对受益户数、人数和其中贫困户、贫困人口：贫困户数不能多于总户数，人数不能少于户数。",
    "数据质量（素材004：数据信息精准率）",
)
declare(
    "Q002",
    "warning",
    "日期不合理",
    "{what}：{problem}",
    "请核对日期：不能早于项目年度，不能晚于数据截止日期（{as_of}），先后顺序要对。",
    "数据质量（素材004：数据信息精准率）",
)
declare(
    "Q003",
    "warning",
    "分配程序顺序不对",
    "收益分配{id}：{problem}",
    "收益分配要先村提方案，再乡镇审核，再县级备案，最后发放到户，日期应依次不早于前一步。",
    SEED_003,
)
declare(
    "Q004",
    "warning",
    "整改逾期",
    "问题{id}“{problem}”整改时限是{deadline}，现在仍{status}",
    "请督促责任单位{owner}完成整改，并更新整改状态和完成日期。",
    "素材000、002：问题整改",
)
declare(
    "Q005",
    "warning",
    "整改记录不全",
    "问题{id}标为已整改，{problem}",
    "已整改的问题请填写完成日期，且不晚于整改时限（逾期完成的请如实填写）。",
    "素材000、002：问题整改",
)
declare(
    "Q006",
    "warning",
    "处理结果用语不规范",
    "案件{id}的处理结果“{measure}”不是规定的用语",
    "请写成“党纪:警告/严重警告/撤销党内职务/留党察看/开除党籍”、“政务:警告/记过/记大过/降级/"
    "撤职/开除”、“组织处理:诫勉谈话”等或“移送司法”，多项用；分隔。",
    "《中国共产党纪律处分条例》《中华人民共和国公职人员政务处分法》规定的处分种类",
)
declare(
    "Q007",
    "warning",
    "未落实项目监督人",
    "项目“{name}”没有{what}",
    "每个项目都要落实监督人员，并公布监督电话。",
    SEED_004,
)


@rule(
    "Q001",
    tags=(
        "disclosure",
        "quality",
    ),
)
def beneficiary_counts(ds: Dataset) -> Iterator[F.Finding]:
    for p in ds.projects:
        s = f"project:{p.id}"
        if (
            p.households is not None
            and p.poor_households is not None
            and p.poor_households > p.households
        ):
            yield F.make(
                "Q001",
                **at(p, "poor_households", s),
                name=p.name,
                problem=f"贫困户 {p.poor_households} 户多于受益户 {p.households} 户",
            )
        if p.persons is not None and p.poor_persons is not None and p.poor_persons > p.persons:
            yield F.make(
                "Q001",
                **at(p, "poor_persons", s),
                name=p.name,
                problem=f"贫困人口 {p.poor_persons} 人多于受益人数 {p.persons} 人",
            )
        if p.households is not None and p.persons is not None and p.persons < p.households:
            yield F.make(
                "Q001",
                **at(p, "persons", s),
                name=p.name,
                problem=f"受益人数 {p.persons} 人少于受益户数 {p.households} 户",
            )


def _future(d: date | None, as_of: date) -> bool:
    return d is not None and d > as_of


@rule(
    "Q002",
    tags=(
        "disclosure",
        "quality",
    ),
)
def plausible_dates(ds: Dataset) -> Iterator[F.Finding]:
    as_of = zh_date(ds.as_of)
    for p in ds.projects:
        s, what = f"project:{p.id}", f"项目“{p.name}”"
        actual = (
            ("started_on", "实际开工日期"),
            ("completed_on", "完工日期"),
            ("accepted_on", "验收日期"),
        )
        for key, title in actual:
            d = getattr(p, key)
            if d and p.year and d.year < p.year:
                yield F.make(
                    "Q002",
                    **at(p, key, s),
                    what=what,
                    as_of=as_of,
                    problem=f"{title}{zh_date(d)}早于项目年度{p.year}年",
                )
            if _future(d, ds.as_of):
                yield F.make(
                    "Q002",
                    **at(p, key, s),
                    what=what,
                    as_of=as_of,
                    problem=f"{title}{zh_date(d)}晚于数据截止日期",
                )
        order = [(k, t, getattr(p, k)) for k, t in actual if getattr(p, k)]
        for (_, t1, d1), (k2, t2, d2) in zip(order, order[1:], strict=False):
            if d2 < d1:
                yield F.make(
                    "Q002",
                    **at(p, k2, s),
                    what=what,
                    as_of=as_of,
                    problem=f"{t2}{zh_date(d2)}早于{t1}{zh_date(d1)}",
                )
        if p.start and p.end and p.end < p.start:
            yield F.make(
                "Q002",
                **at(p, "end", s),
                what=what,
                as_of=as_of,
                problem=f"计划完工{zh_date(p.end)}早于计划开工{zh_date(p.start)}",
            )
    for n in ds.notices:
        if _future(n.posted_on, ds.as_of):
            yield F.make(
                "Q002",
                **at(n, "posted_on", n.subject),
                what=f"公示{n.id}",
                as_of=as_of,
                problem=f"开始日期{zh_date(n.posted_on)}晚于数据截止日期",
            )
        if n.posted_on and n.until and n.until < n.posted_on:
            yield F.make(
                "Q002",
                **at(n, "until", n.subject),
                what=f"公示{n.id}",
                as_of=as_of,
                problem=f"截止日期{zh_date(n.until)}早于开始日期{zh_date(n.posted_on)}",
            )
    for d in ds.disbursements:
        if _future(d.paid_on, ds.as_of):
            yield F.make(
                "Q002",
                **at(d, "paid_on", f"project:{d.project_id}"),
                what=f"拨付凭证{d.voucher or ''}",
                as_of=as_of,
                problem=f"拨付日期{zh_date(d.paid_on)}晚于数据截止日期",
            )


@rule("Q003", tags=("disclosure", "quality", "timeliness"))
def distribution_chain(ds: Dataset) -> Iterator[F.Finding]:
    for d in ds.distributions:
        paid = [b.paid_on for b in ds.benefits_of_distribution(d.id) if b.paid_on]
        steps = [
            ("proposed_on", "村提方案", d.proposed_on),
            ("reviewed_on", "乡镇审核", d.reviewed_on),
            ("filed_on", "县级备案", d.filed_on),
            ("", "首次发放", min(paid, default=None)),
        ]
        s = f"distribution:{d.id}"
        for key, title, value in steps[:3]:
            if value is None:
                yield F.make("Q003", **at(d, key, s), id=d.id, problem=f"缺少{title}日期")
        known = [(k, t, v) for k, t, v in steps if v is not None]
        for (_, t1, v1), (k2, t2, v2) in zip(known, known[1:], strict=False):
            if v2 < v1:
                yield F.make(
                    "Q003",
                    **at(d, k2 or "filed_on", s),
                    id=d.id,
                    problem=f"{t2}（{zh_date(v2)}）早于{t1}（{zh_date(v1)}）",
                )


@rule("Q004", "Q005", tags=("disclosure", "quality", "timeliness"))
def rectification_status(ds: Dataset) -> Iterator[F.Finding]:
    for r in ds.rectifications:
        s = f"rectification:{r.id}"
        if r.status != status.DONE:
            if status.overdue_days(r, ds.as_of):  # the one definition of late (model.status)
                yield F.make(
                    "Q004",
                    **at(r, "status", s),
                    id=r.id,
                    problem=r.problem,
                    deadline=zh_date(r.deadline),
                    status=r.status or "未填写状态",
                    owner=r.owner or "",
                )
            continue
        if r.done_on is None:
            yield F.make("Q005", **at(r, "done_on", s), id=r.id, problem="但没有填写完成日期")
        elif r.deadline and r.done_on > r.deadline:
            yield F.make(
                "Q005",
                **at(r, "done_on", s),
                id=r.id,
                problem=f"完成日期{zh_date(r.done_on)}晚于整改时限{zh_date(r.deadline)}",
            )


def measure_ok(measure: str) -> bool:
    """``党纪:严重警告`` and ``移送司法`` are official; ``严重警告`` alone is not.

    >>> measure_ok("党纪:严重警告"), measure_ok("政务：撤职"), measure_ok("记大过")
    (True, True, False)
    """
    kind, sep, what = measure.replace("：", ":").partition(":")
    kind, what = kind.strip(), what.strip()
    if kind not in CASE_MEASURES:
        return False
    allowed = CASE_MEASURES[kind]
    if not sep:
        return not allowed
    return what in allowed if allowed else bool(what)


@rule(
    "Q006",
    tags=(
        "disclosure",
        "quality",
    ),
)
def case_vocabulary(ds: Dataset) -> Iterator[F.Finding]:
    for c in ds.cases:
        for m in c.measures:
            if not measure_ok(m):
                yield F.make("Q006", **at(c, "measures", f"case:{c.id}"), id=c.id, measure=m)


@rule(
    "Q007",
    tags=(
        "disclosure",
        "quality",
    ),
)
def supervisor_named(ds: Dataset) -> Iterator[F.Finding]:
    for p in ds.projects:
        s = f"project:{p.id}"
        if not p.supervisor:
            yield F.make("Q007", **at(p, "supervisor", s), name=p.name, what="项目监督人")
        if not p.supervisor_phone:
            yield F.make("Q007", **at(p, "supervisor_phone", s), name=p.name, what="监督电话")
