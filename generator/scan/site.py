"""The scan stage: read every file of a built site and prove nothing private or outside
slipped through. The second lock: never-published columns are already dropped at load and
identifiers in text redacted when the model is built.

What it looks for, and where:

- the exact private values the loader saw (ID numbers, bank accounts, phones, addresses),
  in any spelling (``privacy.KnownValues``): in every file, text or not, gzip unpacked,
  the search index decoded;
- identifiers by their shape (``privacy.find_identifiers``: checksum-valid IDs, Luhn-valid
  cards, accounts after a bank word, mobiles, unofficial landlines, e-mail addresses) and
  private persons' full names: only where record text lands — the visible text and
  attributes of HTML pages, the search index, and downloads (CSV, JSON, XLSX). Theme
  JavaScript and CSS are full of long numbers and words and are left to the exact match.
  The model's redaction uses the same ``privacy.Matcher``;
- resources loaded from another host (``src``, stylesheet/icon/preload/preconnect
  ``href``, ``srcset``, CSS ``url()`` and ``@import``, ``<meta http-equiv=refresh>``), and
  links a person clicks to a host not listed in ``site.yaml`` ``links``;
- inline scripts that no theme template wrote (record text that became a script).

Every finding carries file and position, and only ever the *masked* value.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import gzip
import hashlib
import html
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import cores
from generator import findings as F
from generator.memo import Digests, Memo, digest, digest_of, signature
from generator.privacy import (  # noqa: F401  (id_checksum_ok, mask_value: re-exported)
    KIND_KNOWN,
    Hit,
    Matcher,
    find_identifiers,
    id_checksum_ok,
    mask_value,
)
from generator.scan.css import css_urls
from generator.scan.html import Page, clean_url, outside, read_page
from generator.scan.segments import Segment

# publish (issue 16.8): hosts that serve scripts, polyfills and fonts to other sites; an
# address of one inside a JS file is a request the page may make (Material's bundle loaded
# a polyfill from unpkg.com on old browsers; build.theme_js rewrites it)
_SCRIPT_CDN = re.compile(
    r"(?:https?:)?//(?:unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|"
    r"ajax\.googleapis\.com|fonts\.googleapis\.com|fonts\.gstatic\.com|code\.jquery\.com|"
    r"polyfill\.io|cdn\.polyfill\.io|esm\.sh|cdn\.skypack\.dev|cdn\.bootcdn\.net|"
    r"cdn\.staticfile\.org|cdn\.bootcss\.com|lib\.baomitu\.com)(?![\w.-])[^\s\"'`)]*",
    re.IGNORECASE,
)
DOWNLOAD_SUFFIXES = {".csv", ".json", ".xlsx", ".txt", ".xml", ".ics", ".md"}  # + feeds
# Text files read whole by the identifier matcher (unless byte-identical to a theme file).
TEXT_SUFFIXES = DOWNLOAD_SUFFIXES | {".js", ".mjs", ".css", ".yaml", ".yml", ".map", ".tsv"}
PAGE_SUFFIXES = {".html", ".htm", ".xhtml", ".svg"}
SHARE_FILES = 20  # files the scan hands out at a time to its two processes
HITS_KEPT = 200_000  # distinct texts whose hits ``ScanRules`` keeps, each at most
HITS_TEXT = 2_000  # characters long (what repeats is short: the chrome, names, cells)
# the ICP record link every government site shows, and the 公安机关备案 query (issue 18)
ALWAYS_LINKABLE = ("beian.miit.gov.cn", "beian.mps.gov.cn")
_NUMBER = re.compile(r"[0-9]{5,}[Xx]?")  # leftmost-longest: always a whole run of digits
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@dataclass
class ScanRules:
    """What the site may contain: values to find, phones and hosts that are allowed.

    ``matcher`` is the model's own ``privacy.Matcher`` built from the same inputs (the
    never-published values, the official phones and e-mail addresses, the private persons'
    names), so the scan catches what the model's redaction catches."""

    private_values: frozenset[str] = frozenset()
    official_phones: frozenset[str] = frozenset()
    link_hosts: frozenset[str] = frozenset()
    template_dirs: tuple[Path, ...] = ()
    private_names: frozenset[str] = frozenset()
    matcher: Matcher = field(init=False, repr=False, compare=False)
    # a text's identifier and name hits, by the text: the theme's chrome, the nav and the
    # cells that repeat on every page were 83% of a county's text runs (issue 20)
    _hits: dict[str, tuple[Hit | Masked, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _known: dict[str, tuple[Hit, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    # longer texts' hits, masked, kept between builds by the text's hash (``SiteScan`` sets
    # it to its memo): the search index is written anew by every build, but most of its
    # texts are the same as last time
    memo: Memo | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.private_values, self.official_phones, self.private_names)

    def shape_and_name_hits(self, text: str) -> tuple[Hit | Masked, ...]:
        """Identifiers by shape and private persons' names in ``text``, in order of
        position (the same for the same text, so kept: ``HITS_KEPT``, ``HITS_TEXT``; a
        longer text's in ``memo``, masked: no private value is written to ``.gongshi/``)."""
        found = self._hits.get(text)
        if found is not None:
            return found
        key = None
        if len(text) > HITS_TEXT and self.memo is not None:
            key = ("hits", digest(text.encode("utf-8", "surrogatepass")))
            kept = self.memo.get(key)
            if kept is not None:
                return tuple(Masked(*h) for h in kept)
        hits = find_identifiers(text, self.matcher.official) + self.matcher.find_names(text)
        found = tuple(sorted(hits, key=lambda h: h.start))
        if key is not None and self.memo is not None:
            self.memo.put(key, tuple((h.kind, h.start, h.end, h.masked) for h in found))
        else:
            _keep(self._hits, text, found)
        return found

    def known_hits(self, text: str) -> tuple[Hit, ...]:
        """The exact private values in ``text``, kept by text like the shapes' (a
        workbook's cells repeat: a county's county.xlsx has 570,000, mostly names of
        villages, programmes and dates)."""
        found = self._known.get(text)
        if found is None:
            found = tuple(self.matcher.find_known(text))
            _keep(self._known, text, found)
        return found


def _keep(cache: dict[str, Any], text: str, found: Any) -> None:
    """Keep a short text's hits (``HITS_TEXT``), at most ``HITS_KEPT`` of them."""
    if len(text) <= HITS_TEXT:
        if len(cache) >= HITS_KEPT:
            cache.clear()
        cache[text] = found


@dataclass(frozen=True)
class Masked:
    """A hit as the scan memo keeps it: where, what kind, and the value masked."""

    kind: str
    start: int
    end: int
    masked: str


# --- reading files: HTML/SVG (scan/html.py), CSS (scan/css.py), PDF, JSON, CSV, XLSX ------
# ``Segment`` (scan/segments.py) is what every extractor hands to the matchers below.


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)


def _json_segments(text: str) -> tuple[list[Segment], str]:
    """Strings of a JSON file (search index entries by their page), and the decoded text."""
    try:
        data = json.loads(text)
    except ValueError:
        return [Segment(text)], text
    docs = data.get("docs") if isinstance(data, dict) else None
    segments: list[Segment] = []
    if isinstance(docs, list):  # MkDocs' search index: say which entry
        for doc in docs:
            where = f"搜索条目 {doc.get('location', '')}" if isinstance(doc, dict) else "搜索条目"
            segments.extend(Segment(html.unescape(s), None, 1, where) for s in _json_strings(doc))
        rest = {k: v for k, v in data.items() if k != "docs"}
        segments.extend(Segment(s, None, 1, "JSON") for s in _json_strings(rest))
    else:
        segments.extend(Segment(s, None, 1, "JSON") for s in _json_strings(data))
    return segments, "\n".join(s.text for s in segments)


def _csv_segments(text: str) -> list[Segment]:
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0] if rows else []
    return [
        Segment(cell, None, 1, f"第{r + 1}行 {header[c] if c < len(header) else c + 1}列")
        for r, row in enumerate(rows)
        for c, cell in enumerate(row)
        if cell
    ]


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _xlsx_sheets(data: bytes) -> list[tuple[str, bytes, list[str]]]:
    """A workbook's sheets in order of their part names: (title, the sheet's XML, the
    shared strings). Read with ElementTree (the standard library), not openpyxl: a county
    publishes a small workbook next to every page's JSON, and openpyxl took 65 ms to open
    each."""
    from xml.etree import ElementTree as ET

    ns = _SHEET_NS
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{ns}si"):
                shared.append("".join(t.text or "" for t in si.iter(f"{ns}t")))
        titles: dict[str, str] = {}
        if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
            rels = {
                r.get("Id"): r.get("Target", "")
                for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            }
            for sh in ET.fromstring(z.read("xl/workbook.xml")).iter(f"{ns}sheet"):
                target = rels.get(sh.get(f"{_REL_NS}id"), "").lstrip("/")
                target = target if target.startswith("xl/") else f"xl/{target}"
                titles[target] = sh.get("name", "")
        sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        return [
            (titles.get(n, n.rsplit("/", 1)[-1].removesuffix(".xml")), z.read(n), shared)
            for n in sheets
        ]


def _sheet_segments(title: str, xml: bytes, shared: list[str]) -> list[Segment]:
    """A sheet's cells: shared and inline strings are both read; numbers are their stored
    text."""
    from xml.etree import ElementTree as ET

    ns = _SHEET_NS
    out: list[Segment] = []
    for c in ET.fromstring(xml).iter(f"{ns}c"):
        kind = c.get("t", "")
        if kind == "inlineStr":
            text = "".join(t.text or "" for t in c.iter(f"{ns}t"))
        else:
            v = c.find(f"{ns}v")
            text = v.text or "" if v is not None else ""
            if kind == "s" and text.strip().isdigit() and int(text) < len(shared):
                text = shared[int(text)]
        if text:
            out.append(Segment(text, None, 1, f"工作表 {title}!{c.get('r', '')}"))
    return out


def _xlsx_findings(rel: str, data: bytes, rules: ScanRules) -> list[F.Finding]:
    """A workbook's findings, sheet by sheet: the exact private values first, then the
    identifiers by shape and names, each hit and position once (as for any file). A sheet's
    findings are kept between builds by its XML and shared strings (``rules.memo``, the
    scan's, salted with the rules; messages hold masked values only): county.xlsx changes
    with every record edit, but one sheet of it, not its 50,000 benefit rows (issue 20:
    8 s of a warm county build read all 570,000 cells again)."""
    try:
        sheets = _xlsx_sheets(data)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, SyntaxError):
        return []
    known: list[F.Finding] = []
    shapes: list[F.Finding] = []
    # the shared strings are the workbook's, the same list for every sheet: hashed once
    # (no NUL can be in XML text, so it separates the parts unambiguously)
    shared_key = digest("\0".join(sheets[0][2]).encode("utf-8", "surrogatepass")) if sheets else ""
    for title, xml, shared in sheets:
        key = None
        if rules.memo is not None:
            parts = [title.encode("utf-8", "surrogatepass"), xml, shared_key.encode()]
            key = ("xlsx-sheet", digest(b"\0".join(parts)))
            kept = rules.memo.get(key)
            if kept is not None:
                k, i = kept
                known += [_filed(f, rel) for f in k]
                shapes += [_filed(f, rel) for f in i]
                continue
        try:
            cells = _sheet_segments(title, xml, shared)
        except SyntaxError:  # ElementTree's ParseError: a sheet that is not XML
            cells = []
        seen: set = set()  # a sheet's positions never repeat in another sheet
        k = list(_known_findings(rel, cells, rules, seen))
        i = list(_identifier_findings(rel, cells, rules, seen))
        known += k
        shapes += i
        if key is not None and rules.memo is not None:
            rules.memo.put(key, tuple(tuple(_unfiled(f) for f in fs) for fs in (k, i)))
    return known + shapes


