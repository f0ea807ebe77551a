"""Recompute every figure of a built site from the CSV downloads it publishes.

Each figure a page prints sits in ``<span class="gs-fig" data-sum|data-count data-where
data-unit>`` (the recipe is described in ``generator/render/figures.py`` and on the site's
downloads page). This module is deliberately independent of the generator: it reads the
built HTML with ``html.parser`` and ``downloads/*.csv`` with ``csv`` and ``Decimal`` only,
so a figure the aggregation layer got wrong is caught, not repeated. ``gongshi verify SITE``
runs it on any built or downloaded site; ``pipeline.build`` runs it before it publishes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from generator import findings as F

LIST_SEPS = ("；", ";")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
UNITS = ("元", "万元", "个", "%")


@dataclass(frozen=True)
class Figure:
    page: str  # relative path of the HTML file
    line: int
    text: str  # as printed
    sum: str  # "downloads/x.csv:列" or ""
    count: str  # "downloads/x.csv" or ""
    cell: str  # "downloads/x.csv:列" or "": the value of one matching row
    where: str  # JSON or ""
    unit: str
    minus: str = ""  # "downloads/x.csv:列": a sum to subtract (data-minus)
    minus_where: str = ""
    per: str = ""  # "downloads/x.csv:列": the base of a rate (data-per), unit %
    per_where: str = ""

    @property
    def label(self) -> str:
        """What the figure says it is, for a message: ``项目资金 … = 1,234.00``."""
        what = (
            f"{self.sum} 求和"
            if self.sum
            else f"{self.cell} 中的一行"
            if self.cell
            else f"{self.count} 行数"
        )
        out = f"{what}{_paren(self.where)}"
        if self.minus:
            out += f" 减去 {self.minus} 求和{_paren(self.minus_where)}"
        if self.per:
            out += f" 除以 {self.per} 求和{_paren(self.per_where)}"
        return out


def _paren(where: str) -> str:
    return f"（{where}）" if where else ""


class _Collect(HTMLParser):
    def __init__(self, page: str, line0: int = 0) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.line0 = line0
        self.figures: list[Figure] = []
        self._open: dict | None = None
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._open is not None:
            self._depth += 1
            return
        if "data-sum" in a or "data-count" in a or "data-cell" in a:
            self._open = dict(a, _tag=tag, _line=self.line0 + self.getpos()[0])
            self._depth = 0
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._open is None:
            return
        if self._depth:
            self._depth -= 1
            return
        a = self._open
        self.figures.append(
            Figure(
                self.page,
                a["_line"],
                "".join(self._text).strip(),
                a.get("data-sum", ""),
                a.get("data-count", ""),
                a.get("data-cell", ""),
                a.get("data-where", ""),
                a.get("data-unit", ""),
                a.get("data-minus", ""),
                a.get("data-minus-where", ""),
                a.get("data-per", ""),
                a.get("data-per-where", ""),
            )
        )
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


_RECIPE = re.compile(r"\sdata-(?:sum|count|cell)\s*=")


def figures_of(html_text: str, page: str) -> list[Figure]:
    """Every element of a page that carries a recipe, with the text it shows.

    Only the elements that carry one are handed to the HTML parser (the rest of a page is
    theme and table markup: parsing all of it cost 50 ms a page): each place an attribute
    ``data-sum``/``data-count``/``data-cell`` is written, from the ``<`` of its tag to the
    end tag of that element. A figure whose element holds other tags is parsed from there
    to the end of the page."""
    out: list[Figure] = []
    done = 0
    counted, lines = 0, 0  # lines before ``counted``: each stretch of the page counted once
    for m in _RECIPE.finditer(html_text):
        start = html_text.rfind("<", 0, m.start())
        if start < done or start < 0:
            continue
        name = re.match(r"<([A-Za-z][\w-]*)", html_text[start:])
        if not name:
            continue
        close = html_text.find(f"</{name.group(1)}", m.end())
        end = html_text.find(">", close) + 1 if close >= 0 else len(html_text)
        lines += html_text.count("\n", counted, start)
        counted = start
        found = _parse(html_text[start:end], page, lines)
        if not found:  # not closed within the fragment: nested tags
            found = _parse(html_text[start:], page, lines)[:1]
        out.extend(found)
        done = end
    return out


def _parse(fragment: str, page: str, line0: int) -> list[Figure]:
    parser = _Collect(page, line0)
    parser.feed(fragment)
    parser.close()
    return parser.figures


class _Tables:
    """The site's CSV files, read once each: ``{path: (header, rows as dicts)}``, with
    indexes that find the rows a where can match without testing every row."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self._cache: dict[str, list[dict[str, str]] | None] = {}
        self._index: dict[tuple[str, str], dict[str, list[dict[str, str]]]] = {}
        self._entries: dict[tuple[str, str], dict[str, list[dict[str, str]]]] = {}
        self.joins: dict[str, set[str]] = {}  # a join's values, by its recipe
        # the same, by the condition object a where holds (kept alive here, so its id is
        # not reused): a where is tested on every candidate row, and writing the recipe
        # out as JSON for each row took most of a county's figure check (issue 20)
        self.join_of: dict[int, tuple[dict, set[str]]] = {}
        self._digests: dict[tuple[str, str], str] = {}

    def candidates(self, rel: str, where: dict) -> list[dict[str, str]] | None:
        """The rows that can match ``where`` (each still tested against all of it):
        narrowed by an index on a column with a plain value, a list of values, a ``has``
        list or a join (``in``), or by the union of every branch of an ``$or``; without
        any, all rows. A county's project pages would otherwise each read every row."""
        rows = self.rows(rel)
        if rows is None:
            return None
        narrowed = self._narrowed(rel, rows, where) if isinstance(where, dict) else None
        return rows if narrowed is None else narrowed

    def _narrowed(
        self, rel: str, rows: list[dict[str, str]], where: dict
    ) -> list[dict[str, str]] | None:
        """The fewest rows any one condition of ``where`` allows (``None``: no condition
        has an index): a page's benefits by 补助项目, 年度 and 村 are its village's rows,
        not the county's for that year."""
        best: list[dict[str, str]] | None = None
        plain: list[tuple[int, str, list]] = []  # (rows it allows, column, values)
        for key, cond in where.items():
            found: list[dict[str, str]] | None = None
            if key == "$or" and isinstance(cond, list) and cond:
                parts = [
                    self._narrowed(rel, rows, w) if isinstance(w, dict) else None for w in cond
                ]
                if all(p is not None for p in parts):
                    found = list({id(r): r for p in parts for r in p or []}.values())
            elif key.startswith("$") or not rows or key not in rows[0]:
                continue
            elif isinstance(cond, (str, list)):
                values = [cond] if isinstance(cond, str) else cond
                index = self._column(rel, key, rows)
                wanted = list(dict.fromkeys(v for v in values if isinstance(v, str)))
                plain.append((sum(len(index.get(v, ())) for v in wanted), key, wanted))
            elif isinstance(cond, dict) and isinstance(cond.get("has"), list):
                found = self._by_entry(rel, key, rows, cond["has"])
            elif isinstance(cond, dict) and "in" in cond:
                found = self._by(rel, key, rows, sorted(_join(cond, self)))
            if found is not None and (best is None or len(found) < len(best)):
                best = found
        if plain:
            size, key, wanted = min(plain, key=lambda p: p[0])
            if best is None or size < len(best):
                best = self._by(rel, key, rows, wanted)
        return best

    def _column(
        self, rel: str, key: str, rows: list[dict[str, str]]
    ) -> dict[str, list[dict[str, str]]]:
        if (rel, key) not in self._index:
            index: dict[str, list[dict[str, str]]] = {}
            for r in rows:
                index.setdefault(r[key], []).append(r)
            self._index[(rel, key)] = index
        return self._index[(rel, key)]

    def _by(
        self, rel: str, key: str, rows: list[dict[str, str]], values: list
    ) -> list[dict[str, str]]:
        index = self._column(rel, key, rows)
        wanted = dict.fromkeys(v for v in values if isinstance(v, str))
        return [r for v in wanted for r in index.get(v, [])]

    def _by_entry(
        self, rel: str, key: str, rows: list[dict[str, str]], values: list
    ) -> list[dict[str, str]]:
        """Rows with any list entry (``a；b``) among ``values``: what ``has`` matches."""
        if (rel, key) not in self._entries:
            index: dict[str, list[dict[str, str]]] = {}
            for r in rows:
                for e in dict.fromkeys(_entries(r[key])):
                    index.setdefault(e, []).append(r)
            self._entries[(rel, key)] = index
        index = self._entries[(rel, key)]
        found = (r for v in values if isinstance(v, str) for r in index.get(v, []))
        return list({id(r): r for r in found}.values())

    def column_digest(self, rel: str, column: str) -> str | None:
        """The hash of one column's cells in row order (``""``: of the number of rows);
        ``None`` when the file or the column is not there."""
        if (rel, column) not in self._digests:
            rows = self.rows(rel)
            if rows is None or (column and rows and column not in rows[0]):
                return None
            h = hashlib.blake2b(str(len(rows)).encode(), digest_size=20)
            if column:
                for r in rows:
                    cell = r[column].encode("utf-8")
                    h.update(len(cell).to_bytes(4, "little"))
                    h.update(cell)
            self._digests[(rel, column)] = h.hexdigest()
        return self._digests[(rel, column)]

    def rows(self, rel: str) -> list[dict[str, str]] | None:
        if rel not in self._cache:
            path = (self.site / rel).resolve()
            ok = path.is_file() and path.suffix == ".csv" and self.site.resolve() in path.parents
            if not ok:
                self._cache[rel] = None
            else:
                with path.open(encoding="utf-8-sig", newline="") as fh:
                    self._cache[rel] = list(csv.DictReader(fh))
        return self._cache[rel]


