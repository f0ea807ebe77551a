"""Personal identifiers in text: found, redacted, reported (masked) — never published.

Never-published *columns* are dropped by the loader; this module covers the other ways a
private value leaks: a cadre typing a phone number or a household head's name into 备注.
``Matcher`` is the ONE matcher, used at model build (the first lock: redact and report
P001) and again on the built site (the second lock, the scan: S001). Both locks call the
same functions on the same normalised text, so what one catches the other catches.

**Normalisation first** (``normalize``): what NFKC folds where identifiers are concerned —
full-width letters, digits and ``@ . + -`` and every script's decimal digits become ASCII
(``１３９`` → ``139``, ``＠`` → ``@``); ideographic and no-break spaces become spaces,
dashes ``-``, middle dots ``.``; zero-width characters (U+200B…, soft hyphen, BOM, bidi
marks) are removed. Chinese punctuation (，：（）…) is left as it is (``（）`` count as
separators). Positions are kept, so a hit is redacted in the original text.

**By shape** (``find_identifiers``), on runs of digits in which groups may be separated by
a space or two, a dot, a hyphen or a parenthesis (``139.1234.5603``, ``3713 2419 8001 0112
34``, ``(0539)5211763``):

- resident ID numbers: 18 characters with a birth date and a valid GB 11643 checksum, in any
  grouping; 15-digit first-generation IDs (6-digit area, ``YYMMDD``, 3 digits) unbroken only;
- bank card numbers: 16–19 digits passing the Luhn check, unbroken or grouped (``6+13``,
  ``4-4-4-4-3``; a grouped number must start like a card, 3/4/5/6/9, and have no group
  shorter than three digits but the last);
- bank *account* numbers that fail Luhn (passbook accounts, 一折通): 16–19 digits with a
  bank word (卡号, 账号, 账户, 银行, 存折, 一卡通 …) in the twelve characters before. Without
  such a word a non-Luhn number is only found when it is a known value (below): voucher and
  contract numbers of that length are common in public text. Both locks decide the same way,
  because both call this function;
- mobile numbers: ``1[3-9]`` + 9 digits, with ``86``/``+86``/``0086``/``(+86)`` prefixes,
  in groups of three digits or more;
- landlines (area code + 7–8 digits) that are not official numbers: the phones of
  ``site.yaml`` and every project's supervision phone are published on purpose;
- e-mail addresses, except the official ones written in ``site.yaml``.

**By value** (``KnownValues``): every exact value of the loader's never-published columns
(``Loaded.private_values``: ID numbers, accounts, phones, addresses) in any spelling —
numbers compared digit by digit, other values with all whitespace removed — and the full
names of private persons (``private_names``: household heads while the site masks them,
case subjects while notices do not name them). A name of two characters is matched only
where at least one neighbour is not a Chinese character (``户主张三，`` but not ``开张三天``);
names that are also officials' names or part of a village, township or site.yaml text are
not private (officials acting in office are published by name).

The checksums and shapes are what keeps ordinary numbers (amounts, document numbers,
village codes) from being taken for identifiers. Every value leaves this module masked.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

REDACTED = "［已隐去］"

KIND_ID = "身份证号"
KIND_ID15 = "身份证号（15位）"
KIND_ID_SPLIT = "拆在相邻两格的身份证号"
KIND_CARD = "银行卡号"
KIND_ACCOUNT = "银行账号"
KIND_MOBILE = "手机号"
KIND_LANDLINE = "非公开的固定电话"
KIND_EMAIL = "电子邮箱"
KIND_KNOWN = "个人信息"
KIND_NAME = "个人姓名"

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# --- normalisation ---------------------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_ZW = re.compile(f"[{ZERO_WIDTH}]")


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd":
            table[cp] = str(unicodedata.decimal(ch))
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII, but not the everyday punctuation
        if chr(cp) not in "！，：；？（）":  # of Chinese text: they never join digits
            table[cp] = chr(cp - 0xFEE0)
    for cp in range(0x1D7CE, 0x1D800):  # mathematical digits
        table[cp] = str((cp - 0x1D7CE) % 10)
    for ch in "\u3000\u00a0\u2002\u2003\u2009\u202f\u205f":
        table[ord(ch)] = " "
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63":
        table[ord(ch)] = "-"
    for ch in "\u00b7\u30fb\u2027\u2024":  # middle dots between digits
        table[ord(ch)] = "."
    return table


_TRANSLATE = _table()


def _char_class(chars: Iterable[int]) -> str:
    """A regular-expression class of the code points, as ranges."""
    cps = sorted(chars)
    parts: list[str] = []
    start = prev = cps[0]
    for cp in [*cps[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        start = prev = cp
    return "[" + "".join(parts) + "]"


# Most text has nothing to normalise: characters are replaced where they occur (one to
# one, so positions stay), instead of ``str.translate``, which costs ~1 µs a character.
_NEEDS_TRANSLATE = re.compile(_char_class(_TRANSLATE))


def _translate(m: re.Match[str]) -> str:
    return _TRANSLATE[ord(m.group())]


@dataclass(frozen=True)
class Normalized:
    """Normalised text and, for each of its characters, the offset in the original."""

    text: str
    # for the j-th removed character (original offset r): r - j, its place in ``text``;
    # empty: same positions as the original
    _removed_at: tuple[int, ...]
    length: int  # length of the original

    def orig(self, i: int) -> int:
        if not self._removed_at:
            return i
        return min(i + bisect.bisect_right(self._removed_at, i), self.length)


def normalize(text: str) -> Normalized:
    """Full-width → ASCII, Unicode digits → ASCII, spaces and dashes unified, zero-width
    characters removed; positions kept.

    >>> n = normalize("１３９\u200b１２３４－５６７８")
    >>> n.text, n.orig(3)
    ('1391234-5678', 4)
    """
    out = _NEEDS_TRANSLATE.sub(_translate, text) if _NEEDS_TRANSLATE.search(text) else text
    if not any(z in out for z in ZERO_WIDTH):  # 14 substring searches beat one class
        return Normalized(out, (), len(text))
    removed = tuple(m.start() - j for j, m in enumerate(_ZW.finditer(out)))
    return Normalized(_ZW.sub("", out), removed, len(text))


def squeezed(value: str) -> str:
    """A known word as it is compared: normalised, without any whitespace.

    >>> squeezed("金岭镇 松洞村３组12号")
    '金岭镇松洞村3组12号'
    """
    return re.sub(r"\s+", "", normalize(value).text)


# --- checksums and masks ------------------------------------------------------------------


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

    >>> phone_key("(0539)521-1763"), phone_key("+86 139 1234 5678"), phone_key("１３９１２３４")
    ('05395211763', '13912345678', '1391234')
    """
    digits = re.sub(r"[^0-9]", "", normalize(number).text)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            return digits[len(prefix) :]
    return digits