def _unfiled(f: F.Finding) -> tuple:
    """A finding's fields without its file, as kept in the memo (``_filed`` again)."""
    return (f.code, f.severity, f.message, f.hint, f.row, f.column, f.subject)


def _filed(t: tuple, rel: str) -> F.Finding:
    code, severity, message, hint, row, column, subject = t
    return F.Finding(code, severity, message, hint, rel, row, column, subject)


def _decode(data: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# --- the theme's own inline scripts --------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=8)
def _theme_scripts(dirs: tuple[Path, ...]) -> tuple[re.Pattern[str], ...]:
    """Every inline ``<script>`` body of the theme's templates, as a pattern in which each
    Jinja expression matches any run of text without ``<``."""
    patterns = []
    for folder in dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            for body in _SCRIPT.findall(path.read_text("utf-8", errors="replace")):
                parts = _JINJA.split(_squash(body))
                if not "".join(parts).strip():
                    continue  # a script that is nothing but data (e.g. JSON config)
                patterns.append(
                    re.compile(
                        r"[^<]*?".join(re.escape(_squash(p)).replace(r"\ ", r"\s*") for p in parts),
                        re.DOTALL,
                    )
                )
    return tuple(patterns)


def theme_template_dirs(custom_dir: Path | None = None) -> tuple[Path, ...]:
    """Material's templates and the project's ``custom_dir`` (default
    ``./site_templates/overrides``): the only places an inline script may come from."""
    dirs = []
    try:
        import material

        dirs.append(Path(material.__file__).resolve().parent / "templates")
    except ImportError:  # pragma: no cover - Material is a dependency
        pass
    dirs.append(Path(custom_dir) if custom_dir else Path.cwd() / "site_templates" / "overrides")
    return tuple(d for d in dirs if d.is_dir())


# --- the scan ---------------------------------------------------------------------------


def _identifier_findings(
    rel: str, segments: Iterable[Segment], rules: ScanRules, seen: set
) -> Iterator[F.Finding]:
    """Identifiers by shape and private persons' names, in the segments where record
    text lands (``privacy.Matcher``, the model's matcher). A segment labelled ``（解码后）``
    is the same text decoded: it reports only values not found already."""
    values: set[str] = set()
    for seg in segments:
        yield from _s001(rel, seg, rules.shape_and_name_hits(seg.text), values, seen)


def _known_findings(
    rel: str, segments: Iterable[Segment], rules: ScanRules, seen: set
) -> Iterator[F.Finding]:
    """The exact private values in any spelling (``privacy.KnownValues``), each occurrence
    with its position. A segment labelled ``（解码后）`` is the same file decoded: it
    reports only values not found already."""
    if not rules.matcher.known_values:
        return
    values: set[str] = set()
    for seg in segments:
        yield from _s001(rel, seg, rules.known_hits(seg.text), values, seen, KIND_KNOWN)


def _s001(
    rel: str,
    seg: Segment,
    hits: Iterable[Any],
    values: set[str],
    seen: set,
    kind: str | None = None,
) -> Iterator[F.Finding]:
    """One S001 per hit and position (``seen``, across both matchers); in a ``（解码后）``
    segment only values this matcher has not found already (``values``). ``kind``: the
    finding's kind when not the hit's own."""
    for hit in hits:
        if seg.label == "（解码后）" and hit.masked in values:
            continue
        values.add(hit.masked)
        row, col = seg.where(hit.start)
        key = (rel, row, col, hit.masked)
        if key not in seen:
            seen.add(key)
            yield F.make(
                "S001", file=rel, row=row, column=col, kind=kind or hit.kind, masked=hit.masked
            )


def _outside(url: str) -> bool:
    return outside(url)


def _snippet(code: str) -> str:
    """A short, masked view of a script for the report."""
    text = _squash(code)
    for hit in reversed(find_identifiers(text)):
        text = text[: hit.start] + hit.masked + text[hit.end :]
    text = _NUMBER.sub(lambda m: mask_value(m.group()), text)
    return text[:60] + ("…" if len(text) > 60 else "")


@lru_cache(maxsize=8)
def _theme_files(dirs: tuple[Path, ...]) -> dict[int, tuple[Path, ...]]:
    """The theme's static files by size (Material's bundles, the overrides' assets)."""
    by_size: dict[int, list[Path]] = {}
    for folder in dirs:
        for path in Path(folder).rglob("*"):
            if path.suffix.lower() in TEXT_SUFFIXES and path.is_file():
                by_size.setdefault(path.stat().st_size, []).append(path)
    return {k: tuple(v) for k, v in by_size.items()}


def _is_theme_file(data: bytes, rules: ScanRules) -> bool:
    """Is the file byte-identical to one the theme ships (MkDocs copies them as they are)?
    Theme bundles are full of long numbers: only exact private values count there."""
    candidates = _theme_files(rules.template_dirs).get(len(data), ())
    return any(_read_cached(p) == data for p in candidates)


@lru_cache(maxsize=64)
def _read_cached(path: Path) -> bytes:
    return path.read_bytes()


def _pdf_segments(data: bytes) -> list[Segment]:
    """The text of each page of a PDF, as a reader's PDF viewer shows it (PDFium, via
    pypdfium2: it decompresses FlateDecode and other streams, and reads a Chromium-printed
    notice in ~10 ms where pypdf needed ~0.7 s — a county prints thousands)."""
    import pypdfium2 as pdfium

    out: list[Segment] = []
    try:
        doc = pdfium.PdfDocument(data)
    except (pdfium.PdfiumError, ValueError, OSError):
        return out  # an unreadable PDF holds no text a reader could see either
    try:
        for n in range(len(doc)):
            textpage = doc[n].get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            if text.strip():
                out.append(Segment(text.replace("\r\n", "\n"), None, 1, f"PDF 第{n + 1}页"))
    except pdfium.PdfiumError:
        pass
    finally:
        doc.close()
    return out


def _markup_text(text: str) -> list[Segment]:
    """Text of markup carried inside another format (a feed's escaped HTML), unescaped
    and read with the HTML parser, so that ``3713&lt;b&gt;24…`` is one number."""
    if "<" not in text and "&lt;" not in text:
        return []
    page = read_page(html.unescape(text))
    return [Segment(s.text, None, 1, "（解码后）") for s in page.segments]


def scan_file(path: Path, rel: str, rules: ScanRules, data: bytes | None = None) -> list[F.Finding]:
    """The findings of one file of the site (``data``: its bytes, when already read)."""
    if data is None:
        data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".gz", ".svgz"):
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
        suffix = ".svg" if suffix == ".svgz" else Path(path.stem).suffix.lower()
    out: list[F.Finding] = []
    seen: set = set()
    if suffix == ".xlsx":
        return _xlsx_findings(rel, data, rules)
    if suffix == ".pdf":
        pages = _pdf_segments(data)
        out.extend(_known_findings(rel, [Segment(_decode(data)), *pages], rules, seen))
        out.extend(_identifier_findings(rel, pages, rules, seen))
        return out
    text = _decode(data)
    whole = [Segment(text)]
    shaped: list[Segment] = []
    if suffix in PAGE_SUFFIXES:
        page = read_page(text)
        shaped = page.segments
        whole.append(Segment(html.unescape(text), None, 1, "（解码后）"))
        whole.extend(s for s in page.segments if s.label == "（data: 解码后）")
        out.extend(_page_findings(rel, page, rules))
    elif suffix == ".json":
        shaped, decoded = _json_segments(text)
        whole.append(Segment(decoded, None, 1, "（解码后）"))
    elif suffix == ".csv":
        shaped = _csv_segments(text)
    elif suffix in (".js", ".mjs"):  # publish (issue 16.8): a script that loads from a CDN
        for m in _SCRIPT_CDN.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            out.append(F.make("S002", file=rel, row=line, url=m.group()))
        if not _is_theme_file(data, rules):
            shaped = [Segment(text)]
    elif suffix == ".css":
        for url, line in css_urls(text):
            if _outside(url):
                out.append(F.make("S002", file=rel, row=line, url=url))
        if not _is_theme_file(data, rules):
            shaped = [Segment(text)]
    elif suffix in TEXT_SUFFIXES and not _is_theme_file(data, rules):
        shaped = [Segment(text)]
        if suffix == ".xml":
            shaped.extend(_markup_text(text))
    out[:0] = list(_known_findings(rel, whole, rules, seen))
    out.extend(_identifier_findings(rel, shaped, rules, seen))
    return out