class Bad(Exception):
    """A recipe that cannot be followed (missing file or column, malformed where)."""


@lru_cache(maxsize=65536)
def _entries(cell: str) -> tuple[str, ...]:
    parts = [cell]
    for sep in LIST_SEPS:
        parts = [x for p in parts for x in p.split(sep)]
    return tuple(p.strip() for p in parts if p.strip())


def _cell_ok(cell: str, cond: object, tables: _Tables) -> bool:
    if isinstance(cond, str):
        return cell == cond
    if isinstance(cond, list):
        return cell in cond
    if not isinstance(cond, dict) or not cond:
        raise Bad(f"条件写法不对：{cond!r}")
    for op, arg in cond.items():
        if op == "has":
            ok = any(e in arg for e in _entries(cell))
        elif op == "within":
            items = _entries(cell)
            ok = bool(items) and all(e in arg for e in items)
        elif op == "not":
            ok = not _cell_ok(cell, arg, tables)
        elif op == "before":  # an ISO date cell earlier than the given day (empty: no)
            if not isinstance(arg, str) or not _ISO_DATE.fullmatch(arg):
                raise Bad(f"before 应是 YYYY-MM-DD 日期：{arg!r}")
            ok = bool(_ISO_DATE.fullmatch(cell)) and cell < arg
        elif op == "in":
            ok = cell in _join(cond, tables)
        elif op in ("column", "where"):
            continue
        else:
            raise Bad(f"不认识的条件 {op}")
        if not ok:
            return False
    return True


