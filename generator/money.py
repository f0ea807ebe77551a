"""Exact money: parsed into integer 分 (fen) and formatted in one place.

Binary floats never touch an amount: totals published on the portal must add up to the 分,
because a discipline inspector will recompute them. A cell is read only when its text can
mean one amount: thousands separators must stand every three digits, the only words after
the number are 元, 万元 and 万, and exponents (``1E+5``) are refused.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_PREFIX = re.compile(r"^(?:[¥￥]|RMB|CNY|人民币)\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*(?:RMB|CNY)$", re.IGNORECASE)
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:(?:,\d{3})+|(?: \d{3})+)(?:\.\d*)?")
_NUMBER_START = re.compile(r"[+-]?[\d.,\s]*\d[\d.,]*")
_EXPONENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)e[+-]?\d+", re.IGNORECASE)


def _regrouped(number: str) -> str:
    """``1,2345.00`` → ``12,345.00``: the digits with separators every three places."""
    sign = number[0] if number[:1] in "+-" else ""
    digits = re.sub(r"[,\s]", "", number.lstrip("+-"))
    whole, dot, frac = digits.partition(".")
    return f"{sign}{int(whole or '0'):,}{dot}{frac}"


def parse_money(text: str, wan: bool = False) -> tuple[int | None, str | None]:
    """Parse a money cell into 分. ``wan`` says the column header was in 万元.

    Returns ``(fen, None)`` or ``(None, reason)``; never raises on bad data. The reason
    says what was probably meant, so the loader can put it in front of the cadre.

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
    >>> parse_money("3,000元"), parse_money("1 234.50")
    ((300000, None), (123450, None))
    >>> parse_money("1.234")[1]
    '金额最多精确到分（两位小数）'
    >>> parse_money("约五万")[1]
    '不是数字'
    >>> parse_money("1,2345.00")[1]
    '千位分隔符“,”的位置不对，是不是“12,345.00”？'
    >>> parse_money("1234，50")[1]
    '是不是“1,234.50”？小数点请用“.”，千位分隔符“,”每三位一个'
    >>> parse_money("5000元/户")[1]
    '数字后面的“元/户”无法识别：金额后面只能写“元”或“万元”'
    >>> parse_money("1000元2")[1]
    '数字后面的“元2”无法识别：金额后面只能写“元”或“万元”'
    >>> parse_money("1e5000")[1]
    '数字太大（1e5000，整数部分超过 15 位），请核对'
    >>> parse_money("1.5E+3")[1]
    '不能用科学计数法（如 1E+5），请写出完整的数字'
    >>> parse_money("1" * 40)[1]
    '数字的整数部分超过 15 位（Excel 也只保留 15 位），请核对'
    >>> parse_money("-200")
    (-20000, None)
    """
    s = unicodedata.normalize("NFKC", str(text)).strip().replace("，", ",")
    s = _SUFFIX.sub("", _PREFIX.sub("", s))
    if s.endswith("万元"):
        s, wan = s[:-2].rstrip(), True
    elif s.endswith("万"):
        s, wan = s[:-1].rstrip(), True
    elif s.endswith("元"):
        s = s[:-1].rstrip()
    if not s:
        return None, "金额为空"
    if _EXPONENT.fullmatch(s):
        mantissa, _, exponent = s.lower().partition("e")
        if int(exponent) + len(mantissa.lstrip("+-0").partition(".")[0]) > 15:
            return None, f"数字太大（{s}，整数部分超过 15 位），请核对"
        return None, "不能用科学计数法（如 1E+5），请写出完整的数字"
    if not (_PLAIN.fullmatch(s) or _GROUPED.fullmatch(s)):
        head = _NUMBER_START.match(s)
        if head is None:
            return None, "不是数字"
        number, rest = head.group().rstrip(" ,"), s[head.end() :].strip()
        if rest:
            return None, f"数字后面的“{rest}”无法识别：金额后面只能写“元”或“万元”"
        if number.count(".") > 1:
            return None, "小数点不止一个"
        if "," in number or " " in number:
            left, _, tail = number.rpartition(",")
            if "." not in number and left and len(tail) in (1, 2):
                decimal = f"{_regrouped(left)}.{tail}"  # a comma typed for the decimal point
                return None, f"是不是“{decimal}”？小数点请用“.”，千位分隔符“,”每三位一个"
            return None, f"千位分隔符“,”的位置不对，是不是“{_regrouped(number)}”？"
        return None, "不是数字"
    digits = re.sub(r"[,\s+-]", "", s).partition(".")[0].lstrip("0")
    if len(digits) > 15:
        return None, "数字的整数部分超过 15 位（Excel 也只保留 15 位），请核对"
    try:
        value = Decimal(re.sub(r"[,\s]", "", s))
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
