"""Record text into Markdown, safely: one helper used for every value a template prints.

A record string is text, never markup: ``<script>``, ``| a | b |``, ``[x](javascript:…)``,
a leading ``#`` or a line of ``---`` must show as typed and break no table, heading or page.
HTML is escaped first, then every character Python-Markdown (with the tables and attr_list
extensions) gives meaning to is backslash-escaped, and line breaks become ``<br>`` so a
value always stays inside its table cell or paragraph.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
# Anything escape_md would change; most record values (names, 村, 镇) contain none of it.
_ANY = re.compile(r"[\\`*_{}\[\]()#+\-.!|&<>\"'=\r\n]")


def escape_md(value: object) -> Markup:
    """Escape any value for Markdown (inline, table cell or paragraph).

    >>> str(escape_md("<b>| x |</b>"))
    '&lt;b&gt;\\\\| x \\\\|&lt;/b&gt;'
    >>> str(escape_md("第一行\\n---"))
    '第一行<br>\\\\-\\\\-\\\\-'
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = str(value)
    if not _ANY.search(text):  # the fast path for a million cells of a county
        return Markup(text.strip())
    text = html.escape(text, quote=True)
    text = _SPECIAL.sub(r"\\\1", text)
    text = text.replace("=", "&#61;")
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return Markup("<br>".join(line for line in lines))


def link(text: object, target: str) -> Markup:
    """A Markdown link whose text is escaped; ``target`` is a path from ``urls``."""
    return Markup(f"[{escape_md(text)}]({target})")


def phone(number: str) -> Markup:
    """A big tappable phone link: ``tel:`` takes digits, ``+`` and ``-`` only."""
    digits = re.sub(r"[^\d+\-]", "", number)
    return Markup(f"[{escape_md(number)}](tel:{digits}){{ .gs-phone }}")


_TONE = re.compile(r"[a-z][a-z0-9-]*")


def html_badge(text: object, tone: str = "") -> Markup:
    """``badge`` for a raw HTML block (the text HTML-escaped, no Markdown escapes).

    >>> str(html_badge("拟建-1", "planned"))
    '<span class="gs-badge gs-badge--planned">拟建-1</span>'
    """
    cls = "gs-badge" + (f" gs-badge--{tone}" if tone and _TONE.fullmatch(tone) else "")
    return Markup(f'<span class="{cls}">{html_text(text)}</span>') if text else Markup("")


def badge(text: object, tone: str = "") -> Markup:
    """A status shown as a coloured label (``gs-badge``; ``tone`` picks the colour:
    ``done``, ``active``, ``notice``, ``planned``, ``stopped``, ``late``). The text stays
    text, so a badge reads the same without colour, in print and to a screen reader.

    >>> str(badge("已验收", "done"))
    '<span class="gs-badge gs-badge--done">已验收</span>'
    >>> str(badge("<b>", "x y"))
    '<span class="gs-badge">&lt;b&gt;</span>'
    """
    cls = "gs-badge" + (f" gs-badge--{tone}" if tone and _TONE.fullmatch(tone) else "")
    return Markup(f'<span class="{cls}">{escape_md(text)}</span>') if text else Markup("")


# --- lists written as ready HTML (render/lists.py, the *_index templates) ---------------
# Python-Markdown copies a raw HTML block as it is: a backslash escape would show there, so
# values inside it are HTML-escaped instead (``h`` in templates). A value printed without
# ``h`` still goes through ``escape_md``, which escapes HTML first: never markup either way.


def html_text(value: object) -> Markup:
    """A value as HTML text for a raw HTML block; line breaks become ``<br>``.

    >>> str(html_text("<b>| x & y</b>\\n2"))
    '&lt;b&gt;| x &amp; y&lt;/b&gt;<br>2'
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = html.escape(str(value).strip(), quote=True)
    return Markup("<br>".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))


def html_link(text: object, href: str) -> Markup:
    """An HTML link whose text is escaped; ``href`` from ``urls.href`` (no ``.md``).

    >>> str(html_link("大洼村<道路>", "../projects/JL2018-001/"))
    '<a href="../projects/JL2018-001/">大洼村&lt;道路&gt;</a>'
    """
    return Markup(f'<a href="{html.escape(href, quote=True)}">{html_text(text)}</a>')