def mask_value(value: str) -> str:
    """Show a found identifier without revealing it (separators are dropped first).

    >>> mask_value("371324198001011234"), mask_value("151 4899 8447"), mask_value("123456")
    ('3713**********1234', '151****8447', '1*****')
    >>> mask_value("王小明"), mask_value("ab@example.cn")
    ('王**', 'a*@example.cn')
    """
    value = normalize(value).text
    if "@" in value:
        local, _, host = value.partition("@")
        return local[:1] + "*" * max(len(local) - 1, 1) + "@" + host
    value = re.sub(r"[\s\-()（）+.]", "", value) or value
    if len(value) >= 15:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if len(value) >= 10:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return value[:1] + "*" * (len(value) - 1)


@dataclass(frozen=True)
class Hit:
    """One private value in a text: what kind, where (``start``/``end``, offsets in the
    text as given) and the raw value. The raw value never leaves the caller: findings
    carry ``masked`` only."""

    kind: str
    start: int
    end: int
    value: str

    @property
    def masked(self) -> str:
        if self.kind in (KIND_MOBILE, KIND_LANDLINE):
            return mask_value(phone_key(self.value))
        return mask_value(self.value)


# --- shapes -------------------------------------------------------------------------------

_SEP = r"(?:[ \t]{1,2}|[ \t]?[.\-()（）][ \t]?)"
# a run of digit groups: at least 6 digits in all (the shortest known number)
_RUN = re.compile(rf"(?<![0-9A-Za-z])[0-9]+[Xx]?(?:{_SEP}[0-9]+[Xx]?)*(?![0-9A-Za-z])")
_GROUP = re.compile(r"[0-9]+[Xx]?")
_DIGITS_ONLY = re.compile(r"[^0-9]")
_ALNUM = re.compile(r"[0-9A-Za-z]")
_REGION = re.compile(r"[0-9][0-9Xx \t.\-()（）]{5,}")
_DATE8 = re.compile(r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_DATE6 = re.compile(r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}[2-9][0-9]{6,7}")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z0-9])"
)
_BANK_WORDS = re.compile(r"卡号|账号|帐号|账户|帐户|银行|存折|折号|一卡通|一折通|信用社|开户")
_MAX_DIGITS = 23  # 0086 + 19
_DIGIT_OR_AT = re.compile(r"\d|[@＠]")  # \d: any Unicode digit, before normalising
_ASCII_DIGIT = re.compile(r"[0-9]")

