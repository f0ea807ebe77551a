"""Personal identifiers in free text: found, redacted, reported (masked) — never published.

Never-published *columns* are dropped by the loader; this module covers the other way an
identifier leaks: a cadre typing a phone number into 备注. It removes values the loader saw
in private columns, resident ID numbers (18 digits with a valid GB 11643 checksum) and
mobile numbers, wherever they stand in a text field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.scan import id_checksum_ok, mask_value

REDACTED = "［已隐去］"
_ID18 = re.compile(r"(?<![0-9])\d{17}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![0-9])")


class Redactor:
    """Built once per load with the private values seen; ``redact`` is called per text."""

    def __init__(self, known: Iterable[str]) -> None:
        values = sorted({v for v in known if len(v) >= 6}, key=len, reverse=True)
        self._known = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def known(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """Remove only the exact private values the loader saw (for non-free-text fields)."""
        if self._known is None:
            return text, []
        hits: list[tuple[str, str]] = []

        def replace(m: re.Match[str]) -> str:
            hits.append(("个人信息", mask_value(m.group())))
            return REDACTED

        return self._known.sub(replace, text), hits

    def redact(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """Return the text with identifiers replaced, and ``(kind, masked value)`` per hit.

        >>> r = Redactor(["6228480402564890018"])
        >>> r.redact("卡号6228480402564890018，电话138 0013 8000")[0]
        '卡号［已隐去］，电话［已隐去］'
        >>> r.redact("卡号6228480402564890018，电话138 0013 8000")[1]
        [('个人信息', '6228***********0018'), ('手机号', '138******8000')]
        """
        hits: list[tuple[str, str]] = []

        def sub(kind: str):
            def replace(m: re.Match[str]) -> str:
                hits.append((kind, mask_value(m.group())))
                return REDACTED
            return replace

        if self._known is not None:
            text = self._known.sub(sub("个人信息"), text)
        text = _ID18.sub(lambda m: sub("身份证号")(m) if id_checksum_ok(m.group()) else m.group(),
                         text)
        text = _MOBILE.sub(sub("手机号"), text)
        return text, hits
