"""The aggregation layer: every total the site prints is computed here, from the model,
by a named function (never summed in a template or a rule of its own).

Money is integer 分; an amount that could not be read counts as 0 here, and the rule that
reported the unreadable cell says so (the page's figure is then marked as not checked).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.model.dataset import Dataset


def sum_of(items: Iterable[Any], attr: str = "amount") -> int:
    """The sum of one money attribute over records, in 分.

    >>> from types import SimpleNamespace as R
    >>> sum_of([R(amount=150), R(amount=None), R(amount=50)])
    200
    """
    return sum(getattr(i, attr) or 0 for i in items)


def project_funding(ds: Dataset, pid: str) -> int:
    """A project's money: the sum of its funding sources."""
    return ds.project_total(pid)


def project_disbursed(ds: Dataset, pid: str) -> int:
    return sum_of(ds.disbursements_of_project(pid))


def fund_allocated(ds: Dataset, fid: str) -> int:
    return sum_of(ds.allocations_of_fund(fid))


def fund_disbursed(ds: Dataset, fid: str) -> int:
    return sum_of(ds.disbursements_of_fund(fid))


class Totals:
    """The same functions bound to one dataset, for templates (``sums.fund_allocated(f.id)``)."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds

    def sum_of(self, items: Iterable[Any], attr: str = "amount") -> int:
        return sum_of(items, attr)

    def project_funding(self, pid: str) -> int:
        return project_funding(self.ds, pid)

    def project_disbursed(self, pid: str) -> int:
        return project_disbursed(self.ds, pid)

    def fund_allocated(self, fid: str) -> int:
        return fund_allocated(self.ds, fid)

    def fund_disbursed(self, fid: str) -> int:
        return fund_disbursed(self.ds, fid)
