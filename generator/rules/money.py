"""Money rules (domain.md §3, §8, §11): amounts reconcile to the 分 between funds,
allocations, disbursements, funding sources and distributions.

Every sum comes from ``model.totals``. One cause, one finding: a sum that includes an
amount the loader could not read (``None``; its V-finding names the cell) is not compared,
because the difference would only repeat that finding. Once the cell is fixed, the
comparison runs again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from generator import findings as F
from generator.findings import declare
from generator.model import Dataset, totals
from generator.model.totals import balance_by_year, sum_of, unread
from generator.money import yuan
from generator.rules.registry import at, rule

GUIDE = "国开办发〔2017〕50号《关于完善扶贫资金项目公告公示制度的指导意见》"
SEED_004 = "素材004（延安市宝塔区）：扶贫资金结余率下降到5%以下"
FISCAL = ("中央财政", "省级财政", "市级财政", "县级财政", "统筹整合资金")
MAX_BALANCE_RATE = Decimal("0.05")

declare(
    "M001",
    "warning",
    "项目资金来源与资金安排不一致",
    "项目“{name}”的财政资金来源合计 {sources} 元，资金表安排给它 {allocated} 元，相差 {diff} 元",
    "项目资金来源（project_funding）中的财政资金，应等于各笔资金安排（allocations）给本项目的"
    "金额之和。请核对两张表。",
    GUIDE,
)
declare(
    "M002",
    "warning",
    "资金安排超过资金总额",
    "资金{doc}共 {amount} 元，已安排到项目 {allocated} 元，超出 {diff} 元",
    "一笔资金安排到各项目的金额之和不能超过下达金额。请核对资金分配表。",
    GUIDE,
)
declare(
    "M003",
    "warning",
    "拨付超过安排",
    "项目“{name}”从资金{doc}拨付 {paid} 元，超过安排的 {allocated} 元，多拨 {diff} 元",
    "拨付金额不能超过安排给项目的金额。如确需追加，请先补充资金安排并公告。",
    GUIDE,
)
declare(
    "M004",
    "warning",
    "分配到户金额与分配方案不符",
    "收益分配{id}：{what}方案为 {planned}，到户名单合计 {actual}",
    "到户发放名单（benefits 中分配编号为 {id} 的各户）应与分配方案的收益总额、户数、人数一致。",
    "素材003（莘县张寨镇）：资产收益分配到户",
)
declare(
    "M005",
    "warning",
    "资金结余率超过5%",
    "{year}年下达资金 {funds} 元，已拨付 {paid} 元，结余 {balance} 元，结余率 {rate}",
    "结余率应低于5%。请加快项目实施和资金拨付，或按规定收回统筹使用。",
    SEED_004,
)


@rule(
    "M001",
    tags=(
        "disclosure",
        "money",
    ),
)
def funding_matches_allocations(ds: Dataset) -> Iterator[F.Finding]:
    for p in ds.projects:
        allocs = ds.allocations_of_project(p.id)
        if not allocs or unread(allocs) or unread(ds.funding_of(p.id)):
            continue
        sources = totals.project_fiscal_funding(ds, p.id, FISCAL)
        allocated = sum_of(allocs)
        if sources != allocated:
            yield F.make(
                "M001",
                **at(p, "id", f"project:{p.id}"),
                name=p.name,
                sources=yuan(sources),
                allocated=yuan(allocated),
                diff=yuan(abs(sources - allocated)),
            )


@rule(
    "M002",
    tags=(
        "disclosure",
        "money",
    ),
)
def allocations_within_fund(ds: Dataset) -> Iterator[F.Finding]:
    for f in ds.funds:
        if unread(ds.allocations_of_fund(f.id)):
            continue
        allocated = totals.fund_allocated(ds, f.id)
        if f.amount is not None and allocated > f.amount:
            yield F.make(
                "M002",
                **at(f, "amount", f"fund:{f.id}"),
                doc=f.document_no or f.id,
                amount=yuan(f.amount),
                allocated=yuan(allocated),
                diff=yuan(allocated - f.amount),
            )


@rule(
    "M003",
    tags=(
        "disclosure",
        "money",
    ),
)
def disbursed_within_allocation(ds: Dataset) -> Iterator[F.Finding]:
    allocated: dict[tuple[str, str], list] = defaultdict(list)
    for a in ds.allocations:
        allocated[(a.project_id, a.fund_id)].append(a)
    paid: dict[tuple[str, str], list] = defaultdict(list)
    for d in ds.disbursements:
        if d.fund_id:
            paid[(d.project_id, d.fund_id)].append(d)
    for (pid, fid), items in sorted(paid.items()):
        allocs = allocated.get((pid, fid), [])
        if unread(items) or unread(allocs):
            continue
        total, limit = sum_of(items), sum_of(allocs)
        if total > limit:
            last = max(items, key=lambda d: (d.paid_on is not None, d.paid_on, d.origin.row))
            p, f = ds.project(pid), ds.fund(fid)
            yield F.make(
                "M003",
                **at(last, "amount", f"project:{pid}"),
                name=p.name if p else pid,
                doc=(f.document_no if f else "") or fid,
                paid=yuan(total),
                allocated=yuan(limit),
                diff=yuan(total - limit),
            )


@rule(
    "M004",
    tags=(
        "disclosure",
        "money",
    ),
)
def distribution_adds_up(ds: Dataset) -> Iterator[F.Finding]:
    for d in ds.distributions:
        rows = ds.benefits_of_distribution(d.id)
        if not rows:
            continue
        checks = [
            ("收益总额", None if unread(rows) else d.income, sum_of(rows), True),
            ("户数", d.households, len(rows), False),
            ("人数", d.persons, sum_of(rows, "persons"), False),
        ]
        for what, planned, actual, is_money in checks:
            if planned is not None and planned != actual:
                fmt = (lambda v: f"{yuan(v)} 元") if is_money else str
                yield F.make(
                    "M004",
                    **at(
                        d,
                        {"收益总额": "income", "户数": "households", "人数": "persons"}[what],
                        f"distribution:{d.id}",
                    ),
                    id=d.id,
                    what=what,
                    planned=fmt(planned),
                    actual=fmt(actual),
                )


def balance_rate(funds: int, paid: int) -> Decimal:
    return (Decimal(funds - paid) / Decimal(funds)) if funds else Decimal(0)


@rule(
    "M005",
    tags=(
        "disclosure",
        "money",
    ),
)
def carry_over_rate(ds: Dataset) -> Iterator[F.Finding]:
    years = balance_by_year(ds)
    for year, (funds, paid) in years.items():
        of_year = [f for f in ds.funds if f.issued_on and f.issued_on.year == year]
        if unread(of_year) or any(unread(ds.disbursements_of_fund(f.id)) for f in of_year):
            continue
        rate = balance_rate(funds, paid)
        if year < ds.as_of.year and rate >= MAX_BALANCE_RATE:  # judged once the year is over
            first = min(
                (f for f in ds.funds if f.issued_on and f.issued_on.year == year),
                key=lambda f: (f.origin.file, f.origin.row),
            )
            yield F.make(
                "M005",
                file=first.origin.file,
                year=year,
                funds=yuan(funds),
                paid=yuan(paid),
                balance=yuan(funds - paid),
                rate=f"{rate * 100:.2f}%",
            )
