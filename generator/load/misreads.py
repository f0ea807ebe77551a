"""What a file's text can mean besides what it says: the loader's guards against misreads.

Each function looks at text the loader already has (a file name, a header, a row's cells,
a CSV cell, a YAML document) and says, in Chinese, what was probably meant. The loader
turns the answers into findings with file, row and column; nothing here raises on bad data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import yaml

# Excel's own limit for one cell; longer text was not typed by a person into a table.
MAX_CELL_CHARS = 32_767
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_YAML_DEPTH = 32
# The largest amount one record may hold unless site.yaml says otherwise (max_amount).
DEFAULT_MAX_YUAN = 1_000_000_000  # 10 亿元

_COPY_MARKS = (
    (re.compile(r"副本"), "副本"),
    (re.compile(r"备份"), "备份"),
    (re.compile(r"[(（]\s*\d{1,2}\s*[)）]\s*$"), "(2)"),
    (re.compile(r"(^|[\s_\-.])copy(\s*\d*)?($|[\s_\-.(])|^copy of", re.IGNORECASE), "Copy"),
    (re.compile(r"(^|[\s_\-.])(bak|backup|old)(\d*)$|^(bak|backup)[\s_\-.]", re.IGNORECASE), "bak"),
)


def copy_mark(name: str) -> str | None:
    """The copy-style part of a file name (``副本``, ``(2)``, ``- Copy``, ``备份``, ``bak``),
    or ``None``: Windows, WPS and Excel name a copied file this way.

    >>> [copy_mark(n) for n in ("disbursements - 副本", "projects (2)", "funds - Copy")]
    ['副本', '(2)', 'Copy']
    >>> [copy_mark(n) for n in ("projects_bak", "备份-项目", "2018", "projects(2019)")]
    ['bak', '备份', None, None]
    """
    stem = unicodedata.normalize("NFKC", name).strip()
    for pattern, mark in _COPY_MARKS:
        if pattern.search(stem):
            return mark
    return None


def distance(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment).

    >>> distance("资金号", "资金编号"), distance("fund_di", "fund_id"), distance("金额", "金额")
    (1, 1, 0)
    """
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def close_enough(header: str, name: str) -> bool:
    """Whether ``header`` reads as a typo of the known column name ``name`` (both
    normalised): one character missing, extra, wrong or swapped in a Chinese name of three
    characters or more; one in an English key of four or more, two in one of eight or more.

    >>> close_enough("资金号", "资金编号"), close_enough("审核状态", "项目状态")
    (True, False)
    >>> close_enough("amout", "amount"), close_enough("村", "村名"), close_enough("id", "ids")
    (True, False, False)
    """
    if header == name:
        return False
    d = distance(header, name)
    if name.isascii() and header.isascii():
        longest = max(len(header), len(name))
        return (d <= 1 and longest >= 4) or (d <= 2 and min(len(header), len(name)) >= 8)
    if name.isascii() != header.isascii():
        return False
    return d == 1 and max(len(header), len(name)) >= 3 and min(len(header), len(name)) >= 2


_SMALL_GROUP = re.compile(r"^\s*[+-]?[¥￥]?\d{1,3}\s*$")
_THREE = re.compile(r"^\d{3}$")
_LAST_THREE = re.compile(r"^\d{3}(\.\d*)?\s*(元|万元|万)?\s*$")


def comma_split(cells: list[str], money: Iterable[int], extra: int) -> tuple[int, str] | None:
    """Where an unquoted thousands separator split an amount over cells, if anywhere:
    ``(column index, the amount as it was typed)``. ``extra`` is how many cells the row has
    beyond its header; the split takes ``1..extra`` of them.

    >>> comma_split(["F2018-01", "JL2018-002", "387", "300.00"], [2], 1)
    (2, '387,300.00')
    >>> comma_split(["a", "1", "387", "300.00"], [1], 2)
    (1, '1,387,300.00')
    >>> comma_split(["a", "甲", "b"], [1], 1) is None
    True
    """
    for i in sorted(money):
        if i + 1 >= len(cells) or not _SMALL_GROUP.match(cells[i]):
            continue
        for k in range(extra, 0, -1):
            parts = cells[i + 1 : i + 1 + k]
            if (
                len(parts) == k
                and all(_THREE.match(p.strip()) for p in parts[:-1])
                and _LAST_THREE.match(parts[-1].strip())
            ):
                return i, ",".join([cells[i].strip(), *(p.strip() for p in parts)])
    return None


def swallowed_lines(cell: str, delimiter: str, width: int) -> int:
    """How many lines of one CSV cell look like records of their own: a quote left open
    reads every following line into the cell, commas and all. A person types a line break
    into a cell (Alt+Enter), not a line with half a header's worth of separators.

    >>> swallowed_lines('备注\\nJL-2,2018,乙,金岭镇,200\\nJL-3,2018,丙,长城镇,50', ",", 5)
    2
    >>> swallowed_lines("第一行\\n第二行，还有逗号", ",", 5)
    0
    """
    if "\n" not in cell and "\r" not in cell:
        return 0
    need = max(2, (width - 1) // 2)
    lines = cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")[1:]
    return sum(1 for line in lines if line.count(delimiter) >= need)


def yaml_problem(text: str, loader: type) -> tuple[int, str] | None:
    """``(line, reason)`` when a YAML document uses anchors and aliases (``&a`` / ``*a``:
    a few lines can expand to gigabytes) or nests deeper than any record needs; ``None``
    when it is safe to load. Reads the event stream only: no value is built."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                return (
                    _line(event),
                    f"第{_line(event)}行用了 YAML 别名“*{event.anchor}”："
                    "数据文件中不允许用 & 和 * 引用别处的内容，请把值直接写出来",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return _line(event), too_deep(_line(event))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as e:
        # libyaml has its own nesting limit, and its scanner may hit it before the
        # parser has handed over 32 levels of events: the same finding either way.
        if "nesting" in str(e):
            mark = getattr(e, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 0
            return line, too_deep(line)
        return None  # the loader itself reports the syntax error with its line
    return None


def too_deep(line: int) -> str:
    """The one wording for a YAML document nested deeper than any record needs, whichever
    of our depth count, libyaml's limit or Python's recursion limit notices it first."""
    where = f"第{line}行" if line else ""
    return f"{where}嵌套超过 {MAX_YAML_DEPTH} 层，记录不需要这么多层，请检查缩进和括号"


def _line(event: yaml.Event) -> int:
    """The 1-based line a YAML event starts on (0 when the parser gives no position)."""
    return event.start_mark.line + 1 if event.start_mark is not None else 0
