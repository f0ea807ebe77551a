"""PDFs of the printable notices, after ``mkdocs build``, before the scan.

Each built print page (``generator.render.print_pages``) is opened in Chromium and saved as
an A4 PDF next to it (``page.pdf``), so the PDF is the same page with the same print CSS.
The pipeline asks ``available()`` *before* render: without Chromium or Playwright the
print pages are written without PDF links and the build says so in Chinese, so a site never
links to a PDF it does not hold.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.build import statics
from generator.errors import BuildError
from generator.progress import SILENT, Progress
from generator.render.urls import PRINT_DIR

Log = Callable[[str], None]
# A Chromium PDF stamps the time it was made; reproducible builds need the same bytes.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def find_chromium() -> str | None:
    """``GONGSHI_CHROMIUM`` if set (a path or a command name), else the first Chromium on
    PATH; ``None`` when that is not an executable file."""
    if os.environ.get("GONGSHI_CHROMIUM"):
        return shutil.which(os.environ["GONGSHI_CHROMIUM"])
    return next((p for n in CHROMIUM_NAMES if (p := shutil.which(n))), None)


MISSING = (
    "未找到 Chromium 浏览器或 Playwright，这次不生成 PDF 公告，打印页上也不放 PDF 链接；"
    "网页版打印公告（A4）照常可用。需要 PDF 时请安装："
    "apt-get install chromium fonts-noto-cjk，pip install playwright"
)


def available() -> str | None:
    """The Chromium that will print the PDFs, or ``None`` when it or Playwright is missing.
    Asked before render, so that print pages link to PDFs only when there will be some."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None
    return find_chromium()


def print_pages(site_dir: Path) -> list[Path]:
    """The built print pages: ``print/<kind>/<name>/index.html``."""
    return sorted((site_dir / PRINT_DIR).glob("*/*/index.html"))


_LOADS = re.compile(rb'(?:href|src)="([^"#?:]+\.(?:css|svg))"')


def _cache_key(html: Path, chromium: str, stamp: bytes | None, origin: str = "") -> str:
    """What a PDF depends on: the page, the stylesheets and images it loads, the browser,
    and the origin its links resolve against."""
    h = hashlib.sha256(chromium.encode() + b"\0" + (stamp or b"") + b"\0" + origin.encode() + b"\0")
    data = html.read_bytes()
    h.update(data)
    for ref in sorted(set(_LOADS.findall(data))):
        dep = (html.parent / ref.decode()).resolve()
        h.update(ref + b"\0" + (dep.read_bytes() if dep.is_file() else b""))
    return h.hexdigest()


def make_pdfs(
    site_dir: Path,
    chromium: str,
    epoch: int | None = None,
    log: Log = lambda _: None,
    cache: Path | None = None,
    base_url: str = "",
    progress: Progress = SILENT,
    tabs: int | None = None,
) -> int:
    """Print every built print page to an A4 PDF beside it with ``chromium`` (from
    ``available``); returns how many there are.

    ``epoch`` (SOURCE_DATE_EPOCH) replaces the time Chromium stamps into each file, so two
    builds of the same data give the same bytes. Printing takes about a second a page, so
    PDFs of unchanged pages are copied from ``cache``, and the others are printed ``tabs``
    (``default_tabs``) at a time. A browser that fails raises
    ``BuildError`` (nothing is published)."""
    pages = print_pages(site_dir)
    if not pages:
        return 0
    t0 = time.perf_counter()
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)).encode() if epoch else None
    # Printed from a thread of our own, with its own asyncio loop: a caller may be running
    # one already (the browser tests use Playwright themselves).
    errors: list[BaseException] = []
    origin = _origin(base_url)
    tabs = tabs or default_tabs()
    with progress.task("打印 PDF 公告", total=len(pages), unit="个") as task:
        worker = threading.Thread(
            target=_print_all,
            args=(site_dir, pages, chromium, stamp, cache, origin, errors, task.advance, tabs),
        )
        worker.start()
        worker.join()
    if errors:
        raise BuildError(
            f"Chromium 打印 PDF 公告失败：{errors[0]}",
            file=chromium,
            hint="检查 Chromium 能否启动（chromium --headless --version），或不加 --pdf 生成网站。",
        ) from errors[0]
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


