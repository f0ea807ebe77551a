"""Personal identifiers in text: found, redacted, reported (masked) — never published.

Never-published *columns* are dropped by the loader; this module covers the other way an
identifier leaks: a cadre typing a phone number into 备注. ``find_identifiers`` is the one
detector, used at model build (``Redactor``) and again on the built site (``scan``):

- resident ID numbers: 18 characters with a birth date and a valid GB 11643 checksum, and
  15-digit first-generation IDs (6-digit area, ``YYMMDD``, 3 digits);
- bank card numbers: 16–19 digits (optionally in groups of four) passing the Luhn check;
- mobile numbers: ``1[3-9]`` + 9 digits, with spaces or dashes, with or without +86;
- landlines (area code + 7–8 digits) that are not official numbers: the phones of
  ``site.yaml`` and every project's supervision phone are published on purpose.

The checksums are what keeps ordinary numbers (amounts, document numbers, village codes)
from being taken for identifiers. Every value leaves this module masked (``mask_value``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

REDACTED = "［已隐去］"

_DATE8 = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID18 = re.compile(rf"(?<![0-9A-Za-z])[1-9]\d{{5}}{_DATE8}\d{{3}}[0-9Xx](?![0-9A-Za-z])")
_ID15 = re.compile(rf"(?<![0-9A-Za-z])[1-9]\d{{5}}{_DATE6}\d{{3}}(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z])\d{4}([ \-]?)\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?(?![0-9A-Za-z])")
_CC = r"(?:(?:\+|00)\s?86|（\+?86）|\(\+?86\))[\s\-]?"
_MOBILE = re.compile(rf"(?<![0-9A-Za-z+])(?:{_CC})?1[3-9]\d(?:[\s\-]?\d{{4}}){{2}}(?![0-9A-Za-z])")
_LANDLINE = re.compile(
    rf"(?<![0-9A-Za-z+])(?:{_CC})?(?:（0\d{{2,3}}）|\(0\d{{2,3}}\)|0\d{{2,3}})"
    r"[\s\-]?[2-9]\d{6,7}(?![0-9A-Za-z])"
)
_RUN = re.compile(r"[0-9+(（][0-9Xx \-()（）+]{6,}")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

KIND_ID = "身份证号"
KIND_ID15 = "身份证号（15位）"
KIND_CARD = "银行卡号"
KIND_MOBILE = "手机号"
KIND_LANDLINE = "非公开的固定电话"
KIND_KNOWN = "个人信息"


def id_checksum_ok(number: str) -> bool:
    """GB 11643: the 18th character is the checksum of the first 17 digits.

    >>> id_checksum_ok("11010519491231002X"), id_checksum_ok("110105194912310021")
    (True, False)
    """
    total = sum(int(c) * w for c, w in zip(number[:17], _WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    """The Luhn check every bank card number (银联卡号) passes.

    >>> luhn_ok("6228480402564890018"), luhn_ok("6228480402564890017")
    (True, False)
    """
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def phone_key(number: str) -> str:
    """Digits of a phone number without a country code, for comparing spellings.

    >>> phone_key("(0539)521-1763"), phone_key("+86 139 1234 5678")
    ('05395211763', '13912345678')
    """
    digits = re.sub(r"\D", "", number)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            return digits[len(prefix) :]
    return digits


def mask_value(value: str) -> str:
    """Show a found identifier without revealing it (separators are dropped first).

    >>> mask_value("371324198001011234"), mask_value("151 4899 8447"), mask_value("123456")
    ('3713**********1234', '151****8447', '1*****')
    """
    value = re.sub(r"[\s\-()（）+]", "", value) or value
    if len(value) >= 15:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if len(value) >= 10:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return value[:1] + "*" * (len(value) - 1)


@lru_cache(maxsize=32)
def _phone_keys(official: frozenset[str]) -> frozenset[str]:
    return frozenset(phone_key(p) for p in official if p)


@dataclass(frozen=True)
class Hit:
    """One identifier in a text: what kind, where (``start``/``end``) and the raw value.

    The raw value never leaves the caller: findings carry ``masked`` only."""

    kind: str
    start: int
    end: int
    value: str

    @property
    def masked(self) -> str:
        if self.kind in (KIND_MOBILE, KIND_LANDLINE):
            return mask_value(phone_key(self.value))
        return mask_value(self.value)


def find_identifiers(text: str, official: Iterable[str] = ()) -> list[Hit]:
    """Every identifier in ``text``, in order; ``official`` phones (any spelling) are allowed.

    >>> [(h.kind, h.masked) for h in find_identifiers(
    ...     "身份证11010519491231002X，卡6228 4804 0256 4890 018，"
    ...     "电话+86 139-1234-5678、0539-5211763、(0531)7000101", ["0531-7000101"])]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('身份证号', '1101**********002X'), ('银行卡号', '6228***********0018'),
     ('手机号', '139****5678'), ('非公开的固定电话', '053****1763')]
    >>> find_identifiers("金额 1,234,567.89 元，文号〔2018〕12号，区划代码 371324100201，"
    ...                  "网址 print/benefits/交通补助-2018-371324108217/")
    []
    """
    allowed = _phone_keys(official if isinstance(official, frozenset) else frozenset(official))
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, m: re.Match[str]) -> None:
        s, e = m.span()
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        hits.append(Hit(kind, s, e, m.group()))

    # The detectors run only on runs of digits and separators: the same matches (a run
    # is bounded by characters the detectors' look-arounds reject), 50 times faster.
    for run in _RUN.finditer(text):
        s, e = run.start(), min(run.end() + 1, len(text))
        for m in _ID18.finditer(text, s, e):
            if id_checksum_ok(m.group()):
                add(KIND_ID, m)
        for m in _CARD.finditer(text, s, e):
            digits = re.sub(r"\D", "", m.group())
            if 16 <= len(digits) <= 19 and luhn_ok(digits):
                add(KIND_CARD, m)
        for m in _ID15.finditer(text, s, e):
            add(KIND_ID15, m)
        for pattern, kind in ((_MOBILE, KIND_MOBILE), (_LANDLINE, KIND_LANDLINE)):
            for m in pattern.finditer(text, s, e):
                if phone_key(m.group()) not in allowed:
                    add(kind, m)
    return sorted(hits, key=lambda h: h.start)


def official_phones(site_phones: Iterable[str], tables: dict[str, list]) -> frozenset[str]:
    """Numbers published on purpose: ``site.yaml`` phones and projects' supervision phones.

    ``tables`` are the loader's rows (``Row.values``) or records with ``supervisor_phone``.
    """
    out = {str(p) for p in site_phones if p}
    for row in tables.get("projects", []):
        values = getattr(row, "values", None)
        phone = (
            values.get("supervisor_phone")
            if isinstance(values, dict)
            else getattr(row, "supervisor_phone", "")
        )
        if phone:
            out.update(re.split(r"[、,，;；/]", str(phone)))
    return frozenset(p.strip() for p in out if p.strip())


_PREFIX = 4  # known non-numeric values are at least 6 characters long
_NUMERIC_VALUE = re.compile(r"[0-9Xx\s\-+()（）]+")
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]+[Xx]?(?![0-9A-Za-z])")
_SEPARATED_RUN = re.compile(
    r"(?<![0-9A-Za-z])[0-9](?:[0-9]|[\s\-](?=[0-9]))*[0-9Xx](?![0-9A-Za-z])"
)


def _digits(value: str) -> str:
    """``138-0013-8000`` → ``13800138000``; ``11010519491231002x`` → ``…002X``."""
    return re.sub(r"[^0-9Xx]", "", value).upper()


class Redactor:
    """Built once per load with the private values seen; ``redact`` is called per text."""

    def __init__(self, known: Iterable[str], official: Iterable[str] = ()) -> None:
        # A county has ~150,000 private values: one regex alternation of them all makes every
        # substitution crawl (minutes for a county). Numbers are looked up as tokens in a set;
        # other values (addresses) through a dict keyed by their first characters.
        self._numbers: frozenset[str] = frozenset()
        self._words: dict[str, list[str]] = {}
        numbers, words = set(), set()
        for v in known:
            v = v.strip()
            if len(v) < 6:
                continue
            if _NUMERIC_VALUE.fullmatch(v):
                numbers.add(_digits(v))
            else:
                words.add(v)
        self._numbers = frozenset(numbers)
        for w in sorted(words, key=len, reverse=True):  # longest first at one position
            self._words.setdefault(w[:_PREFIX], []).append(w)
        self._official = frozenset(official)

    def _known_spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        if self._numbers:
            for pattern in (_DIGIT_RUN, _SEPARATED_RUN):
                spans += [
                    m.span() for m in pattern.finditer(text) if _digits(m.group()) in self._numbers
                ]
        if self._words:
            for i in range(len(text) - _PREFIX + 1):
                for w in self._words.get(text[i : i + _PREFIX], ()):
                    if text.startswith(w, i):
                        spans.append((i, i + len(w)))
                        break
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def known(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """Remove only the exact private values the loader saw (for non-free-text fields).

        >>> Redactor(["138-0013-8000", "金岭镇松洞村3组12号"]).known(
        ...     "电话13800138000，住金岭镇松洞村3组12号")[0]
        '电话［已隐去］，住［已隐去］'
        """
        spans = self._known_spans(text)
        if not spans:
            return text, []
        hits = [(KIND_KNOWN, mask_value(text[a:b])) for a, b in spans]
        parts, last = [], 0
        for a, b in spans:
            parts += [text[last:a], REDACTED]
            last = b
        parts.append(text[last:])
        return "".join(parts), hits

    def redact(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """Return the text with identifiers replaced, and ``(kind, masked value)`` per hit.

        >>> r = Redactor(["6228480402564890019"], official=["0531-7000101"])
        >>> r.redact("卡号6228480402564890019，电话138 0013 8000，监督电话0531-7000101")[0]
        '卡号［已隐去］，电话［已隐去］，监督电话0531-7000101'
        >>> r.redact("卡号6228480402564890019，电话138 0013 8000")[1]
        [('个人信息', '6228***********0019'), ('手机号', '138****8000')]
        """
        text, hits = self.known(text)
        found = find_identifiers(text, self._official)
        if not found:
            return text, hits
        parts: list[str] = []
        last = 0
        for h in found:
            parts.append(text[last : h.start])
            parts.append(REDACTED)
            hits.append((h.kind, h.masked))
            last = h.end
        parts.append(text[last:])
        return "".join(parts), hits
