"""axe-core (via axe-playwright-python, which bundles it) in Debian's Chromium on every page
type of the demo site, at phone width: no serious or critical violation.

Elderly villagers on cheap phones are the first readers (GB/T 37668-2019, WCAG AA).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from test_browser import PHONE, browser, search, serve  # noqa: F401 — browser is a fixture


@pytest.fixture(scope="module")
def demo_url(demo) -> Iterator[str]:
    yield from serve(demo[0] / "site")


def _first(site: Path, folder: str) -> str:
    """The URL path of the first record page of a section of the built site."""
    pages = sorted(p for p in (site / folder).glob("*/index.html"))
    assert pages, f"no page under {folder}/"
    return f"{folder}/{pages[0].parent.name}/"


def _pages(site: Path) -> list[str]:
    pages = [
        "",
        "villages/",
        _first(site, "projects"),
        _first(site, "villages"),
        _first(site, "funds"),
        _first(site, "benefits"),
        _first(site, "cases"),
        _first(site, "distributions"),
        "print/projects/JL2018-001-before/",
    ]
    if (site / "compliance" / "index.html").is_file():
        pages.append("compliance/")
    if (site / "flow" / "index.html").is_file():
        pages.append("flow/")  # 资金流向: stacked-bar charts and wide tables
    return pages


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_page_type_passes_axe(browser, demo, demo_url):  # noqa: F811
    axe = Axe()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    failures = {}
    try:
        page = context.new_page()
        for rel in _pages(demo[0] / "site"):
            page.goto(demo_url + rel, wait_until="networkidle")
            bad = _serious(axe.run(page))
            if bad:
                failures[rel or "/"] = bad
        # the search results, open over the home page
        page.goto(demo_url, wait_until="networkidle")
        # colours are measured in their final state: a transition caught half-way (the
        # results fading in, a tooltip fading out) gave axe blended colours on a loaded
        # machine, now and then
        page.add_style_tag(
            content="*, *::before, *::after { transition: none !important;"
            " animation: none !important; }"
        )
        page.locator("label[for=__search]").first.click()
        search(page, "金岭镇")
        page.wait_for_selector(".md-search-result__item")
        # the pointer that opened the search rests on its clear button, whose tooltip then
        # fades in: move it off, as a reader's finger lifts, and measure contrast once every
        # transition has ended (a loaded machine otherwise gives axe half-faded colours)
        page.mouse.move(5, 600)
        page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
        bad = _serious(axe.run(page))
        if bad:
            failures["搜索结果"] = bad
    finally:
        context.close()
    assert failures == {}
