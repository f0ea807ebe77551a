"""Where a record stands, in words a villager reads at a glance: the status of a project or
a rectification, and how many days a rectification is past its deadline.

One place for "late": the rule Q004 (整改逾期) and every page that prints 已逾期 N 天 ask
``overdue_days``, counted from the data's date (``Dataset.as_of``: site.yaml 数据截止日期,
else the day of the data's last commit), never from the clock of the machine that builds.
"""

from __future__ import annotations

from datetime import date

from generator.dates import parse_date
from generator.model.dataset import Dataset, records
from generator.records import TABLES, Rectification

DONE = "已整改"

# status → tone of its badge (a CSS class gs-badge--TONE, site_templates/overrides)
PROJECT_TONES = {
    "拟建": "planned",
    "公示中": "notice",
    "实施中": "active",
    "已完工": "done",
    "已验收": "done",
    "已终止": "stopped",
}
RECTIFICATION_TONES = {"未整改": "late", "整改中": "active", "已整改": "done"}


def overdue_days(r: Rectification, as_of: date) -> int:
    """Days a rectification not yet done is past its deadline on ``as_of``; 0 when it is
    done, has no deadline or is not late yet (the deadline day itself is not late).

    >>> from datetime import date
    >>> r = Rectification(id="ZG1", status="整改中", deadline=date(2018, 12, 31))
    >>> overdue_days(r, date(2019, 4, 30)), overdue_days(r, date(2018, 12, 31))
    (120, 0)
    >>> overdue_days(Rectification(id="ZG2", status="已整改", deadline=date(2018, 1, 1)),
    ...              date(2019, 4, 30))
    0
    """
    if r.status == DONE or r.deadline is None or r.deadline >= as_of:
        return 0
    return (as_of - r.deadline).days


def project_tone(status: str) -> str:
    """The badge tone of a project status (``""`` for a status outside the list).

    >>> project_tone("已验收"), project_tone("实施中"), project_tone("")
    ('done', 'active', '')
    """
    return PROJECT_TONES.get(status, "")


def rectification_label(r: Rectification, as_of: date) -> tuple[str, str]:
    """What a rectification's badge says and its tone: ``整改中 · 已逾期 120 天`` (late)
    when past its deadline, else its status.

    >>> from datetime import date
    >>> r = Rectification(id="ZG1", status="整改中", deadline=date(2018, 12, 31))
    >>> rectification_label(r, date(2019, 4, 30))
    ('整改中，已逾期 120 天', 'late')
    >>> rectification_label(r, date(2018, 6, 1))
    ('整改中', 'active')
    """
    days = overdue_days(r, as_of)
    status = r.status or "未填写状态"
    if days:
        return f"{status}，已逾期 {days} 天", "late"
    return status, RECTIFICATION_TONES.get(r.status, "")


def data_day(ds: Dataset, declared: str | None = None) -> date | None:
    """The date a data set speaks for: its 数据截止日期 (``declared``, by default
    ``ds.site.data_date``), else the newest date in any record; ``None`` for a data set
    without dates. Never the clock, so a rebuild gives the same bytes. 变更记录 dates each
    published version by this (the commit's date is only 提交于)."""
    declared = ds.site.data_date if declared is None else declared
    if declared:
        parsed, _ = parse_date(declared)
        if parsed:
            return parsed
    return max(
        (
            getattr(r, c.key)
            for t in TABLES
            for r in records(ds, t)
            for c in t.columns
            if c.kind == "date" and getattr(r, c.key)
        ),
        default=None,
    )
