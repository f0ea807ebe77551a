"""Read an HTML page (or an SVG file) as a browser would, with an HTML5 parser (Lexbor, via
selectolax): its text as a reader sees it, the URLs it loads, the links it offers, the code
it would run.

Why a parser: a browser reads ``<img/src=//x>``, unquoted and entity-encoded attributes
(``&#106;avascript:``), ``java\\tscript:``, ``\\\\host`` paths and SVG's ``<image>`` in
ways a regular expression keeps missing. Lexbor is the HTML5 tree builder of a browser
engine and parses a Material page in about a millisecond, so the scan can still run while
MkDocs writes. The parser gives no source positions, so the line of each text run and
element is found by walking the source alongside the tree (in document order).

What is extracted (``Page``):

- ``segments``: text runs (text split only by inline tags is joined, so ``3713<b>24</b>19…``
  reads as one number) and every attribute value, with their lines;
- ``loads``: every URL fetched without a click (``src``, ``srcset``, ``poster``, ``data``,
  stylesheet/icon/preload ``<link>``, SVG ``href``/``xlink:href`` on ``image``/``use``…,
  meta refresh, CSS ``url()``/``@import`` in ``style`` attributes and ``<style>``);
- ``links``: ``<a>``/``<area>`` ``href``, form ``action``/``formaction``;
- ``scripts``: inline ``<script>`` bodies (to match against the theme's templates);
  ``script_urls``: ``javascript:``, ``vbscript:`` and ``data:text/html`` URLs in any
  attribute, and decoded ``data:`` documents that hold a script;
- ``handlers``: event-handler attributes (``onerror=`` …, any case); ``bases``: ``<base href>``.

``data:`` URIs are decoded: text joins ``segments``, an HTML or SVG document is read as a
page itself (its loads, scripts and handlers count as the page's).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from selectolax.lexbor import LexborHTMLParser

from generator.scan.css import css_urls
from generator.scan.segments import Segment

# Text split only by these tags is one run of text to a reader.
_INLINE = "a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q rp rt ruby s samp "
INLINE = frozenset((_INLINE + "small span strong sub sup time tt u var wbr big nobr").split())
_RAW = "script style textarea title xmp iframe noembed noframes plaintext"
RAW_TEXT = frozenset(_RAW.split())
SKIP_TEXT = frozenset({"script", "style", "template"})
# attribute → a URL that is fetched by itself (the tag does not matter: any of them loads)
_LOADS = "src poster data background lowsrc dynsrc codebase archive classid manifest icon "
LOAD_ATTRS = frozenset((_LOADS + "longdesc profile usemap").split())
LINK_TAGS = frozenset({"a", "area"})
SRCSET_ATTRS = frozenset({"srcset", "imagesrcset"})
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:", "mocha:")
_SCRIPT_DATA = ("text/html", "application/xhtml", "image/svg", "text/xml", "application/xml")
_EXECUTABLE = {
    "",
    "text/javascript",
    "application/javascript",
    "module",
    "application/ecmascript",
    "text/ecmascript",
}
_NON_LOADING_RELS = {
    "canonical",
    "alternate",
    "prev",
    "next",
    "author",
    "license",
    "help",
    "search",
    "me",
    "nofollow",
    "noopener",
    "noreferrer",
    "external",
    "bookmark",
    "tag",
}
_C0_SPACE = "".join(map(chr, range(33)))
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_OUTSIDE = re.compile(r"^[\x00-\x20]*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_REFRESH = re.compile(r"^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.IGNORECASE | re.DOTALL)
_DATA = re.compile(r"^data:([^,]*?),(.*)$", re.IGNORECASE | re.DOTALL)
_PIECE = re.compile(r"[^&<>\"'\xa0]*")
_DIGIT = re.compile(r"\d")
MAX_DEPTH = 3  # data: documents inside data: documents…


def clean_url(url: str) -> str:
    """The URL as a browser resolves it: leading/trailing controls and spaces dropped, tabs
    and newlines anywhere removed, ``\\`` read as ``/``.

    >>> clean_url(" java\\tscript:x"), clean_url("\\\\\\\\host\\\\share")
    ('javascript:x', '//host/share')
    """
    return re.sub(r"[\t\n\r]", "", url).strip(_C0_SPACE).replace("\\", "/")


def outside(url: str) -> bool:
    """Does the URL leave the site (``https://x``, ``//x``, ``\\\\x``)?"""
    u = clean_url(url)
    return bool(u) and bool(_OUTSIDE.match(u)) and not u.lower().startswith(("data:", "blob:"))


def runs_script(url: str) -> bool:
    u = clean_url(url).lower()
    return u.startswith(SCRIPT_SCHEMES + ("data:text/html", "data:application/xhtml"))


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` (the HTML spec's candidate parsing: a URL is a run of
    non-space characters, a comma ends a candidate only outside a URL).

    >>> srcset_urls("a.png 1x, //x/b.png 2x,data:image/png;base64,AA== 3x")
    ['a.png', '//x/b.png', 'data:image/png;base64,AA==']
    """
    out, i, n = [], 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while i < n and (depth or value[i] != ","):
                depth += value[i] == "("
                depth -= value[i] == ")" and depth > 0
                i += 1
        if url:
            out.append(url)
    return out


def decode_data_uri(url: str) -> tuple[str, bytes] | None:
    """``(media type, bytes)`` of a ``data:`` URI, or ``None`` if it is not one.

    >>> decode_data_uri("data:text/plain;base64,MTIz")
    ('text/plain', b'123')
    """
    m = _DATA.match(clean_url(url))
    if not m:
        return None
    meta, payload = m.group(1).strip().lower(), m.group(2)
    raw = unquote_to_bytes(payload)
    if meta.endswith(";base64"):
        meta = meta[: -len(";base64")]
        squeezed = re.sub(rb"[^A-Za-z0-9+/=_-]", b"", raw)
        try:
            raw = base64.b64decode(squeezed + b"=" * (-len(squeezed) % 4), altchars=None)
        except (binascii.Error, ValueError):
            try:
                raw = base64.urlsafe_b64decode(squeezed + b"=" * (-len(squeezed) % 4))
            except (binascii.Error, ValueError):
                return meta.split(";")[0], b""
    return meta.split(";")[0].strip() or "text/plain", raw


def _text(data: bytes) -> str | None:
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


@dataclass
class Page:
    segments: list[Segment] = field(default_factory=list)
    loads: list[tuple[str, int]] = field(default_factory=list)
    links: list[tuple[str, int]] = field(default_factory=list)
    scripts: list[tuple[str, int]] = field(default_factory=list)
    script_urls: list[tuple[str, int]] = field(default_factory=list)
    handlers: list[tuple[str, str, int]] = field(default_factory=list)
    bases: list[tuple[str, int]] = field(default_factory=list)

    def merge(self, other: Page, line: int) -> None:
        """A document inside this one (``data:`` URI, ``srcdoc``) at ``line``."""
        self.segments.extend(Segment(s.text, line, 1, "（data: 解码后）") for s in other.segments)
        self.loads.extend((u, line) for u, _ in other.loads)
        self.links.extend((u, line) for u, _ in other.links)
        self.scripts.extend((c, line) for c, _ in other.scripts)
        self.script_urls.extend((c, line) for c, _ in other.script_urls)
        self.handlers.extend((a, v, line) for a, v, _ in other.handlers)
        self.bases.extend((u, line) for u, _ in other.bases)


class _Source:
    """Lines of offsets in the source, and a cursor that follows the tree through it."""

    def __init__(self, source: str) -> None:
        low = source.lower()  # offsets must match the source's: lower() may change a length
        self.low = low if len(low) == len(source) else source.translate(_ASCII_LOWER)
        self.newlines = [m.start() for m in re.finditer("\n", source)]
        self.cursor = 0

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_left(self.newlines, offset)
        return i + 1, offset - (self.newlines[i - 1] if i else -1)

    def line(self) -> int:
        return self.line_col(self.cursor)[0]

    def element(self, tag: str) -> None:
        """Move the cursor to the start tag of the next element ``tag``."""
        for name in (tag, "image") if tag == "img" else (tag,):
            pos = self.cursor
            while True:
                pos = self.low.find("<" + name, pos)
                if pos < 0:
                    break
                after = self.low[pos + 1 + len(name) : pos + 2 + len(name)]
                if after in ("", " ", "\t", "\n", "\r", "\f", "/", ">"):
                    self.cursor = pos
                    return
                pos += 1

    def skip_to_end(self, tag: str) -> None:
        pos = self.low.find("</" + tag, self.cursor + 1)
        if pos >= 0:
            self.cursor = pos

    def text(self, text: str) -> int:
        """Offset of a text node's text (best effort), the cursor moved past it."""
        m = _PIECE.match(text.strip())
        piece = m.group()[:40] if m else ""
        if piece:
            low = piece.lower()
            pos = self.low.find(low if len(low) == len(piece) else piece, self.cursor)
            if pos >= 0:
                self.cursor = pos
                return pos
        return self.cursor


@lru_cache(maxsize=16384)
def _element(tag: str, attrs: tuple[tuple[str, str | None], ...]) -> tuple:
    """What one element loads, links, runs; cached per distinct element (the theme's
    chrome repeats on every page)."""
    a = {k: v or "" for k, v in attrs}
    loads, links, script_urls, handlers, data = [], [], [], [], []
    base = None
    rel = set(a.get("rel", "").lower().split())
    for name, value in a.items():
        if name.startswith("on"):
            handlers.append((name, value))
            continue
        urls: list[str] = []
        if name == "style":
            urls = [u for u, _ in css_urls(value, True)]
            kind = "load"
        elif name in SRCSET_ATTRS:
            urls, kind = srcset_urls(value), "load"
        elif name in LOAD_ATTRS:
            urls, kind = [value], "load"
        elif name in ("href", "xlink:href"):
            urls = [value]
            if tag in LINK_TAGS:
                kind = "link"
            elif tag == "link":
                kind = "load" if rel - _NON_LOADING_RELS or not rel else "none"
            elif tag == "base":
                base, kind = value, "none"
            else:  # SVG image/use/feImage/script/pattern…: fetched
                kind = "load"
        elif name in ("action", "formaction"):
            urls, kind = [value], "link"
        elif name in ("ping", "cite"):
            urls, kind = value.split(), "load" if name == "ping" else "none"
        elif name == "content" and a.get("http-equiv", "").lower() == "refresh":
            m = _REFRESH.match(value)
            target = m.group(1).strip().strip("'\"") if m else value
            urls, kind = [target], "load"
        elif name in ("to", "from", "values", "by") and tag in ("animate", "set"):
            urls, kind = value.split(";"), "none"  # SVG animating an href
        elif name in ("xml:base", "xmlns:xlink", "xmlns"):
            continue
        else:  # any other attribute: a script URL is still a script URL
            if runs_script(value):
                script_urls.append(value)
            if value[:5].lower() == "data:":
                data.append(value)
            continue
        for url in urls:
            if runs_script(url):
                script_urls.append(url)
            if clean_url(url).lower().startswith("data:"):
                data.append(url)
            elif runs_script(url):
                continue
            elif kind == "load":
                loads.append(url)
            elif kind == "link":
                links.append(url)
    digits = tuple((n, v) for n, v in a.items() if _DIGIT.search(v))  # for the matcher
    return (
        tuple(loads),
        tuple(links),
        tuple(script_urls),
        tuple(handlers),
        base,
        tuple(data),
        digits,
    )


def read_page(source: str, depth: int = 0) -> Page:
    """The ``Page`` of an HTML (or SVG) document."""
    page = Page()
    if not source.strip():
        return page
    src = _Source(source)
    tree = LexborHTMLParser(source)
    run: list[str] = []
    run_at = [0]

    def flush() -> None:
        text = "".join(run)
        if text.strip():
            line, col = src.line_col(run_at[0])
            page.segments.append(Segment(text, line, col))
        run.clear()

    # explicit stack (a hostile page may nest thousands deep): (node, leaving?)
    root = tree.root
    stack: list = [(root, False)] if root is not None else []
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag not in INLINE:
                flush()
            continue
        if tag == "-text":
            text = node.text_content or ""
            at = src.text(text)
            if not run:
                run_at[0] = at
            run.append(text)
            continue
        if tag.startswith("_") or tag == "-comment" or tag == "!doctype":
            continue
        if tag not in INLINE:
            flush()
        src.element(tag)
        line = src.line()
        attrs = tuple(node.attributes.items())
        if attrs:
            _attributes(page, tag, attrs, line, depth)
        if tag == "script":
            a = dict(attrs)
            if a.get("src") is None and (a.get("type") or "").lower().strip() in _EXECUTABLE:
                page.scripts.append((node.text(deep=True), line))
        elif tag == "style":
            css = node.text(deep=True)
            for url, n in css_urls(css):
                _css_url(page, url, line + n - 1, depth)
        if tag in RAW_TEXT or tag == "template":
            src.skip_to_end(tag)
            if tag not in SKIP_TEXT and tag != "iframe":  # textarea, title: text a reader sees
                text = node.text(deep=True)
                if text.strip():
                    page.segments.append(Segment(text, line, 1))
            continue
        stack.append((node, True))
        child = node.last_child
        while child is not None:  # reversed, so that the first child is popped first
            stack.append((child, False))
            child = child.prev
    flush()
    return page


def _css_url(page: Page, url: str, line: int, depth: int) -> None:
    if runs_script(url):
        page.script_urls.append((url, line))
    elif clean_url(url).lower().startswith("data:"):
        _data(page, url, line, depth)
    else:
        page.loads.append((url, line))


def _attributes(page: Page, tag: str, attrs: tuple, line: int, depth: int) -> None:
    loads, links, script_urls, handlers, base, data, digits = _element(tag, attrs)
    page.loads.extend((u, line) for u in loads)
    page.links.extend((u, line) for u in links)
    page.script_urls.extend((u, line) for u in script_urls)
    page.handlers.extend((n, v, line) for n, v in handlers)
    if base is not None:
        page.bases.append((base, line))
    for url in data:
        _data(page, url, line, depth)
    for name, value in digits:
        page.segments.append(Segment(value, line, 1, f"{tag} {name} 属性"))
    for name, value in attrs:
        if name == "srcdoc" and value and depth < MAX_DEPTH:
            page.merge(read_page(value, depth + 1), line)


def _data(page: Page, url: str, line: int, depth: int) -> None:
    """A ``data:`` URI, decoded: a document is read as a page, text is scanned as text."""
    decoded = decode_data_uri(url)
    if decoded is None:
        return
    media, raw = decoded
    text = _text(raw)
    if text is None:
        return  # an image or a font
    if media.startswith(_SCRIPT_DATA) or "<svg" in text[:2000].lower():
        if depth < MAX_DEPTH:
            page.merge(read_page(text, depth + 1), line)
    elif "javascript" in media or "ecmascript" in media:
        page.script_urls.append((url, line))
        page.segments.append(Segment(text, line, 1, "（data: 解码后）"))
    else:
        page.segments.append(Segment(text, line, 1, "（data: 解码后）"))