def _join(cond: dict, tables: _Tables) -> set[str]:
    """The values of ``cond["column"]`` in the rows of ``cond["in"]`` matching its where."""
    known = tables.join_of.get(id(cond))
    if known is not None and known[0] is cond:
        return known[1]
    recipe = json.dumps(cond, ensure_ascii=False, sort_keys=True)
    if recipe not in tables.joins:
        file, column, where = cond["in"], cond.get("column", ""), cond.get("where", {})
        rows = tables.candidates(file, where)
        if rows is None:
            raise Bad(f"找不到下载文件 {file}")
        matched = [r for r in rows if _row_ok(r, where, tables, file)]
        if matched and column not in matched[0]:
            raise Bad(f"{file} 没有“{column}”列")
        tables.joins[recipe] = {r[column] for r in matched}
    tables.join_of[id(cond)] = (cond, tables.joins[recipe])
    return tables.joins[recipe]


def _row_ok(row: dict[str, str], where: dict, tables: _Tables, file: str) -> bool:
    if not isinstance(where, dict):
        raise Bad(f"条件写法不对：{where!r}")
    for key, cond in where.items():
        if key == "$or":
            if not any(_row_ok(row, w, tables, file) for w in cond):
                return False
        elif key == "$not":
            if _row_ok(row, cond, tables, file):
                return False
        elif key not in row:
            raise Bad(f"{file} 没有“{key}”列")
        elif not _cell_ok(row[key], cond, tables):
            return False
    return True


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "").strip() or "0")
    except InvalidOperation:
        raise Bad(f"“{text}”不是数字") from None


