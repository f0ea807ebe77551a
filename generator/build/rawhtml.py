"""Ready HTML set aside while Python-Markdown converts a page, and put back after it.

The generator writes its lists and tables as ready HTML (``site_templates/pages/_lists``):
a county's project list is one raw HTML block of 2,000 rows. Python-Markdown passes a raw
block through unchanged, but only after two pure-Python HTML parsers have read every tag
of it (MkDocs' anchor collector and ``md_in_html``'s block finder): on a warm county build
after one rename, converting the 19 list pages that show the project took 32 s of 36 s
(issue 20; the same page without its blocks converts in a few milliseconds).

So, before conversion (``on_page_markdown``), each top-level raw block whose first line
opens a ``div``, ``nav`` or ``table`` and whose last line closes it keeps its first and
last line and loses what is between, replaced by one line of text, a token. Python-Markdown
still sees a raw block of the same tag at the same place, decides the same about it, and
copies it through; after conversion (``on_page_content``) the token's line is replaced by
the lines set aside. A block is set aside only when that is certain to change nothing:

- it starts at column 0 after a blank line (or the page's start) and ends with its closing
  tag alone on a line followed by a blank line (or the page's end), the tags of its name
  balanced in between;
- the page has no ``markdown`` attribute anywhere (``md_in_html`` converts inside such a
  block, and a block nested in one is rebuilt as elements, not copied), no fenced code
  (```` ``` ```` or ``~~~``) and no HTML comment, where a tag at column 0 is not HTML,
  and nothing Python-Markdown rewrites in the whole source before it reads a block (a
  tab, a carriage return, STX or ETX, a line of spaces).

Every token must be found exactly once in the converted page, or the build fails (the
published site stays as it was). ``tests/test_pagecache.py`` compares the pages built this
way with a bare ``mkdocs build`` of the same Markdown, byte for byte, and the demo's
reviewed output (``tests/data/demo_content.sha256``) did not change. The ids inside a block
set aside are added back to the page's anchors, so ``validation.anchors`` sees them.

The plugin is used only with no plugin but search (``shards.unsplittable``): another
plugin's ``on_page_markdown`` might want to read the blocks.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.plugins import BasePlugin

TAGS = ("div", "nav", "table")
MIN_LINES = 8  # a block shorter than this costs the parsers little: left in place
_OPEN = {t: re.compile(rf"<{t}(?=[\s>/])") for t in TAGS}
_CLOSE = {t: re.compile(rf"</{t}\s*>") for t in TAGS}
_MARKDOWN = re.compile(r"\smarkdown(?=[\s=>/])")  # md_in_html: markdown, markdown="1"…
# fences and comments (a tag at column 0 is not HTML there); what Python-Markdown rewrites
# in the whole source before it reads blocks, raw HTML included: tabs (expanded), \r
# (made \n), STX/ETX (removed), lines of spaces (emptied)
_UNSURE = re.compile(r"```|~~~|<!--|[\t\r\x02\x03]|^[ ]+$", re.M)
_START = re.compile(r"<(" + "|".join(TAGS) + r")(?=[\s>])")


class NotPutBack(Exception):
    """A block set aside could not be put back: the page would be wrong."""


def set_aside(markdown: str, nonce: str) -> tuple[str, list[tuple[str, str]]]:
    """The Markdown with its long raw blocks lightened, and ``(token, lines)`` for each."""
    if _UNSURE.search(markdown) or _MARKDOWN.search(markdown):
        return markdown, []
    lines = markdown.split("\n")
    out: list[str] = []
    kept: list[tuple[str, str]] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        m = _START.match(line)
        end = (
            _block_end(lines, i, m.group(1)) if m and (i == 0 or not lines[i - 1].strip()) else None
        )
        if end is None or end - i + 1 < MIN_LINES:
            out.append(line)
            i += 1
            continue
        token = f"gs-ready-html-{nonce}-{len(kept)}"
        kept.append((token, "\n".join(lines[i + 1 : end])))
        out.extend([line, token, lines[end]])
        i = end + 1
    return "\n".join(out), kept


def _block_end(lines: list[str], start: int, tag: str) -> int | None:
    """The line that closes the block opened at ``start``, if it is a block that can be
    set aside (see the module docstring); else ``None``."""
    depth = 0
    for j in range(start, len(lines)):
        line = lines[j]
        depth += len(_OPEN[tag].findall(line)) - len(_CLOSE[tag].findall(line))
        if depth <= 0:
            closes = line.strip() == f"</{tag}>" and j > start
            after = j + 1 == len(lines) or not lines[j + 1].strip()
            return j if closes and after and depth == 0 else None
    return None


def put_back(html: str, kept: list[tuple[str, str]]) -> str:
    """The converted page with every block's lines where its token is."""
    for token, body in kept:
        line = f"\n{token}\n"
        if html.count(line) != 1:
            raise NotPutBack(token)
        html = html.replace(line, f"\n{body}\n", 1)
    return html


def plugin() -> BasePlugin:
    from mkdocs.plugins import BasePlugin, event_priority
    from selectolax.lexbor import LexborHTMLParser

    nonce = secrets.token_hex(4)
    aside: dict[str, list[tuple[str, str]]] = {}

    class ReadyHtml(BasePlugin):
        @event_priority(-100)  # last: what any other plugin's Markdown becomes
        def on_page_markdown(self, markdown: str, page: Any, **kwargs: Any) -> str:
            light, kept = set_aside(markdown, nonce)
            if kept:
                aside[page.file.src_uri] = kept
            return light

        @event_priority(100)  # first: every other plugin (search) reads the whole page
        def on_page_content(self, html: str, page: Any, **kwargs: Any) -> str:
            kept = aside.pop(page.file.src_uri, None)
            if not kept:
                return html
            try:
                whole = put_back(html, kept)
            except NotPutBack as exc:
                from mkdocs.exceptions import PluginError

                raise PluginError(
                    f"gongshi：页面 {page.file.src_uri} 的表格无法放回原处（{exc}），未发布"
                ) from None
            ids = page.present_anchor_ids
            if ids is not None:
                for body in (b for _, b in kept):
                    tree = LexborHTMLParser(body)
                    ids |= {n.attributes.get("id") or "" for n in tree.css("[id]")} - {""}
                    ids |= {n.attributes.get("name") or "" for n in tree.css("a[name]")} - {""}
            return whole

    return ReadyHtml()
