"""The scan stage: read every file of a built site and prove nothing private or outside
slipped through. The second lock: never-published columns are already dropped at load.

Looks for the exact private values the loader saw (ID numbers, bank accounts, phones of
households), for anything shaped like a resident ID with a valid GB 11643 checksum, and
for resources loaded from another host (``src``/stylesheet ``href``/CSS ``url()``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from generator import findings as F

TEXT_SUFFIXES = {".html", ".htm", ".js", ".json", ".xml", ".css", ".txt", ".csv", ".md",
                 ".svg", ".map", ".webmanifest"}
_ID18 = re.compile(r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
                   r"(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9])")
_NUMBER = re.compile(r"(?<![0-9])[0-9]{5,}[0-9Xx]?(?![0-9])")
_OUTSIDE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_checksum_ok(number: str) -> bool:
    """GB 11643: the 18th character is the checksum of the first 17 digits.

    >>> id_checksum_ok("11010519491231002X"), id_checksum_ok("110105194912310021")
    (True, False)
    """
    total = sum(int(c) * w for c, w in zip(number[:17], _WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def mask_value(value: str) -> str:
    """Show a found identifier without revealing it.

    >>> mask_value("371324198001011234"), mask_value("15148998447"), mask_value("123456")
    ('3713**********1234', '151****8447', '1*****')
    """
    if len(value) >= 15:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if len(value) >= 10:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return value[:1] + "*" * (len(value) - 1)


class _Resources(HTMLParser):
    """Collects URLs an HTML page *loads* (not links a person clicks)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed", "track",
                   "input"):
            self.urls.append(a.get("src", ""))
        if tag == "img" and a.get("srcset"):
            self.urls.extend(part.split()[0] for part in a["srcset"].split(",") if part.split())
        if tag == "object":
            self.urls.append(a.get("data", ""))
        if tag == "link":
            rel = a.get("rel", "").lower()
            if any(r in rel for r in ("stylesheet", "preload", "prefetch", "preconnect",
                                      "dns-prefetch", "icon", "modulepreload", "manifest")):
                self.urls.append(a.get("href", ""))
        if a.get("style"):
            self.urls.extend(m[0] or m[1] for m in _CSS_URL.findall(a["style"]))


def _outside(urls: Iterable[str]) -> Iterator[str]:
    for url in urls:
        if url and _OUTSIDE.match(url) and not url.lower().startswith(("data:", "blob:")):
            yield url


def scan(site_dir: Path, private_values: Iterable[str] = ()) -> list[F.Finding]:
    """Every finding in ``site_dir``; an empty list means the site may be published."""
    site_dir = Path(site_dir)
    values = {v for v in private_values if len(v) >= 6}
    numeric = {v for v in values if _NUMBER.fullmatch(v)}  # IDs, accounts, phones: by token
    words = sorted(values - numeric, key=len, reverse=True)  # addresses: by alternation
    words_re = re.compile("|".join(map(re.escape, words))) if words else None
    out: list[F.Finding] = []
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        if path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        rel = path.relative_to(site_dir).as_posix()
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix.lower() == ".json":  # the search index escapes CJK as \uXXXX
            text = text.encode("utf-8").decode("unicode_escape", errors="replace") + text
        hits = {m.group() for m in _NUMBER.finditer(text)} & numeric
        if words_re is not None:
            hits.update(m.group() for m in words_re.finditer(text))
        for value in sorted(hits):
            out.append(F.make("S001", file=rel, kind="源数据中的个人信息",
                              masked=mask_value(value)))
        for m in _ID18.finditer(text):
            if id_checksum_ok(m.group()):
                line = text.count("\n", 0, m.start()) + 1
                out.append(F.make("S001", file=rel, row=line, kind="身份证号",
                                  masked=mask_value(m.group())))
        urls: list[str] = []
        if path.suffix.lower() in (".html", ".htm"):
            parser = _Resources()
            parser.feed(text)
            urls = parser.urls
        elif path.suffix.lower() == ".css":
            urls = [m[0] or m[1] for m in _CSS_URL.findall(text)]
        for url in sorted(set(_outside(urls))):
            out.append(F.make("S002", file=rel, url=url))
    return out
