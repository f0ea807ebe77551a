"""``site.yaml`` → ``flags`` (风险提示): the thresholds of the risk indicators
(``rules.flags``), each with a default, Chinese spellings and a check of its value.

A county writes only what it changes::

    风险提示:
      工程招标限额: 200万      # 本县规定的限额可以比国家规定的低
      同一人项目数: 8

Money is read like a money cell (``400万``, ``4,000,000``), in 元 when no unit is written;
percentages as ``30`` or ``30%``; ratios as ``0.5``. A value that cannot be read is an L008
error at its key, and the default is used for it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.money import parse_money

WAN = 1_000_000  # 1 万元 in 分


@dataclass(frozen=True)
class FlagSettings:
    """The thresholds; money in 分."""

    bid_works: int = 400 * WAN  # 工程: 《必须招标的工程项目规定》（发改委令第16号）400万元
    bid_goods: int = 200 * WAN  # 货物: 200万元
    bid_services: int = 100 * WAN  # 服务（勘察、设计、监理等）: 100万元
    near_pct: Decimal = Decimal(5)  # 单个项目低于限额不到 5% 也提示
    share_pct: Decimal = Decimal(30)  # 一个中标单位占合同金额的份额
    hhi: int = 2500  # 赫芬达尔指数（份额百分数的平方和）
    min_contracts: int = 5  # 合同少于这个数时不算集中度（3 份合同必有一家 ≥ 33%）
    budget_low: Decimal = Decimal("0.5")  # 合同金额 / 项目资金 的下限
    budget_high: Decimal = Decimal("1.5")  # 上限
    noncompetitive: int | None = None  # 非竞争方式的限额；不写：用该类别的招标限额
    late_days: int = 0  # 完工晚于计划完工日期超过这些天才提示
    overdue_months: int = 12  # 计划完工后这么多个月仍未完工
    idle_months: int = 12  # 资金下达后这么多个月仍未分配完或未拨付完
    unpaid_months: int = 6  # 资金安排后这么多个月一分未拨
    person_projects: int = 10  # 一人一年担任责任人或监督人的项目数

    def bid_threshold(self, kind: str) -> int:
        """The bidding threshold of a procurement type (工程 / 货物 / 服务)."""
        return {"货物": self.bid_goods, "服务": self.bid_services}.get(kind, self.bid_works)

    def noncompetitive_threshold(self, kind: str) -> int:
        return self.noncompetitive if self.noncompetitive is not None else self.bid_threshold(kind)


DEFAULT = FlagSettings()

# key → (Chinese spellings, kind)
KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "bid_works": (("工程招标限额", "工程限额"), "money"),
    "bid_goods": (("货物招标限额", "货物限额"), "money"),
    "bid_services": (("服务招标限额", "服务限额"), "money"),
    "near_pct": (("临界比例", "接近限额比例"), "percent"),
    "share_pct": (("中标份额上限", "中标份额"), "percent"),
    "hhi": (("集中度指数上限", "HHI上限", "hhi上限"), "int"),
    "min_contracts": (("集中度最少合同数", "最少合同数"), "int"),
    "budget_low": (("合同预算比下限",), "ratio"),
    "budget_high": (("合同预算比上限",), "ratio"),
    "noncompetitive": (("非竞争方式限额",), "money"),
    "late_days": (("延误天数", "工期延误天数"), "days"),
    "overdue_months": (("未完工月数",), "months"),
    "idle_months": (("资金闲置月数", "闲置月数"), "months"),
    "unpaid_months": (("拨付滞后月数", "未拨付月数"), "months"),
    "person_projects": (("同一人项目数", "一人项目数"), "int"),
}
TITLES = {k: spellings[0] for k, (spellings, _) in KEYS.items()}
_LOOKUP = {
    unicodedata.normalize("NFKC", a).lower(): k
    for k, (spellings, _) in KEYS.items()
    for a in (k, *spellings)
}


def _number(value: Any) -> Decimal | None:
    text = unicodedata.normalize("NFKC", str(value)).strip().rstrip("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _read(kind: str, value: Any) -> tuple[Any, str | None]:
    """One setting's value, or the reason it cannot be used.

    >>> _read("money", "200万"), _read("percent", "30%"), _read("ratio", "1.5")
    ((200000000, None), (Decimal('30'), None), (Decimal('1.5'), None))
    >>> _read("int", "十")[1]
    '应是正整数'
    """
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None, "应是一个数"
    if kind == "money":
        fen, problem = parse_money(str(value))
        if fen is None or fen <= 0:
            return (
                None,
                f"应是大于 0 的金额，如 400万 或 4000000（元）{'：' + problem if problem else ''}",
            )
        return fen, None
    number = _number(value)
    if kind == "percent":
        if number is None or not 0 < number < 100:
            return None, "应是 0 到 100 之间的百分数，如 30 或 30%"
        return number, None
    if kind == "ratio":
        if number is None or number <= 0 or number > 100:
            return None, "应是大于 0 的倍数，如 0.5 或 1.5"
        return number, None
    if number is None or number != number.to_integral_value() or number < 0:
        return None, "应是正整数"
    n = int(number)
    limits = {"days": (0, 3650), "months": (1, 120), "int": (1, 1_000_000)}[kind]
    if not limits[0] <= n <= limits[1]:
        return None, f"应在 {limits[0]} 到 {limits[1]} 之间"
    return n, None


def build_flags(value: Any, wrong: Callable[[str, str], None], key: str) -> FlagSettings:
    """The ``flags`` block of ``site.yaml``; ``wrong(key, reason)`` reports a bad value."""
    if value is None:
        return DEFAULT
    if not isinstance(value, dict):
        wrong(key, f"{key}（风险提示）应是“设置: 值”的列表，如 工程招标限额: 200万")
        return DEFAULT
    out: dict[str, Any] = {}
    for name, raw in value.items():
        k = _LOOKUP.get(unicodedata.normalize("NFKC", str(name)).strip().lower())
        if k is None:
            known = "、".join(TITLES.values())
            wrong(f"{key}.{name}", f"风险提示没有“{name}”这项设置；可以写的设置：{known}")
            continue
        got, problem = _read(KEYS[k][1], raw)
        if problem:
            wrong(f"{key}.{name}", f"风险提示的“{name}”是“{raw}”，{problem}")
            continue
        out[k] = got
    flags = FlagSettings(**out)
    if flags.budget_low >= flags.budget_high:
        wrong(
            key, "风险提示的“合同预算比下限”应小于“合同预算比上限”，两项都按默认值 0.5 和 1.5 计算"
        )
        flags = FlagSettings(
            **{f.name: getattr(flags, f.name) for f in fields(flags)}
            | {"budget_low": DEFAULT.budget_low, "budget_high": DEFAULT.budget_high}
        )
    return flags
