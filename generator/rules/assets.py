"""Asset rules (issue 17): every asset a project formed has an owner and someone who
maintains it, is registered once its project is completed, is disposed of only through
村民代表大会 → 乡镇审核 → 县级同意, and its yearly income matches the distributions that
shared it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from generator import findings as F
from generator.dates import zh_date
from generator.findings import declare
from generator.model import Dataset
from generator.money import yuan
from generator.records import AssetIncome
from generator.rules.registry import at, rule

# As counties cite it; the document number was not available to read (docs/rules.md).
ASSET_GUIDE = (
    "《关于加强扶贫项目资产后续管理的指导意见》（2021年，各地引用）：明晰产权归属，"
    "落实管护主体和管护责任"
)
DISPOSAL = (
    "各地资产处置程序：村民代表大会（或村民会议）决议 → 乡镇审核 → 县级乡村振兴、财政部门同意"
)
DONE = ("已完工", "已验收")

declare(
    "Z001",
    "warning",
    "资产记录引用不存在",
    "{what}“{value}”找不到",
    "{hint}",
    ASSET_GUIDE,
)
declare(
    "Z002",
    "warning",
    "资产没有管护主体",
    "资产{id}“{name}”没有{what}",
    "每项扶贫项目资产都要明确产权归属，落实管护主体（村集体、合作社、受益户等），"
    "请在资产登记表中填写“产权归属”和“管护主体”。",
    ASSET_GUIDE,
)
declare(
    "Z003",
    "warning",
    "项目未完工就登记了资产",
    "资产{id}“{name}”所属项目“{project}”的状态是“{status}”",
    "资产在项目完工验收后确权登记：请核对项目状态，或待项目完工后再登记资产。",
    ASSET_GUIDE,
)
declare(
    "Z004",
    "warning",
    "资产处置程序不全",
    "资产{id}“{name}”：{problem}",
    "处置资产要先经村民代表大会决议，再经乡镇审核、县级同意，然后处置；"
    "请填写各步日期，日期应依次不早于前一步。",
    DISPOSAL,
)
declare(
    "Z005",
    "warning",
    "资产收益与分配金额不符",
    "收益分配{id}的收益总额是{stated}元，登记到它的资产收益合计{computed}元",
    "请核对资产收益表（asset_income）和收益分配表（distributions）：分到户的收益应等于资产当年的收益。",
    "素材003（莘县张寨镇）：资产收益分配方案公开",
)


@rule("Z001", tags=("integrity", "assets"))
def asset_refs(ds: Dataset) -> Iterator[F.Finding]:
    for a in ds.assets:
        s = f"asset:{a.id}"
        p = ds.project(a.project_id) if a.project_id else None
        if a.project_id and p is None:
            yield F.make(
                "Z001",
                **at(a, "project_id", s),
                what="项目编号",
                value=a.project_id,
                hint="请检查项目编号是否写错，或在项目表中补上这个项目。",
            )
        if a.village and ds.asset_village(a) is None:
            yield F.make(
                "Z001",
                **at(a, "village", s),
                what="所在村",
                value=a.village,
                hint="请写村庄名录（villages）中的村名或12位区划代码。",
            )
    for i in ds.asset_income:
        s = f"asset:{i.asset_id}"
        if ds.asset(i.asset_id) is None:
            yield F.make(
                "Z001",
                **at(i, "asset_id", s),
                what="资产编号",
                value=i.asset_id,
                hint="请检查资产编号，或在资产登记表（assets）中补上这项资产。",
            )
        if i.distribution_id and ds.distribution(i.distribution_id) is None:
            yield F.make(
                "Z001",
                **at(i, "distribution_id", s),
                what="分配编号",
                value=i.distribution_id,
                hint="请检查分配编号，或在收益分配表（distributions）中补上。",
            )


def _subject(ds: Dataset, project_id: str, aid: str) -> str:
    return f"project:{project_id}" if ds.project(project_id) else f"asset:{aid}"


@rule("Z002", "Z003", tags=("disclosure", "assets"))
def asset_custody(ds: Dataset) -> Iterator[F.Finding]:
    for a in ds.assets:
        s = _subject(ds, a.project_id, a.id)
        if not a.disposed_on:  # a disposed asset needs no one to maintain it any more
            if not a.custodian:
                yield F.make("Z002", **at(a, "custodian", s), id=a.id, name=a.name, what="管护主体")
            if not a.owner:
                yield F.make("Z002", **at(a, "owner", s), id=a.id, name=a.name, what="产权归属")
        p = ds.project(a.project_id) if a.project_id else None
        if p is not None and p.status not in DONE:
            yield F.make(
                "Z003",
                **at(a, "project_id", s),
                id=a.id,
                name=a.name,
                project=p.name,
                status=p.status or "未填写",
            )


@rule("Z004", tags=("disclosure", "assets", "timeliness"))
def asset_disposal(ds: Dataset) -> Iterator[F.Finding]:
    for a in ds.assets:
        steps = [
            ("disposal_meeting_on", "村民代表大会", a.disposal_meeting_on),
            ("disposal_reviewed_on", "乡镇审核", a.disposal_reviewed_on),
            ("disposal_approved_on", "县级同意", a.disposal_approved_on),
            ("disposed_on", "处置", a.disposed_on),
        ]
        if not (a.disposal or any(v for _, _, v in steps)):
            continue
        s = _subject(ds, a.project_id, a.id)
        if a.disposed_on:
            for key, title, value in steps[:3]:
                if value is None:
                    yield F.make(
                        "Z004",
                        **at(a, key, s),
                        id=a.id,
                        name=a.name,
                        problem=f"已处置，缺少{title}日期",
                    )
        known = [(k, t, v) for k, t, v in steps if v is not None]
        for (_, t1, v1), (k2, t2, v2) in zip(known, known[1:], strict=False):
            if v2 < v1:
                yield F.make(
                    "Z004",
                    **at(a, k2, s),
                    id=a.id,
                    name=a.name,
                    problem=f"{t2}（{zh_date(v2)}）早于{t1}（{zh_date(v1)}）",
                )


@rule("Z005", tags=("money", "assets"))
def asset_income_distributed(ds: Dataset) -> Iterator[F.Finding]:
    linked: dict[str, list[AssetIncome]] = defaultdict(list)
    for i in ds.asset_income:
        if i.distribution_id:
            linked[i.distribution_id].append(i)
    for did, rows in sorted(linked.items()):
        d = ds.distribution(did)
        if d is None or d.income is None or any(i.income is None for i in rows):
            continue  # an unknown distribution is Z001, an unread amount its V001
        computed = sum(i.income or 0 for i in rows)
        if computed != d.income:
            yield F.make(
                "Z005",
                **at(d, "income", f"distribution:{d.id}"),
                id=d.id,
                stated=yuan(d.income),
                computed=yuan(computed),
            )