def _print_all(
    site_dir: Path,
    pages: list[Path],
    chromium: str,
    stamp: bytes | None,
    cache: Path | None,
    origin: str,
    errors: list[BaseException],
    done: Callable[[], object] = lambda: None,
    tabs: int = 1,
) -> None:
    try:
        asyncio.run(_print_pages(site_dir, pages, chromium, stamp, cache, origin, done, tabs))
    except BaseException as exc:  # handed to the calling thread
        errors.append(exc)


def default_tabs() -> int:
    """How many pages Chromium prints at once: ``GONGSHI_PDF_TABS``, else one more than
    the cores (each tab's renderer waits on the browser process part of the time)."""
    given = os.environ.get("GONGSHI_PDF_TABS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    return (os.cpu_count() or 1) + 1


def _serve_from(site_dir: Path, origin: str) -> Callable[[Any], Awaitable[None]]:
    """A Playwright route handler answering requests under ``origin`` from ``site_dir``
    (nothing goes to the network; anything else is refused)."""
    prefix = urlsplit(origin).path

    async def handle(route: Any) -> None:
        url = route.request.url.split("#", 1)[0].split("?", 1)[0]
        if url.startswith(origin):
            rel = unquote(urlsplit(url).path)[len(prefix) :]
            path = site_dir / rel
            if path.is_dir():
                path = path / "index.html"
            if path.is_file() and site_dir.resolve() in path.resolve().parents:
                await route.fulfill(path=str(path))
                return
        await route.abort()

    return handle


async def _printed(page: Any, url: str, stamp: bytes | None) -> bytes:
    """The A4 PDF of the page at ``url``, with ``stamp`` as the time it was made."""
    await page.goto(url, wait_until="load")
    data: bytes = await page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    if stamp:
        data = _PDF_DATE.sub(lambda m: b"/" + m.group(1) + b" (D:" + stamp + b"+00'00')", data)
    return data


async def _print_pages(
    site_dir: Path,
    pages: list[Path],
    chromium: str,
    stamp: bytes | None,
    cache: Path | None,
    origin: str,
    done: Callable[[], object] = lambda: None,
    tabs: int = 1,
) -> None:
    """Reuse the cached PDF of each unchanged page; print the others in ``tabs`` pages of
    one browser, each taking the next page when it is free. A PDF is the same bytes
    however many tabs print (each page is printed alone, its date replaced)."""
    from playwright.async_api import async_playwright

    used = set()
    todo: list[tuple[Path, Path, Path | None]] = []
    for html in pages:
        out = html.parent / f"{html.parent.name}.pdf"
        key = _cache_key(html, chromium, stamp, origin)
        cached = cache / f"{key}.pdf" if cache else None
        used.add(key)
        if cached and cached.is_file():
            statics.place(cached, out)
            done()  # progress: a reused PDF counts too
        else:
            todo.append((html, out, cached))
    if todo:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=_ARGS, headless=True)
            try:
                context = await browser.new_context(java_script_enabled=False, locale="zh-CN")
                await context.route("**/*", _serve_from(site_dir, origin))
                queue = iter(todo)

                async def tab() -> None:
                    page = await context.new_page()
                    for html, out, cached in queue:  # shared: each tab takes the next
                        url = origin + html.relative_to(site_dir).as_posix()
                        data = await _printed(page, url, stamp)
                        statics.rewrite(out, data)
                        if cached:
                            cached.parent.mkdir(parents=True, exist_ok=True)
                            statics.rewrite(cached, data)  # a site links to it
                        done()

                await asyncio.gather(*(tab() for _ in range(max(1, min(tabs, len(todo))))))
            finally:
                await browser.close()
    for old in cache.glob("*.pdf") if cache and cache.is_dir() else ():
        if old.stem not in used:  # pages that are gone or changed
            old.unlink()
