"""Charts as static SVG, drawn at build by this module (no JavaScript, no plotting library,
nothing loaded from elsewhere): horizontal bars, stacked bars and a progress bar.

Why our own few functions instead of a plotting library (docs/design.md, 图表): a chart
here is a handful of rectangles and labels; a library would bring a dependency of tens of
MB, SVG with generated ids, embedded fonts or glyph paths and floating-point noise that
changes between versions. These functions write the same bytes for the same figures, use
the page's own (local) font stack because inline SVG text inherits it, and read as well on
paper as on screen.

Every chart is inline ``<svg role="img">`` with ``<title>`` and ``<desc>`` named by
``aria-labelledby``, inside ``<div class="gs-chart" data-search-exclude>`` (the search
index keeps the table, not the picture). The figures it draws are in the table printed
next to it with ``fig`` recipes, which ``gongshi verify`` checks; each bar also carries its
figure as ``data-label`` / ``data-value`` (分, or a rate in 万分之一, written with thousands
separators: a county's 133,000,000 元 is 13300000000 分, which the scan would rightly take
for a mobile number), so a test compares the picture with the table
(``tests/test_charts.py``). Colour is never the only cue: every
bar has its name and its value written next to it, and the segments of a stacked bar carry
the number of their series in the legend.

The second half, ``Charts``, makes the site's charts from the aggregation layer
(``model/totals.py``); templates reach it as ``charts`` and print ``chart.svg`` above a
table of ``chart.rows``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from generator import money
from generator.model import Dataset, totals
from generator.records import CATEGORIES, FUND_SOURCES, Fund, Project, Village
from generator.rules.compliance import Compliance, percent

W = 360  # the viewBox width; on a phone the chart is about this wide, so 1 unit ≈ 1 px
FONT = 14  # label size in viewBox units
PAD = 4
BAR = 18  # bar height
GAP = 8  # space below a bar
TEXT = "currentColor"  # labels follow the page's text colour
TRACK = "#5c5c5c"  # the outline of a progress bar: 6.9:1 on white
# Bar colours: each at least 4.5:1 against white (WCAG 1.4.11 asks 3:1 for graphics) and
# behind white segment numbers.
COLOURS = ("#1f5fa8", "#a84a00", "#2e7d32", "#6a3d9a", "#00695c", "#b71c1c", "#5c5c5c", "#795548")


@dataclass(frozen=True)
class Bar:
    """One bar: its name, its length (分, or a rate in 万分之一) and what is written at its
    end (``12.34 万元``, ``95.4%``). ``series`` picks its colour (an index into the chart's
    series); ``group`` is the heading it sits under (a year, a township)."""

    label: str
    value: int
    text: str
    series: int = 0
    group: str = ""


@dataclass(frozen=True)
class Stack:
    """One stacked bar: its name, one value per series (分), their total (from the
    aggregation layer, never added up here) and the text written at its end."""

    label: str
    values: tuple[int, ...]
    total: int
    text: str


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of a label's width: a Chinese character is one em, anything else ⅗ em
    (the fonts differ by machine; the estimate only has to leave room).

    >>> text_width("金岭镇"), text_width("12.50 万元")
    (42, 78.4)
    """
    return round(sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text), 1)


