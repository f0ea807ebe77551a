"""Printable notices for the village board (公开栏): an A4 page per notice, its PDF, a QR code.

A cadre prints a notice and pins it to the board; a villager scans the QR code and reads the
same record online. So every print page carries the notice number and period (from the
notices table), the issuing office, the supervision phones (12317 included) and a QR code
of the online page.

Two halves, one per stage:

- ``render_pages`` (render stage) writes each print page as ordinary Markdown under
  ``content/print/`` from ``site_templates/pages/print_*.md.j2``, plus its QR code as an SVG
  made locally by segno. The pages are ``not_in_nav`` and excluded from search.
- ``make_pdfs`` (after ``mkdocs build``, before the scan) opens each built print page in
  Chromium and saves it as an A4 PDF next to it (``page.pdf``), so the PDF is the same page
  with the same print CSS. Without Chromium or Playwright (a plain ``pip install``) the
  build still succeeds and says in Chinese that the PDFs were skipped; the print pages work
  in any browser (打印 → A4).

The QR code holds the absolute URL of the online page when ``site.yaml`` has ``base_url``;
without it, it holds the path inside the site (``projects/JL2018-001/``), which is all a
site without a known address can offer.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno

from generator.model import Dataset
from generator.records import Notice, Village

PRINT_DIR = "print"
Log = Callable[[str], None]
# A Chromium PDF stamps the time it was made; reproducible builds need the same bytes.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")


def _slug(text: str) -> str:
    from generator.render import slug  # render imports this module: import when used

    return slug(text)


@dataclass
class PrintNotice:
    """One printable notice: where its page goes, what it shows and where it links to."""

    rel: str                     # content path of the print page: print/projects/X-before.md
    template: str                # print_project.md.j2 …
    kind: str                    # 事前公示, 事后公告, 资金公告, 公示名单, 分配公示
    title: str
    online: str                  # content path of the online page: projects/X.md
    notice: Notice | None        # the row of the notices table, if the county recorded one
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


def online_url(base_url: str, online_rel: str) -> str:
    """The address of an online page as a phone opens it (folder URLs, as MkDocs builds them).

    >>> online_url("https://fupin.example.gov.cn/", "projects/JL2018-001.md")
    'https://fupin.example.gov.cn/projects/JL2018-001/'
    >>> online_url("", "villages/index.md")
    'villages/'
    """
    path = online_rel[:-3] if online_rel.endswith(".md") else online_rel
    path = path[: -len("index")] if path.endswith("index") else path + "/"
    if not base_url:
        return path
    return base_url.rstrip("/") + "/" + path


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
    qr.save(buf, kind="svg", scale=4, border=4, dark="#000", light="#fff", xmldecl=False,
            svgns=True, title=url, svgclass=QR_CLASS)
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
        found = [n for n in self.ds.notices_of(kind, key)
                 if not notice_kind or n.kind == notice_kind]
        return max(found, key=lambda n: (n.posted_on is not None, n.posted_on, n.id),
                   default=None)

    def _collect(self) -> None:
        ds = self.ds
        for p in ds.projects:
            s = _slug(p.id)
            online = f"projects/{s}.md"
            self._add("project", p.id, PrintNotice(
                f"{PRINT_DIR}/projects/{s}-before.md", "print_project.md.j2", "事前公示",
                f"{p.name}事前公示", online, self._notice("project", p.id, "事前公示"),
                {"p": p, "after": False}))
            if p.status == "已验收":
                self._add("project", p.id, PrintNotice(
                    f"{PRINT_DIR}/projects/{s}-after.md", "print_project.md.j2", "事后公告",
                    f"{p.name}事后公告", online, self._notice("project", p.id, "事后公告"),
                    {"p": p, "after": True}))
        for f in ds.funds:
            s = _slug(f.id)
            self._add("fund", f.id, PrintNotice(
                f"{PRINT_DIR}/funds/{s}.md", "print_fund.md.j2", "资金公告",
                f"{f.document_no or f.id}资金公告", f"funds/{s}.md",
                self._notice("fund", f.id), {"f": f}))
        groups: dict[tuple[str, int, Village], list] = {}
        for b in ds.benefits:
            vil = ds.village(b.village)
            if vil is not None:
                groups.setdefault((b.program, b.year or 0, vil), []).append(b)
        for (program, year, vil), rows in sorted(
                groups.items(), key=lambda kv: (-kv[0][1], kv[0][0], kv[0][2].township,
                                                kv[0][2].code, kv[0][2].name)):
            key = f"{program}:{year}"
            vslug = _slug(vil.code) if vil.code else _slug(f"{vil.township}-{vil.name}")
            s = _slug(f"{program}-{year}")
            rows = sorted(rows, key=lambda b: (b.origin.file, b.origin.row))
            self._add("benefit", f"{key}:{vslug}", PrintNotice(
                f"{PRINT_DIR}/benefits/{s}-{vslug}.md", "print_benefits.md.j2", "公示名单",
                f"{vil.township}{vil.name}{year}年{program}名单", f"villages/{vslug}.md",
                self._notice("benefit", key),
                {"program": program, "year": year, "village": vil, "rows": rows,
                 "amount": sum(b.amount or 0 for b in rows)}))
        for d in ds.distributions:
            s = _slug(d.id)
            rows = sorted(ds.benefits_of_distribution(d.id),
                          key=lambda b: (b.village, b.origin.file, b.origin.row))
            self._add("distribution", d.id, PrintNotice(
                f"{PRINT_DIR}/distributions/{s}.md", "print_distribution.md.j2", "分配公示",
                f"收益分配{d.id}分配公示", f"distributions/{s}.md",
                self._notice("distribution", d.id), {"d": d, "rows": rows,
                                                     "amount": sum(b.amount or 0 for b in rows)}))

    def benefit_key(self, program: str, year: int, vil: Village) -> str:
        vslug = _slug(vil.code) if vil.code else _slug(f"{vil.township}-{vil.name}")
        return f"{program}:{year}:{vslug}"


def render_pages(prints: PrintIndex, page: Callable[..., None],
                 write: Callable[[str, str], None],
                 previous: Callable[[str], str | None] = lambda _rel: None,
                 items: Iterable[PrintNotice] | None = None) -> None:
    """Write the print pages (``items``, default all) through render's ``page``, and their
    QR codes; ``previous`` gives a generated file as the last build left it, so unchanged
    QR codes are reused."""
    base_url = prints.ds.site.base_url
    for pn in prints.items if items is None else items:
        url = online_url(base_url, pn.online)
        rel = str(Path(pn.rel).with_name(pn.qr))
        write(rel, qr_svg(url, previous(rel)))
        meta = {"hide": ["navigation", "toc", "footer"],
                "search": {"exclude": True}}
        page(pn.template, pn.rel, pn=pn, url=url, meta=meta, **pn.ctx)


# --- PDFs, after mkdocs build -------------------------------------------------------------

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def find_chromium() -> str | None:
    """``GONGSHI_CHROMIUM`` if set, else the first Chromium on PATH."""
    if os.environ.get("GONGSHI_CHROMIUM"):
        return os.environ["GONGSHI_CHROMIUM"]
    return next((p for n in CHROMIUM_NAMES if (p := shutil.which(n))), None)


def print_pages(site_dir: Path) -> list[Path]:
    """The built print pages: ``print/<kind>/<name>/index.html``."""
    return sorted((site_dir / PRINT_DIR).glob("*/*/index.html"))


_LOADS = re.compile(rb'(?:href|src)="([^"#?:]+\.(?:css|svg))"')


def _cache_key(html: Path, chromium: str, stamp: bytes | None, origin: str = "") -> str:
    """What a PDF depends on: the page, the stylesheets and images it loads, the browser,
    and the origin its links resolve against."""
    h = hashlib.sha256(chromium.encode() + b"\0" + (stamp or b"") + b"\0" + origin.encode()
                       + b"\0")
    data = html.read_bytes()
    h.update(data)
    for ref in sorted(set(_LOADS.findall(data))):
        dep = (html.parent / ref.decode()).resolve()
        h.update(ref + b"\0" + (dep.read_bytes() if dep.is_file() else b""))
    return h.hexdigest()


def make_pdfs(site_dir: Path, epoch: int | None = None, log: Log = lambda _: None,
              cache: Path | None = None, base_url: str = "") -> int:
    """Print every built print page to an A4 PDF beside it; returns how many there are.

    Skips (with a Chinese log line) when Playwright or Chromium is missing: the print pages
    still print from any browser. ``epoch`` (SOURCE_DATE_EPOCH) replaces the time Chromium
    stamps into each file, so two builds of the same data give the same bytes. Printing
    takes about a second a page, so PDFs of unchanged pages are copied from ``cache``.
    """
    pages = print_pages(site_dir)
    if not pages:
        return 0
    chromium = find_chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        chromium = None
    if chromium is None:
        log(f"未找到 Chromium 浏览器或 Playwright，跳过生成 {len(pages)} 个 PDF 公告；"
            "网页版打印公告（A4）照常可用。需要 PDF 时请安装："
            "apt-get install chromium fonts-noto-cjk，pip install playwright")
        return 0
    t0 = time.perf_counter()
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)).encode() if epoch else None
    # Playwright's sync API refuses to start inside a running asyncio loop (a caller that
    # uses Playwright itself, e.g. the browser tests): print from a thread of our own.
    errors: list[BaseException] = []
    origin = _origin(base_url)
    worker = threading.Thread(target=_print_all,
                              args=(site_dir, pages, chromium, stamp, cache, origin, errors))
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    log(f"生成 PDF 公告 {len(pages)} 个（{time.perf_counter() - t0:.1f} 秒）")
    return len(pages)


def _origin(base_url: str) -> str:
    """Where Chromium believes the pages live while printing. Links in a PDF resolve against
    it: the public site when site.yaml has ``base_url``, else a fixed local name — never the
    build folder, whose path would leak into the PDF and differ between builds.

    >>> _origin("https://fupin.lanling.gov.cn/xz"), _origin("")
    ('https://fupin.lanling.gov.cn/xz/', 'http://localhost/')
    """
    return base_url.rstrip("/") + "/" if base_url.strip() else "http://localhost/"


def _print_all(site_dir: Path, pages: list[Path], chromium: str, stamp: bytes | None,
               cache: Path | None, origin: str, errors: list[BaseException]) -> None:
    try:
        _print_pages(site_dir, pages, chromium, stamp, cache, origin)
    except BaseException as exc:  # handed to the calling thread
        errors.append(exc)


def _serve_from(site_dir: Path, origin: str) -> Callable[[Any], None]:
    """A Playwright route handler answering requests under ``origin`` from ``site_dir``
    (nothing goes to the network; anything else is refused)."""
    prefix = urlsplit(origin).path

    def handle(route: Any) -> None:
        url = route.request.url.split("#", 1)[0].split("?", 1)[0]
        if url.startswith(origin):
            rel = unquote(urlsplit(url).path)[len(prefix):]
            path = site_dir / rel
            if path.is_dir():
                path = path / "index.html"
            if path.is_file() and site_dir.resolve() in path.resolve().parents:
                route.fulfill(path=str(path))
                return
        route.abort()

    return handle


def _print_pages(site_dir: Path, pages: list[Path], chromium: str, stamp: bytes | None,
                 cache: Path | None, origin: str) -> None:
    from playwright.sync_api import sync_playwright

    used = set()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=_ARGS, headless=True)
        try:
            context = browser.new_context(java_script_enabled=False, locale="zh-CN")
            page = context.new_page()
            page.route("**/*", _serve_from(site_dir, origin))
            for html in pages:
                out = html.parent / f"{html.parent.name}.pdf"
                key = _cache_key(html, chromium, stamp, origin)
                cached = cache / f"{key}.pdf" if cache else None
                used.add(key)
                if cached and cached.is_file():
                    shutil.copyfile(cached, out)
                    continue
                page.goto(origin + html.relative_to(site_dir).as_posix(), wait_until="load")
                data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
                if stamp:
                    data = _PDF_DATE.sub(lambda m: b"/" + m.group(1) + b" (D:" + stamp
                                         + b"+00'00')", data)
                out.write_bytes(data)
                if cached:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    cached.write_bytes(data)
        finally:
            browser.close()
    for old in cache.glob("*.pdf") if cache and cache.is_dir() else ():
        if old.stem not in used:  # pages that are gone or changed
            old.unlink()
