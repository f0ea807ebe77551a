"""The file and URL name of a record's page, from its id only: one function for the
renderer (``render.urls`` re-exports it) and for the rule that no two ids share a page
(``rules.ids``). A foundation module: it imports no stage."""

from __future__ import annotations

import re

from generator.records import Village

_UNSAFE = re.compile(r"[^\w.\-]+")


def slug(text: str) -> str:
    """A file/URL name that depends only on the id: ``JL2018-001`` stays, spaces and slashes
    become ``-``.

    >>> slug("JL2018-001"), slug("教育补助 2018/秋")
    ('JL2018-001', '教育补助-2018-秋')
    >>> slug("A/1") == slug("A 1") == slug("A?1") == slug("A-1") == slug("A\\u200b1")
    True
    """
    return _UNSAFE.sub("-", text.strip()).strip("-.") or "-"


def village_slug(v: Village) -> str:
    """A village is named by its 12-digit code; a village without one by township and name."""
    return slug(v.code) if v.code else slug(f"{v.township}-{v.name}")


def benefit_slug(program: str, year: int | str) -> str:
    return slug(f"{program}-{year}")
