"""Printable notices for the village board (公开栏): an A4 page per notice and its QR code.

A cadre prints a notice and pins it to the board; a villager scans the QR code and reads the
same record online. So every print page carries the notice number and period (from the
notices table), the issuing office, the supervision phones (12317 included) and a QR code
of the online page.

``render_pages`` writes each print page as ordinary Markdown under ``content/print/`` from
``site_templates/pages/print_*.md.j2``, plus its QR code as an SVG made locally by segno.
The pages are ``not_in_nav`` and excluded from search. Their PDFs are printed after
``mkdocs build`` by ``generator.build.pdf``; a print page links to its PDF only when the
pipeline has found the browser that prints it.

The QR code holds the absolute URL of the online page when ``site.yaml`` has ``base_url``;
without it, it holds the path inside the site (``projects/JL2018-001/``), which is all a
site without a known address can offer.
"""

from __future__ import annotations

import functools
import html
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import segno

from generator.model import Dataset, totals
from generator.records import Notice, Village
from generator.render import titles, urls

PRINT_DIR = urls.PRINT_DIR


@dataclass
class PrintNotice:
    """One printable notice: where its page goes, what it shows and where it links to."""

    rel: str  # content path of the print page: print/projects/X-before.md
    template: str  # print_project.md.j2 …
    kind: str  # 事前公示, 事后公告, 资金公告, 公示名单, 分配公示
    title: str
    online: str  # content path of the online page: projects/X.md
    notice: Notice | None  # the row of the notices table, if the county recorded one
    ctx: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """File stem shared by the page folder, its QR code and its PDF."""
        return Path(self.rel).stem

    @property
    def pdf(self) -> str:
        return f"{self.name}.pdf"

    @property
    def qr(self) -> str:
        return f"{self.name}.svg"


QR_MASK = 0
QR_CLASS = "gs-qr-1"  # change it when the drawing changes, so that cached codes are redrawn


def qr_svg(url: str, previous: str | None = None) -> str:
    """A QR code of ``url`` as SVG text, made locally (nothing is fetched to draw it).

    The mask pattern is fixed rather than the best of eight: scoring the eight took 85% of
    the time (about 60 s for a county's 7,114 print pages), and every mask is a valid code
    that any reader decodes (ISO/IEC 18004). ``previous`` is the file the last build wrote;
    it is reused when it draws the same URL the same way."""
    title = "<title>" + html.escape(url, quote=False) + "</title>"
    if previous and f'class="{QR_CLASS}"><title>' in previous and title in previous:
        return previous
    return _draw_qr(url)


@functools.lru_cache(maxsize=4096)
def _draw_qr(url: str) -> str:
    """Print pages of one record share its URL (事前 and 事后, a village's benefit lists):
    a county's 7,114 print pages have about 2,500 distinct codes."""
    qr = segno.make(url, error="m", micro=False, mask=QR_MASK)
    buf = io.BytesIO()
    qr.save(
        buf,
        kind="svg",
        scale=4,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=False,
        svgns=True,
        title=url,
        svgclass=QR_CLASS,
    )
    return buf.getvalue().decode("utf-8") + "\n"


