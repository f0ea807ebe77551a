"""The data contract as code: one dataclass per table, one field per column.

Each field carries its Chinese header, its kind (how cells are parsed), whether it is
required, its allowed values and help text; ``TABLES`` lists the tables in load order.
Columns that must never be published (``PRIVATE``) are recognised by the loader and dropped:
they are not fields of any record, so no template can reach them.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Origin:
    """Where a record came from: file (relative to the project), row, and column labels."""

    file: str
    row: int
    columns: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def column(self, key: str) -> str:
        return self.columns.get(key, key)


NO_ORIGIN = Origin("", 0)


def col(
    title: str,
    kind: str = "text",
    *,
    required: bool = False,
    choices: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
    help: str = "",
    suggestions: tuple[str, ...] = (),
) -> Any:
    """Declare a column. ``kind`` is one of text, money, date, int, year, bool, list.

    ``choices`` is a fixed vocabulary (other values are reported); ``suggestions`` only
    offers common values (the Excel template's drop-down), any other value is accepted."""
    default: object = None
    if kind == "text":
        default = ""
    elif kind == "list":
        default = ()
    return field(
        default=default,
        metadata={
            "title": title,
            "kind": kind,
            "required": required,
            "choices": choices,
            "aliases": aliases,
            "help": help,
            "suggestions": suggestions,
        },
    )


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    help: str = ""
    suggestions: tuple[str, ...] = ()


CATEGORIES = (
    "产业发展",
    "光伏扶贫",
    "基础设施",
    "公共服务",
    "就业扶贫",
    "教育扶贫",
    "健康扶贫",
    "金融扶贫",
    "易地搬迁",
    "旅游扶贫",
    "电商扶贫",
    "资产收益",
    "其他",
    "种植",
    "养殖",
    "储藏库",
    "物业入股",
)
PROCUREMENT_TYPES = ("工程", "货物", "服务")  # 必须招标的工程项目规定: three thresholds
PROJECT_STATUSES = ("拟建", "公示中", "实施中", "已完工", "已验收", "已终止")
FUND_SOURCES = (
    "中央财政",
    "省级财政",
    "市级财政",
    "县级财政",
    "统筹整合资金",
    "自筹",
    "社会帮扶",
    "金融信贷",
)
NOTICE_KINDS = (
    "事前公示",
    "事后公告",
    "资金公告",
    "分配公示",
    # The disclosure lifecycle (issue 17, plans): pool, plan, adjustment, allocation result,
    # completion. Appended: the four above keep their meaning.
    "入库公示",
    "年度计划公告",
    "调整公告",
    "分配结果公告",
    "完成情况公告",
)
PLAN_KINDS = ("年度计划", "调整方案")
NOTICE_VALIDITY = ("有效", "已调整", "已废止")  # notices.validity (issue 17, status)
TARGET_KINDS = ("产出指标", "效益指标", "满意度指标")
RECTIFICATION_SOURCES = ("督查", "巡视", "审计", "信访", "自查")
RECTIFICATION_STATUSES = ("未整改", "整改中", "已整改")
# Official vocabulary of discipline measures (domain.md §9): kind → allowed measures;
# an empty tuple means any wording is accepted after the kind (组织处理:诫勉谈话 …).
CASE_MEASURES: dict[str, tuple[str, ...]] = {
    "党纪": ("警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍"),
    "政务": ("警告", "记过", "记大过", "降级", "撤职", "开除"),
    "组织处理": (),
    "移送司法": (),
}
# What the Excel template's drop-down offers for 处理结果: the fixed measures, the usual
# forms of 组织处理 (any other wording is still accepted), and 移送司法.
ORGANISATIONAL_MEASURES = (
    "批评教育",
    "责令检查",
    "通报批评",
    "诫勉谈话",
    "停职检查",
    "调整岗位",
    "责令辞职",
    "免职",
    "降职",
)
MEASURE_SUGGESTIONS: tuple[str, ...] = (
    *(f"{kind}:{m}" for kind, measures in CASE_MEASURES.items() for m in measures),
    *(f"组织处理:{m}" for m in ORGANISATIONAL_MEASURES),
    "移送司法",
)


@dataclass(frozen=True)
class Village:
    code: str = col("区划代码", help="12 位行政区划代码")
    township: str = col("乡镇", required=True)
    name: str = col("村名", required=True)
    poor: bool | None = col("是否贫困村", "bool")
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Project:
    id: str = col("项目编号", required=True)
    year: int | None = col("年度", "year", required=True)
    name: str = col("项目名称", required=True)
    category: str = col("项目类别", choices=CATEGORIES)
    township: str = col("乡镇", required=True)
    villages: tuple[str, ...] = col("实施地点", "list", help="村名或区划代码，多个用、或；分隔")
    content: str = col("建设内容及规模")
    subsidy_standard: str = col("补助标准")
    implementer: str = col("实施单位")
    responsible_person: str = col("责任人")
    start: date | None = col("计划开工日期", "date")
    end: date | None = col("计划完工日期", "date")
    status: str = col("项目状态", choices=PROJECT_STATUSES)
    poverty_link: str = col("带贫减贫机制")
    households: int | None = col("受益户数", "int")
    persons: int | None = col("受益人数", "int")
    poor_households: int | None = col("受益贫困户数", "int")
    poor_persons: int | None = col("受益贫困人口", "int")
    supervisor: str = col("项目监督人")
    supervisor_phone: str = col("监督电话")
    procurement: str = col("招标方式")
    contractor: str = col("中标单位")
    contract_amount: int | None = col("合同金额", "money")
    supervision_firm: str = col("监理单位")
    started_on: date | None = col("实际开工日期", "date")
    completed_on: date | None = col("完工日期", "date")
    accepted_on: date | None = col("验收日期", "date")
    acceptance: str = col("验收结论")
    asset_owner: str = col("资产归属")
    remarks: str = col("备注")
    # Issue 19 (风险提示): which bidding threshold applies (rules.flags); empty means 工程.
    procurement_type: str = col(
        "采购类别",
        choices=PROCUREMENT_TYPES,
        aliases=("采购类型", "招标类别"),
        help="工程、货物或服务，决定适用哪个招标限额；不填按工程",
    )
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Funding:
    project_id: str = col("项目编号", required=True)
    source: str = col("资金来源", required=True, choices=FUND_SOURCES)
    amount: int | None = col("金额", "money", required=True)
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Target:
    project_id: str = col("项目编号", required=True)
    kind: str = col("一级指标", required=True, choices=TARGET_KINDS)
    subkind: str = col("二级指标")
    indicator: str = col("三级指标", required=True)
    target: str = col("目标值")
    actual: str = col("实际值")
    unit: str = col("单位")
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Fund:
    id: str = col("资金编号", required=True)
    document_no: str = col("文号")
    issued_on: date | None = col("下达日期", "date")
    source: str = col("资金来源", choices=FUND_SOURCES)
    nature: str = col("资金性质")
    purpose: str = col("资金用途")
    principle: str = col("安排原则")
    amount: int | None = col("金额", "money", required=True)
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Allocation:
    fund_id: str = col("资金编号", required=True)
    project_id: str = col("项目编号", required=True)
    amount: int | None = col("金额", "money", required=True)
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Disbursement:
    project_id: str = col("项目编号", required=True)
    fund_id: str = col("资金编号")
    paid_on: date | None = col("拨付日期", "date")
    amount: int | None = col("金额", "money", required=True)
    voucher: str = col("凭证号")
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Notice:
    id: str = col("公示编号", required=True)
    subject: str = col("公示对象", required=True)
    kind: str = col("公示类型", required=True, choices=NOTICE_KINDS)
    posted_on: date | None = col("公示开始日期", "date", required=True)
    until: date | None = col("公示截止日期", "date")
    places: tuple[str, ...] = col("公示地点", "list")
    objections: str = col("异议及处理情况")
    # 信息公开 metadata (issue 17, status): optional; what is left empty is derived
    # (render.views.notice_meta) and 有效性 drives the 已调整 / 已废止 status.
    index_no: str = col("索引号", help="不填则按 site.yaml 的索引号格式生成")
    publisher: str = col("发布机构", help="不填则用 site.yaml 的主办单位")
    document_no: str = col("文号")
    written_on: date | None = col("成文日期", "date")
    validity: str = col(
        "有效性", choices=NOTICE_VALIDITY, help="有效、已调整或已废止；调整或废止的公示不删除"
    )
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Plan:
    """A county's annual project plan (年度计划) or an adjustment of it (调整方案)."""

    id: str = col("计划编号", required=True)
    year: int | None = col("年度", "year", required=True)
    kind: str = col("计划类型", required=True, choices=PLAN_KINDS)
    document_no: str = col("文号", aliases=("计划文号", "批复文号"))
    approved_on: date | None = col("批复日期", "date", aliases=("审定日期",))
    projects: tuple[str, ...] = col(
        "计划项目", "list", help="计划（或调整后）包含的全部项目编号，多个用、或；分隔"
    )
    reason: str = col("调整原因", help="调整方案必填：为什么调整")
    replaces: str = col("被调整计划编号", help="调整方案必填：它调整的是哪一个计划（计划编号）")
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Benefit:
    """One household's payment. The head's name is already masked when the record is built."""

    program: str = col("补助项目", required=True)
    year: int | None = col("年度", "year", required=True)
    village: str = col("村", required=True)
    household_head: str = col("户主姓名")
    persons: int | None = col("家庭人口", "int")
    amount: int | None = col("金额", "money", required=True)
    paid_on: date | None = col("发放日期", "date")
    distribution_id: str = col("分配编号")
    remarks: str = col("备注")
    # issue 18: with the masked name (张*三), household size and amount, the group lets a
    # household find its own row; optional, shown only where the data has it
    group: str = col("村民小组", aliases=("小组", "组别"), help="如 3组、东街组")
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Distribution:
    id: str = col("分配编号", required=True)
    project_id: str = col("项目编号")
    year: int | None = col("年度", "year")
    income: int | None = col("收益总额", "money", required=True)
    households: int | None = col("分配户数", "int")
    persons: int | None = col("分配人数", "int")
    proposed_on: date | None = col("村提方案日期", "date")
    reviewed_on: date | None = col("乡镇审核日期", "date")
    filed_on: date | None = col("县级备案日期", "date")
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Case:
    """A discipline notice. ``name`` is masked when the record is built."""

    id: str = col("案件编号", required=True)
    published_on: date | None = col("通报日期", "date")
    authority: str = col("通报单位")
    township: str = col("乡镇")
    unit: str = col("单位或村")
    post: str = col("职务")
    name: str = col("姓名")
    problem: str = col("问题", required=True)
    amount_involved: int | None = col("涉及金额", "money")
    amount_recovered: int | None = col("追缴金额", "money")
    measures: tuple[str, ...] = col(
        "处理结果",
        "list",
        suggestions=MEASURE_SUGGESTIONS,
        help="每项写成“类别:处分”，多项用、或；分隔",
    )
    status: str = col("状态")
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Rectification:
    id: str = col("问题编号", required=True)
    source: str = col("问题来源", choices=RECTIFICATION_SOURCES)
    found_on: date | None = col("发现日期", "date")
    township: str = col("乡镇")
    unit: str = col("单位或村")
    problem: str = col("问题", required=True)
    measure: str = col("整改措施")
    owner: str = col("责任单位")
    deadline: date | None = col("整改时限", "date")
    status: str = col("整改状态", choices=RECTIFICATION_STATUSES)
    done_on: date | None = col("完成日期", "date")
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Table:
    """A table of the data contract: file name, Chinese name, record type, key column."""

    name: str
    title: str
    record: type
    key: str | None = None
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[Column, ...]:
        return columns_of(self.record)


@functools.cache  # asked for per row and per cell: 20,000 calls for a one-town site
def columns_of(record: type) -> tuple[Column, ...]:
    cols = []
    for f in dataclasses.fields(record):
        if "title" in f.metadata:
            m = f.metadata
            cols.append(
                Column(
                    f.name,
                    m["title"],
                    m["kind"],
                    m["required"],
                    m["choices"],
                    m["aliases"],
                    m["help"],
                    m["suggestions"],
                )
            )
    return tuple(cols)


# --- issue 17: objections to notices and the asset register (helper “objections”) ---------
OBJECTION_FINDINGS = ("属实", "部分属实", "不属实")
OBJECTION_STATUSES = ("已受理", "调查中", "已答复", "已办结")
OBJECTION_CHANNELS = ("来访", "电话", "信件", "12317", "网上留言", "意见箱")
# 异议: a villager disagrees with what a notice says (investigated: 属实 / 不属实 …);
# 咨询: a question about it, answered without a finding (rule Y005). Empty means 异议.
OBJECTION_KINDS = ("异议", "咨询")
ASSET_TYPES = ("经营性", "公益性", "到户类")


@dataclass(frozen=True)
class Objection:
    """An objection to a notice and its answer. Who raised it (name, phone, ID, address)
    is never a field: the loader drops those columns (``PRIVATE["objections"]``)."""

    id: str = col("异议编号", required=True)
    notice: str = col("公示编号", required=True, help="异议针对的公示记录（notices 表的公示编号）")
    township: str = col("乡镇", help="留空时取公示对象（项目、收益分配）所在乡镇")
    received_on: date | None = col("受理日期", "date", required=True)
    channel: str = col("反映方式", suggestions=OBJECTION_CHANNELS)
    summary: str = col("异议内容", help="只写反映的问题，不写反映人的姓名、电话、住址")
    replied_on: date | None = col("答复日期", "date")
    finding: str = col("调查结论", choices=OBJECTION_FINDINGS)
    action: str = col("处理意见", aliases=("处理措施", "处理结果"))
    status: str = col("办理状态", suggestions=OBJECTION_STATUSES)
    kind: str = col(
        "反映类型",
        choices=OBJECTION_KINDS,
        aliases=("异议类型", "诉求类型"),
        help="异议（对公示内容有不同意见，要调查核实）或咨询（只是询问，答复即可，不填调查结论）；留空按异议",
    )
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Asset:
    """An asset a project formed (资产登记): who owns it, who maintains it, its disposal."""

    id: str = col("资产编号", required=True)
    project_id: str = col("项目编号")
    name: str = col("资产名称", required=True)
    type: str = col("资产类型", choices=ASSET_TYPES)
    village: str = col("所在村", help="村名或区划代码；留空时取项目的实施地点（只有一个村时）")
    value: int | None = col("资产原值", "money")
    formed_on: date | None = col("确权日期", "date", aliases=("形成日期",))
    owner: str = col("产权归属", aliases=("资产归属", "所有权人"))
    custodian: str = col("管护主体", aliases=("管护责任人", "管护单位"))
    disposal: str = col("处置方式", help="拍卖、转让、报废等；未处置留空")
    disposal_meeting_on: date | None = col("村民代表大会日期", "date")
    disposal_reviewed_on: date | None = col("处置乡镇审核日期", "date")
    disposal_approved_on: date | None = col("县级同意日期", "date")
    disposed_on: date | None = col("处置日期", "date")
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class AssetIncome:
    """One year's income of an asset, linked to the distribution that shared it."""

    asset_id: str = col("资产编号", required=True)
    year: int | None = col("年度", "year", required=True)
    income: int | None = col("收益金额", "money", required=True)
    distribution_id: str = col("分配编号")
    origin: Origin = NO_ORIGIN


# objections' complainant details: read, never published. ``kind="name"`` marks a private
# person's name (guarded in free text by the privacy matcher, like a household head's).
OBJECTION_PRIVATE = (
    Column("complainant", "反映人", "name", aliases=("反映人姓名", "异议人", "姓名", "投诉人")),
    Column("phone", "联系电话", aliases=("手机号", "电话", "手机号码", "反映人电话")),
    Column("id_number", "身份证号", aliases=("身份证号码", "公民身份号码")),
    Column("address", "家庭住址", aliases=("住址", "地址")),
)
ISSUE17_TABLES: tuple[Table, ...] = (
    Table("objections", "异议处理", Objection, "id", aliases=("异议", "异议受理")),
    Table("assets", "资产登记", Asset, "id", aliases=("资产", "扶贫资产")),
    Table("asset_income", "资产收益", AssetIncome, aliases=("资产年度收益",)),
)


TABLES: tuple[Table, ...] = (
    Table("villages", "村庄", Village, "code", aliases=("村庄名录",)),
    Table("projects", "项目", Project, "id", required=True, aliases=("项目库", "扶贫项目")),
    Table("project_funding", "项目资金来源", Funding, aliases=("funding", "资金来源明细")),
    Table("project_targets", "绩效目标", Target, aliases=("targets",)),
    Table("funds", "资金", Fund, "id", aliases=("资金下达",)),
    Table("allocations", "资金分配", Allocation),
    Table("disbursements", "资金拨付", Disbursement),
    Table("notices", "公示记录", Notice, "id"),
    Table("plans", "年度计划", Plan, "id", aliases=("计划", "年度计划及调整")),
    Table("benefits", "补助发放", Benefit, aliases=("补助",)),
    Table("distributions", "收益分配", Distribution, "id"),
    Table("cases", "执纪通报", Case, "id", aliases=("案件",)),
    Table("rectifications", "问题整改", Rectification, "id", aliases=("整改",)),
)
TABLES += ISSUE17_TABLES  # the optional tables issue 17 adds, after the original ones
TABLE_BY_NAME = {t.name: t for t in TABLES}

# Columns read but never published: dropped by the loader, kept only as values the
# post-build scan must not find anywhere in the site.
PRIVATE: dict[str, tuple[Column, ...]] = {
    "benefits": (
        Column("id_number", "身份证号", aliases=("身份证号码", "公民身份号码")),
        Column("bank_account", "银行账号", aliases=("银行卡号", "账号", "一卡通账号")),
        Column("phone", "联系电话", aliases=("手机号", "电话", "手机号码")),
        Column("address", "家庭住址", aliases=("住址", "地址")),
    ),
    "objections": OBJECTION_PRIVATE,
}

# Linked tables that may be nested inside a YAML record instead of a table of their own:
# parent table → {nested key → (child table, column that takes the parent's id)}.
NESTED: dict[str, dict[str, tuple[str, str]]] = {
    "projects": {
        "project_funding": ("project_funding", "project_id"),
        "funding": ("project_funding", "project_id"),
        "项目资金来源": ("project_funding", "project_id"),
        "project_targets": ("project_targets", "project_id"),
        "targets": ("project_targets", "project_id"),
        "绩效目标": ("project_targets", "project_id"),
        "allocations": ("allocations", "project_id"),
        "disbursements": ("disbursements", "project_id"),
    },
    "funds": {
        "allocations": ("allocations", "fund_id"),
        "资金分配": ("allocations", "fund_id"),
        "disbursements": ("disbursements", "fund_id"),
    },
    "distributions": {
        "benefits": ("benefits", "distribution_id"),
    },
}
