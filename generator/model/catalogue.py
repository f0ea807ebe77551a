"""The 标准目录 (standard disclosure catalogue) items that apply to these funds (issue 17);
``render.coverage`` judges, per township, how far each has been published.

Each item names the notice kinds that fulfil it, the records that need it (``subject`` and
``when``) and its clock (``due_from`` + ``due_workdays``). A record is 已公开 when one of
its notices has one of the kinds and began in time, 逾期 when it began late, 缺失 when
there is none and the deadline has passed (or there is no deadline), and 未到期 while its
deadline is still ahead. The defaults follow /work/shared/disclosure-rules.md (county
标准目录 citing 国开办发〔2017〕50号); ``site.yaml`` ``catalogue`` changes an item by its
name, switches one off, or adds one (``siteconfig.catalogue_items``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

COUNTY_WIDE = "全县"
SUBJECTS = ("project", "fund", "distribution", "benefit", "county")
SUBJECT_NAMES = {
    "项目": "project",
    "资金": "fund",
    "收益分配": "distribution",
    "到户补助": "benefit",
    "补助": "benefit",
    "全县": "county",
    "县级": "county",
}
WHEN = ("all", "started", "accepted", "year_over")
WHEN_NAMES = {"全部": "all", "已开工": "started", "已验收": "accepted", "年度结束后": "year_over"}
DUE_FROM = ("", "start", "issued_on", "accepted_on")
DUE_FROM_NAMES = {"开工日期": "start", "下达日期": "issued_on", "验收日期": "accepted_on"}


@dataclass(frozen=True)
class Item:
    """One catalogue item. ``kinds``: notice kinds that fulfil it; ``subject``: the records
    that need it (``project``, ``fund``, ``distribution``, ``benefit``, or ``county``: one
    per project year, county-wide); ``when``: which of them (``all``, ``started``,
    ``accepted``, ``year_over``); ``due_from``: the record's date the clock runs from
    (``""``: no clock); ``due_workdays``: working days after it (0: by that day)."""

    name: str
    basis: str
    deadline: str
    channel: str
    kinds: tuple[str, ...]
    subject: str
    when: str = "all"
    due_from: str = ""
    due_workdays: int = 0


GUIDE = "国开办发〔2017〕50号"
DEFAULT_ITEMS: tuple[Item, ...] = (
    Item(
        "项目库入库公示",
        "国乡振发〔2021〕3号（县级标准目录引用）：村申报、乡审核、县审定，公示无异议后入库",
        "入库前在村、乡公开栏公示不少于10天",
        "村公开栏、乡镇公开栏、县门户网站",
        ("入库公示",),
        "project",
    ),
    Item(
        "年度计划（统筹整合方案）公告",
        "县级标准目录：信息形成（变更）20个工作日内",
        "批复后20个工作日内（调整方案同样公告）",
        "县门户网站；乡镇、村公开栏公开本级部分",
        # the plan and each adjustment (信息形成（变更）): both clocks of rule J003
        ("年度计划公告", "调整公告"),
        "county",
    ),
    Item(
        "资金分配结果公告",
        GUIDE + "（吴川标准目录）：资金分配结果公告",
        "资金下达后15个工作日内",
        "县门户网站",
        ("资金公告", "分配结果公告"),
        "fund",
        due_from="issued_on",
        due_workdays=15,
    ),
    Item(
        "项目实施前公示",
        GUIDE + "：项目实施前在实施地公示",
        "开工前，村公开栏和项目现场公示不少于10天",
        "项目现场、村公开栏、县门户网站",
        ("事前公示",),
        "project",
        when="started",
        due_from="start",
    ),
    Item(
        "项目竣工公告",
        GUIDE + "：项目竣工验收后公告建设内容、资金使用和验收结论",
        "验收后及时公告，门户网站长期公开",
        "项目现场、村公开栏、县门户网站",
        ("事后公告",),
        "project",
        when="accepted",
    ),
    Item(
        "资产收益分配公示",
        "素材003：村提方案、乡镇审核、县级备案，公示无异议后发放",
        "发放前在村公开栏公示不少于10天",
        "村公开栏、县门户网站",
        ("分配公示",),
        "distribution",
    ),
    Item(
        "到户补助对象和金额公示",
        GUIDE + "：到户补助对象、标准和金额公示",
        "发放前在村公开栏公示不少于10天",
        "村公开栏、县门户网站",
        ("分配公示",),
        "benefit",
    ),
    Item(
        "年度计划完成情况公告",
        "县级标准目录：建设完成、资金使用、绩效目标和减贫机制实现情况",
        "年度结束后公告",
        "县门户网站",
        ("完成情况公告",),
        "county",
        when="year_over",
    ),
)


def merge(base: tuple[Item, ...], changes: list[tuple[str, dict, bool]]) -> tuple[Item, ...]:
    """``base`` with ``site.yaml``'s changes: (name, fields, off) per item, in order; an item
    of a known name is changed (or dropped when ``off``), a new name is added at the end."""
    items = list(base)
    for name, fields, off in changes:
        at = next((i for i, it in enumerate(items) if it.name == name), None)
        if at is not None:
            if off:
                del items[at]
            else:
                items[at] = replace(items[at], **fields)
        elif not off:
            items.append(Item(name=name, **{**_NEW_DEFAULTS, **fields}))
    return tuple(items)


_NEW_DEFAULTS: dict = {
    "basis": "",
    "deadline": "",
    "channel": "",
    "kinds": (),
    "subject": "project",
}