def _sum(source: str, where_text: str, tables: _Tables) -> Decimal:
    """The sum of ``FILE:COLUMN`` over the rows matching a where (JSON text)."""
    where = json.loads(where_text) if where_text else {}
    path, _, column = source.partition(":")
    rows = tables.rows(path)
    if rows is None:
        raise Bad(f"找不到下载文件 {path}")
    if not isinstance(where, dict):
        raise Bad(f"条件写法不对：{where_text}")
    if rows and column not in rows[0]:
        raise Bad(f"{path} 没有“{column}”列")
    matched = [r for r in tables.candidates(path, where) or [] if _row_ok(r, where, tables, path)]
    return sum((_number(r[column]) for r in matched), Decimal(0))


def _reads(file: str, where: object, out: set[tuple[str, str]]) -> bool:
    """Add to ``out`` every (file, column) a where reads, joins included; False for a
    where that is not well formed (it is then not remembered, and reported as it fails)."""
    if not isinstance(where, dict):
        return False
    for key, cond in where.items():
        if key == "$or":
            if not isinstance(cond, list) or not all(_reads(file, w, out) for w in cond):
                return False
        elif key == "$not":
            if not _reads(file, cond, out):
                return False
        else:
            out.add((file, key))
            if not _cond_reads(cond, out):
                return False
    return True


def _cond_reads(cond: object, out: set[tuple[str, str]]) -> bool:
    if not isinstance(cond, dict):
        return True
    if "in" in cond:
        joined = cond["in"]
        if not isinstance(joined, str):
            return False
        out |= {(joined, ""), (joined, str(cond.get("column", "")))}
        if not _reads(joined, cond.get("where", {}), out):
            return False
    return _cond_reads(cond["not"], out) if "not" in cond else True


def inputs(fig: Figure, tables: _Tables) -> tuple[str, ...] | None:
    """What a figure's value is computed from: each file it reads, with the hash of its
    number of rows and of every column its recipe names (summed, counted, compared,
    joined). The same inputs give the same value, so a figure whose columns did not change
    since the last build need not be computed again (issue 20: renaming a project changes
    the projects file, but none of the figures that read only its amounts). ``None`` when
    the recipe cannot be followed: it is computed, and fails as it should."""
    read: set[tuple[str, str]] = set()
    try:
        sources = [
            (fig.sum or fig.cell or fig.count, fig.where),
            (fig.minus, fig.minus_where),
            (fig.per, fig.per_where),
        ]
        for source, where_text in sources:
            if not source:
                continue
            path, _, column = source.partition(":")
            read |= {(path, ""), (path, column)}
            if not _reads(path, json.loads(where_text) if where_text else {}, read):
                return None
    except json.JSONDecodeError:
        return None
    out: list[str] = []
    for path, column in sorted(read):
        hashed = tables.column_digest(path, column)
        if hashed is None:
            return None
        out += [path, column, hashed]
    return tuple(out)


def expected(fig: Figure, tables: _Tables) -> Decimal | set[Decimal]:
    """The figure recomputed from the downloads, in its printed unit (for ``data-cell``:
    the values of the matching rows)."""
    if fig.minus or fig.per:
        if not fig.sum:
            raise Bad("data-minus 和 data-per 只能跟 data-sum 一起用")
        total = _sum(fig.sum, fig.where, tables)
        if fig.minus:
            total -= _sum(fig.minus, fig.minus_where, tables)
        if fig.per:
            base = _sum(fig.per, fig.per_where, tables)
            if fig.unit != "%" or not base:
                raise Bad("比率的单位应是 %，分母不能为 0")
            return (total * 100 / base).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
        if fig.unit == "万元":
            return (total / 10000).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        return total
    if fig.unit == "%":
        raise Bad("单位 % 需要 data-per（分母）")
    where = json.loads(fig.where) if fig.where else {}
    source = fig.sum or fig.cell
    path, _, column = source.partition(":") if source else (fig.count, "", "")
    rows = tables.rows(path)
    if rows is None:
        raise Bad(f"找不到下载文件 {path}")
    if not isinstance(where, dict):
        raise Bad(f"条件写法不对：{fig.where}")
    matched = [r for r in tables.candidates(path, where) or [] if _row_ok(r, where, tables, path)]
    if not source:
        return Decimal(len(matched))
    if rows and column not in rows[0]:
        raise Bad(f"{path} 没有“{column}”列")
    if fig.cell:
        return {_number(r[column]) for r in matched if r[column].strip()}
    total = sum((_number(r[column]) for r in matched), Decimal(0))
    if fig.unit == "万元":
        return (total / 10000).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    return total


