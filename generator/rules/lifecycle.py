"""Lifecycle rules (issue 17, plans): only pool projects enter a plan, plans and their
adjustments are published in time, allocation results in time, a completed project is
announced. The clocks and the steps come from ``model.lifecycle``, the one place the
project pages also read them from; the thresholds are ``site.yaml`` settings."""

from __future__ import annotations

from collections.abc import Iterator

from generator import findings as F
from generator.dates import zh_date
from generator.findings import declare
from generator.model import Dataset, lifecycle
from generator.model.lifecycle import Clock
from generator.rules.registry import at, rule

POOL_SOURCE = (
    "国乡振发〔2021〕3号（项目库建设，县级文件引用）：村申报、乡审核、县审定，"
    "各级公示无异议后方可入库；只有入库项目才能列入年度计划"
)
CATALOGUE = "县级衔接资金公告公示标准目录：信息形成（变更）之日起20个工作日内公开"
ALLOCATION_SOURCE = "吴川市标准目录（引用国开办发〔2017〕50号）：资金分配结果下达后15个工作日内公告"
COMPLETION_SOURCE = (
    "国开办发〔2017〕50号《关于完善扶贫资金项目公告公示制度的指导意见》：项目完成后公告"
    "建设完成、资金使用、绩效目标和减贫机制实现情况"
)
_CALENDAR_NOTE = "（该年份不在节假日日历中，按周一至周五计算工作日。）"

declare(
    "J001",
    "warning",
    "项目未经入库公示列入计划",
    "项目“{name}”列入{plan}，但{why}",
    "只有入库公示期满、无异议的项目才能列入年度计划（“公示无异议后”入库）。请在公示记录表中"
    "补上 project:{id} 的入库公示（公示类型写“入库公示”），或核对计划的批复日期。",
    POOL_SOURCE,
)
declare(
    "J002",
    "warning",
    "计划未公告",
    "{kind}{doc}没有{notice}",
    "计划批复后要在县门户网站公告。请在公示记录表中补上 plan:{id} 的{notice}"
    "（批复后{days}个工作日内）。",
    CATALOGUE,
)
declare(
    "J003",
    "warning",
    "计划公告超时",
    "{kind}{doc}于{approved}批复，应在{deadline}前公告（{days}个工作日内），实际{posted}才公告",
    "计划及调整方案要在批复后{days}个工作日内公告；时限可在 site.yaml 的 {setting} 中按本地规定"
    "设置。{note}",
    CATALOGUE + "；部分省份对调整方案规定10个工作日",
)
declare(
    "J004",
    "warning",
    "分配结果公告超时",
    "资金{doc}于{issued}下达，分配结果应在{deadline}前公告（{days}个工作日内），实际{posted}才公告",
    "资金分配结果要在资金下达后{days}个工作日内公告；时限可在 site.yaml 的 allocation_days 中"
    "设置。{note}",
    ALLOCATION_SOURCE,
)
declare(
    "J005",
    "warning",
    "完工项目缺少完成情况公告",
    "项目“{name}”已完工（{done}），但没有事后公告或完成情况公告",
    "项目完工后要公告建设内容、资金使用和绩效目标完成情况。请在公示记录表中补上 project:{id} "
    "的事后公告或完成情况公告。",
    COMPLETION_SOURCE,
)
declare(
    "J006",
    "warning",
    "调整方案缺少调整原因",
    "调整方案{doc}没有写调整原因",
    "调整方案要和原计划文号、调整原因、调整后的项目一起公告。请在计划表（plans）的“调整原因”"
    "列写明为什么调整。",
    CATALOGUE,
)
declare(
    "R020",
    "error",
    "被调整计划编号有误",
    "计划{id}（{kind}）的被调整计划编号{value}{problem}",
    "{hint}",
    CATALOGUE,
)


def _doc(plan) -> str:
    return f"“{plan.document_no}”" if plan.document_no else f"（计划编号 {plan.id}）"


def _note(clock: Clock) -> str:
    return "" if clock.exact else _CALENDAR_NOTE