def _page_findings(rel: str, page: Page, rules: ScanRules) -> Iterator[F.Finding]:
    for url, line in sorted(set(page.loads)):
        if _outside(url):
            yield F.make("S002", file=rel, row=line, url=url)
    own = set(rules.link_hosts) | set(ALWAYS_LINKABLE)
    for url, line in sorted(set(page.links)):
        if _outside(url):
            host = (urlsplit(clean_url(url)).hostname or "").lower()
            if host not in own:
                yield F.make("S003", file=rel, row=line, url=url, host=host or url)
    for url, line in sorted(set(page.script_urls)):
        yield F.make("S004", file=rel, row=line, snippet=_snippet(url))
    for name, value, line in sorted(set(page.handlers)):
        yield F.make("S005", file=rel, row=line, attribute=name, snippet=_snippet(value))
    for href, line in sorted(set(page.bases)):
        yield F.make("S006", file=rel, row=line, url=href)
    if rules.template_dirs:
        for code, line in page.scripts:
            if not _theme_script(_squash(code), rules.template_dirs):
                yield F.make("S004", file=rel, row=line, snippet=_snippet(code))


@lru_cache(maxsize=4096)
def _theme_script(body: str, dirs: tuple[Path, ...]) -> bool:
    """Did a theme template write this inline script? (Cached: the theme's scripts repeat
    on every page.)"""
    return not body or any(p.fullmatch(body) for p in _theme_scripts(dirs))


