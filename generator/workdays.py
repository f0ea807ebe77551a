"""Chinese working days, from the maintained ``chinese_calendar`` package.

It knows public holidays and make-up working days (调休) for the years it covers; outside
them it cannot, and this module falls back to Monday–Friday and says so.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def is_workday(d: date) -> tuple[bool, bool]:
    """``(is a working day, the holiday calendar knew the year)``."""
    try:
        return chinese_calendar.is_workday(d), True
    except NotImplementedError:
        return d.weekday() < 5, False


def add_workdays(start: date, n: int) -> tuple[date, bool]:
    """The date ``n`` working days after ``start`` (``start`` itself not counted).

    >>> add_workdays(date(2018, 9, 28), 1)  # 2018-09-29 was a make-up working day
    (datetime.date(2018, 9, 29), True)
    >>> add_workdays(date(2018, 9, 30), 1)  # National Day holiday until 10-07
    (datetime.date(2018, 10, 8), True)
    """
    d, exact = start, True
    while n > 0:
        d += timedelta(days=1)
        work, known = is_workday(d)
        exact = exact and known
        if work:
            n -= 1
    return d, exact
