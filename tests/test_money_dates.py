"""Cell parsers beyond their doctests: edge cases a county spreadsheet really contains.

Each parser returns ``(value, reason)`` and never raises; ``reason`` is Chinese.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from generator.dates import parse_date
from generator.load.cells import parse_int, parse_year
from generator.money import parse_money, plain, wan, yuan

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0", 0),
        ("0.00", 0),
        ("-1,234.50", -123450),  # a refund (退回) is written with a minus sign
        ("1.10", 110),
        ("1.100", 110),  # trailing zeros are not extra precision
        ("0.01", 1),
        ("12.345678万", 12345678),
        ("12.5万元", 12500000),
        ("￥1,234.50元", 123450),
        ("RMB 100", 10000),
        (" 1 234.5 ", 123450),
        ("1，234.50", 123450),  # Chinese comma as thousands separator
        ("１２．５万", 12500000),  # full-width digits and full-width point
        ("99999999999.99", 9999999999999),  # large amounts stay exact
    ],
)
def test_parse_money_accepts(text: str, fen: int) -> None:
    assert parse_money(text) == (fen, None)
    assert type(parse_money(text)[0]) is int


@pytest.mark.parametrize(
    ("text", "wan_header", "fen"),
    [
        ("12.345678", True, 12345678),
        ("0.000001", True, 1),
        ("1.5万", True, 1500000),  # 万 in the cell under a 万元 header is not 万万
        ("45.67895", True, 45678950),
    ],
)
def test_parse_money_in_a_wan_column(text: str, wan_header: bool, fen: int) -> None:
    assert parse_money(text, wan=wan_header) == (fen, None)


@pytest.mark.parametrize(
    "text",
    [
        "0.005",
        "1234.567",
        "0.0000001万",
        "12.3456789万",
    ],
)
def test_parse_money_rejects_fractions_of_a_fen(text: str) -> None:
    value, reason = parse_money(text)
    assert value is None and reason == "金额最多精确到分（两位小数）"


@pytest.mark.parametrize("text", ["", "   ", "元", "¥"])
def test_parse_money_empty(text: str) -> None:
    assert parse_money(text) == (None, "金额为空")


@pytest.mark.parametrize("text", ["约五万", "NaN", "Infinity", "-", "1.2.3", "12万5千", "一千"])
def test_parse_money_rejects_non_numbers(text: str) -> None:
    value, reason = parse_money(text)
    assert value is None and reason and CJK.search(reason)


def test_money_formatting_is_exact() -> None:
    assert yuan(0) == "0.00"
    assert yuan(-123450) == "-1,234.50"
    assert yuan(12345678) == "123,456.78"
    assert plain(-5) == "-0.05"
    assert wan(5000) == "0.01"  # 0.005 万元, half up
    assert wan(4999) == "0.00"
    # totals add up to the 分: 0.1 + 0.2 is 0.3 here
    assert yuan(sum(parse_money(x)[0] for x in ("0.1", "0.2"))) == "0.30"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018年3月5日", date(2018, 3, 5)),
        ("2018年03月05日", date(2018, 3, 5)),
        ("2018 年 3 月 5 日", date(2018, 3, 5)),
        ("2018-3-5", date(2018, 3, 5)),
        (" 2018/03/05 ", date(2018, 3, 5)),
        ("2018-03-05 00:00:00", date(2018, 3, 5)),  # a datetime cell saved as text
        ("20180305", date(2018, 3, 5)),
        ("２０１８－０３－０５", date(2018, 3, 5)),  # full-width
        ("43164", date(2018, 3, 5)),  # Excel serial
        ("43164.0", date(2018, 3, 5)),
        ("2020-02-29", date(2020, 2, 29)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == (expected, None)


@pytest.mark.parametrize(
    "text",
    [
        "2018/13/1",
        "2018-02-29",
        "2018-02-30",
        "2018年3月",
        "18/3/5",
        "3/5/2018",
        "12345",
        "99999",
        "明年三月",
        "2018-3-5-1",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    value, reason = parse_date(text)
    assert value is None and reason and CJK.search(reason)


def test_parse_date_names_the_impossible_date() -> None:
    assert parse_date("2018/13/1") == (None, "日期不存在（2018年13月1日）")


def test_parse_date_empty() -> None:
    assert parse_date("") == (None, "日期为空")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("-3", -3),
        ("12人", 12),
        ("1,200户", 1200),
        ("１２", 12),
        ("314.0", 314),
    ],
)
def test_parse_int_accepts(text: str, expected: int) -> None:
    assert parse_int(text) == (expected, None)


@pytest.mark.parametrize("text", ["", "1.5", "三百", "12户人", "1e3"])
def test_parse_int_rejects(text: str) -> None:
    assert parse_int(text) == (None, "不是整数")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018", (2018, None)),
        ("2018年", (2018, None)),
        ("2018.0", (2018, None)),
        ("２０１８", (2018, None)),
    ],
)
def test_parse_year(text: str, expected: tuple) -> None:
    assert parse_year(text) == expected


@pytest.mark.parametrize("text", ["18", "1899", "2018-2019", ""])
def test_parse_year_rejects(text: str) -> None:
    value, reason = parse_year(text)
    assert value is None and reason and CJK.search(reason)
