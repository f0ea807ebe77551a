"""The live status of a notice, computed in one place from the data date (issue 17).

    公示中（第 3 天，共 10 天，3月16日截止）   within its objection period
    未开始（3月20日起公示）                    posted later than the data date
    已期满（3月16日截止）                      its period is over
    长期公开                                   a portal announcement without a period
    已调整 / 已废止                            marked so in the data (有效性), or its
                                               project was stopped (已终止): never deleted

A notice has an objection period when it gives a 公示截止日期, when its kind is a 公示
(事前公示, 入库公示 …) or when it was posted somewhere other than the portal (a village
board, the project site): such postings last at least ``Site.notice_days`` days (default
10, first and last day counted), so a missing end date is taken as that long. An
announcement (…公告) only on the portal has no period: it stays public for good.

The page shows the status as built; ``assets/javascripts/gongshi-status.js`` recomputes the
same words from the reader's clock and the dates this module puts into the badge's data
attributes, so a page built last week still tells the truth. The two must agree: the
browser test compares them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from generator.records import Notice

PORTAL = "门户网站"
DEFAULT_DAYS = 10

OPEN, PENDING, ENDED, PUBLIC, ADJUSTED, VOID = (
    "open",
    "pending",
    "ended",
    "public",
    "adjusted",
    "void",
)
LABELS = {
    OPEN: "公示中",
    PENDING: "未开始",
    ENDED: "已期满",
    PUBLIC: "长期公开",
    ADJUSTED: "已调整",
    VOID: "已废止",
}
# 有效性 as the data may write it → the status it forces
VALIDITY = {"有效": "", "已调整": ADJUSTED, "已废止": VOID}


@dataclass(frozen=True)
class Status:
    """A notice's status on ``as_of``: ``code`` (one of the constants above), ``label``
    (公示中 …), ``text`` (the whole badge text), the period (``start``, ``end``: both set
    when the notice has an objection period), and ``day``/``days`` while it is open."""

    code: str
    label: str
    text: str
    start: date | None = None
    end: date | None = None
    day: int | None = None
    days: int | None = None

    @property
    def is_open(self) -> bool:
        return self.code == OPEN

    @property
    def live(self) -> bool:
        """The browser may recompute it (a period, and not adjusted or withdrawn)."""
        return self.start is not None and self.end is not None


def md(d: date) -> str:
    """``3月16日``: the short date of the badge (the year is on the period beside it)."""
    return f"{d.month}月{d.day}日"


def has_period(n: Notice) -> bool:
    """Whether a notice invites objections for a fixed period (see the module's text)."""
    if n.until is not None or n.kind.endswith("公示"):
        return True
    return any(place != PORTAL for place in n.places)


def period(n: Notice, days: int = DEFAULT_DAYS) -> tuple[date, date] | None:
    """First and last day of the objection period; a missing end is ``days`` long."""
    if n.posted_on is None or not has_period(n):
        return None
    end = n.until or n.posted_on + timedelta(days=days - 1)
    return n.posted_on, max(end, n.posted_on)


def notice_status(
    n: Notice, as_of: date, days: int = DEFAULT_DAYS, withdrawn: bool = False
) -> Status:
    """The status of ``n`` on ``as_of``. ``withdrawn``: its subject was stopped (a project
    已终止), which makes it 已废止 unless the data says otherwise (有效性).

    >>> from generator.records import Notice
    >>> n = Notice("GS1", "project:P1", "事前公示", date(2024, 3, 7), date(2024, 3, 16))
    >>> notice_status(n, date(2024, 3, 9)).text
    '公示中（第 3 天，共 10 天，3月16日截止）'
    >>> notice_status(n, date(2024, 3, 17)).text
    '已期满（3月16日截止）'
    >>> notice_status(n, date(2024, 3, 1)).text
    '未开始（3月7日起公示）'
    >>> portal = Notice("GS2", "fund:F1", "资金公告", date(2024, 3, 7), places=("门户网站",))
    >>> notice_status(portal, date(2024, 3, 9)).text
    '长期公开'
    """
    forced = VALIDITY.get(validity_of(n), "")
    if not forced and withdrawn and not validity_of(n):
        forced = VOID
    if forced:
        return Status(forced, LABELS[forced], LABELS[forced])
    span = period(n, days)
    if span is None:
        return Status(PUBLIC, LABELS[PUBLIC], LABELS[PUBLIC])
    start, end = span
    total = (end - start).days + 1
    if as_of < start:
        return Status(PENDING, LABELS[PENDING], f"未开始（{md(start)}起公示）", start, end)
    if as_of > end:
        return Status(ENDED, LABELS[ENDED], f"已期满（{md(end)}截止）", start, end)
    day = (as_of - start).days + 1
    text = f"公示中（第 {day} 天，共 {total} 天，{md(end)}截止）"
    return Status(OPEN, LABELS[OPEN], text, start, end, day, total)


def validity_of(n: Notice) -> str:
    """The notice's 有效性 as the data gives it (``""`` when not given)."""
    return n.validity
