"""Exact money: parsed into integer 分 (fen) and formatted in one place.

Binary floats never touch an amount: totals published on the portal must add up to the 分,
because a discipline inspector will recompute them.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_STRIP = re.compile(r"[\s,，¥￥元]|RMB|CNY", re.IGNORECASE)


def parse_money(text: str, wan: bool = False) -> tuple[int | None, str | None]:
    """Parse a money cell into 分. ``wan`` says the column header was in 万元.

    Returns ``(fen, None)`` or ``(None, reason)``; never raises on bad data.

    >>> parse_money("1,234.50")
    (123450, None)
    >>> parse_money("１２３４.５")
    (123450, None)
    >>> parse_money("¥1234.5")
    (123450, None)
    >>> parse_money("12.5万")
    (12500000, None)
    >>> parse_money("45.5", wan=True)
    (45500000, None)
    >>> parse_money("1.234")[1]
    '金额最多精确到分（两位小数）'
    >>> parse_money("约五万")[1]
    '不是数字'
    """
    s = unicodedata.normalize("NFKC", str(text)).strip()
    if s.endswith("万元"):
        s, wan = s[:-2], True
    elif s.endswith("万"):
        s, wan = s[:-1], True
    s = _STRIP.sub("", s)
    if not s:
        return None, "金额为空"
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None, "不是数字"
    if not value.is_finite():
        return None, "不是数字"
    if wan:
        value *= 10000
    fen = value * 100
    if fen != fen.to_integral_value():
        return None, "金额最多精确到分（两位小数）"
    return int(fen), None


def yuan(fen: int) -> str:
    """Format 分 as 元 with thousands separators, exact: ``19479215 → '194,792.15'``.

    >>> yuan(19479215)
    '194,792.15'
    >>> yuan(-5)
    '-0.05'
    """
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def wan(fen: int) -> str:
    """Format 分 as 万元 with two decimals (rounded half up), for headline figures.

    >>> wan(1940000000)
    '1,940.00'
    >>> wan(4550000)
    '4.55'
    """
    value = (Decimal(fen) / Decimal(1_000_000)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    return f"{value:,.2f}"


def plain(fen: int) -> str:
    """Format 分 as a plain decimal string for downloads: ``19479215 → '194792.15'``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
