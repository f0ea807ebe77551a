"""Printable notices for the village board: the demo county's print pages and their PDFs.

A cadre prints the notice (or the PDF) and pins it to the 公开栏; a villager scans its QR
code. So: a PDF for every notice, A4, with the Chinese text, notice number, period, office,
12317, and a QR code that decodes to the online page. The PDFs come from the real build
(Chromium ``page.pdf``); the QR code is read back with zxing-cpp from the rendered PDF.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from conftest import require_tool

from generator.build import pdf as printing
from generator.render import print_pages, urls

BASE = "https://fupin.lanling.gov.cn/"
A4 = (595.3, 841.9)  # points


@pytest.fixture(scope="module")
def site(demo) -> Path:
    require_tool("chromium")  # PDFs are made only where Chromium runs
    return demo[0] / "site"


def _text(pdf) -> str:
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def _qr_codes(pdf) -> list[str]:
    found = []
    for i in range(len(pdf)):
        image = pdf[i].render(scale=3, grayscale=True).to_numpy()
        found += [r.text for r in zxingcpp.read_barcodes(image)]
    return found


def test_every_print_page_has_its_pdf(site):
    pages = printing.print_pages(site)
    kinds = {p.parent.parent.name for p in pages}
    assert kinds == {"projects", "funds", "benefits", "distributions"}
    missing = [p for p in pages if not (p.parent / f"{p.parent.name}.pdf").is_file()]
    assert missing == []
    # every project has a 事前公示; accepted ones also a 事后公告
    assert (site / "print/projects/JL2018-001-before/JL2018-001-before.pdf").is_file()
    assert any(p.parent.name.endswith("-after") for p in pages)


@pytest.mark.parametrize(
    "rel, words",
    [
        (
            "projects/JL2018-001-before",
            ["事前公示", "公示期", "兰陵县扶贫开发办公室", "12317", "资金规模"],
        ),
        ("funds/F2018-01", ["资金公告", "鲁财农指", "12317"]),
    ],
)
def test_pdf_is_a4_with_chinese_text_and_a_qr_code_to_the_page(site, rel, words):
    name = rel.split("/")[1]
    pdf = pdfium.PdfDocument(site / "print" / rel / f"{name}.pdf")
    w, h = pdf[0].get_size()
    assert abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2
    text = _text(pdf)
    for word in words:
        assert word in text, f"“{word}” missing from the PDF of {rel}"
    # notice number and period from the notices table, not the blanks for unknown ones
    assert re.search(r"公示编号：GS\d{4}-\d{3}", text), text[:300]
    assert re.search(r"公示期：\d{4}年\d+月\d+日 至 \d{4}年\d+月\d+日", text), text[:300]
    online = f"{BASE}{rel.split('/')[0]}/{name.removesuffix('-before')}/"
    assert _qr_codes(pdf) == [online]


def test_pdfs_link_to_the_public_site_not_the_build_folder(site):
    """Chromium writes a PDF's links as absolute URLs: they must point at the county's site
    (base_url), never at the folder the build ran in (a path of the build machine that
    would also make two builds differ)."""
    pdfs = sorted(site.glob("print/*/*/*.pdf"))
    assert pdfs
    for path in pdfs:
        data = path.read_bytes()
        assert b"file:" not in data, path
        assert b".site.new" not in data and str(site.parent).encode() not in data, path
    uris = set(re.findall(rb"/URI \((https?://[^)]*)\)", pdfs[0].read_bytes()))
    assert uris and all(u.startswith(BASE.encode()) for u in uris), uris


def test_online_pages_link_to_their_print_page(site):
    html = (site / "projects/JL2018-001/index.html").read_text("utf-8")
    assert "打印事前公示" in html or "打印本页公示" in html
    assert 'href="../../print/projects/JL2018-001-before/"' in html
    page = (site / "print/projects/JL2018-001-before/index.html").read_text("utf-8")
    assert 'href="JL2018-001-before.pdf"' in page


def test_print_media_shows_only_the_notice(site, browser_page):
    """Chromium's print rendering: no header, no nav, no buttons; the notice and QR stay."""
    from test_browser import serve

    for url in serve(site):
        browser_page.goto(url + "print/projects/JL2018-001-before/", wait_until="load")
        browser_page.emulate_media(media="print")
        visible = browser_page.evaluate("""() => ({
          header: getComputedStyle(document.querySelector('.md-header')).display !== 'none',
          bar: getComputedStyle(document.querySelector('.gs-notice-bar')).display !== 'none',
          qr: document.querySelector('.gs-notice__qr img').getBoundingClientRect().width,
          h1: document.querySelector('.gs-notice h1').innerText})""")
        assert not visible["header"] and not visible["bar"]
        assert visible["qr"] > 80 and "事前公示" in visible["h1"]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright
    from test_browser import ARGS

    executable = require_tool("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            yield b.new_page()
        finally:
            b.close()


def test_online_url_uses_base_url_or_the_site_path():
    assert urls.absolute(BASE, "funds/F2018-01.md") == BASE + "funds/F2018-01/"
    assert urls.absolute("", "projects/X.md") == "projects/X/"
    svg = print_pages.qr_svg(BASE)
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg


def test_a_qr_code_is_drawn_again_only_when_its_url_or_drawing_changed():
    url = BASE + "projects/JL2018-001/"
    svg = print_pages.qr_svg(url)
    assert f"<title>{url}</title>" in svg
    assert print_pages.qr_svg(url, previous=svg) is svg  # the last build's file is kept
    other = print_pages.qr_svg(BASE + "projects/JL2018-002/", previous=svg)
    assert other != svg and "JL2018-002" in other
    older_drawing = svg.replace(print_pages.QR_CLASS, "segno")
    assert print_pages.qr_svg(url, previous=older_drawing) == svg
    escaped = print_pages.qr_svg(BASE + "search/?q=a&b")
    assert "<title>" + BASE + "search/?q=a&amp;b</title>" in escaped
    assert print_pages.qr_svg(BASE + "search/?q=a&b", previous=escaped) is escaped


def test_pdfs_printed_in_several_tabs_are_the_bytes_of_one_tab(site, tmp_path):
    """``--pdf`` prints a few notices at once (``pdf.default_tabs``): a notice's PDF must
    not depend on what else Chromium was printing, or two builds would differ."""
    chromium = require_tool("chromium")
    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("*.pdf", "search", "downloads"))
    pages = printing.print_pages(copy)[:6]
    stamp, origin = b"20200101000000", BASE

    def printed(tabs: int) -> dict[str, bytes]:
        asyncio.run(printing._print_pages(copy, pages, chromium, stamp, None, origin, tabs=tabs))
        return {p.parent.name: (p.parent / f"{p.parent.name}.pdf").read_bytes() for p in pages}

    one = printed(1)
    assert len(one) == 6 and all(data.startswith(b"%PDF") for data in one.values())
    assert printed(3) == one
