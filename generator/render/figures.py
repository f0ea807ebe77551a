"""Every figure a page prints says which rows of which published download it is: the
Jinja global ``fig`` writes the value inside a ``<span class="gs-fig">`` that carries the
recipe, and the build (``generator/scan/figures.py``, also ``gongshi verify SITE``)
recomputes it from ``downloads/*.csv`` before it publishes.

The recipe, in the HTML::

    <span class="gs-fig" data-sum="downloads/project_funding.csv:金额(元)"
          data-where='{"项目编号": "JL2018-001"}' data-unit="元">150,000.00</span>

- ``data-sum="FILE:COLUMN"``: the sum of a column of a CSV download (path from the site's
  root; columns are the CSV headers); ``data-count="FILE"``: the number of rows;
  ``data-cell="FILE:COLUMN"``: the value of one of the matching rows (a record's line in a
  table, where two identical lines would otherwise be summed).
- ``data-unit``: ``元`` (printed ``1,234.56``), ``万元`` (the 元 sum ÷ 10,000, two decimals,
  half up), ``个`` (a count or a sum of a count column such as 受益户数), ``%`` (a rate:
  the ``data-sum`` ÷ the ``data-per`` sum × 100, one decimal, half up, printed ``66.7%``).
- ``data-minus="FILE:COLUMN"`` with ``data-minus-where``: subtract that sum (a fund's 未安排
  is its amount minus its allocations; a 结余 is 安排 minus 已拨付): ``fig_diff``, or
  ``fig(..., minus=(source, where))`` where the figure needs a year's folder or 万元.
- ``data-per="FILE:COLUMN"`` with ``data-per-where``: the base of a ``%`` figure
  (拨付率 = 已拨付 ÷ 安排), ``fig_rate``. A rate without a base (0) is printed ``—`` and
  carries no recipe.
- ``data-where``: which rows, as JSON: an object, AND over its keys. A key is a column
  with its condition, or ``"$or": [where, …]`` (one of them), or ``"$not": where``.
  A column's condition is
  ``"值"`` (the cell is exactly this), ``["a", "b"]`` (one of these),
  ``{"has": [...]}`` (a list cell, split on ``；``, holds one of these),
  ``{"within": [...]}`` (a list cell is not empty and all its entries are among these),
  ``{"not": condition}``, ``{"before": "YYYY-MM-DD"}`` (an ISO date cell earlier than
  that day; an empty cell is not), or
  ``{"in": "downloads/projects.csv", "column": "项目编号", "where": {...}}`` (the cell is
  one of that column's values in the rows of that file that match — a join); an object
  with several of these operators needs all of them.

Column names are the CSV headers, taken from ``records.TABLES`` here, so a template names
a column by its English key (``fig(x, "project_funding.amount", w.project(p.id))``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from markupsafe import Markup

from generator import money
from generator.model.tables import cell_text, header
from generator.model.totals import percent_text
from generator.records import TABLES, Village

DOWNLOADS = "downloads"
_TABLES = {t.name: t for t in TABLES}
# Attributes are single-quoted so the JSON stays readable in the page source; ``|`` would
# split a Markdown table row even inside a tag.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", "|": "&#124;"}


def col(table: str, key: str) -> str:
    """The CSV header of ``table.key``: ``col("project_funding", "amount") → '金额(元)'``."""
    t = _TABLES[table]
    return header(next(c for c in t.columns if c.key == key))


def csv_path(table: str, year: int | None = None) -> str:
    return f"{DOWNLOADS}/{year}/{table}.csv" if year else f"{DOWNLOADS}/{table}.csv"


_ENTITY_TABLE = str.maketrans(_ENTITIES)


def _attr(value: str) -> str:
    """An attribute value for ``attr='…'`` (``str.translate``: a county's 120,000 figures
    spent five seconds here one character at a time).

    >>> _attr("a&b<'c'>|d")
    'a&amp;b&lt;&#39;c&#39;&gt;&#124;d'
    """
    return value.translate(_ENTITY_TABLE)


def fig(
    value: int | None,
    source: str,
    where: dict | None = None,
    unit: str | None = None,
    year: int | None = None,
    cell: bool = False,
    minus: tuple[str, dict] | None = None,
) -> Markup:
    """A figure with its recipe. ``source``: ``"table.key"`` sums a column,
    ``"table"`` counts rows; ``where`` is built by ``Where`` (English keys already turned
    into CSV headers); ``unit`` defaults to 元 for money columns and 个 otherwise;
    ``year``: use that year's download folder; ``cell``: one row's value (``data-cell``:
    the value of one of the matching rows), for a record's own line in a table;
    ``minus``: ``("table.key", where)``, a sum subtracted from this one (a difference)."""
    if value is None:
        return Markup("")
    table, _, key = source.partition(".")
    path = csv_path(table, year)
    if key:
        column = next(c for c in _TABLES[table].columns if c.key == key)
        unit = unit or ("元" if column.kind == "money" else "个")
        attr = "data-cell" if cell else "data-sum"
        recipe = f"{attr}='{_attr(f'{path}:{header(column)}')}'"
    else:
        unit = unit or "个"
        recipe = f"data-count='{_attr(path)}'"
    text = {"元": money.yuan, "万元": money.wan}.get(unit, str)(value)
    if where:
        recipe += f" data-where='{_attr(json.dumps(where, ensure_ascii=False))}'"
    if minus:
        m_table, _, m_key = minus[0].partition(".")
        recipe += f" data-minus='{_attr(f'{csv_path(m_table, year)}:{col(m_table, m_key)}')}'"
        recipe += f" data-minus-where='{_attr(json.dumps(minus[1], ensure_ascii=False))}'"
    return Markup(f'<span class="gs-fig" {recipe} data-unit="{unit}">{text}</span>')


def _sum_source(source: str, year: int | None = None) -> str:
    """``"table.key"`` → ``downloads/table.csv:列`` (a money or count column to sum)."""
    table, _, key = source.partition(".")
    column = next(c for c in _TABLES[table].columns if c.key == key)
    return f"{csv_path(table, year)}:{header(column)}"


def _where_attr(name: str, where: dict | None) -> str:
    if not where:
        return ""
    return f" {name}='{_attr(json.dumps(where, ensure_ascii=False))}'"


def fig_diff(
    value: int | None, source: str, where: dict | None, minus: str, minus_where: dict | None
) -> Markup:
    """A difference of two sums in 元 (``value`` in 分): the ``source`` rows' sum minus the
    ``minus`` rows' sum, e.g. a fund's 未安排 or a township's 结余."""
    if value is None:
        return Markup("")
    recipe = (
        f"data-sum='{_attr(_sum_source(source))}'{_where_attr('data-where', where)}"
        f" data-minus='{_attr(_sum_source(minus))}'{_where_attr('data-minus-where', minus_where)}"
    )
    return Markup(f'<span class="gs-fig" {recipe} data-unit="元">{money.yuan(value)}</span>')