# detector order: the first to claim a span keeps it
_ORDER = (KIND_ID, KIND_CARD, KIND_ID15, KIND_MOBILE, KIND_LANDLINE, KIND_ACCOUNT)


def _classify(groups: list[str], before: str) -> str | None:
    """The kind of identifier a sequence of digit groups is, or None."""
    digits = "".join(groups)
    n = len(digits)
    one = len(groups) == 1
    if (
        n == 18
        and digits[0] != "0"
        and digits[:17].isdigit()
        and _DATE8.fullmatch(digits, 6, 14)
        and id_checksum_ok(digits)
    ):
        return KIND_ID
    if not digits.isdigit():
        return None
    grouped_like_a_card = digits[0] in "34569" and all(len(g) >= 3 for g in groups[:-1])
    if 16 <= n <= 19 and luhn_ok(digits) and (one or grouped_like_a_card):
        return KIND_CARD
    if one and n == 15 and digits[0] != "0" and _DATE6.fullmatch(digits, 6, 12):
        return KIND_ID15
    body, rest = digits, groups
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and n - len(prefix) == 11:
            body = digits[len(prefix) :]
            rest = groups[1:] if groups[0] == prefix else [groups[0][len(prefix) :], *groups[1:]]
            break
    if len(body) == 11 and _MOBILE.fullmatch(body) and all(len(g) >= 3 for g in rest):
        return KIND_MOBILE
    if (
        10 <= n <= 12
        and (one or 3 <= len(groups[0]) <= 4)
        and _LANDLINE.fullmatch(digits)
        and all(len(g) >= 3 for g in groups)
    ):
        return KIND_LANDLINE
    if 16 <= n <= 19 and _BANK_WORDS.search(before):
        return KIND_ACCOUNT
    return None


def _runs(
    text: str, least: int = 6, head: Callable[[str], bool] | None = None
) -> Iterable[tuple[int, list[tuple[int, int, str]]]]:
    """``(run start, [(group start, group end, group), …])`` for each run of at least
    ``least`` digits.

    Runs are looked for only inside stretches of digits and separators six characters or
    longer (found by one quick search): the same runs, ten times faster on page text."""
    n = len(text)
    for region in _REGION.finditer(text):
        g = region.group()
        start = region.start()
        token = g.rstrip(" \t.-()（）")
        if _GROUP.fullmatch(token):  # one group (the usual case): no regular expression
            end = start + len(token)
            if (
                len(token) >= least
                and (start == 0 or not _ALNUM.match(text[start - 1]))
                and (end == n or not _ALNUM.match(text[end]))
            ):
                yield start, [(start, end, token)]
            continue
        if len(_DIGITS_ONLY.sub("", g)) < least:
            continue
        if head is not None and not head(g):  # ``head``: whether a run may begin in it
            continue
        end = min(region.end() + 1, n)  # one more: the run's look-ahead sees it
        for run in _RUN.finditer(text, start, end):
            s = run.group()
            if len(s) < 6:
                continue
            base = run.start()
            groups = [(base + m.start(), base + m.end(), m.group()) for m in _GROUP.finditer(s)]
            yield base, groups


