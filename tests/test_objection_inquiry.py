"""Y005 and the 咨询 (a question, not a disagreement): an answered 咨询 needs its answer
(处理意见) but no 调查结论 — there is nothing to find 属实 or 不属实. An 异议 (or a row that
does not say, as old data) still needs its finding. Decision in docs/rules.md (Y005)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_objections_assets import county, findings

from generator.pipeline import check
from generator.render.feeds import objection_entries

HEAD = "异议编号,公示编号,受理日期,反映方式,异议内容,答复日期,调查结论,处理意见,办理状态,反映类型"


def _y005(tmp_path: Path, row: str) -> list:
    data = county(tmp_path, {"objections.csv": f"{HEAD}\n{row}\n"})
    return [f for f in findings(data) if f.code == "Y005"]


@pytest.mark.parametrize(
    "row",
    [
        "Y1,TY-GS-001,2020-03-08,电话,询问受益户如何确定,2020-03-10,,已电话解释受益户确定办法,已办结,咨询",
        # a 咨询 may still carry a finding when the cadre wrote one
        "Y1,TY-GS-001,2020-03-08,电话,询问受益户如何确定,2020-03-10,不属实,已解释,已办结,咨询",
    ],
)
def test_answered_inquiry_needs_no_finding(tmp_path: Path, row: str) -> None:
    assert _y005(tmp_path, row) == []


def test_answered_inquiry_without_its_answer_is_y005_at_the_action(tmp_path: Path) -> None:
    found = _y005(
        tmp_path, "Y1,TY-GS-001,2020-03-08,电话,询问受益户如何确定,2020-03-10,,,已答复,咨询"
    )
    assert len(found) == 1
    f = found[0]
    assert (f.file, f.row, f.column) == ("data/objections.csv", 2, "H列（处理意见）")
    assert "咨询已答复，但没有填写答复内容（处理意见）" in f.message


@pytest.mark.parametrize("kind", ["异议", ""])
def test_answered_objection_still_needs_its_finding(tmp_path: Path, kind: str) -> None:
    found = _y005(
        tmp_path, f"Y1,TY-GS-001,2020-03-08,来访,反映名单有误,2020-03-10,,已解释,已答复,{kind}"
    )
    assert [(f.column, "已答复，但没有填写调查结论" in f.message) for f in found] == [
        ("G列（调查结论）", True)
    ]


def test_unknown_kind_is_reported_with_the_choices(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "objections.csv": f"{HEAD}\n"
            "Y1,TY-GS-001,2020-03-08,来访,问题,2020-03-10,不属实,说明,已办结,投诉\n"
        },
    )
    report = check(data).report
    bad = [f for f in report.findings if f.column == "J列（反映类型）"]
    assert bad and "咨询" in bad[0].message + bad[0].hint, [f.message for f in report.findings]


def test_inquiry_is_named_so_in_the_feed(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "objections.csv": f"{HEAD}\n"
            "Y1,TY-GS-001,2020-03-08,电话,询问受益户如何确定,2020-03-10,,已电话解释,已办结,咨询\n"
        },
    )
    ds = check(data).dataset
    assert ds is not None
    (entry,) = objection_entries(ds)
    assert entry.title.startswith("咨询答复：")
    assert "2020年3月8日受理的咨询：询问受益户如何确定" in entry.summary
    assert "2020年3月10日答复：已电话解释" in entry.summary and "调查结论" not in entry.summary