class PrintIndex:
    """Which notices can be printed, looked up by the record a page shows.

    Passed to templates as ``prints``: ``prints.of("project", p.id)`` lists a page's
    printable notices for its "打印本页公示" links.
    """

    def __init__(self, ds: Dataset, pdf: bool = False) -> None:
        self.ds = ds
        self.pdf = pdf  # PDFs are made in this build, so print pages may link to them
        self.items: list[PrintNotice] = []
        self._by: dict[tuple[str, str], list[PrintNotice]] = {}
        self._collect()

    def of(self, kind: str, key: str) -> list[PrintNotice]:
        return self._by.get((kind, key), [])

    def _add(self, kind: str, key: str, pn: PrintNotice) -> None:
        self.items.append(pn)
        self._by.setdefault((kind, key), []).append(pn)

    def _notice(self, kind: str, key: str, notice_kind: str = "") -> Notice | None:
        found = [
            n for n in self.ds.notices_of(kind, key) if not notice_kind or n.kind == notice_kind
        ]
        return max(found, key=lambda n: (n.posted_on is not None, n.posted_on, n.id), default=None)

    def _collect(self) -> None:
        ds = self.ds
        for p in ds.projects:
            online = urls.project(p.id)
            self._add(
                "project",
                p.id,
                PrintNotice(
                    urls.print_project(p.id, after=False),
                    "print_project.md.j2",
                    "事前公示",
                    f"{p.name}事前公示",
                    online,
                    self._notice("project", p.id, "事前公示"),
                    {"p": p, "after": False},
                ),
            )
            if p.status == "已验收":
                self._add(
                    "project",
                    p.id,
                    PrintNotice(
                        urls.print_project(p.id, after=True),
                        "print_project.md.j2",
                        "事后公告",
                        f"{p.name}事后公告",
                        online,
                        self._notice("project", p.id, "事后公告"),
                        {"p": p, "after": True},
                    ),
                )
        for f in ds.funds:
            self._add(
                "fund",
                f.id,
                PrintNotice(
                    urls.print_fund(f.id),
                    "print_fund.md.j2",
                    "资金公告",
                    f"{f.document_no or f.id}资金公告",
                    urls.fund(f.id),
                    self._notice("fund", f.id),
                    {"f": f},
                ),
            )
        groups: dict[tuple[str, int, Village], list] = {}
        for b in ds.benefits:
            vil = ds.village(b.village)
            if vil is not None:
                groups.setdefault((b.program, b.year or 0, vil), []).append(b)
        for (program, year, vil), rows in sorted(
            groups.items(),
            key=lambda kv: (-kv[0][1], kv[0][0], kv[0][2].township, kv[0][2].code, kv[0][2].name),
        ):
            key = f"{program}:{year}"
            rows = sorted(rows, key=lambda b: (b.origin.file, b.origin.row))
            self._add(
                "benefit",
                self.benefit_key(program, year, vil),
                PrintNotice(
                    urls.print_benefits(program, year, vil),
                    "print_benefits.md.j2",
                    "公示名单",
                    f"{vil.township}{vil.name}{year}年{program}名单",
                    urls.village(vil),
                    self._notice("benefit", key),
                    {
                        "program": program,
                        "year": year,
                        "village": vil,
                        "rows": rows,
                        "amount": totals.sum_of(rows),
                    },
                ),
            )
        for d in ds.distributions:
            rows = sorted(
                ds.benefits_of_distribution(d.id),
                key=lambda b: (b.village, b.origin.file, b.origin.row),
            )
            self._add(
                "distribution",
                d.id,
                PrintNotice(
                    urls.print_distribution(d.id),
                    "print_distribution.md.j2",
                    "分配公示",
                    f"{titles.distribution_title(ds, d)}公示",
                    urls.distribution(d.id),
                    self._notice("distribution", d.id),
                    {"d": d, "rows": rows, "amount": totals.sum_of(rows)},
                ),
            )

    def benefit_key(self, program: str, year: int, vil: Village) -> str:
        return f"{program}:{year}:{urls.village_slug(vil)}"


def render_pages(
    prints: PrintIndex,
    page: Callable[..., None],
    write: Callable[[str, str], None],
    previous: Callable[[str], str | None] = lambda _rel: None,
    items: Iterable[PrintNotice] | None = None,
) -> None:
    """Write the print pages (``items``, default all) through render's ``page``, and their
    QR codes; ``previous`` gives a generated file as the last build left it, so unchanged
    QR codes are reused."""
    base_url = prints.ds.site.base_url
    for pn in prints.items if items is None else items:
        url = urls.absolute(base_url, pn.online)
        rel = str(Path(pn.rel).with_name(pn.qr))
        write(rel, qr_svg(url, previous(rel)))
        # the title MkDocs cannot find (the h1 sits inside the notice's box): without it
        # the page is called by its file name, “JL2018 001 before”
        meta = {
            "title": pn.title,
            "hide": ["navigation", "toc", "footer"],
            "search": {"exclude": True},
        }
        page(pn.template, pn.rel, pn=pn, url=url, meta=meta, **pn.ctx)