def _shape_hits(nt: str, allowed: frozenset[str]) -> list[tuple[str, int, int]]:
    found: dict[str, list[tuple[int, int]]] = {k: [] for k in _ORDER}
    for _, groups in _runs(nt, 10):  # the shortest identifier: a landline, 10 digits
        for i in range(len(groups)):
            total = 0
            for j in range(i, len(groups)):
                total += len(groups[j][2])
                if total > _MAX_DIGITS:
                    break
                if total < 10:
                    continue
                start, end = groups[i][0], groups[j][1]
                kind = _classify([g[2] for g in groups[i : j + 1]], nt[max(0, start - 12) : start])
                if kind is None:
                    continue
                if kind in (KIND_MOBILE, KIND_LANDLINE):
                    if phone_key(nt[start:end]) in allowed:
                        continue
                    # (+86) 139…, +86 139…, (0539)…: the prefix's own brackets and plus
                    # go with it; a bracket around the whole number stays
                    if start > 0 and nt[start - 1] == "+":
                        start -= 1
                    closed = j > i and nt[groups[i][1] : groups[i][1] + 1] in (")", "）")
                    if closed and start > 0 and nt[start - 1] in "(（":
                        start -= 1
                found[kind].append((start, end))
    taken: list[tuple[int, int]] = []
    out: list[tuple[str, int, int]] = []
    for kind in _ORDER:
        for s, e in sorted(found[kind], key=lambda se: (se[0], -se[1])):
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            out.append((kind, s, e))
    return out


