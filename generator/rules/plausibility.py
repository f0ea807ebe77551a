"""Plausibility warnings (issue 15): values that are probably in the wrong unit (元 for 万元)
or mistyped. None of them is certain, so each is a warning that names the value, the
value it was compared with and why; ``gongshi check --strict`` makes them fail CI.

Amounts the loader could not read (``None``) are skipped: their V-finding is the cause.
Medians are compared exactly, as twice the median in 分 (no floats).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from generator import findings as F
from generator.findings import declare
from generator.model import Dataset, totals
from generator.money import yuan
from generator.rules.registry import at, rule

WHY_UNIT = "常见原因：万元和元写混了，或多打、少打了一个0。"
CONTRACT_RANGE = (Decimal("0.5"), Decimal("1.5"))
MIN_PROJECT = 100_000  # 分: 1,000 元
CATEGORY_FACTOR = 100
BENEFIT_FACTOR = 10
QUALITY = "素材004（延安市宝塔区）：数据清洗、交叉比对，数据准确率低于95%的约谈"
GUIDE = "国开办发〔2017〕50号《关于完善扶贫资金项目公告公示制度的指导意见》"

declare(
    "M011",
    "warning",
    "合同金额与项目资金相差太大",
    "项目“{name}”的合同金额 {contract} 元是项目资金 {budget} 元的 {ratio} 倍"
    "（通常在 0.5～1.5 倍之间）",
    "请核对合同金额和各项资金来源的金额、单位（元/万元）。" + WHY_UNIT,
    QUALITY,
)
declare(
    "M012",
    "warning",
    "项目资金数额不合常理",
    "项目“{name}”的资金 {amount} 元{why}",
    "请核对这个项目各项资金来源的金额和单位（元/万元）。" + WHY_UNIT,
    QUALITY,
)
declare(
    "M013",
    "warning",
    "拨付日期早于资金下达日期",
    "{date} 从资金{doc}拨付 {amount} 元，但这笔资金 {issued} 才下达",
    "资金下达前不能拨付。请核对拨付日期和资金的下达日期（年份是否写错）。",
    GUIDE,
)
declare(
    "M014",
    "warning",
    "到户补助金额远高于同类",
    "{year}年{program}中户主“{head}”的补助 {amount} 元，"
    "是该项目每户中位数 {median} 元的 {ratio} 倍",
    "请核对这一户的金额和单位（元/万元）。" + WHY_UNIT,
    QUALITY,
)


def twice_median(values: list[int]) -> int:
    """Twice the median (exact in 分).

    >>> twice_median([1, 3, 10]), twice_median([1, 2, 3, 10])
    (6, 5)
    """
    v = sorted(values)
    n = len(v)
    return 2 * v[n // 2] if n % 2 else v[n // 2 - 1] + v[n // 2]


def _ratio(a: int, b: int) -> str:
    return f"{(Decimal(a) / Decimal(b)).quantize(Decimal('0.01'))}"


def _half(m2: int) -> str:
    return yuan(m2 // 2) if m2 % 2 == 0 else f"{Decimal(m2) / 200:,.3f}"


def _budget(ds: Dataset, pid: str) -> int | None:
    rows = ds.funding_of(pid)
    if not rows or totals.unread(rows):
        return None
    return totals.project_funding(ds, pid)


@rule("M011", tags=("money", "plausibility"))
def contract_near_budget(ds: Dataset) -> Iterator[F.Finding]:
    for p in ds.projects:
        budget = _budget(ds, p.id)
        if p.contract_amount is None or not budget or budget <= 0:
            continue
        ratio = Decimal(p.contract_amount) / Decimal(budget)
        if not CONTRACT_RANGE[0] <= ratio <= CONTRACT_RANGE[1]:
            yield F.make(
                "M011",
                **at(p, "contract_amount", f"project:{p.id}"),
                name=p.name,
                contract=yuan(p.contract_amount),
                budget=yuan(budget),
                ratio=_ratio(p.contract_amount, budget),
            )


@rule("M012", tags=("money", "plausibility"))
def project_amount_plausible(ds: Dataset) -> Iterator[F.Finding]:
    amounts: dict[str, list[tuple]] = defaultdict(list)
    for p in ds.projects:
        budget = _budget(ds, p.id)
        if budget is not None:
            amounts[p.category].append((p, budget))
    for items in amounts.values():
        m2 = twice_median([b for _, b in items if b > 0] or [0])
        for p, budget in items:
            if budget < MIN_PROJECT:
                why = "，不到 1,000 元：扶贫项目很少这么小，可能是以万元填写却当作元读入了"
            elif m2 and 2 * budget > CATEGORY_FACTOR * m2:
                why = (
                    f"，是“{p.category}”类项目资金中位数 {_half(m2)} 元的 "
                    f"{_ratio(2 * budget, m2)} 倍（超过 {CATEGORY_FACTOR} 倍）"
                )
            else:
                continue
            first = ds.funding_of(p.id)[0]
            yield F.make(
                "M012",
                **at(first, "amount", f"project:{p.id}"),
                name=p.name,
                amount=yuan(budget),
                why=why,
            )


@rule("M013", tags=("money", "plausibility"))
def paid_after_issue(ds: Dataset) -> Iterator[F.Finding]:
    for d in ds.disbursements:
        f = ds.fund(d.fund_id) if d.fund_id else None
        if f is None or f.issued_on is None or d.paid_on is None or d.paid_on >= f.issued_on:
            continue
        yield F.make(
            "M013",
            **at(d, "paid_on", f"project:{d.project_id}"),
            date=d.paid_on.isoformat(),
            doc=f.document_no or f.id,
            amount=yuan(d.amount) if d.amount is not None else "（金额未识别）",
            issued=f.issued_on.isoformat(),
        )


@rule("M014", tags=("money", "plausibility"))
def benefit_near_median(ds: Dataset) -> Iterator[F.Finding]:
    for g in totals.benefit_groups(ds.benefits):
        values = [b.amount for b in g["rows"] if b.amount is not None and b.amount > 0]
        if len(values) < 3:  # a median of one or two households says nothing
            continue
        m2 = twice_median(values)
        for b in g["rows"]:
            if b.amount is not None and 2 * b.amount > BENEFIT_FACTOR * m2:
                yield F.make(
                    "M014",
                    **at(b, "amount", f"benefit:{b.program}:{b.year}"),
                    year=g["year"],
                    program=g["program"],
                    head=b.household_head,
                    amount=yuan(b.amount),
                    median=_half(m2),
                    ratio=_ratio(2 * b.amount, m2),
                )
