"""Rules: small functions that look at the model and yield findings.

A rule is registered with ``@rule(code, ...)``; codes come from ``findings.CODES`` and the
registry refuses a code twice. A rule never prints, never raises for bad data and never
stops early: ``run_rules`` collects every finding of every selected rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from generator.findings import CODES, Finding
from generator.model import Dataset

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


def run_rules(ds: Dataset, skip: Iterable[str] = ()) -> list[Finding]:
    """Run every registered rule (minus ``skip``, by code or tag) and collect findings."""
    from generator.rules import integrity  # noqa: F401 — the built-in rules register here

    skipped = set(skip)
    out: list[Finding] = []
    for r in RULES:
        if skipped & (set(r.codes) | set(r.tags)):
            continue
        out.extend(f for f in r.fn(ds) if f.code not in skipped)
    return out