@lru_cache(maxsize=32)
def _allowed(official: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Official phones (as digit keys) and official e-mail addresses (lower case)."""
    phones = frozenset(phone_key(p) for p in official if p and "@" not in p)
    mails = frozenset(normalize(p).text.strip().lower() for p in official if "@" in p)
    return phones, mails


def _frozen(values: Iterable[str]) -> frozenset[str]:
    return values if isinstance(values, frozenset) else frozenset(values)


def find_identifiers(text: str, official: Iterable[str] = ()) -> list[Hit]:
    """Every identifier in ``text`` by its shape, in order; ``official`` phones (any
    spelling) and e-mail addresses are allowed.

    >>> [(h.kind, h.masked) for h in find_identifiers(
    ...     "身份证11010519491231002X，卡6228 4804 0256 4890 018，"
    ...     "电话+86 139-1234-5678、0539-5211763、(0531)7000101", ["0531-7000101"])]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('身份证号', '1101**********002X'), ('银行卡号', '6228***********0018'),
     ('手机号', '139****5678'), ('非公开的固定电话', '053****1763')]
    >>> [h.masked for h in find_identifiers("8613912345602、139.1234.5603、１３９１２３４５６０４")]
    ['139****5602', '139****5603', '139****5604']
    >>> find_identifiers("金额 1,234,567.89 元，文号〔2018〕12号，区划代码 371324100201，"
    ...                  "网址 print/benefits/交通补助-2018-371324108217/")
    []
    """
    if not _DIGIT_OR_AT.search(text):
        return []
    phones, mails = _allowed(_frozen(official))
    norm = normalize(text)
    nt = norm.text
    spans = _shape_hits(nt, phones) if _ASCII_DIGIT.search(nt) else []
    if "@" in nt:
        taken = [(s, e) for _, s, e in spans]
        for m in _EMAIL.finditer(nt):
            if m.group().lower() not in mails and not any(
                m.start() < te and ts < m.end() for ts, te in taken
            ):
                spans.append((KIND_EMAIL, m.start(), m.end()))
    hits = []
    for kind, s, e in spans:
        a, b = norm.orig(s), norm.orig(e - 1) + 1
        hits.append(Hit(kind, a, b, text[a:b]))
    return sorted(hits, key=lambda h: h.start)


def split_identifier(left: str, right: str) -> Hit | None:
    """An ID number that begins at the end of ``left`` and ends at the start of ``right``
    (two adjacent cells of one row), found in neither alone. The hit's offsets are in
    ``left + right``.

    >>> split_identifier("户主证件 1101051949", "1231002X 已核实").masked
    '1101**********002X'
    >>> split_identifier("1101051949", "12310021") is None
    True
    """
    if not left or not right:
        return None
    joined = left + right
    for h in find_identifiers(joined):
        if h.kind == KIND_ID and h.start < len(left) < h.end:
            return Hit(KIND_ID_SPLIT, h.start, h.end, h.value)
    return None


# --- known values ---------------------------------------------------------------------------

_NUMERIC_VALUE = re.compile(r"[0-9Xx\s\-+().（）]+")
_NOT_ID_CHAR = re.compile(r"[^0-9Xx]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


_WS = re.compile(r"\s")


class _Words:
    """Exact words (compared without whitespace) found in a text by a hash lookup at each
    position whose first character some word starts with: a regular expression of 100,000
    addresses or names takes minutes to compile and a trie of them hundreds of megabytes.

    Each word is keyed by its first ``key`` characters; a position is tried only for the
    lengths words with that key have, longest first."""

    def __init__(self, words: Iterable[str], key: int) -> None:
        self.words = frozenset(words)
        self.key = key
        lengths: dict[str, set[int]] = {}
        for w in self.words:
            lengths.setdefault(w[:key], set()).add(len(w))
        self.lengths = {k: sorted(v, reverse=True) for k, v in lengths.items()}
        self.longest = max((len(w) for w in self.words), default=0)
        first = {ord(w[0]) for w in self.words}
        self.first = re.compile(_char_class(first)) if first else None

    def finditer(self, text: str) -> Iterable[tuple[int, int]]:
        """``(start, end)`` of each word in ``text`` (leftmost, longest, not overlapping)."""
        if self.first is None:
            return
        last = 0
        span = self.longest * 2  # how far whitespace inside a word may reach
        for m in self.first.finditer(text):
            i = m.start()
            if i < last:
                continue
            if not _WS.search(text, i, i + span):  # the usual case: no whitespace near
                for n in self.lengths.get(text[i : i + self.key], ()):
                    if text[i : i + n] in self.words:
                        yield i, i + n
                        last = i + n
                        break
                continue
            head = text[i : i + self.key]
            if not _WS.search(head) and head not in self.lengths:
                continue
            ahead = text[i : i + span]
            ends = [i + k + 1 for k, ch in enumerate(ahead) if not ch.isspace()]
            ahead = _WS.sub("", ahead)
            for n in self.lengths.get(ahead[: self.key], ()):
                if len(ahead) >= n and ahead[:n] in self.words:
                    yield i, ends[n - 1]
                    last = ends[n - 1]
                    break


class KnownValues:
    """The exact private values a county's data holds, found in any spelling.

    ``values``: the loader's never-published cells (numbers compared digit by digit, with or
    without the 86 prefix; other values of six characters or more compared without
    whitespace). ``names``: full names of private persons (two to six characters)."""

    def __init__(self, values: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        numbers: set[str] = set()
        words: set[str] = set()
        for v in values:
            n = normalize(str(v)).text.strip()
            if len(n) < 6:
                continue
            if _NUMERIC_VALUE.fullmatch(n) and len(_DIGITS_ONLY.sub("", n)) >= 6:
                digits = _NOT_ID_CHAR.sub("", n).upper()
                numbers.add(digits)
                numbers.add(_strip_cc(digits))
            else:
                words.add(_WS.sub("", n))
        # mobiles also as written after 86 / 0086
        mobiles = [x for x in numbers if _MOBILE.fullmatch(x)]
        numbers.update(p + x for x in mobiles for p in ("86", "0086"))
        self.numbers = frozenset(numbers)
        self._lengths = sorted({len(x) for x in numbers}, reverse=True)
        self._heads = frozenset(x[:6] for x in numbers)  # every known number: 6+ digits
        # a run of many short groups (a PDF's drawing operators, a script's arrays) is
        # skipped unless some known number could begin in it (``_may_begin``). It was one
        # regular expression of every head with separators allowed: for a county's 50,000
        # benefit rows it took two minutes to compile, on every check.
        self._may_begin = _heads_test(self._heads) if self._heads else None
        self._words = _Words(words, 6)
        self.words = self._words.words
        clean = {squeezed(x) for x in names}
        self._names = _Words((x for x in clean if 2 <= len(x) <= 6 and not _masked_name(x)), 1)
        self.names = self._names.words

    def __bool__(self) -> bool:
        return bool(self.numbers or self.words or self.names)

    def find(self, text: str, names: bool = True, values: bool = True) -> list[Hit]:
        """Known values in ``text`` (``names``: also private persons' names), in order."""
        if not text or not (values or names):
            return []
        norm = normalize(text)
        spans: list[tuple[str, int, int]] = []
        if values and self.numbers and _ASCII_DIGIT.search(norm.text):
            spans += self._number_spans(norm.text)
        nt = norm.text
        if values and self.words:
            spans += [(KIND_KNOWN, a, b) for a, b in self._words.finditer(nt)]
        if names and self.names:
            for a, b in self._names.finditer(nt):
                if len(_WS.sub("", nt[a:b])) == 2 and _inside_word(nt, a, b):
                    continue
                spans.append((KIND_NAME, a, b))
        merged: list[tuple[str, int, int]] = []
        for kind, a, b in sorted(spans, key=lambda x: (x[1], -x[2])):
            if merged and a < merged[-1][2]:
                k0, a0, b0 = merged[-1]
                merged[-1] = (k0, a0, max(b, b0))
            else:
                merged.append((kind, a, b))
        out = []
        for kind, a, b in merged:
            s, e = norm.orig(a), norm.orig(b - 1) + 1
            out.append(Hit(kind, s, e, text[s:e]))
        return out

    def _number_spans(self, nt: str) -> list[tuple[str, int, int]]:
        """Runs of digit groups whose digits, from a group's start to a group's end, are a
        known number: looked up only for the lengths known numbers have."""
        out = []
        numbers, lengths = self.numbers, self._lengths
        for _, groups in _runs(nt, 6, self._may_begin):
            if len(groups) == 1:
                a, b, g = groups[0]
                if g.upper() in numbers:
                    out.append((KIND_KNOWN, a, b))
                continue
            digits = "".join(g[2] for g in groups).upper()
            starts: list[int] = []
            ends: dict[int, int] = {}
            k = 0
            for index, group in enumerate(groups):
                starts.append(k)
                k += len(group[2])
                ends[k] = index
            i = 0
            while i < len(groups):
                best: int | None = None
                if digits[starts[i] : starts[i] + 6] not in self._heads:
                    i += 1  # no known number begins so (the usual case)
                    continue
                for n in lengths:  # longest first
                    end = ends.get(starts[i] + n)
                    if end is not None and digits[starts[i] : starts[i] + n] in numbers:
                        best = end
                        break
                if best is None:
                    i += 1
                    continue
                out.append((KIND_KNOWN, groups[i][0], groups[best][1]))
                i = best + 1
        return out


def _heads_test(heads: frozenset[str]) -> Callable[[str], bool]:
    """Whether a stretch of digits and separators may hold one of ``heads`` (six digits or
    X) spelled with separators between its characters.

    The separators are dropped and every six characters looked up: a superset of what the
    separators ``_SEP`` allows (three spaces in a row pass too), which is all a filter
    needs, since the runs it lets through are then matched exactly.

    >>> test = _heads_test(frozenset({"370102"}))
    >>> test("3701 02"), test("37-01-02"), test("370 103")
    (True, True, False)
    """
    size = len(next(iter(heads)))

    def may_begin(stretch: str) -> bool:
        chars = _NOT_ID_CHAR.sub("", stretch).upper()
        return any(chars[i : i + size] in heads for i in range(len(chars) - size + 1))

    return may_begin


def _strip_cc(digits: str) -> str:
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            return digits[len(prefix) :]
    return digits


def _masked_name(name: str) -> bool:
    return "某" in name or "*" in name or "＊" in name or "×" in name


def _inside_word(text: str, a: int, b: int) -> bool:
    """A two-character name with a Chinese character on both sides is part of a longer
    word (``开张三天``), not the name."""
    before = text[a - 1] if a > 0 else ""
    after = text[b] if b < len(text) else ""
    return bool(before and after and _CJK.match(before) and _CJK.match(after))


def private_names(
    tables: Mapping[str, list],
    mask_names: bool = True,
    case_names: bool = False,
    public_text: Iterable[str] = (),
) -> frozenset[str]:
    """Full names of private persons that the site does not publish: household heads while
    ``mask_names``, case subjects while not ``case_names``. Names of officials acting in
    office (responsible persons, supervisors, contractors' contacts) and names that are part
    of a village, a township or ``public_text`` (site.yaml) are public, so they are left out.

    ``tables`` are the loader's rows (``Row.values``) before masking.
    """

    def value(row: object, key: str) -> object:
        values = getattr(row, "values", None)
        return values.get(key) if isinstance(values, dict) else getattr(row, key, None)

    def strings(v: object) -> list[str]:
        if isinstance(v, str):
            return [v]
        if isinstance(v, list | tuple):
            return [x for x in v if isinstance(x, str)]
        return []

    out: set[str] = set()
    public: list[str] = [squeezed(t) for t in public_text if isinstance(t, str)]
    policy = (("benefits", "household_head", mask_names), ("cases", "name", not case_names))
    for table, key, masked in policy:
        for row in tables.get(table, []):
            names = [squeezed(s) for s in strings(value(row, key))]
            # a name the site publishes in one table (a case subject named in full) is
            # not private in another
            (out.update if masked else public.extend)(names)
    for row in tables.get("projects", []):
        for key in ("responsible_person", "supervisor", "implementer", "contractor", "township"):
            for s in strings(value(row, key)):
                public += [squeezed(x) for x in re.split(r"[、,，;；/\s]+", s) if x]
    for row in tables.get("villages", []):
        public += [squeezed(s) for k in ("name", "township") for s in strings(value(row, k))]
    official = {p for p in public if 2 <= len(p) <= 6}
    corpus = "\n".join(public)
    return frozenset(
        n
        for n in out
        if 2 <= len(n) <= 6 and not _masked_name(n) and n not in official and n not in corpus
    )


def official_phones(site_phones: Iterable[str], tables: Mapping[str, list]) -> frozenset[str]:
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


def official_emails(site: object) -> frozenset[str]:
    """E-mail addresses written in ``site.yaml`` (a 举报邮箱 is published on purpose)."""
    found: set[str] = set()

    def walk(v: object, depth: int = 0) -> None:
        if depth > 20:
            return
        if isinstance(v, str):
            found.update(m.group() for m in _EMAIL.finditer(normalize(v).text))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x, depth + 1)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x, depth + 1)

    walk(site)
    return frozenset(found)