@rule("J001", tags=("disclosure", "lifecycle", "plans"))
def pool_before_plan(ds: Dataset) -> Iterator[F.Finding]:
    """One finding per project, at the first plan it entered without a passed pool
    posting (``lifecycle.pool_lapses``, which the 标准目录 page marks 逾期 or 缺失 too)."""
    for pid, (plan, why) in lifecycle.pool_lapses(ds).items():
        p = ds.project(pid)
        assert p is not None  # pool_lapses keeps known projects only
        yield F.make(
            "J001",
            **at(plan, "projects", f"project:{pid}"),
            name=p.name,
            plan=f"{plan.year}年{plan.kind}{_doc(plan)}",
            why=why,
            id=pid,
        )


@rule("J002", "J003", tags=("disclosure", "lifecycle", "plans", "timeliness"))
def plans_published_in_time(ds: Dataset) -> Iterator[F.Finding]:
    for plan in ds.plans_in_order:
        clock = lifecycle.plan_clock(ds, plan)
        if clock is None:
            continue  # no approval date: V-findings or nothing to time
        setting = "adjustment_days" if plan.kind == "调整方案" else "plan_days"
        if clock.notice is None:
            yield F.make(
                "J002",
                **at(plan, "id", f"plan:{plan.id}"),
                kind=plan.kind,
                doc=_doc(plan),
                notice=clock.what,
                id=plan.id,
                days=clock.days,
            )
        elif clock.late:
            yield F.make(
                "J003",
                **at(clock.notice, "posted_on", f"plan:{plan.id}"),
                kind=plan.kind,
                doc=_doc(plan),
                approved=zh_date(clock.start),
                deadline=zh_date(clock.deadline),
                days=clock.days,
                posted=zh_date(clock.posted),
                setting=setting,
                note=_note(clock),
            )


@rule("J004", tags=("disclosure", "lifecycle", "timeliness"))
def allocation_results_in_time(ds: Dataset) -> Iterator[F.Finding]:
    for f in ds.funds:
        clock = lifecycle.allocation_clock(ds, f)
        if clock is None or not clock.late or clock.notice is None:
            continue
        yield F.make(
            "J004",
            **at(clock.notice, "posted_on", f"fund:{f.id}"),
            doc=f.document_no or f.id,
            issued=zh_date(clock.start),
            deadline=zh_date(clock.deadline),
            days=clock.days,
            posted=zh_date(clock.posted),
            note=_note(clock),
        )


@rule("J005", tags=("disclosure", "lifecycle", "notices"))
def completed_projects_announced(ds: Dataset) -> Iterator[F.Finding]:
    """已完工 projects (and any with a 完工日期 short of 已验收, which is N006's)."""
    for p in ds.projects:
        if p.status == "已验收" or not lifecycle.is_completed(p):
            continue
        if lifecycle.completion_notice(ds, p) is None:
            done = zh_date(p.completed_on) if p.completed_on else "状态为已完工"
            yield F.make(
                "J005",
                **at(p, "completed_on" if p.completed_on else "status", f"project:{p.id}"),
                name=p.name,
                done=done,
                id=p.id,
            )


@rule("J006", "R020", tags=("integrity", "lifecycle", "plans"))
def adjustments_well_formed(ds: Dataset) -> Iterator[F.Finding]:
    for plan in ds.plans_in_order:
        subject = f"plan:{plan.id}"
        if plan.kind == "调整方案" and not plan.reason.strip():
            yield F.make("J006", **at(plan, "reason", subject), doc=_doc(plan))
        problem, hint = "", ""
        target = ds.plan(plan.replaces) if plan.replaces else None
        if plan.kind == "年度计划" and plan.replaces:
            problem = "只有调整方案才有被调整计划"
            hint = (
                "如果这是对原计划的调整，请把“计划类型”改为“调整方案”；否则清空“被调整计划编号”。"
            )
        elif plan.kind == "调整方案" and not plan.replaces:
            problem = "没有填写"
            hint = "请填写这个调整方案调整的计划编号（年度计划或上一次调整方案的编号）。"
        elif plan.replaces and plan.replaces == plan.id:
            problem = "是它自己"
            hint = "请填写它调整的原计划编号。"
        elif target is not None and target.year != plan.year:
            problem = f"是{target.year}年的计划，而这个调整方案是{plan.year}年的"
            hint = "调整方案只能调整同一年度的计划，请核对编号或年度。"
        if problem:
            yield F.make(
                "R020",
                **at(plan, "replaces", subject),
                id=plan.id,
                kind=plan.kind or "计划",
                value=f"“{plan.replaces}”" if plan.replaces else "",
                problem=problem,
                hint=hint,
            )
