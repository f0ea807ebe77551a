"""The disclosure rules, one by one: a clean county gives no finding at all, and one small
mutation per rule code breaks exactly that rule, with a finding that points at the file,
spreadsheet row (header = row 1), column and record a cadre has to fix.

``CASES`` must name every code of ``gongshi rules``: a new rule without a test fails
``test_every_rule_code_has_a_case``. The county is ``tests/rules_county.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import rules_county as rc

from generator.findings import CODES, SEVERITY_ZH, Finding, Report
from generator.pipeline import check
from generator.rules.compliance import rule_table
from generator.rules.quality import measure_ok

GONGSHI = [sys.executable, "-m", "generator"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def drop(tables: dict, table: str, row: int) -> None:
    """Delete a spreadsheet row (header = 1)."""
    del tables[table][row - 1]


def setting(table: str, row: int, **cells: object) -> Callable[[dict], None]:
    """A mutation that sets cells of one row, by Chinese header."""

    def mutate(tables: dict) -> None:
        for header, value in cells.items():
            rc.cell(tables, table, row, header, value)

    return mutate


def dropping(table: str, row: int) -> Callable[[dict], None]:
    return lambda tables: drop(tables, table, row)


def appending(table: str, row: list) -> Callable[[dict], None]:
    return lambda tables: tables[table].append(row)


@dataclass(frozen=True)
class Case:
    """One mutation of the clean county and the finding it must give."""

    mutate: Callable[[dict], None]
    file: str
    row: int | None
    column: str
    subject: str
    also: tuple[str, ...] = ()  # codes that rightly fire on the same mistake


def objection(notice: str, received: str, replied: str, finding: str) -> Callable[[dict], None]:
    """Add the optional objections table with one objection."""

    def mutate(tables: dict) -> None:
        tables["objections"] = [
            ["异议编号", "公示编号", "受理日期", "答复日期", "调查结论", "处理意见"],
            ["YY-01", notice, received, replied, finding, "已当面说明" if replied else ""],
        ]

    return mutate


def asset(
    project: str, custodian: str = "大洼村村委会", steps: tuple = ("",) * 4, income: str = ""
) -> Callable[[dict], None]:
    """Add the optional assets table with one asset (and its 2018 income, when given)."""

    def mutate(tables: dict) -> None:
        tables["assets"] = [
            ["资产编号", "项目编号", "资产名称", "产权归属", "管护主体"]
            + ["村民代表大会日期", "处置乡镇审核日期", "县级同意日期", "处置日期"],
            ["ZC-01", project, "光伏电站", "大洼村集体", custodian, *steps],
        ]
        if income:
            tables["asset_income"] = [
                ["资产编号", "年度", "收益金额", "分配编号"],
                ["ZC-01", "2018", income, "FP2018-01"],
            ]

    return mutate


OB = "data/objections.csv"
AS = "data/assets.csv"
OBJ_SUBJECT = "project:JL2018-001"
P = "data/projects.csv"
N = "data/notices.csv"
PL = "data/plans.csv"
CS = "data/cases.csv"
_CASE_ROW = rc.clean()["cases"][1]


def planned(
    pool: tuple[str, ...] = ("JL2018-001", "JL2018-002"),
    plan_notice: str | None = "2018-02-08",
    extra_plans: tuple[list, ...] = (),
    extra_notices: tuple[list, ...] = (),
) -> Callable[[dict], None]:
    """The clean county with a 2018 年度计划 (approved 2018-02-01) of its two 2018
    projects; ``pool``: the projects with a 入库公示 (2017-12-01 … 12-10, notices rows 10…),
    then the plan's 年度计划公告 posted on ``plan_notice`` (``None``: not posted)."""

    def mutate(tables: dict) -> None:
        tables["plans"] = [
            [
                "计划编号",
                "年度",
                "计划类型",
                "文号",
                "批复日期",
                "计划项目",
                "调整原因",
                "被调整计划编号",
            ],
            [
                "JH-01",
                "2018",
                "年度计划",
                "测扶组〔2018〕1号",
                "2018-02-01",
                "JL2018-001；JL2018-002",
                "",
                "",
            ],
            *extra_plans,
        ]
        village = {"JL2018-001": "大洼村", "JL2018-002": "小洼村"}
        for i, pid in enumerate(pool, start=1):
            tables["notices"].append(
                [
                    f"RK-0{i}",
                    f"project:{pid}",
                    "入库公示",
                    "2017-12-01",
                    "2017-12-10",
                    f"门户网站、{village[pid]}公开栏",
                    "无异议",
                ]
            )
        if plan_notice:
            tables["notices"].append(
                ["JG-01", "plan:JH-01", "年度计划公告", plan_notice, "", "门户网站", ""]
            )
        tables["notices"].extend(extra_notices)

    return mutate


