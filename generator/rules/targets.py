"""Performance-target rules (domain.md §4): every project has output and benefit
indicators, published in time, with actual values once it is finished."""

from __future__ import annotations

from collections.abc import Iterator

from generator import findings as F
from generator.dates import zh_date
from generator.findings import declare
from generator.model import Dataset
from generator.rules.registry import at, rule
from generator.workdays import add_workdays

GUIDE_TARGETS = "扶贫项目资金绩效管理有关规定：绩效目标批复后20个工作日内在门户网站公开"
PUBLISH_WITHIN = 20  # working days

declare(
    "T001",
    "warning",
    "绩效目标不全",
    "项目“{name}”缺少{missing}",
    "每个项目至少要有一项产出指标和一项效益指标（如“新建大棚 8 栋”"
    "“带动贫困户增收 1000 元/户”），写在绩效目标表（project_targets）中。",
    GUIDE_TARGETS,
)
declare(
    "T002",
    "warning",
    "绩效目标公开超时",
    "{what}{approved}下达，{deadline}前应公开，实际{posted}才公示",
    "绩效目标要在资金下达（批复）后20个工作日内在门户网站公开。{note}",
    GUIDE_TARGETS,
)
declare(
    "T003",
    "warning",
    "完工项目缺少实际值",
    "项目“{name}”已{status}，指标“{indicator}”没有实际值",
    "项目完工后请填写每项绩效指标的实际完成值，便于群众对照目标监督。",
    GUIDE_TARGETS,
)


@rule("T001", tags=("disclosure", "targets", "completeness"))
def indicators_present(ds: Dataset) -> Iterator[F.Finding]:
    for p in ds.projects:
        kinds = {t.kind for t in ds.targets_of(p.id)}
        missing = [k for k in ("产出指标", "效益指标") if k not in kinds]
        if missing:
            yield F.make(
                "T001", **at(p, "id", f"project:{p.id}"), name=p.name, missing="和".join(missing)
            )


@rule("T002", tags=("disclosure", "targets", "timeliness"))
def targets_published_in_time(ds: Dataset) -> Iterator[F.Finding]:
    """A fund's targets are published with its 资金公告 on the portal; the clock starts when
    the fund is issued (下达日期)."""
    for f in ds.funds:
        if not f.issued_on:
            continue
        portal = [
            (n.posted_on, n)
            for n in ds.notices_of("fund", f.id)
            if n.posted_on and any("门户网站" in p for p in n.places)
        ]
        if not portal:
            continue  # a missing notice is N007's finding
        posted, first = min(portal, key=lambda dated: dated[0])
        deadline, exact = add_workdays(f.issued_on, PUBLISH_WITHIN)
        if posted > deadline:
            note = "" if exact else "（该年份不在节假日日历中，按周一至周五计算工作日。）"
            yield F.make(
                "T002",
                **at(first, "posted_on", f"fund:{f.id}"),
                what=f"资金{f.document_no or f.id}于",
                approved=zh_date(f.issued_on),
                deadline=zh_date(deadline),
                posted=zh_date(posted),
                note=note,
            )


@rule("T003", tags=("disclosure", "targets", "completeness"))
def actual_values_when_done(ds: Dataset) -> Iterator[F.Finding]:
    for p in ds.projects:
        if p.status not in ("已完工", "已验收"):
            continue
        for t in ds.targets_of(p.id):
            if not t.actual:
                yield F.make(
                    "T003",
                    **at(t, "actual", f"project:{p.id}"),
                    name=p.name,
                    status=p.status.removeprefix("已"),
                    indicator=t.indicator,
                )
