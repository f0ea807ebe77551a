"""The disclosure lifecycle of a project, computed in one place: 入库 → 计划 → 实施前公示 →
实施 → 竣工公告 → 资产 → 收益分配, each step with its date, its notice or plan, and its
state; and the publication clocks of plans and allocation results.

The rules (``rules.lifecycle``) and the pages (the project timeline, the plan pages) both
ask this module, so a step the page marks 缺失 or 逾期 is the step the rule reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from generator.dates import zh_date as _zh
from generator.records import Fund, Notice, Plan, Project
from generator.workdays import add_workdays

if TYPE_CHECKING:
    from generator.model.dataset import Dataset

STAGES = ("入库", "计划", "实施前公示", "实施", "竣工公告", "资产", "收益分配")
# Step states, and how pages name them.
DONE, LAPSE, MISSING, PENDING, NONE = "done", "lapse", "missing", "pending", "none"
STATE_ZH = {
    DONE: "已完成",
    LAPSE: "不合规",
    MISSING: "缺失",
    PENDING: "未到",
    NONE: "不涉及",
}
POOL_KIND = "入库公示"
PLAN_NOTICE = {"年度计划": "年度计划公告", "调整方案": "调整公告"}
COMPLETION_KINDS = ("事后公告", "完成情况公告")
ALLOCATION_KIND = "分配结果公告"
POOL_MIN_DAYS = 10  # a pool posting without an end date is taken to run its 10 days
STARTED = ("实施中", "已完工", "已验收")
COMPLETED = ("已完工", "已验收")
ASSET_CATEGORIES = ("资产收益", "光伏扶贫", "物业入股")


@dataclass(frozen=True)
class Step:
    """One step of a project's path."""

    stage: str
    state: str
    on: date | None = None
    notice: Notice | None = None
    plan: Plan | None = None
    note: str = ""

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]


@dataclass(frozen=True)
class Clock:
    """A publication deadline: ``start`` plus ``days`` working days is ``deadline``;
    ``notice`` is the first notice of the right kind (``None``: not published)."""

    what: str
    start: date
    days: int
    deadline: date
    exact: bool  # the holiday calendar knew every year counted
    notice: Notice | None

    @property
    def posted(self) -> date | None:
        return self.notice.posted_on if self.notice else None

    @property
    def late(self) -> bool:
        return self.posted is not None and self.posted > self.deadline

    @property
    def days_late(self) -> int:
        """Calendar days after the deadline (0 when in time or not posted)."""
        return (self.posted - self.deadline).days if self.posted and self.late else 0


def _first(notices: list[Notice], kinds: tuple[str, ...]) -> Notice | None:
    dated = [n for n in notices if n.kind in kinds and n.posted_on]
    return min(dated, key=lambda n: (n.posted_on, n.id)) if dated else None


def pool_end(n: Notice) -> date | None:
    """The day a 入库公示 ended: its end date, else its start plus the 10-day minimum."""
    if n.until:
        return n.until
    return n.posted_on + timedelta(days=POOL_MIN_DAYS - 1) if n.posted_on else None


def pool_notice(ds: Dataset, pid: str) -> Notice | None:
    """A project's first 入库公示."""
    return _first(ds.notices_of("project", pid), (POOL_KIND,))


def pool_lapse(ds: Dataset, pid: str, plan: Plan) -> str:
    """Why a project entered ``plan`` without a passed 入库公示 (``""``: it did not).
    "公示无异议后": the pool posting must have ended before the plan was approved."""
    n = pool_notice(ds, pid)
    if n is None:
        return "没有入库公示"
    end = pool_end(n)
    if plan.approved_on and end and end >= plan.approved_on:
        return f"入库公示{_zh(end)}才期满，计划{_zh(plan.approved_on)}已批复"
    return ""


def pool_lapses(ds: Dataset) -> dict[str, tuple[Plan, str]]:
    """Every known project that entered a plan without a passed 入库公示: id → (the first
    plan it entered so, ``pool_lapse``'s why), in plan order. Rule J001 reports these and
    the 标准目录 page marks them, so both say the same (an adjustment that keeps a project
    in the plan repeats the lapse of the plan it first entered and is not counted again)."""
    out: dict[str, tuple[Plan, str]] = {}
    for plan in ds.plans_in_order:
        for pid in dict.fromkeys(plan.projects):
            if pid in out or ds.project(pid) is None:
                continue  # an unknown id is R001's finding
            if why := pool_lapse(ds, pid, plan):
                out[pid] = (plan, why)
    return out


def plan_clock(ds: Dataset, plan: Plan) -> Clock | None:
    """The 年度计划公告 / 调整公告 deadline of a plan (``None`` without an approval date)."""
    if plan.approved_on is None or plan.kind not in PLAN_NOTICE:
        return None
    days = ds.site.adjustment_days if plan.kind == "调整方案" else ds.site.plan_days
    deadline, exact = add_workdays(plan.approved_on, days)
    kind = PLAN_NOTICE[plan.kind]
    return Clock(kind, plan.approved_on, days, deadline, exact, plan_notice(ds, plan))


