"""Objection rules (issue 17): every objection names a notice that exists, is answered
within the reply period, and its answer (调查结论、处理意见) is recorded, so that it can be
published beside the notice ("应向群众公布调查结果和处理意见")."""

from __future__ import annotations

from collections.abc import Iterator

from generator import findings as F
from generator.dates import zh_date
from generator.findings import declare
from generator.model import Dataset, parse_subject
from generator.model.objections import objection_state
from generator.records import Objection
from generator.rules.registry import at, rule

# The national guidance asks that objections be handled and the results published; the
# 20-day clock is one province's (as cited in /work/shared/disclosure-rules.md), hence a
# site.yaml setting.
GUIDE = (
    "国开办发〔2017〕50号《关于完善扶贫资金项目公告公示制度的指导意见》："
    "应向群众公布调查结果和处理意见"
)
REPLY_RULE = (
    "省级规定（各地引用）：群众异议应在20日内调查核实并答复；"
    "天数见 site.yaml 的 objection_reply_days"
)

declare(
    "Y001",
    "warning",
    "异议针对的公示不存在",
    "异议{id}的公示编号“{notice}”在公示记录中找不到",
    "请写公示记录表（notices）中的公示编号，或在公示记录中补上这次公示。",
    GUIDE,
)
declare(
    "Y002",
    "warning",
    "异议日期不合理",
    "异议{id}：{problem}",
    "请核对受理日期和答复日期：答复不能早于受理，受理不应早于公示开始。",
    GUIDE,
)
declare(
    "Y003",
    "warning",
    "异议逾期未答复",
    "异议{id}（针对公示{notice}）{received}受理，答复期限{deadline}已过，至今未答复",
    "请尽快调查核实并答复反映人，再填写答复日期、调查结论和处理意见；已答复的请补填答复日期。",
    REPLY_RULE,
)
declare(
    "Y004",
    "warning",
    "异议答复超过期限",
    "异议{id}（针对公示{notice}）{received}受理，{replied}才答复，超过了{days}天的答复期限",
    "异议应在受理后{days}天内答复；请如实填写，并说明逾期原因。",
    REPLY_RULE,
)
declare(
    "Y005",
    "warning",
    "异议处理记录不全",
    "异议{id}：{problem}",
    "答复后请同时填写答复日期、调查结论（属实、部分属实、不属实）和处理意见，"
    "调查结果和处理意见要向群众公布；只是询问的，在“反映类型”列写“咨询”，填写答复日期和答复内容即可。",
    GUIDE,
)


def _subject(ds: Dataset, o: Objection) -> str:
    """The finding's subject: the noticed project, so the project page and the compliance
    page count it; else the objection itself."""
    n = ds.notice(o.notice)
    parsed = parse_subject(n.subject) if n else None
    if parsed and parsed[0] == "project":
        return f"project:{parsed[1]}"
    return f"objection:{o.id}"


@rule("Y001", "Y002", tags=("integrity", "objections"))
def objection_refs(ds: Dataset) -> Iterator[F.Finding]:
    for o in ds.objections:
        s = _subject(ds, o)
        n = ds.notice(o.notice)
        if n is None:
            yield F.make("Y001", **at(o, "notice", s), id=o.id, notice=o.notice)
        if o.received_on and o.replied_on and o.replied_on < o.received_on:
            yield F.make(
                "Y002",
                **at(o, "replied_on", s),
                id=o.id,
                problem=f"答复日期{zh_date(o.replied_on)}早于受理日期{zh_date(o.received_on)}",
            )
        if n and n.posted_on and o.received_on and o.received_on < n.posted_on:
            yield F.make(
                "Y002",
                **at(o, "received_on", s),
                id=o.id,
                problem=f"受理日期{zh_date(o.received_on)}早于公示{n.id}的开始日期"
                f"{zh_date(n.posted_on)}",
            )


@rule("Y003", "Y004", tags=("disclosure", "objections", "timeliness"))
def objection_replied(ds: Dataset) -> Iterator[F.Finding]:
    days = ds.site.objection_reply_days
    for o in ds.objections:
        st = objection_state(o, days, ds.as_of)
        s = _subject(ds, o)
        where = at(o, "replied_on", s)
        received = zh_date(o.received_on)
        if st.overdue:
            yield F.make(
                "Y003",
                **where,
                id=o.id,
                notice=o.notice,
                received=received,
                deadline=zh_date(st.deadline),
            )
        elif st.late:
            yield F.make(
                "Y004",
                **where,
                id=o.id,
                notice=o.notice,
                received=received,
                replied=zh_date(o.replied_on),
                days=days,
            )


@rule("Y005", tags=("disclosure", "objections"))
def objection_answer_recorded(ds: Dataset) -> Iterator[F.Finding]:
    for o in ds.objections:
        s = _subject(ds, o)
        if o.replied_on is None:
            if o.finding:
                yield F.make(
                    "Y005",
                    **at(o, "replied_on", s),
                    id=o.id,
                    problem=f"已有调查结论“{o.finding}”，但没有答复日期",
                )
            elif o.status in ("已答复", "已办结"):
                yield F.make(
                    "Y005",
                    **at(o, "replied_on", s),
                    id=o.id,
                    problem=f"办理状态是“{o.status}”，但没有答复日期",
                )
            continue
        if o.kind == "咨询":
            # a question, not a disagreement: there is nothing to find 属实 or 不属实, but
            # the answer itself is what is published (“答复即可”)
            if not o.action:
                yield F.make(
                    "Y005",
                    **at(o, "action", s),
                    id=o.id,
                    problem="咨询已答复，但没有填写答复内容（处理意见）",
                )
            continue
        if not o.finding:
            yield F.make(
                "Y005", **at(o, "finding", s), id=o.id, problem="已答复，但没有填写调查结论"
            )
        if o.finding in ("属实", "部分属实") and not o.action:
            yield F.make(
                "Y005",
                **at(o, "action", s),
                id=o.id,
                problem=f"调查结论为“{o.finding}”，但没有填写处理意见",
            )
