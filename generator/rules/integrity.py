"""Integrity rules: every reference resolves and every id is unique.

These are what a site needs to be built correctly at all; the disclosure rules (notice
periods, money reconciliation…) build on the same registry.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator import findings as F
from generator.model import Dataset, benefit_key, parse_subject
from generator.records import Allocation, Disbursement, Origin
from generator.rules.registry import at, rule


@rule("R002", tags=("integrity",))
def unique_ids(ds: Dataset) -> Iterator[F.Finding]:
    for what, items in (
        ("项目编号", ds.projects),
        ("资金编号", ds.funds),
        ("公示编号", ds.notices),
        ("计划编号", ds.plans),
        ("分配编号", ds.distributions),
        ("案件编号", ds.cases),
        ("问题编号", ds.rectifications),
        ("异议编号", ds.objections),
        ("资产编号", ds.assets),
        ("区划代码", ds.villages),
    ):
        key = "code" if items is ds.villages else "id"
        first: dict[str, Origin] = {}
        for item in items:
            value = getattr(item, key)
            if not value:
                continue
            if value in first:
                o = first[value]
                yield F.make(
                    "R002", **at(item, key), what=what, value=value, first=f"{o.file} 第{o.row}行"
                )
            else:
                first[value] = item.origin
    seen: dict[tuple[str, str], Origin] = {}
    for v in ds.villages:
        k = (v.township, v.name)
        if k in seen:
            o = seen[k]
            yield F.make(
                "R002",
                **at(v, "name"),
                what=f"{v.township}的村名",
                value=v.name,
                first=f"{o.file} 第{o.row}行",
            )
        else:
            seen[k] = v.origin


def _missing(item, key: str, what: str, value: str, hint: str) -> F.Finding:
    return F.make("R001", **at(item, key), what=what, value=value, hint=hint)


_PROJECT_HINT = "请检查项目编号是否写错，或在项目表中补上这个项目。"
_PLAN_HINT = "请检查计划编号是否写错，或在计划表（plans）中补上这个计划。"
_FUND_HINT = "请检查资金编号是否写错，或在资金表（funds）中补上这笔资金。"


@rule("R001", "R003", tags=("integrity",))
def references_resolve(ds: Dataset) -> Iterator[F.Finding]:
    for p in ds.projects:
        for ref in p.villages:
            if ds.village(ref, p.township) is None:
                yield _missing(
                    p,
                    "villages",
                    f"{p.township}的村",
                    ref,
                    "请写村庄名录（villages）中该乡镇的村名或12位区划代码，"
                    "或在村庄名录中补上这个村。",
                )
    for items in (ds.funding, ds.targets, ds.allocations, ds.disbursements):
        for item in items:
            if item.project_id and ds.project(item.project_id) is None:
                yield _missing(item, "project_id", "项目编号", item.project_id, _PROJECT_HINT)
    paid: tuple[Allocation | Disbursement, ...] = (*ds.allocations, *ds.disbursements)
    for pay in paid:
        if pay.fund_id and ds.fund(pay.fund_id) is None:
            yield _missing(pay, "fund_id", "资金编号", pay.fund_id, _FUND_HINT)
    for d in ds.distributions:
        if d.project_id and ds.project(d.project_id) is None:
            yield _missing(d, "project_id", "项目编号", d.project_id, _PROJECT_HINT)
    for plan in ds.plans:  # annual plans and adjustments (model.lifecycle)
        for pid in dict.fromkeys(plan.projects):
            if ds.project(pid) is None:
                yield _missing(plan, "projects", "项目编号", pid, _PROJECT_HINT)
        if plan.replaces and plan.replaces != plan.id and ds.plan(plan.replaces) is None:
            yield _missing(plan, "replaces", "被调整计划编号", plan.replaces, _PLAN_HINT)
    for b in ds.benefits:
        if ds.village(b.village) is None:
            yield _missing(
                b,
                "village",
                "村",
                b.village,
                "请写村庄名录中的村名；不同乡镇有同名村时请写12位区划代码。",
            )
        if b.distribution_id and ds.distribution(b.distribution_id) is None:
            yield _missing(
                b,
                "distribution_id",
                "分配编号",
                b.distribution_id,
                "请检查分配编号，或在收益分配表（distributions）中补上。",
            )
    lookups = {
        "project": (ds.project, "项目编号", _PROJECT_HINT),
        "fund": (ds.fund, "资金编号", _FUND_HINT),
        "distribution": (ds.distribution, "分配编号", "请检查分配编号，或在收益分配表中补上。"),
        "plan": (ds.plan, "计划编号", _PLAN_HINT),
    }
    programs = {(b.program, str(b.year)) for b in ds.benefits}
    for n in ds.notices:
        parsed = parse_subject(n.subject)
        if parsed is None:
            yield F.make("R003", **at(n, "subject"), value=n.subject)
            continue
        kind, key = parsed
        if kind in lookups:
            find, what, hint = lookups[kind]
            if find(key) is None:
                yield _missing(n, "subject", what, key, hint)
        elif kind == "benefit":
            program, year = benefit_key(key)
            if (program, year) not in programs:
                yield _missing(
                    n,
                    "subject",
                    "补助项目和年度",
                    key,
                    "写法是 benefit:补助项目:年度，如 benefit:教育补助:2018，"
                    "并且补助发放表中要有这个项目和年度的记录。",
                )
