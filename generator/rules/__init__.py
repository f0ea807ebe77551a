"""The rules stage: small functions that look at the model and yield findings.

A rule never prints, never raises for bad data and never stops early: ``run_rules``
collects every finding of every selected rule. The rule modules are listed here, in one
place (``MODULES``); each registers its rules with ``registry.rule`` and declares its codes
next to them. ``compliance`` turns the findings into the public compliance figures.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.findings import Finding
from generator.model import Dataset
from generator.rules import (  # issue 17: assets, lifecycle, objections
    assets,
    ids,
    integrity,
    lifecycle,
    money,
    notices,
    objections,
    plausibility,
    quality,
    targets,
)
from generator.rules.registry import RULES, Rule, at, rule

MODULES = (
    integrity,
    ids,
    money,
    notices,
    plausibility,
    quality,
    targets,
    lifecycle,
    objections,
    assets,
)

__all__ = ["MODULES", "RULES", "Rule", "all_rules", "at", "rule", "run_rules"]


def all_rules() -> list[Rule]:
    return RULES


def run_rules(ds: Dataset, skip: Iterable[str] = ()) -> list[Finding]:
    """Run every registered rule (minus ``skip``, by code or tag) and collect findings."""
    skipped = set(skip)
    out: list[Finding] = []
    for r in RULES:
        if skipped & (set(r.codes) | set(r.tags)):
            continue
        out.extend(f for f in r.fn(ds) if f.code not in skipped)
    return out