def site_strings(site: object) -> list[str]:
    """Every string of ``site.yaml`` (its office and address are published)."""
    out: list[str] = []

    def walk(v: object, depth: int = 0) -> None:
        if depth > 20:
            return
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x, depth + 1)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x, depth + 1)

    walk(site)
    return out


# --- the one matcher -------------------------------------------------------------------------


class Matcher:
    """Known values and identifiers by shape: built once per data set, asked per text.

    The model's ``_redact_row`` (``redact``) and the scan (``find``) use the same instance
    type built from the same inputs, so the two locks catch the same values."""

    def __init__(
        self,
        known: Iterable[str] = (),
        official: Iterable[str] = (),
        names: Iterable[str] = (),
        mask_name: Callable[[str], str] | None = None,
    ) -> None:
        self.known_values = KnownValues(known, names)
        self.official = frozenset(official)
        self._mask_name = mask_name

    def find(self, text: str, free_text: bool = True, names: bool = True) -> list[Hit]:
        """Every private value in ``text``: known values always; identifiers by shape and
        names of private persons in free text (``free_text``; ``names`` off for the column
        that holds the name itself)."""
        hits = self.known_values.find(text, names=free_text and names)
        if free_text:
            taken = [(h.start, h.end) for h in hits]
            for h in find_identifiers(text, self.official):
                if not any(h.start < te and ts < h.end for ts, te in taken):
                    hits.append(h)
        return sorted(hits, key=lambda h: h.start)

    def find_known(self, text: str, names: bool = False) -> list[Hit]:
        return self.known_values.find(text, names=names)

    def find_names(self, text: str) -> list[Hit]:
        return self.known_values.find(text, names=True, values=False)

    def replace(self, text: str, hits: list[Hit]) -> str:
        parts, last = [], 0
        for h in hits:
            parts.append(text[last : h.start])
            if h.kind == KIND_NAME and self._mask_name is not None:
                parts.append(self._mask_name(h.value))
            else:
                parts.append(REDACTED)
            last = h.end
        parts.append(text[last:])
        return "".join(parts)

    def redact(
        self, text: str, free_text: bool = True, names: bool = True
    ) -> tuple[str, list[tuple[str, str]]]:
        """Return the text with private values replaced, and ``(kind, masked value)`` per
        hit. Names of private persons become their masked form (``mask_name``).

        >>> r = Matcher(["6228480402564890019"], official=["0531-7000101"])
        >>> r.redact("卡号6228480402564890019，电话138 0013 8000，监督电话0531-7000101")[0]
        '卡号［已隐去］，电话［已隐去］，监督电话0531-7000101'
        >>> r.redact("卡号6228480402564890019，电话138 0013 8000")[1]
        [('个人信息', '6228***********0019'), ('手机号', '138****8000')]
        """
        hits = self.find(text, free_text, names)
        if not hits:
            return text, []
        return self.replace(text, hits), [(h.kind, h.masked) for h in hits]

    def known(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """Remove only the exact private values the loader saw (for non-free-text fields).

        >>> Matcher(["138-0013-8000", "金岭镇松洞村3组12号"]).known(
        ...     "电话13800138000，住金岭镇松洞村3组 12号")[0]
        '电话［已隐去］，住［已隐去］'
        """
        return self.redact(text, free_text=False)


Redactor = Matcher  # the name the model used before the two locks shared one matcher
