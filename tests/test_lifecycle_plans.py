"""The disclosure lifecycle (issue 17, plans): the ``plans`` table, the new notice kinds,
the project stage and path, the J rules with their clocks, and the pages that show them.

The county is ``tests/rules_county.py`` with a 2018 年度计划 added by ``test_rules.planned``
(approved 2018-02-01, its two 2018 projects, each with a 入库公示 that ended 2017-12-10,
its 年度计划公告 on 2018-02-08). Each rule gets a firing case in ``test_rules.CASES``;
here are the clean counter-examples, the boundaries and the settings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rules_county as rc
from conftest import CONTRACT_DIR, DEMO_DATA, build_project, make_project
from test_rules import _ADJUSTED, _ADJUSTED_NOTICE, planned
from test_site import Page

from generator.findings import Finding
from generator.model import lifecycle
from generator.pipeline import check
from generator.records import NOTICE_KINDS

SITE_EXTRA = "adjustment_days: 10\n"


def _check(tmp_path: Path, mutate, site_extra: str = ""):
    tables = rc.clean()
    mutate(tables)
    data = rc.write(tmp_path, tables)
    if site_extra:
        with open(data / "site.yaml", "a", encoding="utf-8") as fh:
            fh.write(site_extra)
    return check(data)


def _codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


def _adjusted(posted: str = "2018-06-05", reason: str = "JL2018-002 用地未落实，调出计划"):
    """The plan, then an adjustment (approved 2018-06-01) that keeps JL2018-001 only."""
    row = [*_ADJUSTED[:5], "JL2018-001", reason, "JH-01"]
    notice = [*_ADJUSTED_NOTICE[:3], posted, *_ADJUSTED_NOTICE[4:]]
    return planned(extra_plans=(row,), extra_notices=(notice,))


def test_old_notice_kinds_keep_their_place_and_the_new_ones_follow() -> None:
    assert NOTICE_KINDS[:4] == ("事前公示", "事后公告", "资金公告", "分配公示")
    assert set(NOTICE_KINDS[4:]) == {
        "入库公示",
        "年度计划公告",
        "调整公告",
        "分配结果公告",
        "完成情况公告",
    }


def test_a_plan_with_pool_notices_and_an_adjustment_in_time_is_clean(tmp_path: Path) -> None:
    checked = _check(tmp_path, _adjusted())
    assert checked.report.findings == []
    ds = checked.dataset
    assert [p.id for p in ds.plans_in_order] == ["JH-01", "JH-02"]
    assert [x.id for x in ds.adjustments_of("JH-01")] == ["JH-02"]
    assert [x.id for x in ds.plans_of_project("JL2018-002")] == ["JH-01"]


def test_a_project_without_pool_in_a_plan_and_its_adjustment_is_one_finding(
    tmp_path: Path,
) -> None:
    def county(tables: dict) -> None:
        planned(pool=("JL2018-001",))(tables)
        row = [*_ADJUSTED, "新增资金", "JH-01"]
        tables["plans"].append(row)
        tables["notices"].append(_ADJUSTED_NOTICE)

    found = _check(tmp_path, county).report.findings
    assert [(f.code, f.row, f.subject) for f in found] == [("J001", 2, "project:JL2018-002")]


def test_a_pool_notice_that_ends_on_the_approval_day_has_not_passed(tmp_path: Path) -> None:
    def late_pool(tables: dict) -> None:
        planned()(tables)
        rc.cell(tables, "notices", 11, "公示截止日期", "2018-02-01")  # RK-02, JL2018-002

    found = _check(tmp_path, late_pool).report.findings
    assert _codes(found) == ["J001"]
    assert "入库公示2018年2月1日才期满，计划2018年2月1日已批复" in found[0].message
    assert (found[0].file, found[0].row) == ("data/plans.csv", 2)

    def day_before(tables: dict) -> None:
        planned()(tables)
        rc.cell(tables, "notices", 11, "公示截止日期", "2018-01-31")

    assert _check(tmp_path / "b", day_before).report.findings == []


@pytest.mark.parametrize(("posted", "late"), [("2018-03-06", False), ("2018-03-07", True)])
def test_plan_notice_clock_counts_chinese_working_days(
    tmp_path: Path, posted: str, late: bool
) -> None:
    """2018-02-01 + 20 working days, over the Spring Festival (02-15…21 off, 02-11 and
    02-24 make-up days), is 2018-03-06."""
    found = _check(tmp_path, planned(plan_notice=posted)).report.findings
    assert _codes(found) == (["J003"] if late else [])
    if late:
        assert "应在2018年3月6日前公告（20个工作日内），实际2018年3月7日才公告" in found[0].message


def test_adjustment_days_setting_shortens_the_adjustment_clock(tmp_path: Path) -> None:
    """Posted 2018-06-20: within the default 20 working days of 2018-06-01, not within 10."""
    assert _check(tmp_path / "a", _adjusted(posted="2018-06-20")).report.findings == []
    found = _check(tmp_path / "b", _adjusted(posted="2018-06-20"), SITE_EXTRA).report.findings
    assert _codes(found) == ["J003"]
    assert "调整方案" in found[0].message and "adjustment_days" in found[0].hint
    assert found[0].subject == "plan:JH-02"


@pytest.mark.parametrize(("posted", "late"), [("2018-10-17", False), ("2018-10-18", True)])
def test_allocation_result_within_15_working_days(tmp_path: Path, posted: str, late: bool) -> None:
    row = ["FP-01", "fund:F2018-02", "分配结果公告", posted, "", "门户网站", ""]
    found = _check(tmp_path, lambda t: t["notices"].append(row)).report.findings
    assert _codes(found) == (["J004"] if late else [])


def test_allocation_days_setting(tmp_path: Path) -> None:
    row = ["FP-01", "fund:F2018-02", "分配结果公告", "2018-10-24", "", "门户网站", ""]
    found = _check(tmp_path, lambda t: t["notices"].append(row), "allocation_days: 20\n")
    assert found.report.findings == []


def test_a_completion_notice_clears_a_completed_project(tmp_path: Path) -> None:
    def completed(tables: dict) -> None:
        rc.cell(tables, "projects", 3, "完工日期", "2019-03-01")
        tables["notices"].append(
            [
                "WC-01",
                "project:JL2018-002",
                "完成情况公告",
                "2019-03-10",
                "2019-03-19",
                "门户网站、小洼村公开栏",
                "",
            ]
        )

    assert _check(tmp_path, completed).report.findings == []


def test_unknown_references_of_plans_are_errors_at_their_cells(tmp_path: Path) -> None:
    def broken(tables: dict) -> None:
        _adjusted()(tables)
        rc.cell(tables, "plans", 2, "计划项目", "JL2018-001；JL2018-099")
        rc.cell(tables, "plans", 3, "被调整计划编号", "JH-00")
        tables["notices"].append(
            ["JG-09", "plan:JH-77", "调整公告", "2018-06-05", "", "门户网站", ""]
        )

    found = _check(tmp_path, broken).report.findings
    r001 = sorted((f.file, f.row, f.column, f.message) for f in found if f.code == "R001")
    assert [(file, row, column) for file, row, column, _ in r001] == [
        ("data/notices.csv", 14, "B列（公示对象）"),
        ("data/plans.csv", 2, "F列（计划项目）"),
        ("data/plans.csv", 3, "H列（被调整计划编号）"),
    ]
    assert all(re.search("JL2018-099|JH-00|JH-77", m) for *_, m in r001)
    assert {f.severity for f in found if f.code == "R001"} == {"error"}
    assert check(tmp_path / "data").report.exit_code == 1


def test_adjustment_without_a_plan_to_adjust_says_what_to_fill(tmp_path: Path) -> None:
    def orphan(tables: dict) -> None:
        _adjusted()(tables)
        rc.cell(tables, "plans", 3, "被调整计划编号", "")

    found = _check(tmp_path, orphan).report.findings
    assert _codes(found) == ["R020"]
    assert "没有填写" in found[0].message and "调整的计划编号" in found[0].hint


@pytest.mark.parametrize("value", ["十天", "0", "99"])
def test_bad_time_limit_setting_is_an_error_in_chinese(tmp_path: Path, value: str) -> None:
    found = _check(tmp_path, planned(), f"plan_days: {value}\n").report.findings
    l008 = [f for f in found if f.code == "L008"]
    assert len(l008) == 1 and l008[0].column == "plan_days"
    assert "1 到 60 之间的工作日天数" in l008[0].message


def test_path_and_stage_of_each_project(tmp_path: Path) -> None:
    def county(tables: dict) -> None:
        planned(pool=("JL2018-001",))(tables)
        rc.cell(tables, "projects", 4, "资产归属", "东村集体")  # planned, not yet an asset

    ds = _check(tmp_path, county).dataset
    steps = {p.id: [(s.stage, s.state) for s in lifecycle.path(ds, p)] for p in ds.projects}
    assert steps["JL2018-001"] == [
        ("入库", "done"),
        ("计划", "done"),
        ("实施前公示", "done"),
        ("实施", "done"),
        ("竣工公告", "done"),
        ("资产", "done"),
        ("收益分配", "done"),
    ]
    assert steps["JL2018-002"][:4] == [
        ("入库", "missing"),
        ("计划", "done"),
        ("实施前公示", "done"),
        ("实施", "done"),
    ]
    assert steps["JL2018-002"][4][1] == "pending"  # 实施中: not completed yet
    # BZ2019-001 公示中: posted, not in a plan, not started
    assert steps["BZ2019-001"][:4] == [
        ("入库", "missing"),
        ("计划", "missing"),
        ("实施前公示", "done"),
        ("实施", "pending"),
    ]
    assert steps["BZ2019-001"][5] == ("资产", "pending")
    assert [lifecycle.stage(ds, p) for p in ds.projects] == ["收益分配", "实施", "实施前公示"]


def test_old_contract_data_has_no_plans_and_no_lifecycle_findings() -> None:
    checked = check(CONTRACT_DIR)
    assert checked.dataset is not None and checked.dataset.plans == []
    assert not [f for f in checked.report.findings if f.code.startswith("J") or f.code == "R020"]


def test_demo_county_planted_lifecycle_lapses_are_found() -> None:
    found = [f for f in check(DEMO_DATA).report.findings if f.code.startswith("J")]
    assert sorted((f.code, f.subject) for f in found) == [
        ("J001", "project:JL2018-040"),
        ("J003", "plan:JH2018-01"),
    ]


def test_plan_pages_and_project_timeline_name_the_lapses(tmp_path: Path) -> None:
    """A real build: the year's plan page shows the late publication, the adjustment's
    reason, what it moved out and the money before and after (every figure recomputed
    from the downloads by the build); a project page shows its path with 缺失."""

    def county(tables: dict) -> None:
        _adjusted()(tables)
        rc.cell(tables, "notices", 12, "公示开始日期", "2018-03-20")  # the plan's notice, late
        del tables["notices"][10]  # JL2018-002's 入库公示 (row 11)

    data = rc.write(tmp_path / "src", (t := rc.clean(), county(t))[0])
    project = make_project(tmp_path / "county", data)
    result = build_project(project, allow_findings=True)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    assert _codes(result.checked.report.findings) == ["J001", "J003"]
    site = project / "site"

    plan = Page((site / "plans" / "2018" / "index.html").read_text("utf-8"))
    text = plan.article
    assert "应于2018年3月6日前公告（批复后20个工作日内）；2018年3月20日才公告，逾期14天" in text
    assert "JL2018-002 用地未落实，调出计划" in text
    assert "没有入库公示（未经入库公示列入计划）" in text
    before_after = next(t for t in plan.tables if t.header[1:3] == ["项目数", "资金（元）"])
    assert before_after.rows == [
        ["调整前（测扶组〔2018〕1号）", "2", "520,000.00"],
        ["调入", "0", "0.00"],
        ["调出", "1", "200,000.00"],
        ["调整后", "1", "320,000.00"],
    ]
    index = Page((site / "plans" / "index.html").read_text("utf-8"))
    assert "年度计划" in index.nav
    assert ("2018/", "2018年") in index.links

    page = Page((site / "projects" / "JL2018-002" / "index.html").read_text("utf-8"))
    assert "当前阶段：实施" in page.article
    assert "入库：缺失（没有入库公示记录，未经入库公示就列入了计划）" in page.article
    assert ("../../plans/2018/", "2018年年度计划（测扶组〔2018〕1号）") in page.links
