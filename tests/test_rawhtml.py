"""Ready HTML set aside while Python-Markdown converts a page (``build/rawhtml.py``): the
page comes out the same, byte for byte, as when Markdown reads every tag, and a block is
left in place wherever setting it aside could change what Markdown makes of the page.

The whole demo built this way equals a bare ``mkdocs build`` of the same Markdown
(``tests/test_pagecache.py``)."""

from __future__ import annotations

import markdown
import pytest
import yaml
from conftest import REPO

from generator.build.rawhtml import NotPutBack, put_back, set_aside

EXTENSIONS = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))["markdown_extensions"]


def convert(text: str) -> str:
    names = [e if isinstance(e, str) else next(iter(e)) for e in EXTENSIONS]
    configs = {next(iter(e)): next(iter(e.values())) for e in EXTENSIONS if isinstance(e, dict)}
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


ROWS = "\n".join(
    f'<tr data-amount="{i},000"><td><a href="../p/{i}/">项目{i} &amp; 村</a></td> <td>{i}</td></tr>'
    for i in range(40)
)
LIST = f"""<div class="gs-list" data-gs-list="个项目">
<p class="gs-list__count">共 40 个项目</p>
<table class="gs-list__table">
<tbody>
{ROWS}
</tbody>
</table>
<div class="gs-note" id="note">说明</div>
</div>"""
PAGE = f"# 项目公示\n\n一段 **说明**。\n\n{LIST}\n\n## 下载\n\n- [CSV](../downloads/x.csv)\n"


def test_a_list_page_converts_to_the_same_html_without_its_rows_being_parsed() -> None:
    light, kept = set_aside(PAGE, "t")
    assert len(kept) == 1 and "<tr" not in light and len(light) < len(PAGE) // 5
    assert put_back(convert(light), kept) == convert(PAGE)


@pytest.mark.parametrize(
    "page",
    [
        PAGE.replace('<div class="gs-list"', '<div class="gs-list" markdown'),  # md_in_html
        '<div markdown="1">\n\n**a**\n\n</div>\n\n' + PAGE,  # a block converted elsewhere
        "```html\n<p>code</p>\n```\n\n" + PAGE,  # fenced code
        "<!-- 注释 -->\n\n" + PAGE,  # a comment may hide tags
        PAGE.replace("\n\n<div", "\n<div"),  # not after a blank line: inside a paragraph
        PAGE.replace("</div>\n\n## 下载", "</div>\n## 下载"),  # not followed by one
        PAGE.replace("</table>\n<div", "</table>\n<div><div"),  # tags not balanced
        PAGE.replace("<td>1</td>", "<td>\t1</td>"),  # Markdown expands tabs everywhere
        PAGE.replace("\n", "\r\n"),  # and makes \r\n a \n
        PAGE.replace("</tbody>", "   \n</tbody>"),  # and empties a line of spaces
    ],
    ids=[
        "markdown-attr",
        "markdown-block",
        "fence",
        "comment",
        "no-blank-before",
        "no-blank-after",
        "unbalanced",
        "tab",
        "crlf",
        "spaces-line",
    ],
)
def test_nothing_is_set_aside_where_markdown_might_read_it_otherwise(page: str) -> None:
    light, kept = set_aside(page, "t")
    assert kept == [] and light == page
    assert put_back(convert(light), kept) == convert(page)


def test_a_token_that_does_not_come_back_once_fails_the_page() -> None:
    light, kept = set_aside(PAGE, "t")
    html = convert(light)
    with pytest.raises(NotPutBack):
        put_back(html.replace(kept[0][0], "gone"), kept)
    with pytest.raises(NotPutBack):
        put_back(html + html, kept)
