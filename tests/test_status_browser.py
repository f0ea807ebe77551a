"""The live notice status in a real browser (issue 17): on a 360 px phone the home page and
a project page show the 公示中 badge with its day count, with and without JavaScript, and
the count follows the reader's clock (Playwright's clock), so a page built last week still
tells the truth.

The fixture is the tiny county with a data date (2020-05-08) that puts one notice
(TY-GS-003, 2020-05-06 to 2020-05-17, project TY2020-003) inside its period.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import TEST_DATA, build_project, make_project
from test_browser import ARGS, PHONE, serve

try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - test_browser skips or fails the same way
    pytest.skip("playwright is not installed", allow_module_level=True)

PROJECT = "projects/TY2020-003/"
BUILT = "公示中（第 3 天，共 12 天，5月17日截止）"
CHINA = timezone(timedelta(hours=8))
DATA_DATE = datetime(2020, 5, 8, 9, 0, tzinfo=CHINA)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("status"), TEST_DATA / "tiny")
    path = project / "data" / "site.yaml"
    path.write_text(path.read_text("utf-8") + "data_date: 2020-05-08\n", "utf-8")
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return project / "site"


@pytest.fixture(scope="module")
def url(site) -> Iterator[str]:
    yield from serve(site)


@pytest.fixture(scope="module")
def browser():
    from conftest import require_tool

    executable = require_tool("chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def open_page(browser, url: str, rel: str, js: bool, clock: datetime | None = None):
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        java_script_enabled=js,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    if clock is not None:
        page.clock.set_fixed_time(clock)
    page.goto(url + rel, wait_until="networkidle" if js else "load")
    return context, page


def badge(page):
    """The badge of TY-GS-003: on the home page in 正在公示, on the project page in 公示情况."""
    return page.locator(".gs-status[data-gs-start='2020-05-06']").first


def fits(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"
    box = badge(page).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.parametrize("rel", ["", PROJECT])
def test_without_javascript_the_page_shows_the_status_of_the_data_date(browser, url, rel):
    context, page = open_page(browser, url, rel, js=False)
    try:
        b = badge(page)
        assert b.is_visible()
        assert b.inner_text() == BUILT
        fits(page)
        if rel == "":
            section = page.locator(".gs-open")
            assert section.locator("xpath=preceding-sibling::h2[1]").inner_text() == "正在公示"
            text = section.inner_text()
            assert "白水村饮水安全巩固提升工程" in text and "怎样提出异议" in text
            assert section.locator("a[href^='tel:']").count() >= 3  # the site.yaml phones
            assert not page.locator(".gs-open-none").is_visible()
        else:
            meta = page.locator("article table", has_text="索引号").first
            assert "发布机构" in meta.inner_text() and "虚构县乡村振兴局" in meta.inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("rel", ["", PROJECT])
def test_the_script_agrees_with_the_build_on_the_data_date(browser, url, rel):
    context, page = open_page(browser, url, rel, js=True, clock=DATA_DATE)
    try:
        assert badge(page).inner_text() == BUILT
        fits(page)
    finally:
        context.close()


@pytest.mark.parametrize("rel", ["", PROJECT])
def test_a_week_later_the_readers_clock_moves_the_count(browser, url, rel):
    context, page = open_page(browser, url, rel, js=True, clock=DATA_DATE + timedelta(days=7))
    try:
        b = badge(page)
        assert b.inner_text() == "公示中（第 10 天，共 12 天，5月17日截止）"
        assert "gs-status--open" in (b.get_attribute("class") or "")
        fits(page)
    finally:
        context.close()


def test_after_the_period_the_badge_says_it_is_over_and_the_home_page_says_so(browser, url):
    context, page = open_page(browser, url, "", js=True, clock=DATA_DATE + timedelta(days=10))
    try:
        b = badge(page)
        assert b.inner_text() == "已期满（5月17日截止）"
        assert "gs-status--ended" in (b.get_attribute("class") or "")
        assert page.locator(".gs-open-none").is_visible()
        assert "都已期满" in page.locator(".gs-open-none").inner_text()
    finally:
        context.close()


def test_the_status_script_is_local_and_in_every_page(site):
    script = site / "assets" / "javascripts" / "gongshi-status.js"
    assert script.is_file()
    assert "http" not in script.read_text("utf-8").split("*/", 1)[1]  # no outside address
    for rel in ("index.html", "projects/TY2020-003/index.html", "notices/index.html"):
        html = (site / rel).read_text("utf-8")
        assert "assets/javascripts/gongshi-status.js" in html, rel
    notices = (site / "notices" / "index.html").read_text("utf-8")
    assert notices.count('class="gs-status gs-status--ended"') == 3  # TY-GS-001, 002, 004
