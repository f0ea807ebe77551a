"""Dates as county spreadsheets write them: ISO, slashes, dots, 年月日 and Excel serials."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

_YMD = re.compile(
    r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
FIRST_YEAR, LAST_YEAR = 1900, 2199  # outside: not a date of these records (rules.ids: 1949…)
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's 1900 date system, leap-year bug included


def parse_date(text: str) -> tuple[date | None, str | None]:
    """Parse a date cell. Returns ``(date, None)`` or ``(None, reason)``; never raises.

    >>> parse_date("2018-03-05")[0], parse_date("2018/3/5")[0], parse_date("2018.3.5")[0]
    (datetime.date(2018, 3, 5), datetime.date(2018, 3, 5), datetime.date(2018, 3, 5))
    >>> parse_date("2018年3月5日")[0]
    datetime.date(2018, 3, 5)
    >>> parse_date("43164")[0]  # an Excel serial number
    datetime.date(2018, 3, 5)
    >>> parse_date("2018-02-30")[1]
    '日期不存在（2018年2月30日）'
    >>> parse_date("9999-12-31")[1]  # no record of these funds is dated there
    '年份 9999 不可能（应在 1900 到 2199 之间）'
    """
    s = unicodedata.normalize("NFKC", str(text)).strip()
    if not s:
        return None, "日期为空"
    m = _YMD.match(s) or _COMPACT.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if not FIRST_YEAR <= y <= LAST_YEAR:  # date arithmetic near year 9999 overflows
            return None, f"年份 {y} 不可能（应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间）"
        try:
            return date(y, mo, d), None
        except ValueError:
            return None, f"日期不存在（{y}年{mo}月{d}日）"
    if _SERIAL.match(s):
        serial = int(float(s))
        if 20000 <= serial <= 80000:  # 1954 … 2119: anything else is not a date
            return _EXCEL_EPOCH + timedelta(days=serial), None
    return None, "无法识别的日期格式"


def cell_to_text(value: object) -> str:
    """Turn a spreadsheet cell value into the text a person would see, for the parsers."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Excel shows 15 significant digits; =1234.56+800.1 is stored as 2034.6599999999999
        text = f"{value:.15g}"
        return text if "e" not in text else repr(value)
    return str(value)


def zh_date(d: date | None) -> str:
    """Format a date the way notices print it: ``2018年3月5日``."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""
