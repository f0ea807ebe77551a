"""The rule registry: ``@rule(code, ...)`` registers a small function that looks at the model
and yields findings. Codes come from ``findings.CODES`` (declared next to the rule that
uses them) and the registry refuses a code twice."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from generator.findings import CODES, Finding
from generator.model import Dataset
from generator.records import Origin, columns_of

RuleFn = Callable[[Dataset], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    codes: tuple[str, ...]
    fn: RuleFn
    tags: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.fn.__name__


RULES: list[Rule] = []
_TAKEN: set[str] = set()


class Located(Protocol):
    """A record that remembers the cell it was read from (every type of ``records.py``)."""

    @property
    def origin(self) -> Origin: ...


def at(record: Located, key: str, subject: str = "") -> dict:
    """Finding position keywords for a record's column: file, row, column label, subject."""
    origin = record.origin
    column = origin.columns.get(key)
    if column is None:  # the file has no such column: name it in Chinese, as its header would
        titles = {c.key: c.title for c in columns_of(type(record))}
        column = f"“{titles.get(key, key)}”列（表中没有这一列）"
    return {"file": origin.file, "row": origin.row, "column": column, "subject": subject}


def rule(*codes: str, tags: tuple[str, ...] = ()) -> Callable[[RuleFn], RuleFn]:
    """Register a rule that may produce findings with the given codes."""

    def register(fn: RuleFn) -> RuleFn:
        for code in codes:
            if code not in CODES:
                raise ValueError(f"rule {fn.__name__}: unknown finding code {code}")
            if code in _TAKEN:
                raise ValueError(f"rule {fn.__name__}: code {code} is already taken")
            _TAKEN.add(code)
        RULES.append(Rule(codes, fn, tags))
        return fn

    return register
