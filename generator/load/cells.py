"""Cell parsers, built once per column: text in, ``(value, reason)`` out, never raising.

``reason`` is ``None`` when the cell parsed; otherwise a short Chinese explanation that the
loader turns into a finding with file, row and column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from generator.dates import parse_date
from generator.money import parse_money
from generator.records import Column

Parser = Callable[[str], tuple[object, str | None]]

_LIST_SPLIT = re.compile(r"[;；、\n]+")
_TRUE = {"是", "true", "yes", "y", "1", "贫困村", "√", "✓", "有"}
_FALSE = {"否", "false", "no", "n", "0", "非贫困村", "×", "无", "不是"}


def normalize_text(text: str) -> str:
    """Trim a text cell and turn Windows line ends into newlines; keep the writer's words."""
    return str(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_int(text: str) -> tuple[int | None, str | None]:
    """Whole numbers, tolerating full-width digits, separators and a trailing unit.

    >>> parse_int("１５１户"), parse_int("1,200"), parse_int("314.0"), parse_int("三百")
    ((151, None), (1200, None), (314, None), (None, '不是整数'))
    """
    s = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    s = re.sub(r"[户人个名]$", "", s).strip()
    if re.fullmatch(r"-?\d+(\.0+)?", s):
        return int(float(s)) if "." in s else int(s), None
    return None, "不是整数"


def parse_year(text: str) -> tuple[int | None, str | None]:
    """A year such as ``2018`` or ``2018年``.

    >>> parse_year("2018年"), parse_year("18")
    ((2018, None), (None, '年度应为四位数字，如 2018'))
    """
    s = unicodedata.normalize("NFKC", text).strip().removesuffix("年").removesuffix(".0")
    if re.fullmatch(r"(19|20|21)\d\d", s):
        return int(s), None
    return None, "年度应为四位数字，如 2018"


def parse_bool(text: str) -> tuple[bool | None, str | None]:
    s = unicodedata.normalize("NFKC", text).strip().lower()
    if s in _TRUE:
        return True, None
    if s in _FALSE:
        return False, None
    return None, "应为“是”或“否”"


def parse_list(text: str) -> tuple[tuple[str, ...], None]:
    """Items separated by ``;`` ``；`` ``、`` or new lines.

    >>> parse_list("松洞村、 大洼村；小洼村")
    (('松洞村', '大洼村', '小洼村'), None)
    """
    return tuple(p.strip() for p in _LIST_SPLIT.split(normalize_text(text)) if p.strip()), None


def parser_for(column: Column, wan: bool = False) -> Parser:
    """The parser of one column; ``wan`` is set when its header said 万元."""
    kind = column.kind
    if kind == "money":
        return lambda s: parse_money(s, wan=wan)
    if kind == "date":
        return parse_date
    if kind == "int":
        return parse_int
    if kind == "year":
        return parse_year
    if kind == "bool":
        return parse_bool
    if kind == "list":
        return parse_list
    return lambda s: (normalize_text(s), None)