def scan(
    site_dir: Path,
    private_values: Iterable[str] = (),
    *,
    official_phones: Iterable[str] = (),
    link_hosts: Iterable[str] = (),
    template_dirs: Iterable[Path] | None = None,
    private_names: Iterable[str] = (),
) -> list[F.Finding]:
    """Every finding in ``site_dir``; an empty list means the site may be published.

    ``template_dirs``: where the theme's templates are (default: Material's and
    ``./site_templates/overrides``); an inline script must come from one of them."""
    dirs = tuple(template_dirs) if template_dirs is not None else theme_template_dirs()
    rules = scan_rules(private_values, official_phones, link_hosts, dirs, private_names)
    return SiteScan(Path(site_dir), rules).findings()


def scan_rules(
    private_values: Iterable[str],
    official_phones: Iterable[str],
    link_hosts: Iterable[str],
    template_dirs: tuple[Path, ...],
    private_names: Iterable[str] = (),
) -> ScanRules:
    """What the site may hold: the private values to look for, the official phones that
    may be printed, the hosts a page may link to, the theme's template folders."""
    return ScanRules(
        frozenset(private_values),
        frozenset(official_phones),
        frozenset(h.lower() for h in link_hosts if h),
        template_dirs,
        frozenset(private_names),
    )


def rules_key(rules: ScanRules) -> str:
    """The hash of everything a file's findings depend on besides its bytes and path: the
    values looked for, the phones and hosts allowed, and the theme's files (a copy of a
    theme file is not searched for shapes)."""
    h = hashlib.sha256()
    for values in (
        rules.private_values,
        rules.official_phones,
        rules.link_hosts,
        rules.private_names,
    ):
        h.update("\0".join(sorted(values)).encode("utf-8", "surrogatepass"))
        h.update(b"\1")
    for folder in rules.template_dirs:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                st = path.stat()
                h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class SiteScan:
    """The scan of a folder that may still be being written, so that the scan runs
    beside the ``mkdocs build`` processes that write the site (a county's 400 MB took 90 s
    to scan after the build; now only what is written last is left).

    ``sweep`` scans the files that are new or changed since they were scanned. A file is
    stat-ed *before* it is read, and ``findings`` stats every file once more when the
    folder is complete and rescans any whose size, time or inode moved since: a file
    read half-written has grown since, so it is always read again whole."""

    def __init__(
        self,
        site_dir: Path,
        rules: ScanRules,
        memo: Memo | None = None,
        digests: Digests | None = None,
    ) -> None:
        self.site_dir = site_dir
        self.rules = rules
        # a file's findings by its path and bytes, kept between builds (salted with
        # ``rules_key``): a page copied from the page cache is not scanned again, nor read
        # (``digests``: what the page cache copied, with the hash of its bytes)
        self.memo = memo
        self.digests = digests
        rules.memo = memo
        self.done: dict[str, tuple[tuple[int, int, int], list[F.Finding]]] = {}
        # folder → (its mtime, its entries): a sweep lists again only folders that changed
        self._listed: dict[str, tuple[int, list[tuple[str, bool]]]] = {}
        self._present: set[str] = set()  # files the last full sweep found (settle=0)
        self.on_file: Callable[[], object] = lambda: None  # progress: called per file scanned
        self.listed: list[str] = []  # every file the last sweep found, scanned or not yet

    @property
    def present(self) -> frozenset[str]:
        """The files the last full pass found (after ``findings``: the whole site)."""
        return frozenset(self._present)

    def _files(self, cached: bool = False) -> Iterator[tuple[str, str]]:
        """``(path relative to the site, path)`` of every file. ``cached``: reuse the
        listing of a folder whose mtime has not moved (an mtime can miss an entry added
        in the same clock tick, so the final pass never uses it)."""
        stack = [(str(self.site_dir), "")]
        while stack:
            folder, prefix = stack.pop()
            try:
                mtime = os.stat(folder).st_mtime_ns
                hit = self._listed.get(folder) if cached else None
                if hit and hit[0] == mtime:
                    entries = hit[1]
                else:
                    entries = [
                        (e.name, e.is_dir(follow_symlinks=False)) for e in os.scandir(folder)
                    ]
                    self._listed[folder] = (mtime, entries)
            except FileNotFoundError:  # removed while we looked
                continue
            for name, is_dir in entries:
                path = os.path.join(folder, name)
                if is_dir:
                    stack.append((path, f"{prefix}{name}/"))
                else:
                    yield prefix + name, path

    def sweep(self, settle: float = 0.0, seconds: float | None = None) -> int:
        """Scan what is new, or changed since it was scanned, and return how many files.

        With ``settle`` (while the folder is still being written), files scanned already
        are not looked at again, and files younger than ``settle`` seconds (probably
        still being written) wait for a later sweep. ``seconds``: stop after about that
        long (the build sweeps between looks at its MkDocs processes: one sweep over
        thousands of new pages kept it from seeing that MkDocs had finished, and what was
        left then waited for one process instead of two)."""
        now = time.time()
        stop = time.monotonic() + seconds if seconds is not None else None
        n = 0
        self._present = set()
        files = list(self._files(cached=bool(settle)))
        self.listed = [rel for rel, _ in files]
        for rel, path in files:
            if stop is not None and time.monotonic() > stop:
                break
            if settle and rel in self.done:
                continue
            sig = signature(path)
            if sig is None:  # removed while we looked
                continue
            self._present.add(rel)
            if rel in self.done and self.done[rel][0] == sig:
                continue
            if settle and now - sig[1] / 1e9 < settle:
                continue
            self.done[rel] = (sig, self._scan(Path(path), rel))
            n += 1
            self.on_file()
        return n

    def _scan(self, path: Path, rel: str) -> list[F.Finding]:
        if self.memo is None:
            return scan_file(path, rel, self.rules)
        hashed, data = digest_of(path, rel, self.digests)
        key = ("scan", rel, hashed)
        found = self.memo.get(key)
        if found is None:
            found = self.memo.put(key, scan_file(path, rel, self.rules, data))
        return list(found)

    def _pending(self) -> list[tuple[str, str, tuple[int, int, int]]]:
        """``(rel, path, signature)`` of every file not scanned as it is now; records
        which files are present."""
        self._present = set()
        todo = []
        for rel, path in self._files():
            sig = signature(path)
            if sig is None:
                continue
            self._present.add(rel)
            if rel not in self.done or self.done[rel][0] != sig:
                todo.append((rel, path, sig))
        return todo

    def findings(self) -> list[F.Finding]:
        """The findings of the folder as it is now (call it once it is complete).

        What is left is shared with a forked child when there is a second core (MkDocs
        has finished, so both are free; the scan was half of a cold county build's time
        after MkDocs), 20 files at a time to whichever is free. The child hands back its
        findings and its memo's entries."""
        todo = self._pending()
        fork = cores.can_fork() and len(todo) > 2 * SHARE_FILES
        take = cores.shares(len(todo), SHARE_FILES, fork) if fork else None

        def share() -> tuple[dict, dict]:
            done = {}
            picks = cores.taken(take) if take is not None else range(len(todo))
            for i in picks:
                rel, path, sig = todo[i]
                done[rel] = (sig, self._scan(Path(path), rel))
                self.on_file()
            return done, (self.memo.entries() if self.memo is not None else {})

        if fork:
            with cores.beside(share, fork) as theirs:
                mine, _ = share()
                their_done, their_memo = theirs()
            self.done.update(mine)
            self.done.update(their_done)
            if self.memo is not None:
                self.memo.merge(their_memo)
        else:
            self.done.update(share()[0])
        out: list[F.Finding] = []
        for rel in sorted(self._present):  # files scanned earlier and removed since: gone
            out.extend(self.done[rel][1])
        return _collapse(out)


def _collapse(found: list[F.Finding]) -> list[F.Finding]:
    """A template override that loads an outside font shows on every page: report it once,
    at its first file, with the number of files, instead of once per page."""
    by_message: dict[tuple[str, str], list[F.Finding]] = {}
    for f in found:
        if f.code in ("S002", "S003", "S004"):
            by_message.setdefault((f.code, f.message), []).append(f)
    out = []
    for f in found:
        group = by_message.get((f.code, f.message))
        if group is None:
            out.append(f)
        elif group[0] is f:
            files = len({g.file for g in group})
            more = f"（共 {files} 个文件，这里是第一个）" if files > 1 else ""
            out.append(dataclasses.replace(f, message=f.message + more))
    return out
