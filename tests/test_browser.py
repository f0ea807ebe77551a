"""The built site in a real browser (Debian's Chromium, headless, via Playwright): on a
360 px phone, without JavaScript, without any outside host, and with Material's search.

``playwright install`` is never needed: Chromium comes from the system (``require_tool``).
The site is served from 127.0.0.1 by the standard library's ``http.server``.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import TEST_DATA, require_tool
from test_render import NAME, hostile  # noqa: F401 — the hostile county, built for this module

try:
    from playwright import sync_api
except ImportError:  # a developer's machine without the test extras; CI has them
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip("playwright is not installed: pip install -e '.[test]'", allow_module_level=True)

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 800}
PROJECT = "projects/SX2019001/"
PROJECT_NAME = "张寨镇东节村扶贫养驴场建设项目"
VILLAGE = "villages/371522107202/"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@functools.cache
def _villages() -> list[dict[str, str]]:
    raw = (TEST_DATA / "contract_county" / "villages.csv").read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.DictReader(io.StringIO(raw.decode(enc))))
        except UnicodeDecodeError:
            continue
    raise AssertionError("villages.csv is neither UTF-8 nor GB18030")


def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def url(contract) -> Iterator[str]:
    """Base URL of the contract county's site, served locally."""
    yield from serve(contract[0] / "site")


@pytest.fixture(scope="module")
def browser():
    executable = require_tool("chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def search(page, text: str) -> None:
    """Type into Material's search box. Playwright inserts Chinese without key events, and
    Material searches on ``keyup``: a final key press is what a phone keyboard sends too."""
    box = page.locator("input.md-search__input")
    box.fill(text)
    box.press("End")


# --- (a) a phone: no sideways scrolling, large type -------------------------------------

_FONT_SIZES = """() => [...document.querySelectorAll(
    "article p, article li, article td, article th, article h1, footer li")]
  .filter(e => e.offsetParent !== null && e.textContent.trim())
  .map(e => [e.tagName, parseFloat(getComputedStyle(e).fontSize),
             e.textContent.trim().slice(0, 20)])
"""


@pytest.mark.parametrize("rel", ["", PROJECT, VILLAGE])
def test_phone_page_fits_the_screen_and_text_is_large(phone, url, rel):
    phone.goto(url + rel, wait_until="networkidle")
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"
    body = phone.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('article.md-typeset')).fontSize)"
    )
    assert body >= 16
    small = [e for e in phone.evaluate(_FONT_SIZES) if e[1] < 16 - 0.01]
    assert small == [], f"text smaller than 16px: {small[:10]}"


# --- (b) without JavaScript -------------------------------------------------------------


def test_project_page_reads_without_javascript(browser, url):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url + PROJECT)
        assert page.locator("article h1").inner_text().strip() == PROJECT_NAME
        # the 资金来源 table (the 资金安排与拨付 table below it names 资金来源 too)
        table = page.locator("article table:has(thead th:first-child:text-is('资金来源'))")
        assert table.is_visible()
        text = table.inner_text()
        assert "中央财政" in text and "合计" in text and "750,000.00" in text
        assert page.locator("article a[href^='tel:']").first.is_visible()
    finally:
        context.close()


# --- (c) no request leaves 127.0.0.1 ------------------------------------------------------


@pytest.mark.parametrize("rel", ["", PROJECT])
def test_every_request_stays_on_the_site(phone, url, rel):
    requests: list[str] = []
    phone.on("request", lambda r: requests.append(r.url))
    phone.goto(url + rel, wait_until="networkidle")
    phone.locator("label[for=__search]").first.click()  # loads the search worker and index
    phone.wait_for_load_state("networkidle")
    assert requests
    outside = [
        u
        for u in requests
        if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"
    ]
    assert outside == []


# --- (d) search finds a village -----------------------------------------------------------