_ADJUSTED = [
    "JH-02",
    "2018",
    "调整方案",
    "测扶组〔2018〕5号",
    "2018-06-01",
    "JL2018-001；JL2018-002",
]
_ADJUSTED_NOTICE = ["JG-02", "plan:JH-02", "调整公告", "2018-06-05", "", "门户网站", ""]
FATAL_RULES = {"R011"}  # an id no file system can name: unusable input, exit 2
CASES: dict[str, Case] = {
    # --- integrity (errors) ---
    "R001": Case(
        setting("allocations", 4, 项目编号="BZ2019-009"),
        "data/allocations.csv",
        4,
        "B列（项目编号）",
        "",
    ),
    "R002": Case(setting("notices", 9, 公示编号="GS-07"), N, 9, "A列（公示编号）", ""),
    "R003": Case(
        appending(
            "notices",
            ["GS-09", "JL2018-001", "资金公告", "2018-03-20", "2018-03-29", "门户网站", ""],
        ),
        N,
        10,
        "B列（公示对象）",
        "",
    ),
    # --- ids and dates (rules/ids.py) ---
    "R010": Case(appending("cases", ["aj/01", *_CASE_ROW[1:]]), CS, 3, "A列（案件编号）", ""),
    "R011": Case(appending("cases", ["案" * 50, *_CASE_ROW[1:]]), CS, 3, "A列（案件编号）", ""),
    "R012": Case(setting("cases", 2, 通报日期="1948-05-01"), CS, 2, "B列（通报日期）", ""),
    "R013": Case(appending("cases", ["Index", *_CASE_ROW[1:]]), CS, 3, "A列（案件编号）", ""),
    # --- notices ---
    "N001": Case(
        setting("projects", 3, 中标单位=""), P, 3, "V列（中标单位）", "project:JL2018-002"
    ),
    "N002": Case(dropping("notices", 5), P, 4, "A列（项目编号）", "project:BZ2019-001"),
    # posted the day the works started (实际开工 2018-10-16), for 10 days
    "N003": Case(
        setting("notices", 4, 公示开始日期="2018-10-16", 公示截止日期="2018-10-25"),
        N,
        4,
        "D列（公示开始日期）",
        "project:JL2018-002",
    ),
    "N004": Case(
        setting("notices", 4, 公示地点="门户网站"), N, 4, "F列（公示地点）", "project:JL2018-002"
    ),
    # 2018-03-10 … 2018-03-18 is 9 days, both ends counted (the clean one has 10)
    "N005": Case(
        setting("notices", 2, 公示截止日期="2018-03-18"),
        N,
        2,
        "E列（公示截止日期）",
        "project:JL2018-001",
    ),
    # the 事后公告 is posted the day before the acceptance (验收 2018-09-10)
    "N006": Case(
        setting("notices", 3, 公示开始日期="2018-09-09", 公示截止日期="2018-09-18"),
        P,
        2,
        "AA列（验收日期）",
        "project:JL2018-001",
    ),
    "N007": Case(dropping("notices", 7), "data/funds.csv", 3, "A列（资金编号）", "fund:F2018-02"),
    "N008": Case(
        dropping("notices", 9),
        "data/distributions.csv",
        2,
        "A列（分配编号）",
        "distribution:FP2018-01",
    ),
    "N009": Case(
        setting("notices", 3, 公示截止日期=""), N, 3, "E列（公示截止日期）", "project:JL2018-001"
    ),
    # --- performance targets ---
    "T001": Case(dropping("project_targets", 5), P, 3, "A列（项目编号）", "project:JL2018-002"),
    # one day after the deadline (2018-10-24, see test_t002_counts_chinese_working_days)
    "T002": Case(
        setting("notices", 7, 公示开始日期="2018-10-25", 公示截止日期="2018-11-03"),
        N,
        7,
        "D列（公示开始日期）",
        "fund:F2018-02",
    ),
    "T003": Case(
        setting("project_targets", 3, 实际值=""),
        "data/project_targets.csv",
        3,
        "F列（实际值）",
        "project:JL2018-001",
    ),
    # --- money ---
    "M001": Case(
        setting("project_funding", 2, 金额="310000"), P, 2, "A列（项目编号）", "project:JL2018-001"
    ),
    "M002": Case(
        setting("funds", 3, 金额="190000"), "data/funds.csv", 3, "H列（金额）", "fund:F2018-02"
    ),
    "M003": Case(
        setting("disbursements", 3, 金额=205000),
        "data/disbursements.xlsx",
        3,
        "D列（金额）",
        "project:JL2018-002",
    ),
    "M004": Case(
        setting("benefits", 4, 金额="2500"),
        "data/distributions.csv",
        2,
        "D列（收益总额）",
        "distribution:FP2018-01",
    ),
    # 2018: 500,000 issued, 465,000 paid → 7% left over; it is about the year, not a row
    "M005": Case(setting("disbursements", 2, 金额=270000), "data/funds.csv", None, "", ""),
    # --- data quality ---
    "Q001": Case(
        setting("projects", 2, 受益贫困户数="11"), P, 2, "Q列（受益贫困户数）", "project:JL2018-001"
    ),
    "Q002": Case(
        setting("projects", 4, 计划完工日期="2019-05-01"),
        P,
        4,
        "L列（计划完工日期）",
        "project:BZ2019-001",
    ),
    "Q003": Case(
        setting("distributions", 2, 乡镇审核日期="2018-11-30"),
        "data/distributions.csv",
        2,
        "H列（乡镇审核日期）",
        "distribution:FP2018-01",
    ),
    # deadline the day before the data date (2019-04-30), still 整改中
    "Q004": Case(
        setting("rectifications", 3, 整改时限="2019-04-29"),
        "data/rectifications.csv",
        3,
        "J列（整改状态）",
        "rectification:ZG-02",
    ),
    "Q005": Case(
        setting("rectifications", 2, 完成日期="2019-01-05"),
        "data/rectifications.csv",
        2,
        "K列（完成日期）",
        "rectification:ZG-01",
    ),
    "Q006": Case(
        setting("cases", 2, 处理结果="严重警告"),
        "data/cases.csv",
        2,
        "K列（处理结果）",
        "case:AJ-01",
    ),
    # --- plausibility (issue 15: probably the wrong unit or a typo) ---
    # a 200,000 元 road with a 20,000 元 contract (0.1 times its funding)
    "M011": Case(
        setting("projects", 3, 合同金额="20000"), P, 3, "W列（合同金额）", "project:JL2018-002"
    ),
    # 100,000 元 typed as 10: under 1,000 元 (and no longer what was allocated: M001)
    "M012": Case(
        setting("project_funding", 5, 金额="10"),
        "data/project_funding.csv",
        5,
        "C列（金额）",
        "project:BZ2019-001",
        also=("M001",),
    ),
    # paid 2018-09-01 from a fund issued 2018-09-20
    "M013": Case(
        setting("disbursements", 3, 拨付日期=dt.date(2018, 9, 1)),
        "data/disbursements.xlsx",
        3,
        "C列（拨付日期）",
        "project:JL2018-002",
    ),
    # one household 25,000 元 where the others got 2,000 (and the plan no longer adds up)
    "M014": Case(
        setting("benefits", 4, 金额="25000"),
        "data/benefits.csv",
        4,
        "F列（金额）",
        "benefit:资产收益分红:2018",
        also=("M004",),
    ),
    # --- the lifecycle (rules/lifecycle.py, issue 17) ---
    # JL2018-002 is in the plan but has no 入库公示
    "J001": Case(planned(pool=("JL2018-001",)), PL, 2, "F列（计划项目）", "project:JL2018-002"),
    "J002": Case(planned(plan_notice=None), PL, 2, "A列（计划编号）", "plan:JH-01"),
    # approved 2018-02-01: 20 working days (Spring Festival off) end 2018-03-06
    "J003": Case(planned(plan_notice="2018-03-20"), N, 12, "D列（公示开始日期）", "plan:JH-01"),
    # F2018-02 issued 2018-09-20: 15 working days (National Day off) end 2018-10-17
    "J004": Case(
        appending(
            "notices", ["FP-01", "fund:F2018-02", "分配结果公告", "2018-10-24", "", "门户网站", ""]
        ),
        N,
        10,
        "D列（公示开始日期）",
        "fund:F2018-02",
    ),
    # 实施中 but a 完工日期: completed, and no 事后公告 or 完成情况公告
    "J005": Case(
        setting("projects", 3, 完工日期="2019-03-01"), P, 3, "Z列（完工日期）", "project:JL2018-002"
    ),
    "J006": Case(
        planned(extra_plans=([*_ADJUSTED, "", "JH-01"],), extra_notices=(_ADJUSTED_NOTICE,)),
        PL,
        3,
        "G列（调整原因）",
        "plan:JH-02",
    ),
    # a 年度计划 that names a plan it adjusts: probably a 调整方案
    "R020": Case(
        planned(
            extra_plans=(
                ["JH-02", "2018", "年度计划", "", "2018-06-01", "JL2018-001", "", "JH-01"],
            ),
            extra_notices=(
                ["JG-02", "plan:JH-02", "年度计划公告", "2018-06-05", "", "门户网站", ""],
            ),
        ),
        PL,
        3,
        "H列（被调整计划编号）",
        "plan:JH-02",
    ),
    # one gap, one finding: the supervisor is Q007's alone, not also N001's
    "Q007": Case(
        setting("projects", 4, 项目监督人=""), P, 4, "S列（项目监督人）", "project:BZ2019-001"
    ),
    # --- issue 17: objections (GS-01 was posted 2018-03-10) and assets, optional tables the
    # clean county does not keep: each case adds one flawed row ---
    "Y001": Case(
        objection("GS-99", "2018-03-12", "2018-03-20", "不属实"),
        OB,
        2,
        "B列（公示编号）",
        "objection:YY-01",
    ),
    "Y002": Case(
        objection("GS-01", "2018-03-12", "2018-03-11", "不属实"),
        OB,
        2,
        "D列（答复日期）",
        OBJ_SUBJECT,
    ),
    "Y003": Case(objection("GS-01", "2018-03-12", "", ""), OB, 2, "D列（答复日期）", OBJ_SUBJECT),
    "Y004": Case(
        objection("GS-01", "2018-03-12", "2018-04-10", "不属实"),
        OB,
        2,
        "D列（答复日期）",
        OBJ_SUBJECT,
    ),
    "Y005": Case(
        objection("GS-01", "2018-03-12", "2018-03-20", ""), OB, 2, "E列（调查结论）", OBJ_SUBJECT
    ),
    "Z001": Case(asset("JL2099-999"), AS, 2, "B列（项目编号）", "asset:ZC-01"),
    "Z002": Case(asset("JL2018-001", custodian=""), AS, 2, "E列（管护主体）", "project:JL2018-001"),
    "Z003": Case(asset("JL2018-002"), AS, 2, "B列（项目编号）", "project:JL2018-002"),
    # disposed after the village meeting and the township's review, without the county's consent
    "Z004": Case(
        asset("JL2018-001", steps=("2019-01-05", "2019-01-10", "", "2019-02-01")),
        AS,
        2,
        "H列（县级同意日期）",
        "project:JL2018-001",
    ),
    # the asset's 2018 income linked to FP2018-01 is 5,000 元, the distribution shared 6,000
    "Z005": Case(
        asset("JL2018-001", income="5000"),
        "data/distributions.csv",
        2,
        "D列（收益总额）",
        "distribution:FP2018-01",
    ),
}