def _n(x: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros, the same text every time."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if x % 1 else str(int(x))


def _esc(text: str) -> str:
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def _text(x: float, y: float, text: str, anchor: str = "start", **attrs: str) -> str:
    more = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    end = ' text-anchor="end"' if anchor == "end" else ""
    return f'<text x="{_n(x)}" y="{_n(y)}"{end}{more}>{_esc(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, **attrs: str) -> str:
    more = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{more}/>'


def _svg(key: str, title: str, desc: str, height: float, body: list[str]) -> Markup:
    """The chart: one line of HTML (a blank line would end Markdown's raw HTML block)."""
    ident = f"gs-chart-{key}"
    head = (
        f'<div class="gs-chart" data-search-exclude>'
        f'<svg class="gs-chart__svg" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {W} {_n(height)}" width="100%" font-size="{FONT}" '
        f'data-chart="{_esc(key)}">'
        f'<title id="{ident}-t">{_esc(title)}</title><desc id="{ident}-d">{_esc(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg></div>")


def _legend(series: Sequence[str], y: float, numbered: bool) -> tuple[list[str], float]:
    """Swatches with the series' names, wrapped over lines; returns the parts and the y
    below them."""
    out, x = [], 0.0
    line = FONT + 6
    for i, name in enumerate(series):
        label = f"{i + 1} {name}" if numbered else name
        width = 16 + text_width(label) + 12
        if x and x + width > W:
            x, y = 0.0, y + line
        out.append(_rect(x, y + 2, 12, 12, COLOURS[i % len(COLOURS)]))
        out.append(_text(x + 16, y + FONT - 1, label))
        x += width
    return out, y + line + 4


def bars(
    key: str,
    title: str,
    desc: str,
    items: Sequence[Bar],
    scale: int | None = None,
    series: Sequence[str] = (),
) -> Markup:
    """Horizontal bars, one per item, under their group headings. ``scale``: the value of
    a full-length bar (the largest value when not given; 10000 for rates). ``series``: the
    names of the colours, drawn as a legend (each bar still says its own name)."""
    top = max([scale or 0] + [i.value for i in items]) or 1
    label_w = max([text_width(i.label) for i in items] or [0]) + 8
    above = label_w > W * 0.32  # long names go on their own line, above the bar
    x0 = 0 if above else label_w
    value_w = max([text_width(i.text) for i in items] or [0]) + 6
    room = max(W - x0 - value_w, 40)
    body: list[str] = []
    y = 0.0
    if series:
        body, y = _legend(series, 0, numbered=False)
    group = None
    for item in items:
        if item.group and item.group != group:
            group = item.group
            body.append(_text(0, y + FONT + 2, group, font_weight="bold"))
            y += FONT + 10
        if above:
            body.append(_text(0, y + FONT, item.label))
            y += FONT + 4
        length = room * max(item.value, 0) / top
        parts = [
            "" if above else _text(x0 - 6, y + BAR - 4, item.label, "end"),
            _rect(x0, y, max(length, 1 if item.value > 0 else 0), BAR, _colour(item.series)),
            _text(x0 + length + 4, y + BAR - 4, item.text),
        ]
        body.append(
            f'<g class="gs-chart__bar" data-label="{_esc(item.label)}"'
            f'{_group_attr(item.group)} data-value="{item.value:,}">{"".join(parts)}</g>'
        )
        y += BAR + GAP
    return _svg(key, title, desc, y + PAD, body)


def stacked(
    key: str, title: str, desc: str, series: Sequence[str], rows: Sequence[Stack]
) -> Markup:
    """Stacked horizontal bars: each row's values side by side in the series' colours, the
    series numbered in the legend and in each segment wide enough to hold its number."""
    top = max([r.total for r in rows] or [0]) or 1
    label_w = max([text_width(r.label) for r in rows] or [0]) + 8
    above = label_w > W * 0.32
    x0 = 0 if above else label_w
    value_w = max([text_width(r.text) for r in rows] or [0]) + 6
    room = max(W - x0 - value_w, 40)
    body, y = _legend(series, 0, numbered=True)
    for r in rows:
        if above:
            body.append(_text(0, y + FONT, r.label))
            y += FONT + 4
        parts = ["" if above else _text(x0 - 6, y + BAR - 4, r.label, "end")]
        x = float(x0)
        for i, value in enumerate(r.values):
            if value <= 0:
                continue
            width = room * value / top
            seg = [_rect(x, y, width, BAR, _colour(i), stroke="#ffffff", stroke_width="1")]
            number = str(i + 1)
            if width >= text_width(number, 12) + 4:
                seg.append(
                    _text(
                        x + width / 2 - text_width(number, 12) / 2,
                        y + BAR - 5,
                        number,
                        fill="#ffffff",
                        font_size="12",
                    )
                )
            parts.append(
                f'<g data-series="{_esc(series[i])}" data-value="{value:,}">{"".join(seg)}</g>'
            )
            x += width
        parts.append(_text(x + 4, y + BAR - 4, r.text))
        body.append(
            f'<g class="gs-chart__bar" data-label="{_esc(r.label)}" '
            f'data-value="{r.total:,}">{"".join(parts)}</g>'
        )
        y += BAR + GAP
    return _svg(key, title, desc, y + PAD, body)


def progress(key: str, title: str, desc: str, part: int, whole: int, text: str) -> Markup:
    """One bar of ``part`` out of ``whole`` (more than the whole is drawn full), with
    ``text`` written above it."""
    share = min(max(part, 0) / whole, 1) if whole > 0 else 0
    height = FONT + 6 + BAR + PAD
    body = [
        _text(0, FONT, text),
        f'<g class="gs-chart__bar" data-label="{_esc(title)}" data-value="{part:,}" '
        f'data-whole="{whole:,}">'
        + _rect(0.5, FONT + 6.5, W - 1, BAR, "#ffffff", stroke=TRACK, stroke_width="1")
        + _rect(0.5, FONT + 6.5, (W - 1) * share, BAR, COLOURS[0])
        + "</g>",
    ]
    return _svg(key, title, desc, height, body)


def _colour(i: int) -> str:
    return COLOURS[i % len(COLOURS)]


def _group_attr(group: str) -> str:
    return f' data-group="{_esc(group)}"' if group else ""


# --- the site's charts --------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A chart and the rows of the table printed next to it (each a dict of the figures
    the template prints with ``fig``; money in 分)."""

    svg: Markup
    rows: list[dict[str, Any]] = field(default_factory=list)
    columns: list[Any] = field(default_factory=list)
    """The table's columns beyond the first, where they vary: the series of a stacked
    chart, ``(kind, name)`` for a village's chart, the names of the compliance rates."""


def wan_text(fen: int) -> str:
    """``12,345,600 分 → '12.35 万元'``: the label at a bar's end."""
    return f"{money.wan(fen)} 万元"


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole`` (``None`` without a whole)."""
    return Decimal(part) / Decimal(whole) if whole > 0 else None


def _basis(value: Decimal) -> int:
    """A rate in 万分之一, as a bar's length."""
    return int((value * 10000).to_integral_value(rounding="ROUND_HALF_UP"))


def _ordered(values: Sequence[str], known: Sequence[str]) -> list[str]:
    """Values in the order of the contract's list (资金来源, 项目类别), others after by name."""
    rank = {v: i for i, v in enumerate(known)}
    return sorted(set(values), key=lambda v: (v == "", rank.get(v, len(rank)), v))


def year_label(year: int) -> str:
    return f"{year}年" if year else "未注明年度"


class Charts:
    """The site's charts (``charts`` in templates), from ``model/totals.py`` only."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds

    # home page ------------------------------------------------------------------------
    def years(self) -> Chart:
        """Project funding by project year, oldest first."""
        by_year = totals.by_year(self.ds)
        rows = [{"year": y, "funding": v["funding"]} for y, v in sorted(by_year.items()) if y]
        rows += [{"year": 0, "funding": by_year[0]["funding"]}] if 0 in by_year else []
        items = [Bar(year_label(r["year"]), r["funding"], wan_text(r["funding"])) for r in rows]
        svg = bars("year", "各年度项目资金", "各年度项目资金（万元），数字见下表。", items)
        return Chart(svg, rows)

    def townships(self) -> Chart:
        """Project funding by the township a project is filed under, largest first."""
        sums = totals.funding_by(self.ds, "township")
        rows = [
            {"township": t, "funding": v}
            for (t,), v in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        items = [
            Bar(r["township"] or "未注明乡镇", r["funding"], wan_text(r["funding"])) for r in rows
        ]
        svg = bars("township", "各乡镇项目资金", "各乡镇项目资金（万元），数字见下表。", items)
        return Chart(svg, rows)

    def categories(self) -> Chart:
        """Project funding by category, in the contract's order of categories."""
        sums = {k[0]: v for k, v in totals.funding_by(self.ds, "category").items()}
        order = _ordered(list(sums), CATEGORIES)
        rows: list[dict[str, Any]] = [{"category": c, "funding": sums[c]} for c in order]
        items = [
            Bar(r["category"] or "未注明类别", r["funding"], wan_text(r["funding"])) for r in rows
        ]
        svg = bars("category", "各类别项目资金", "各类项目资金（万元），数字见下表。", items)
        return Chart(svg, rows)

    # record pages ----------------------------------------------------------------------
    def fund(self, f: Fund) -> Chart | None:
        """A fund: issued, allocated to projects, disbursed, and its 结余 (issued − disbursed)."""
        if f.amount is None:
            return None
        allocated = totals.fund_allocated(self.ds, f.id)
        paid = totals.fund_disbursed(self.ds, f.id)
        balance = totals.fund_balance(self.ds, f.id)
        rows: list[dict[str, Any]] = [
            {"what": "下达金额", "amount": f.amount},
            {"what": "已安排到项目", "amount": allocated},
            {"what": "已拨付", "amount": paid},
            {"what": "结余", "amount": balance},
        ]
        items = [Bar(r["what"], r["amount"], wan_text(r["amount"]), i) for i, r in enumerate(rows)]
        svg = bars(
            "fund",
            "资金下达、安排、拨付和结余",
            "本笔资金的下达金额、已安排到项目、已拨付和结余（万元），数字见下表。",
            items,
        )
        return Chart(svg, rows)

    def project(self, p: Project) -> Chart | None:
        """A project's 拨付 progress: disbursed out of allocated (资金安排), or out of its
        funding (资金规模) when no allocation is recorded."""
        allocated = totals.project_allocated(self.ds, p.id)
        base = "安排" if self.ds.allocations_of_project(p.id) else "资金规模"
        whole = allocated if base == "安排" else totals.project_funding(self.ds, p.id)
        share = rate(paid := totals.project_disbursed(self.ds, p.id), whole)
        if share is None:
            return None
        text = f"已拨付 {wan_text(paid)} / {base} {wan_text(whole)}，{percent(share)}"
        svg = progress("progress", "资金拨付进度", text + "。", paid, whole, text)
        return Chart(svg, [{"base": base, "paid": paid, "whole": whole, "rate": share}])

    def village(self, v: Village) -> Chart | None:
        """What a village received per year: its own projects, the projects it shares (full
        amounts, apart) and household aid; only the kinds it has."""
        years = totals.village_by_year(self.ds, v)
        kinds = [k for k in ("own", "shared", "benefits") if any(y[k] for y in years.values())]
        if not kinds:
            return None
        names = {"own": "本村项目", "shared": "共建项目（全额）", "benefits": "到户补助"}
        rows = [{"year": y, **vals} for y, vals in years.items()]
        items = [
            Bar(
                names[k],
                r[k],
                wan_text(r[k]),
                ("own", "shared", "benefits").index(k),
                year_label(r["year"]),
            )
            for r in rows
            for k in kinds
        ]
        svg = bars(
            "village",
            "本村每年得到的资金",
            "本村每年的项目资金和到户补助（万元）。共建项目是与其他村共同实施的项目，"
            "按项目全额列出，不计入本村合计。数字见下表。",
            items,
        )
        return Chart(svg, rows, [(k, names[k]) for k in kinds])

    def compliance(self, c: Compliance) -> Chart | None:
        """Per township: the share of fully compliant projects, completeness of the notice
        fields and timeliness of the notices before work starts."""
        if not c.townships:
            return None
        names = ("完全合规", "要素完整率", "公示及时率")
        items = []
        for a in c.townships:
            for i, value in enumerate((a.compliant_rate, a.completeness, a.timeliness)):
                items.append(Bar(names[i], _basis(value), percent(value), i, a.name))
        svg = bars(
            "compliance",
            "各乡镇合规情况",
            "各乡镇完全合规项目的比例、公示要素完整率和事前公示及时率，数字见下表。",
            items,
            scale=10000,
        )
        return Chart(svg, [{"area": a} for a in c.townships], list(names))

    # 资金流向 page ---------------------------------------------------------------------
    def sources(self) -> Chart:
        """Project funding by funding source."""
        sums = {k[0]: v for k, v in totals.funding_by(self.ds, "source").items()}
        order = _ordered(list(sums), FUND_SOURCES)
        rows = [{"source": s, "funding": sums[s]} for s in order]
        items = [Bar(s or "未注明来源", sums[s], wan_text(sums[s]), i) for i, s in enumerate(order)]
        svg = bars("source", "项目资金的来源", "各来源的项目资金（万元），数字见下表。", items)
        return Chart(svg, rows, order)

    def flow(self, by: str) -> Chart:
        """Funding of each category (``by="category"``) or township (``"township"``),
        stacked by funding source (for categories) or by category (for townships)."""
        part = "source" if by == "category" else "category"
        sums = totals.funding_by(self.ds, by, part)
        whole = {k[0]: v for k, v in totals.funding_by(self.ds, by).items()}
        known = {"source": FUND_SOURCES, "category": CATEGORIES, "township": ()}
        series = _ordered([k[1] for k in sums], known[part])
        keys = _ordered([k[0] for k in sums], known[by])
        if by == "township":  # largest first
            keys.sort(key=lambda k: -whole[k])
        rows: list[dict[str, Any]] = [
            {"key": k, "cells": [(s, sums.get((k, s), 0)) for s in series], "total": whole[k]}
            for k in keys
        ]
        blank = {"source": "未注明来源", "category": "未注明类别", "township": "未注明乡镇"}
        stacks = [
            Stack(
                r["key"] or blank[by],
                tuple(c for _, c in r["cells"]),
                r["total"],
                wan_text(r["total"]),
            )
            for r in rows
        ]
        names = [s or blank[part] for s in series]
        title = {"category": "各类别项目资金的来源", "township": "各乡镇项目资金的类别"}[by]
        desc = {
            "category": "每类项目的资金按来源分段（万元），图例中的编号写在各段上，数字见下表。",
            "township": "每个乡镇的项目资金按项目类别分段（万元），"
            "图例中的编号写在各段上，数字见下表。",
        }[by]
        return Chart(stacked(by, title, desc, names, stacks), rows, series)
