"""Where an objection stands on the data date: answered, in time or not, or still open.

One function, used by the rules (Y003/Y004), the pages (逾期未答复) and the compliance
counts (``totals.objection_counts``), so the three can never disagree. The reply deadline
is ``site.yaml`` ``objection_reply_days`` calendar days after 受理日期 (default 20: one
provincial rule, see docs/rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from generator.dates import zh_date
from generator.records import Objection

ANSWERED = "已答复"
OVERDUE = "逾期未答复"
LATE = "逾期答复"
OPEN = "办理中"


@dataclass(frozen=True)
class ObjectionState:
    deadline: date | None  # the last day of the reply period
    answered: bool
    overdue: bool  # not answered, and the deadline has passed on the data date
    late: bool  # answered after the deadline
    label: str  # 已答复 / 逾期答复 / 逾期未答复 / 办理中（…前答复）


def reply_deadline(o: Objection, days: int) -> date | None:
    """The last day of the reply period: 受理日期 + ``days``.

    >>> from generator.records import Objection
    >>> reply_deadline(Objection(id="Y1", notice="N1", received_on=date(2024, 3, 1)), 20)
    datetime.date(2024, 3, 21)
    """
    return o.received_on + timedelta(days=days) if o.received_on else None


def objection_state(o: Objection, days: int, as_of: date) -> ObjectionState:
    """Where ``o`` stands on ``as_of``.

    >>> from generator.records import Objection
    >>> o = Objection(id="Y1", notice="N1", received_on=date(2024, 3, 1))
    >>> [objection_state(o, 20, date(2024, 3, d)).label for d in (21, 22)]
    ['办理中（2024年3月21日前答复）', '逾期未答复']
    >>> objection_state(Objection(id="Y2", notice="N1", received_on=date(2024, 3, 1),
    ...     replied_on=date(2024, 3, 25)), 20, date(2024, 4, 1)).label
    '逾期答复'
    """
    deadline = reply_deadline(o, days)
    if o.replied_on is not None:
        late = deadline is not None and o.replied_on > deadline
        return ObjectionState(deadline, True, False, late, LATE if late else ANSWERED)
    if deadline is not None and as_of > deadline:
        return ObjectionState(deadline, False, True, False, OVERDUE)
    shown = f"{OPEN}（{zh_date(deadline)}前答复）" if deadline else OPEN
    return ObjectionState(deadline, False, False, False, shown)