def run(tmp_path: Path, tables: dict, data_date: str = rc.DATA_DATE) -> Report:
    return check(rc.write(tmp_path, tables, data_date)).report


def mutated(
    tmp_path: Path, mutate: Callable[[dict], None], data_date: str = rc.DATA_DATE
) -> Report:
    tables = rc.clean()
    mutate(tables)
    return run(tmp_path, tables, data_date)


def of(report: Report, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def test_every_rule_code_has_a_case() -> None:
    codes = {r["code"] for r in rule_table()}
    assert codes, "gongshi rules lists no rule"
    assert sorted(codes - CASES.keys()) == [], "rules without a test case"
    assert sorted(CASES.keys() - codes) == [], "test cases for codes that are not rules"


def test_clean_county_has_no_findings(tmp_path: Path) -> None:
    checked = check(rc.write(tmp_path, rc.clean()))
    assert checked.report.findings == []
    assert checked.report.exit_code == 0
    assert checked.dataset is not None
    assert str(checked.dataset.as_of) == rc.DATA_DATE  # site.yaml data_date is "today"
    assert len(checked.dataset.projects) == 3


@pytest.mark.parametrize("code", sorted(CASES))
def test_mutation_breaks_exactly_its_rule(tmp_path: Path, code: str) -> None:
    case = CASES[code]
    report = mutated(tmp_path, case.mutate)
    assert {f.code for f in report.findings} == {code, *case.also}, report.to_json()
    found = of(report, code)
    assert len(found) == 1, found
    f = found[0]
    assert (f.file, f.row, f.column, f.subject) == (case.file, case.row, case.column, case.subject)
    # policy: data errors (R…) block publishing; disclosure violations are warnings
    if code in FATAL_RULES:
        assert (f.severity, report.exit_code) == ("fatal", 2)
    else:
        assert f.severity == ("error" if code.startswith("R") else "warning")
        assert report.exit_code == (1 if code.startswith("R") else 0)
    assert f.severity == CODES[code].severity
    assert CJK.search(f.message) and CJK.search(f.hint)
    assert "{" not in f.message + f.hint, "unfilled template field"


# --- boundaries -----------------------------------------------------------------------


@pytest.mark.parametrize(("until", "days"), [("2018-03-05", 10), ("2018-03-04", 9)])
def test_notice_period_counts_both_ends_across_a_month(
    tmp_path: Path, until: str, days: int
) -> None:
    """2018-02-24 … 2018-03-05 is 5 + 5 = 10 calendar days (February 2018 has 28)."""
    report = mutated(tmp_path, setting("notices", 2, 公示开始日期="2018-02-24", 公示截止日期=until))
    if days >= 10:
        assert report.findings == []
    else:
        (f,) = report.findings
        assert (f.code, f.row, f.column) == ("N005", 2, "E列（公示截止日期）")
        assert "只公示了9天" in f.message


@pytest.mark.parametrize(
    ("posted", "until", "late"),
    [("2018-10-24", "2018-11-02", False), ("2018-10-25", "2018-11-03", True)],
)
def test_t002_counts_chinese_working_days(
    tmp_path: Path, posted: str, until: str, late: bool
) -> None:
    """Fund F2018-02 was issued on Thu 2018-09-20. 20 working days after it, by hand:
    9-21 (1); 9-22/23 weekend, 9-24 中秋节; 9-25…9-28 (2–5); Sat 9-29 and Sun 9-30 are
    make-up working days (6, 7); 10-1…10-7 国庆节; 10-8…10-12 (8–12); 10-15…10-19 (13–17);
    10-22, 10-23, 10-24 (18–20). Deadline 2018-10-24. Counting Monday–Friday only would
    give 2018-10-18 and wrongly flag the clean county's notice of 10-24."""
    report = mutated(tmp_path, setting("notices", 7, 公示开始日期=posted, 公示截止日期=until))
    if not late:
        assert report.findings == []
        return
    (f,) = report.findings
    assert f.code == "T002"
    assert "2018年10月24日前应公开" in f.message and "2018年10月25日" in f.message


def test_m005_judges_only_years_before_the_data_date(tmp_path: Path) -> None:
    """F2019-01 (100,000 元, 2019) is unspent: not judged while 2019 runs (the clean county),
    judged once the data date is in 2020; 2018 (1% left over) passes either way."""
    report = run(tmp_path, rc.clean(), data_date="2020-01-10")
    (f,) = of(report, "M005")
    assert f.message.startswith("2019年下达资金 100,000.00 元，已拨付 0.00 元")
    assert "结余率 100.00%" in f.message
    assert (f.file, f.row) == ("data/funds.csv", None)


@pytest.mark.parametrize(
    ("deadline", "overdue"),
    [
        (rc.DATA_DATE, False),  # due today: not yet overdue
        ("2019-05-31", False),
        ("2019-04-29", True),
    ],
)
def test_q004_overdue_relative_to_the_data_date(
    tmp_path: Path, deadline: str, overdue: bool
) -> None:
    report = mutated(tmp_path, setting("rectifications", 3, 整改时限=deadline))
    assert [f.code for f in report.findings] == (["Q004"] if overdue else [])


def test_q004_not_for_done_rectifications_and_data_date_moves_it(tmp_path: Path) -> None:
    """ZG-01 (已整改, deadline 2018-12-31) is never overdue; ZG-02 (整改中, due 2019-04-30)
    is overdue when the data date is a day later."""
    report = run(tmp_path, rc.clean(), data_date="2019-05-01")
    assert [(f.code, f.subject) for f in report.findings] == [("Q004", "rectification:ZG-02")]
    assert "2019年4月30日" in report.findings[0].message


@pytest.mark.parametrize(
    ("measures", "ok"),
    [
        ("党纪:严重警告", True),
        ("严重警告", False),
        ("政务：撤职", True),  # full-width colon, as typed on a Chinese keyboard
        ("组织处理:诫勉谈话", True),
        ("移送司法", True),
        ("党纪:记大过", False),  # 记大过 is a 政务 measure
        ("党纪:警告、政务:开除", True),
    ],
)
def test_q006_official_vocabulary(tmp_path: Path, measures: str, ok: bool) -> None:
    report = mutated(tmp_path, setting("cases", 2, 处理结果=measures))
    assert [f.code for f in report.findings] == ([] if ok else ["Q006"])
    if len(measures.split("、")) == 1:
        assert measure_ok(measures) is ok


def test_q002_future_payment_and_actual_date_before_the_year(tmp_path: Path) -> None:
    report = mutated(tmp_path, setting("disbursements", 3, 拨付日期="2019-05-01"))
    (f,) = report.findings
    assert (f.code, f.file, f.row, f.column) == (
        "Q002",
        "data/disbursements.xlsx",
        3,
        "C列（拨付日期）",
    )
    assert "晚于数据截止日期" in f.message


def test_n003_notice_the_day_before_start_passes(tmp_path: Path) -> None:
    """实际开工 2018-10-16: a 10-day notice starting 2018-10-06 is before the start."""
    report = mutated(
        tmp_path, setting("notices", 4, 公示开始日期="2018-10-06", 公示截止日期="2018-10-15")
    )
    assert report.findings == []


def test_missing_column_is_named_by_its_chinese_header(tmp_path: Path) -> None:
    """A projects table without a 项目类别 column: N001 still tells the cadre which column to
    add in words they use, not the internal key ``category``."""
    tables = rc.clean()
    for row in tables["projects"]:
        del row[3]  # 项目类别
    report = run(tmp_path, tables)
    assert {(f.code, f.row) for f in report.findings} == {("N001", 2), ("N001", 3), ("N001", 4)}
    for f in report.findings:
        assert "项目类别" in f.column, f.column


def test_portal_only_fund_notice_needs_no_end_date(tmp_path: Path) -> None:
    """domain.md §2: village/site notices stay up at least 10 days, portal notices stay
    public long-term (N005's own hint: 村级和项目现场公示不少于10天). A 资金公告 kept on the
    portal with no 截止日期 is the normal case, not a missing field."""
    report = mutated(tmp_path, setting("notices", 6, 公示截止日期=""))
    assert report.findings == []


# --- the command line ------------------------------------------------------------------


def gongshi(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    full_env.update(env or {})
    return subprocess.run(
        [*GONGSHI, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300
    )


def test_rules_command_lists_every_code_with_its_title(tmp_path: Path) -> None:
    out = gongshi("rules", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    table = rule_table()
    for r in table:
        level = SEVERITY_ZH[r["severity"]]  # 错误, 提醒, or 无法继续 (R011)
        assert f"{r['code']} {level} {r['title']}" in lines
    assert f"共 {len(table)} 条规则。" in lines

    js = gongshi("rules", "--format", "json", cwd=tmp_path)
    assert js.returncode == 0, js.stderr
    rows = json.loads(js.stdout)
    assert [(r["code"], r["title"], r["severity"]) for r in rows] == [
        (r["code"], r["title"], r["severity"]) for r in table
    ]
    assert all(r["source"] and r["hint"] for r in rows)


def test_published_rule_texts_have_no_template_fields() -> None:
    """``gongshi rules`` and the site's 公开规则 page print each rule's hint for villagers;
    a hint like “请补上 project:{id} 的事前公示” or R001's bare “{hint}” means nothing."""
    unfilled = {
        r["code"]: r["hint"]
        for r in rule_table()
        if re.search(r"\{\w*\}", r["hint"] + r["title"] + r["source"])
    }
    assert unfilled == {}


@pytest.fixture
def flawed(tmp_path: Path) -> Path:
    """The county with a 9-day notice (N005 warning) in a notices file whose name holds a
    comma and a colon, and two data errors (R001, R002): for the CI output formats."""
    tables = rc.clean()
    CASES["N005"].mutate(tables)
    CASES["R001"].mutate(tables)
    CASES["R002"].mutate(tables)
    data = rc.write(tmp_path, tables)
    (data / "notices").mkdir()
    shutil.move(data / "notices.csv", data / "notices" / "2018,上半年:补.csv")
    return tmp_path


def test_check_github_format_annotates_file_and_line(flawed: Path) -> None:
    out = gongshi("check", "--format", "github", cwd=flawed)
    assert out.returncode == 1, out.stderr  # R001/R002 are errors
    lines = [line for line in out.stdout.splitlines() if line]
    assert len(lines) == 3, out.stdout
    notice = (
        "::warning file=data/notices/2018%2C上半年%3A补.csv,line=2,"
        "title=N005 公示期不足规定天数 E列（公示截止日期）::"
        "事前公示GS-01从2018年3月10日到2018年3月18日只公示了9天（应不少于10天）。"
    )
    assert any(line.startswith(notice) for line in lines), lines
    assert any(
        line.startswith("::error file=data/allocations.csv,line=4,title=R001 ") for line in lines
    ), lines
    for line in lines:
        props = line.split("::")[1].split(" ", 1)[1]
        assert [p.split("=")[0] for p in props.split(",")] == ["file", "line", "title"], line


def test_table_output_carries_annotations_only_under_github_actions(flawed: Path) -> None:
    plain = gongshi("check", cwd=flawed)
    actions = gongshi("check", cwd=flawed, env={"GITHUB_ACTIONS": "true"})
    assert plain.returncode == actions.returncode == 1
    assert "::" not in plain.stdout
    assert "N005 公示期不足规定天数" in plain.stderr  # the table, grouped by rule
    github = gongshi("check", "--format", "github", cwd=flawed).stdout
    assert actions.stdout.strip() == github.strip() != ""
    assert "N005 公示期不足规定天数" in actions.stderr


def test_junit_has_one_failure_per_error(flawed: Path) -> None:
    out = gongshi("check", "--format", "junit", "-o", "findings.xml", cwd=flawed)
    assert out.returncode == 1, out.stderr
    suite = ET.parse(flawed / "findings.xml").getroot()
    failures = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    skipped = [c for c in suite.iter("testcase") if c.find("skipped") is not None]
    assert suite.get("failures") == "2" and suite.get("tests") == "3"
    assert sorted(c.get("name").split()[0] for c in failures) == ["R001", "R002"]
    assert [c.get("name").split()[0] for c in skipped] == ["N005"]