def test_search_finds_a_village_and_opens_it(phone, url):
    village = next(v for v in _villages() if v["区划代码"] == VILLAGE.split("/")[1])
    name = village["村名"]
    phone.goto(url, wait_until="networkidle")
    phone.locator("label[for=__search]").first.click()
    search(phone, name)
    phone.wait_for_selector(".md-search-result__item")
    target = phone.locator(f".md-search-result__item a[href*='{VILLAGE}']").first
    target.wait_for()
    target.click()
    phone.wait_for_url(f"**/{VILLAGE}*")
    assert phone.locator("article h1").inner_text().strip() == village["乡镇"] + name


# --- hostile text runs no script in a real browser ------------------------------------------


def test_hostile_project_page_runs_no_script(browser, hostile):  # noqa: F811
    dialogs: list[tuple[str, str]] = []

    def on_dialog(dialog) -> None:
        dialogs.append((dialog.page.url if dialog.page else "", dialog.message))
        dialog.dismiss()

    for site_url in serve(hostile):
        context = browser.new_context(viewport=PHONE)
        try:
            page = context.new_page()
            page.on("dialog", on_dialog)
            page.goto(site_url + "projects/TY2020-666/", wait_until="networkidle")
            assert NAME.split(" ", 1)[1][:6] in page.locator("article h1").inner_text()
            page.goto(site_url + "projects/", wait_until="networkidle")
            page.locator("label[for=__search]").first.click()
            search(page, "标题")
            page.wait_for_selector(".md-search-result__item")
            page.wait_for_timeout(300)
            assert dialogs == [], f"a script from the data ran (page, alert): {dialogs}"
        finally:
            context.close()


# --- (e) search: part of a project name, a contractor, a document number -----------------


@pytest.mark.parametrize(
    "text, target",
    [
        ("养驴场", PROJECT),
        ("莘县宏达建筑工程有限公司（虚构）", PROJECT),
        ("莘财农〔2019〕15号", "funds/F2019-01/"),
    ],
)
def test_search_finds_projects_contractors_and_document_numbers(phone, url, text, target):
    phone.goto(url, wait_until="networkidle")
    phone.locator("label[for=__search]").first.click()
    search(phone, text)
    hit = phone.locator(f".md-search-result__item a[href*='{target}']").first
    hit.wait_for()
    # The hit can be below the phone's screen (the contractor's is the 10th result): Material
    # renders the list again as it scrolls, and a click at once sometimes fell on the list
    # being replaced and went nowhere. A reader scrolls, then taps.
    hit.scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    hit.click()
    # What a reader sees: the page it leads to, showing what was searched for.
    sync_api.expect(phone).to_have_url(re.compile(re.escape(target)), timeout=45_000)
    article = phone.locator("article")
    sync_api.expect(article).to_contain_text(text.removesuffix("（虚构）"), timeout=45_000)


# --- (f) the larger-type switch persists; reading needs no switch ------------------------


def test_larger_type_switch_persists_and_fits_the_phone(phone, url):
    phone.goto(url + PROJECT, wait_until="networkidle")
    size = (
        "() => parseFloat(getComputedStyle(document.querySelector('article.md-typeset')).fontSize)"
    )
    normal = phone.evaluate(size)
    phone.get_by_role("button", name="大字").click()
    large = phone.evaluate(size)
    assert large >= normal * 1.15
    phone.goto(url + VILLAGE, wait_until="networkidle")  # another page, same choice
    assert phone.evaluate(size) == large
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    target = phone.locator(".gs-large-switch").bounding_box()
    assert target["height"] >= 44 and target["width"] >= 44


# --- (g) page weight: a project page on a slow network -----------------------------------


def test_project_page_weight_beyond_cached_theme_assets(browser, url):
    """Bytes a phone downloads for a project page, leaving out Material's own assets (cached
    after the first page of the site). The search index counts: Material fetches it on
    every first load."""
    context = browser.new_context(viewport=PHONE)
    sizes: dict[str, int] = {}
    try:
        page = context.new_page()
        page.on(
            "response",
            lambda r: (
                sizes.__setitem__(r.url, len(r.body()))
                if r.ok and r.request.method == "GET"
                else None
            ),
        )
        page.goto(url + PROJECT, wait_until="networkidle")
        page.wait_for_timeout(500)
    finally:
        context.close()
    theme = [
        u
        for u in sizes
        if "/assets/javascripts/" in u or ("/assets/stylesheets/" in u and "gongshi.css" not in u)
    ]
    own = {u: n for u, n in sizes.items() if u not in theme}
    assert any(u.endswith(PROJECT) for u in own)
    assert sum(own.values()) <= 150 * 1024, sorted(own.items(), key=lambda kv: -kv[1])