def fig_rate(
    part: int, whole: int, source: str, where: dict | None, per: str, per_where: dict | None
) -> Markup:
    """A rate ``part ÷ whole`` (both in 分 or both counts) as a percentage with one decimal;
    ``—`` without a recipe when ``whole`` is 0."""
    text = percent_text(part, whole)
    if not whole:
        return Markup(text)
    recipe = (
        f"data-sum='{_attr(_sum_source(source))}'{_where_attr('data-where', where)}"
        f" data-per='{_attr(_sum_source(per))}'{_where_attr('data-per-where', per_where)}"
    )
    return Markup(f'<span class="gs-fig" {recipe} data-unit="%">{text}</span>')


class Where:
    """The ``data-where`` of the figures the templates print (``w`` in templates), each
    naming the same rows as the ``totals`` function that computed the figure."""

    @staticmethod
    def project(pid: str, table: str = "project_funding") -> dict:
        return {col(table, "project_id"): pid}

    @staticmethod
    def project_ids(pids: list[str], table: str = "project_funding") -> dict:
        """The rows of ``table`` of these projects (a plan's projects, an adjustment's
        projects moved in or out); ``table="projects"`` for a count of the projects."""
        return {col(table, "id" if table == "projects" else "project_id"): list(pids)}

    @staticmethod
    def fund(fid: str, table: str = "funds") -> dict:
        return {col(table, "fund_id" if table != "funds" else "id"): fid}

    @staticmethod
    def distribution(did: str, table: str = "benefits") -> dict:
        return {col(table, "distribution_id" if table != "distributions" else "id"): did}

    @staticmethod
    def row(table: str, record: object, *keys: str) -> dict:
        """The rows of ``table`` whose ``keys`` hold this record's values, as the CSV writes
        them."""
        cols = {c.key: c for c in _TABLES[table].columns}
        return {header(cols[k]): cell_text(getattr(record, k), cols[k].kind) for k in keys}

    @staticmethod
    def match(table: str, match: Iterable[tuple[str, object]]) -> dict:
        """Rows of ``table`` whose columns (English keys) hold these values; a tuple is
        "one of these" (the 风险提示 figures, ``rules.flags.Fig``)."""
        cols = {c.key: c for c in _TABLES[table].columns}

        def text(key: str, value: object) -> str:
            return value if isinstance(value, str) else cell_text(value, cols[key].kind)

        return {
            header(cols[k]): [text(k, x) for x in v] if isinstance(v, tuple) else text(k, v)
            for k, v in match
        }

    @staticmethod
    def key(table: str, value: str) -> dict:
        """One record of a table with an id column (cases, projects)."""
        return {col(table, "id"): value}

    @staticmethod
    def projects_in(where: dict, table: str = "project_funding") -> dict:
        """Rows of ``table`` whose project is one of the projects matching ``where``."""
        return {
            col(table, "project_id"): {
                "in": csv_path("projects"),
                "column": col("projects", "id"),
                "where": where,
            }
        }

    @staticmethod
    def funds_in(table: str = "allocations") -> dict:
        """Rows of ``table`` drawn on any published fund (``downloads/funds.csv``)."""
        return {
            col(table, "fund_id"): {
                "in": csv_path("funds"),
                "column": col("funds", "id"),
                "where": {},
            }
        }

    @staticmethod
    def funds_of_year(y: int, table: str = "disbursements") -> dict:
        """Rows of ``table`` drawn on the funds issued in year ``y`` (``downloads/Y/funds.csv``)."""
        return {
            col(table, "fund_id"): {
                "in": csv_path("funds", y),
                "column": col("funds", "id"),
                "where": {},
            }
        }

    @staticmethod
    def notice_objections(nid: str) -> dict:
        """The objections raised against one notice."""
        return {col("objections", "notice"): nid}

    @staticmethod
    def objections(township: str, state: str = "all", cutoff: date | None = None) -> dict:
        """A township's objections (``""``: county notices): ``all`` received, ``answered``
        (an 答复日期 is given), ``overdue`` (no 答复日期, received before ``cutoff``, the
        data date less the reply period: ``totals.overdue_cutoff``)."""
        out: dict[str, Any] = {col("objections", "township"): township}
        if state == "answered":
            out[col("objections", "replied_on")] = {"not": ""}
        elif state == "overdue" and cutoff is not None:
            out[col("objections", "replied_on")] = ""
            out[col("objections", "received_on")] = {"before": cutoff.isoformat()}
        return out

    @staticmethod
    def ids(table: str, records: list, key: str = "id") -> dict:
        """The rows of ``table`` whose ``key`` is one of these records' (a village's assets)."""
        return {col(table, key): [getattr(r, key) for r in records]}

    @staticmethod
    def asset_income(aid: str) -> dict:
        """One asset's yearly income rows."""
        return {col("asset_income", "asset_id"): aid}

    @staticmethod
    def fund_project(fid: str, pid: str, table: str = "disbursements") -> dict:
        """The rows of ``table`` of one fund and one project (``fid == ""``: rows that name
        no fund)."""
        return {col(table, "fund_id"): fid, col(table, "project_id"): pid}

    @staticmethod
    def year(y: int | str) -> dict:
        """The projects of a year; ``""``: those with no 年度."""
        return {col("projects", "year"): str(y)}

    @staticmethod
    def township(t: str, table: str = "projects") -> dict:
        """Rows of ``table`` filed under township ``t`` (projects, cases, rectifications)."""
        return {col(table, "township"): t}

    @staticmethod
    def open_rectifications(t: str) -> dict:
        """A township's rectifications not marked 已整改 (``totals.TownshipMoney``)."""
        return {
            col("rectifications", "township"): t,
            col("rectifications", "status"): {"not": "已整改"},
        }

    @staticmethod
    def projects(
        township: str = "", year: int | None = None, category: str = "", status: str = ""
    ) -> dict:
        """The projects of a filtered list (``projects/by/…``): a township, a year, both, a
        category or a status; ``{}`` is every project."""
        out = {col("projects", "township"): township} if township else {}
        if year:
            out[col("projects", "year")] = str(year)
        if category:
            out[col("projects", "category")] = category
        if status:
            out[col("projects", "status")] = status
        return out

    def group(self, g: Any) -> dict:
        """The projects of a pre-built list (``render.lists.ProjectGroup``)."""
        return self.projects(g.township, g.year, g.category, g.status)

    @staticmethod
    def _refs(v: Village) -> list[str]:
        return [x for x in (v.name, v.code) if x]

    def village_projects(self, v: Village, kind: str = "all") -> dict:
        """Projects that name the village (``all``), name it alone (``own``), or name it and
        another place (``shared``). A place names the village by its code anywhere, or by
        its name when the project's township is the village's (or not given): the rules of
        ``Dataset.village``."""
        places = col("projects", "villages")
        town = col("projects", "township")
        refs = self._refs(v)

        def alts(op: str) -> dict:
            out: list[dict] = [{places: {op: refs}, town: [v.township, ""]}]
            if v.code:
                out.append({places: {op: [v.code]}})
            return {"$or": out}

        if kind == "shared":
            return dict(alts("has"), **{"$not": alts("within")})
        return alts({"all": "has", "own": "within"}[kind])

    def village_benefits(self, v: Village, program: str = "", year: int | None = None) -> dict:
        out: dict[str, Any] = {col("benefits", "village"): self._refs(v)}
        if program:
            out[col("benefits", "program")] = program
        if year:
            out[col("benefits", "year")] = str(year)
        return out

    @staticmethod
    def benefit(program: str, year: int, village: str = "") -> dict:
        out = {col("benefits", "program"): program, col("benefits", "year"): str(year)}
        if village:
            out[col("benefits", "village")] = village
        return out

    # --- charts (pages issue): the rows of the tables next to the charts ----------------
    @staticmethod
    def category(c: str) -> dict:
        """The projects of a category; ``""``: those with none written."""
        return {col("projects", "category"): c}

    @staticmethod
    def source(s: str) -> dict:
        """The rows of project_funding from one funding source."""
        return {col("project_funding", "source"): s}

    @staticmethod
    def both(*wheres: dict) -> dict:
        """All of these conditions (they name different columns)."""
        out: dict[str, Any] = {}
        for where in wheres:
            clash = set(out) & set(where)
            if clash:
                raise ValueError(f"w.both: {sorted(clash)} named twice")
            out.update(where)
        return out

    def village_year(self, v: Village, kind: str, y: int) -> dict:
        """The rows behind one year of a village's chart: its ``own`` or ``shared``
        projects' funding rows of year ``y``, or its ``benefits`` rows of that year (0: no
        year written)."""
        year = str(y) if y else ""
        if kind == "benefits":
            return dict(self.village_benefits(v), **{col("benefits", "year"): year})
        return self.projects_in(self.both(self.village_projects(v, kind), self.year(year)))
