"""No page shows HTML as text: a figure's ``<span class="gs-fig">`` joined to text with
Jinja's ``~`` loses its Markup and is escaped into the page as visible tags (it happened to
the 合同金额 and 涉及金额 cells). Checked on every page of the contract county, as a
reader sees it (code examples, such as the verify page's recipe, are meant to show tags)."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser


def test_no_page_prints_a_tag_as_text(contract) -> None:
    project, result = contract
    assert result.published
    shown = []
    for page in sorted((project / "site").rglob("*.html")):
        tree = LexborHTMLParser(page.read_text("utf-8"))
        body = tree.css_first("article") or tree.body
        if body is None:
            continue
        for node in body.css("pre, code, script, style"):
            node.decompose()
        text = body.text()
        if any(tag in text for tag in ("<span", "<a ", "<div", "</")):
            shown.append(page.relative_to(project / "site").as_posix())
    assert shown == []