# --- site.yaml text stays text; the theme's scripts stay on the site (issue 16.5, 16.8) ---

SITE_FIELDS = ("name", "county", "office", "address", "site_code", "icp")


def _evil(field: str) -> str:
    return (
        f'{field}"><img src=x onerror="window.__gs_xss=1;alert(1)">'
        f"<script>window.__gs_xss=2;alert(2)</script>' &amp; {{{{ 7*7 }}}}"
    )


@pytest.fixture(scope="module")
def hostile_site_yaml(tmp_path_factory) -> Path:
    """The tiny county with hostile text in every string field of site.yaml."""
    import yaml
    from conftest import make_project

    from generator.pipeline import build

    project = make_project(tmp_path_factory.mktemp("hostile_site"), TEST_DATA / "tiny")
    path = project / "data" / "site.yaml"
    site = yaml.safe_load(path.read_text("utf-8"))
    site.update({f: _evil(f) for f in SITE_FIELDS})
    site["phones"] = [{"label": _evil("label"), "number": "0531-7000001"}]
    path.write_text(yaml.safe_dump(site, allow_unicode=True), "utf-8")
    result = build(project, project / "data", project / "site", allow_findings=True)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return project / "site"


@pytest.mark.parametrize("rel", ["", "projects/TY2020-001/", "downloads/", "404.html"])
def test_hostile_site_yaml_text_runs_no_script_and_breaks_no_attribute(
    browser, hostile_site_yaml, rel
):
    dialogs: list[str] = []
    for site_url in serve(hostile_site_yaml):
        context = browser.new_context(viewport=PHONE)
        try:
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(site_url + rel, wait_until="networkidle")
            page.wait_for_timeout(200)
            assert dialogs == []
            assert page.evaluate("typeof window.__gs_xss") == "undefined"
            assert page.evaluate("document.querySelectorAll('[onerror], img[src=x]').length") == 0
            name = _evil("name")
            assert page.locator(".md-header__button.md-logo").get_attribute("aria-label") == name
            assert name in page.title()
            assert page.locator("meta[name=SiteName]").get_attribute("content") == name
            topic = page.locator(".md-header__topic").first.text_content()
            assert squash(topic) == squash(name)
            # Material's content.tooltips put an overflowing title's text into innerHTML
            header = page.locator(".md-header__topic .md-ellipsis").first
            if header.is_visible():
                header.hover(force=True)
                page.wait_for_timeout(500)
                assert dialogs == [] and page.evaluate("typeof window.__gs_xss") == "undefined"
                tip = page.locator(".md-tooltip2__inner")
                if tip.count():
                    assert "onerror" in tip.first.text_content()  # shown as text
            footer = squash(page.locator("footer").text_content())
            for field in ("office", "address", "site_code", "icp", "label"):
                assert squash(_evil(field)) in footer, field
        finally:
            context.close()


def squash(text: str) -> str:
    return " ".join(text.split())


def test_no_outside_request_on_a_browser_without_resize_observer(browser, url):
    """Material's bundle loaded a polyfill from unpkg.com when ResizeObserver is missing
    (old Android WebViews): now it loads the site's own ``resize-observer.js``."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.add_init_script("delete window.ResizeObserver")
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for rel in ("", PROJECT):
            page.goto(url + rel, wait_until="networkidle")
            page.wait_for_timeout(300)
        page.locator("label[for=__search]").first.click()
        page.wait_for_load_state("networkidle")
        outside = [
            u
            for u in requests
            if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"
        ]
        assert outside == []
        assert any(u.endswith("/assets/javascripts/resize-observer.js") for u in requests)
        assert page.evaluate("typeof window.ResizeObserver") == "function"
        # the page still works: the header title is laid out, the tabs are there
        assert page.locator(".md-header__topic").first.bounding_box()["width"] > 0
    finally:
        context.close()