def plan_notice(ds: Dataset, plan: Plan) -> Notice | None:
    return _first(ds.notices_of("plan", plan.id), (PLAN_NOTICE.get(plan.kind, ""),))


def allocation_clock(ds: Dataset, f: Fund) -> Clock | None:
    """The 分配结果公告 deadline of a fund: ``None`` without an issue date or without any
    分配结果公告 (a fund with no notice at all is rule N007's finding)."""
    n = _first(ds.notices_of("fund", f.id), (ALLOCATION_KIND,))
    if f.issued_on is None or n is None:
        return None
    days = ds.site.allocation_days
    deadline, exact = add_workdays(f.issued_on, days)
    return Clock(ALLOCATION_KIND, f.issued_on, days, deadline, exact, n)


def completion_notice(ds: Dataset, p: Project) -> Notice | None:
    """A project's 竣工公告: its first 事后公告 or 完成情况公告."""
    return _first(ds.notices_of("project", p.id), COMPLETION_KINDS)


def is_completed(p: Project) -> bool:
    return p.status in COMPLETED or (p.completed_on is not None and p.status != "已终止")


def path(ds: Dataset, p: Project) -> list[Step]:
    """The seven steps of a project, in order. A step is 缺失 when a later step shows it
    should have happened (a project under way without a 事前公示, a plan project without
    入库公示); 未到 when the project has not got there yet."""
    notices = ds.notices_of("project", p.id)
    started = p.status in STARTED or p.started_on is not None
    completed = is_completed(p)
    plans = ds.plans_of_project(p.id)
    prior = _first(notices, ("事前公示",))
    planned = bool(plans) or prior is not None or started

    pool = pool_notice(ds, p.id)
    lapses = [(x, why) for x in plans if (why := pool_lapse(ds, p.id, x))]
    if pool is not None:
        pool_step = Step(
            "入库",
            LAPSE if lapses else DONE,
            pool.posted_on,
            notice=pool,
            note=lapses[0][1] if lapses else "",
        )
    elif plans:
        pool_step = Step("入库", MISSING, note="没有入库公示记录，未经入库公示就列入了计划")
    elif planned:
        pool_step = Step("入库", MISSING, note="没有入库公示记录")
    else:
        pool_step = Step("入库", PENDING)

    if plans:
        first = plans[0]
        plan_step = Step("计划", DONE, first.approved_on, plan=first)
    elif prior is not None or started:
        plan_step = Step("计划", MISSING, note="没有列入年度计划的记录")
    else:
        plan_step = Step("计划", PENDING)

    if prior is not None:
        prior_step = Step("实施前公示", DONE, prior.posted_on, notice=prior)
    elif started or p.status == "公示中":
        prior_step = Step("实施前公示", MISSING, note="没有事前公示记录")
    else:
        prior_step = Step("实施前公示", PENDING)

    if started:
        note = "" if p.started_on else "未填写实际开工日期"
        work_step = Step("实施", DONE, p.started_on, note=note)
    elif p.status == "已终止":
        work_step = Step("实施", NONE, note="项目已终止")
    else:
        work_step = Step("实施", PENDING)

    done_notice = completion_notice(ds, p)
    if done_notice is not None:
        done_step = Step("竣工公告", DONE, done_notice.posted_on, notice=done_notice)
    elif completed:
        done_step = Step("竣工公告", MISSING, note="已完工，没有事后公告或完成情况公告")
    else:
        done_step = Step("竣工公告", NONE if p.status == "已终止" else PENDING)

    accepted = p.status == "已验收" or p.accepted_on is not None
    if accepted and p.asset_owner:  # an owner named before acceptance is only planned
        asset_step = Step("资产", DONE, p.accepted_on, note=f"资产归属：{p.asset_owner}")
    elif p.status == "已验收":
        asset_step = Step("资产", MISSING, note="已验收，没有写明资产归属")
    else:
        asset_step = Step("资产", NONE if p.status == "已终止" else PENDING)

    dists = ds.distributions_of_project(p.id)
    if dists:
        d = dists[0]
        shared = _first(ds.notices_of("distribution", d.id), ("分配公示",))
        share_step = Step(
            "收益分配",
            DONE,
            d.filed_on or d.reviewed_on or d.proposed_on,
            notice=shared,
            # a year a villager knows, never the record's internal id (issue 18)
            note=(f"{d.year}年" if d.year else "已")
            + "分配"
            + (f"，共 {len(dists)} 次" if len(dists) > 1 else ""),
        )
    elif p.category in ASSET_CATEGORIES and p.status != "已终止":
        share_step = Step("收益分配", PENDING)
    else:
        share_step = Step("收益分配", NONE)
    return [pool_step, plan_step, prior_step, work_step, done_step, asset_step, share_step]


def stage(ds: Dataset, p: Project) -> str:
    """The project's stage: the last step it has reached (``""``: none yet)."""
    reached = [s.stage for s in path(ds, p) if s.state in (DONE, LAPSE)]
    return reached[-1] if reached else ""