def verify(
    site: Path,
    memo: Any = None,
    digests: Any = None,
    on_page: Callable[[], object] = lambda: None,
) -> tuple[int, list[F.Finding]]:
    """(figures checked, S010 findings) for every ``*.html`` page of ``site``.

    ``memo``: the figures of a page by its path and bytes, and each figure's value by its
    recipe and ``inputs`` (the columns it reads), kept between builds: a figure is
    computed again from the downloads whenever one of the columns it reads changed.
    Any object with ``get(key)`` and ``put(key, value)`` (``generator.memo.Memo``); and
    ``digests``, any object whose ``of(path, rel)`` gives the hash of a file's bytes when
    it is known without reading (``generator.memo.Digests``: the pages the page cache
    copied). This module imports nothing of gongshi but its findings, so the checker stays
    independent of what it checks. ``on_page`` is called after each page (progress)."""
    site = Path(site)
    tables = _Tables(site)
    checked = 0
    out: list[F.Finding] = []
    wanted: dict[tuple[str, ...], Decimal | set[Decimal]] = {}
    for path in sorted(site.rglob("*.html")):
        page = path.relative_to(site).as_posix()
        on_page()
        for fig in _figures(path, page, memo, digests):
            checked += 1
            try:
                if fig.unit not in UNITS:
                    raise Bad(f"单位“{fig.unit}”不认识")
                recipe = (
                    fig.sum,
                    fig.count,
                    fig.cell,
                    fig.where,
                    fig.unit,
                    fig.minus,
                    fig.minus_where,
                    fig.per,
                    fig.per_where,
                )
                if recipe not in wanted:  # the same figure is on several pages
                    wanted[recipe] = _value(fig, recipe, tables, memo)
                want = wanted[recipe]
                shown = _number(fig.text.removesuffix("%") if fig.unit == "%" else fig.text)
            except (Bad, json.JSONDecodeError) as e:
                out.append(_finding(fig, f"无法核对：{e}"))
                continue
            if isinstance(want, set):
                if shown not in want:
                    found = "、".join(f"{x:,}" for x in sorted(want)) or "没有这样的行"
                    out.append(_finding(fig, f"下载数据中对应的行是 {found}"))
            elif shown != want:
                out.append(_finding(fig, f"按下载数据应为 {want:,}，相差 {shown - want:,}"))
    return checked, out


def _value(
    fig: Figure, recipe: tuple[str, ...], tables: _Tables, memo: Any
) -> Decimal | set[Decimal]:
    """``expected``, or what it was the last time its inputs were the same (``memo``)."""
    if memo is None:
        return expected(fig, tables)
    read = inputs(fig, tables)
    if read is None:
        return expected(fig, tables)
    key = ("value", *recipe, *read)
    found = memo.get(key)
    return found if found is not None else memo.put(key, expected(fig, tables))


def _figures(path: Path, page: str, memo: Any, digests: Any = None) -> list[Figure]:
    if memo is None:
        return figures_of(path.read_bytes().decode("utf-8", errors="replace"), page)
    hashed = digests.of(path, page) if digests is not None else None
    data = None
    if hashed is None:
        data = path.read_bytes()
        hashed = hashlib.blake2b(data, digest_size=20).hexdigest()
    key = ("figures", page, hashed)
    found = memo.get(key)
    if found is None:
        data = path.read_bytes() if data is None else data
        found = memo.put(key, figures_of(data.decode("utf-8", errors="replace"), page))
    return list(found)


def _finding(fig: Figure, why: str) -> F.Finding:
    return F.make(
        "S010", file=fig.page, row=fig.line, page=fig.page, shown=fig.text, what=fig.label, why=why
    )
