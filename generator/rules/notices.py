"""Notice rules: every project, fund and distribution is publicly noticed, in the right
places, for long enough, at the right moment (domain.md §1–§2, §5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator import findings as F
from generator.dates import zh_date as _zh
from generator.findings import declare
from generator.model import Dataset
from generator.records import Notice, Project, columns_of
from generator.rules.registry import at, rule

GUIDE = "国开办发〔2017〕50号《关于完善扶贫资金项目公告公示制度的指导意见》"
SEED_004 = (
    "素材004（延安市宝塔区）：所有扶贫项目资金安排和项目建设等情况，要及时在区政府门户"
    "网站……以及项目实施地公告公示，并落实项目监督人员"
)
MIN_DAYS = 10
PORTAL = "门户网站"
NOTICED_STATUSES = ("公示中", "实施中", "已完工", "已验收")

declare(
    "N001",
    "warning",
    "项目公示要素不全",
    "项目“{name}”缺少公示要素“{title}”",
    "请在项目表中补填“{title}”。项目公示要写明名称、地点、内容、资金、实施单位和责任人、"
    "工期、带贫机制、受益户数、监督人等；开工后还要写招标和中标情况，完工验收后要写验收结果。",
    GUIDE + "，公告公示内容",
)
declare(
    "N002",
    "warning",
    "缺少事前公示",
    "项目“{name}”（{status}）没有事前公示记录",
    "请在公示记录表（notices）中补上 project:{id} 的事前公示：公示开始、截止日期和地点。",
    SEED_004,
)
declare(
    "N003",
    "warning",
    "事前公示晚于开工",
    "项目“{name}”的事前公示{posted}才开始，开工日期是{start}",
    "事前公示要在开工前张贴满公示期，有异议的处理后再开工。",
    GUIDE,
)
declare(
    "N004",
    "warning",
    "公示地点不全",
    "{kind}{nid}只在“{places}”公示，缺少{missing}",
    "公示要同时在县门户网站和项目所在村公开栏（或项目现场）张贴，公示地点请写“门户网站”"
    "和“××村公开栏”。",
    SEED_004,
)
declare(
    "N005",
    "warning",
    "公示期不足规定天数",
    "{kind}{nid}从{posted}到{until}只公示了{days}天（应不少于{least}天）",
    "村级和项目现场公示不少于{least}天（按日历天数，首尾两天都算；site.yaml 的“公示天数”，"
    "默认 10 天）。请如实填写，并按规定重新公示。",
    GUIDE + "：公告公示时间不少于10天",
)
declare(
    "N006",
    "warning",
    "缺少事后公告",
    "项目“{name}”已验收，但没有验收后的事后公告",
    "项目验收后要公告建设内容、资金使用和验收结论。请补上 project:{id} 的事后公告，"
    "开始日期在验收日期之后。",
    GUIDE,
)
declare(
    "N007",
    "warning",
    "缺少资金公告",
    "资金{doc}没有资金公告",
    "每笔资金下达后要公告文号、来源、规模、用途和分配结果。请在公示记录表中补上 "
    "fund:{id} 的资金公告。",
    GUIDE + "：资金分配结果公告",
)
declare(
    "N008",
    "warning",
    "缺少分配公示",
    "收益分配{id}没有分配公示",
    "资产收益分配方案要在村里公示无异议后再发放。请补上 distribution:{id} 的分配公示。",
    "素材003（莘县张寨镇）：村提方案、街道审核、县级备案",
)
declare(
    "N009",
    "warning",
    "公示截止日期未填",
    "{kind}{nid}没有填写公示截止日期",
    "请填写公示截止日期，才能核对公示天数。",
    GUIDE,
)


def notice_days(n: Notice) -> int | None:
    """Calendar days a notice stayed up, both ends counted: 3月1日–3月10日 is 10 days."""
    if n.posted_on and n.until:
        return (n.until - n.posted_on).days + 1
    return None


def project_start(p: Project) -> date | None:
    return p.started_on or p.start


REQUIRED_ALWAYS = (
    "name",
    "year",
    "category",
    "township",
    "villages",
    "content",
    "implementer",
    "responsible_person",
    "start",
    "end",
    "status",
    "poverty_link",
    "households",
    "persons",
)  # supervisor and phone: rule Q007
REQUIRED_STARTED = ("procurement", "contractor", "contract_amount", "started_on")
REQUIRED_DONE = ("completed_on",)
REQUIRED_ACCEPTED = ("accepted_on", "acceptance", "asset_owner")


def required_fields(p: Project) -> tuple[str, ...]:
    """The notice fields a project must have for its status."""
    fields: tuple[str, ...] = REQUIRED_ALWAYS
    if p.status in ("实施中", "已完工", "已验收"):
        fields += REQUIRED_STARTED
    if p.status in ("已完工", "已验收"):
        fields += REQUIRED_DONE
    if p.status == "已验收":
        fields += REQUIRED_ACCEPTED
    return fields


@rule("N001", tags=("disclosure", "notices", "completeness"))
def project_fields_complete(ds: Dataset) -> Iterator[F.Finding]:
    titles = {c.key: c.title for c in columns_of(Project)}
    for p in ds.projects:
        for key in required_fields(p):
            value = getattr(p, key)
            if value is None or value == "" or value == ():
                yield F.make(
                    "N001", **at(p, key, f"project:{p.id}"), name=p.name or p.id, title=titles[key]
                )


@rule("N002", "N003", tags=("disclosure", "notices", "timeliness"))
def prior_notice(ds: Dataset) -> Iterator[F.Finding]:
    for p in ds.projects:
        if p.status not in NOTICED_STATUSES:
            continue
        prior = [n for n in ds.notices_of("project", p.id) if n.kind == "事前公示"]
        subject = f"project:{p.id}"
        if not prior:
            yield F.make("N002", **at(p, "id", subject), name=p.name, status=p.status, id=p.id)
            continue
        start = project_start(p)
        dated = [(n.posted_on, n) for n in prior if n.posted_on]
        posted, first = min(dated, key=lambda d: d[0]) if dated else (None, None)
        if start and posted and first and posted >= start:
            yield F.make(
                "N003",
                **at(first, "posted_on", subject),
                name=p.name,
                posted=_zh(posted),
                start=_zh(start),
            )


@rule("N004", "N005", "N009", tags=("disclosure", "notices", "timeliness"))
def notice_period_and_places(ds: Dataset) -> Iterator[F.Finding]:
    least = ds.site.notice_days  # 公示天数 (default MIN_DAYS), as the notice status counts
    for n in ds.notices:
        subject = n.subject.replace("：", ":").strip()
        days = notice_days(n)
        # The 10-day minimum is for village boards and project sites; a portal notice stays
        # up for good (domain.md §2), so a portal-only notice needs no end date.
        posted_locally = not n.places or any(PORTAL not in place for place in n.places)
        if not posted_locally:
            pass
        elif n.until is None and n.posted_on is not None:
            yield F.make("N009", **at(n, "until", subject), kind=n.kind, nid=n.id)
        elif days is not None and 0 < days < least:  # days ≤ 0 is Q002's finding
            yield F.make(
                "N005",
                **at(n, "until", subject),
                kind=n.kind,
                nid=n.id,
                posted=_zh(n.posted_on),
                until=_zh(n.until),
                days=days,
                least=least,
            )
        if n.kind in ("事前公示", "事后公告", "分配公示"):
            missing = []
            if not any(PORTAL in place for place in n.places):
                missing.append("门户网站")
            if not any(("公开栏" in place or "现场" in place) for place in n.places):
                missing.append("村公开栏或项目现场")
            if missing:
                yield F.make(
                    "N004",
                    **at(n, "places", subject),
                    kind=n.kind,
                    nid=n.id,
                    places="、".join(n.places) or "（未填写）",
                    missing="和".join(missing),
                )


@rule("N006", tags=("disclosure", "notices", "timeliness"))
def announcement_after_acceptance(ds: Dataset) -> Iterator[F.Finding]:
    for p in ds.projects:
        if p.status != "已验收":
            continue
        after = [
            n
            for n in ds.notices_of("project", p.id)
            if n.kind == "事后公告"
            and (p.accepted_on is None or (n.posted_on and n.posted_on >= p.accepted_on))
        ]
        if not after:
            yield F.make("N006", **at(p, "accepted_on", f"project:{p.id}"), name=p.name, id=p.id)


@rule(
    "N007",
    "N008",
    tags=(
        "disclosure",
        "notices",
    ),
)
def fund_and_distribution_notices(ds: Dataset) -> Iterator[F.Finding]:
    for f in ds.funds:
        if not any(n.kind == "资金公告" for n in ds.notices_of("fund", f.id)):
            yield F.make("N007", **at(f, "id", f"fund:{f.id}"), doc=f.document_no or f.id, id=f.id)
    for d in ds.distributions:
        if not any(n.kind == "分配公示" for n in ds.notices_of("distribution", d.id)):
            yield F.make("N008", **at(d, "id", f"distribution:{d.id}"), id=d.id)
