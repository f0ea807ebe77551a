"""风险提示 (issue 19): each indicator on small inline counties, at its threshold and just
outside it; the settings in site.yaml; ``gongshi check`` listing flags without failing; the
demo county's planted cases and near misses; the built page and the boxes on record pages.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import DEMO_DATA, build_project, make_project, write_data

from generator.pipeline import check
from generator.rules.flags import NOT_A_CONCLUSION, Flags, add_months, compute

SITE = "name: 测试县扶贫项目资金公告公示\noffice: 测试县乡村振兴局\n"
AS_OF = date(2019, 4, 30)


def project(pid: str, **kw: object) -> dict:
    """A project row with what every indicator needs; ``kw`` overrides."""
    row: dict[str, object] = {
        "id": pid,
        "year": 2018,
        "name": f"项目{pid}",
        "category": "基础设施",
        "township": "甲镇",
        "implementer": f"{pid}村民委员会",
        "responsible_person": f"责任人{pid}",
        "supervisor": f"监督人{pid}",
        "status": "已验收",
    }
    row.update(kw)
    return row


def county(
    tmp_path: Path,
    projects: list[dict],
    *,
    funding: dict[str, str] | None = None,
    funds: list[dict] | None = None,
    allocations: list[dict] | None = None,
    disbursements: list[dict] | None = None,
    notices: list[dict] | None = None,
    settings: dict | None = None,
    today: date = AS_OF,
) -> Flags:
    """Flags of an inline county: YAML tables, ``funding`` as project id → amount (元)."""
    files = {"projects.yaml": yaml.safe_dump(projects, allow_unicode=True)}
    if funding:
        rows = [{"project_id": k, "source": "县级财政", "amount": v} for k, v in funding.items()]
        files["project_funding.yaml"] = yaml.safe_dump(rows, allow_unicode=True)
    for name, rows in (
        ("funds", funds),
        ("allocations", allocations),
        ("disbursements", disbursements),
        ("notices", notices),
    ):
        if rows:
            files[f"{name}.yaml"] = yaml.safe_dump(rows, allow_unicode=True)
    site = SITE + (yaml.safe_dump({"风险提示": settings}, allow_unicode=True) if settings else "")
    data = write_data(tmp_path, files, site)
    checked = check(data, today=today)
    assert checked.dataset is not None, checked.report.to_json()
    assert not [f for f in checked.report.findings if f.code == "L008"], checked.report.to_json()
    return compute(checked.dataset)


def codes(rf: Flags, code: str) -> list[str]:
    return [f.message for f in rf.by_code(code)]


# --- RF01 拆分规避招标 ----------------------------------------------------------------


def test_rf01_two_projects_reaching_the_threshold_together(tmp_path: Path) -> None:
    ps = [
        project("A1", implementer="甲镇人民政府"),
        project("A2", implementer="甲镇人民政府"),
        project("B1", implementer="乙村民委员会", township="乙镇"),
        project("B2", implementer="乙村民委员会", township="乙镇"),
    ]
    funding = {
        "A1": "2,000,000.00",
        "A2": "2,000,000.00",
        "B1": "2,000,000.00",
        "B2": "1,999,999.99",
    }
    rf = county(tmp_path, ps, funding=funding)
    (msg,) = codes(rf, "RF01")
    assert "甲镇人民政府" in msg and "A1、A2" in msg and "4,000,000.00 元" in msg
    assert rf.of("project", "A1") and not rf.of("project", "B1")  # 1 分 short: no hint
    assert rf.of("township", "甲镇") and not rf.of("township", "乙镇")


def test_rf01_by_contractor_and_only_within_one_category(tmp_path: Path) -> None:
    ps = [
        project("C1", contractor="丙建筑公司", contract_amount="2,500,000.00"),
        project("C2", contractor="丙建筑公司", contract_amount="2,500,000.00"),
        project("C3", contractor="丙建筑公司", contract_amount="2,500,000.00", category="产业发展"),
    ]
    rf = county(tmp_path, ps, funding={"C1": "2,600,000", "C2": "2,600,000", "C3": "2,600,000"})
    (flag,) = rf.by_code("RF01")
    assert flag.projects == ("C1", "C2")
    assert "中标单位“丙建筑公司”" in flag.message and "5,000,000.00 元" in flag.message
    # the group's sum is printed as one figure with its recipe: the contract column
    (total,) = [f for f in flag.figures if f.label.startswith("合计")]
    assert (total.source, total.value) == ("projects.contract_amount", 500_000_000)


def test_rf01_single_project_within_5_percent_below_the_threshold(tmp_path: Path) -> None:
    ps = [
        project("N1"),
        project("N2", procurement_type="货物"),
        project("N3"),
        project("N4", procurement_type="服务"),
    ]
    funding = {"N1": "3,800,000.00", "N2": "1,900,000.00", "N3": "3,799,999.99", "N4": "950000"}
    rf = county(tmp_path, ps, funding=funding)
    flagged = {f.projects[0] for f in rf.by_code("RF01")}
    assert flagged == {"N1", "N2", "N4"}  # N3 is 1 分 more than 5% below 400万
    (n2,) = rf.of("project", "N2")
    assert "货物招标限额 200.00万元" in n2.message


def test_rf01_county_sets_a_lower_threshold(tmp_path: Path) -> None:
    ps = [project("L1", implementer="甲"), project("L2", implementer="甲")]
    funding = {"L1": "1,500,000", "L2": "1,500,000"}
    assert not county(tmp_path / "a", ps, funding=funding).by_code("RF01")
    rf = county(tmp_path / "b", ps, funding=funding, settings={"工程招标限额": "300万"})
    assert [f.projects for f in rf.by_code("RF01")] == [("L1", "L2")]
    assert "工程 300.00万元" in rf.threshold("RF01")


# --- RF02 中标集中 ----------------------------------------------------------------------


def contracts(shares: list[tuple[str, str]]) -> list[dict]:
    return [
        project(f"H{i}", contractor=who, contract_amount=amount)
        for i, (who, amount) in enumerate(shares, 1)
    ]


def test_rf02_share_above_30_percent(tmp_path: Path) -> None:
    at_30 = [("甲", "3000"), ("乙", "2000"), ("丙", "2000"), ("丁", "2000"), ("戊", "1000")]
    assert not county(tmp_path / "a", contracts(at_30)).by_code("RF02")  # 30% is not above
    above = [("甲", "3000.01"), ("乙", "2000"), ("丙", "2000"), ("丁", "2000"), ("戊", "999.99")]
    rf = county(tmp_path / "b", contracts(above))
    # the township and the county (the same five contracts here)
    assert [f.heading for f in rf.by_code("RF02")] == [
        "甲 · 全县 · 2018年 · 份额 30.0%",
        "甲 · 甲镇 · 2018年 · 份额 30.0%",
    ]


def test_rf02_concentration_index_above_2500(tmp_path: Path) -> None:
    hhi_2500 = [("甲", "2500"), ("乙", "2500"), ("丙", "2500"), ("丁", "1500"), ("丁", "1000")]
    assert not county(tmp_path / "a", contracts(hhi_2500)).by_code("RF02")
    hhi_2750 = [("甲", "3000"), ("乙", "3000"), ("丙", "3000"), ("丁", "500"), ("戊", "500")]
    rf = county(tmp_path / "b", contracts(hhi_2750))
    assert {f.heading for f in rf.by_code("RF02")} == {
        "全县 · 2018年 · 集中度指数 2750",
        "甲镇 · 2018年 · 集中度指数 2750",
    }


def test_rf02_not_computed_with_fewer_contracts_than_the_minimum(tmp_path: Path) -> None:
    four = [("甲", "9000"), ("乙", "500"), ("丙", "300"), ("丁", "200")]
    assert not county(tmp_path / "a", contracts(four)).by_code("RF02")
    rf = county(tmp_path / "b", contracts(four), settings={"集中度最少合同数": 4})
    assert len(rf.by_code("RF02")) == 4  # share and HHI, township and county


# --- RF03 合同金额与预算不符 -------------------------------------------------------------


def test_rf03_contract_outside_half_to_one_and_a_half_times_the_budget(tmp_path: Path) -> None:
    ps = [
        project("R1", contract_amount="500000"),
        project("R2", contract_amount="499999.99"),
        project("R3", contract_amount="1500000"),
        project("R4", contract_amount="1500000.01"),
    ]
    funding = {k: "1,000,000" for k in ("R1", "R2", "R3", "R4")}
    rf = county(tmp_path, ps, funding=funding)
    assert [f.projects for f in rf.by_code("RF03")] == [("R2",), ("R4",)]
    assert "0.50 倍" in rf.by_code("RF03")[0].message


# --- RF04 非竞争方式 ---------------------------------------------------------------------


def test_rf04_noncompetitive_at_or_above_the_threshold(tmp_path: Path) -> None:
    ps = [
        project("Q1", procurement="邀请招标", contract_amount="4000000"),
        project("Q2", procurement="邀请招标", contract_amount="3999999.99"),
        project("Q3", procurement="单一来源采购", contract_amount="600000"),
        project("Q4", procurement="公开招标", contract_amount="9000000"),
    ]
    funding = {"Q1": "4000000", "Q2": "4000000", "Q3": "600000", "Q4": "9000000"}
    assert [f.projects for f in county(tmp_path / "a", ps, funding=funding).by_code("RF04")] == [
        ("Q1",)
    ]
    rf = county(tmp_path / "b", ps, funding=funding, settings={"非竞争方式限额": "60万"})
    assert [f.projects for f in rf.by_code("RF04")] == [("Q1",), ("Q2",), ("Q3",)]


# --- RF05 工期延误 -----------------------------------------------------------------------


def test_rf05_completed_late_and_not_completed_a_year_after(tmp_path: Path) -> None:
    ps = [
        project("D1", end="2018-06-30", completed_on="2018-06-30"),
        project("D2", end="2018-06-30", completed_on="2018-07-01"),
        project("D3", end="2018-04-30", status="实施中"),  # a year ago today: not yet
        project("D4", end="2018-04-29", status="实施中"),
        project("D5", end="2018-01-01", status="已终止"),
    ]
    rf = county(tmp_path / "a", ps)
    assert [f.projects for f in rf.by_code("RF05")] == [("D2",), ("D4",)]
    assert "晚 1 天" in rf.by_code("RF05")[0].message
    assert "已过 366 天" in rf.by_code("RF05")[1].message
    rf = county(tmp_path / "b", ps, settings={"延误天数": 1, "未完工月数": 13})
    assert not rf.by_code("RF05")


# --- RF06 资金闲置 -----------------------------------------------------------------------


def test_rf06_fund_not_allocated_or_not_paid_a_year_after_issue(tmp_path: Path) -> None:
    funds = [
        {"id": "F1", "issued_on": "2018-04-30", "amount": "1000000"},
        {"id": "F2", "issued_on": "2018-04-30", "amount": "1000000"},
        {"id": "F3", "issued_on": "2018-05-01", "amount": "1000000"},  # not a year yet
    ]
    allocations = [
        {"fund_id": f, "project_id": "P1", "amount": "1000000"} for f in ("F1", "F2", "F3")
    ]
    disbursements = [
        {"project_id": "P1", "fund_id": "F1", "paid_on": "2018-06-01", "amount": "999999.99"},
        {"project_id": "P1", "fund_id": "F1", "paid_on": "2019-04-30", "amount": "0.01"},
        {"project_id": "P1", "fund_id": "F2", "paid_on": "2018-06-01", "amount": "999999.99"},
    ]
    rf = county(
        tmp_path,
        [project("P1")],
        funding={"P1": "3000000"},
        funds=funds,
        allocations=allocations,
        disbursements=disbursements,
    )
    (flag,) = rf.by_code("RF06")
    assert flag.funds == ("F2",)
    assert "到2019年4月30日未拨付 0.01 元" in flag.message
    (paid,) = [f for f in flag.figures if f.source == "disbursements.amount"]
    assert paid.value == 99_999_999 and dict(paid.match)["paid_on"] == ("2018-06-01",)
    assert rf.of("fund", "F2") and not rf.of("fund", "F1")


def test_rf06_project_allocated_and_nothing_paid_within_six_months(tmp_path: Path) -> None:
    funds = [{"id": "F1", "issued_on": "2018-10-31", "amount": "200000"}]
    allocations = [{"fund_id": "F1", "project_id": p, "amount": "100000"} for p in ("P1", "P2")]
    disbursements = [
        {"project_id": "P1", "fund_id": "F1", "paid_on": "2019-04-30", "amount": "100000"},
        {"project_id": "P2", "fund_id": "F1", "paid_on": "2019-05-01", "amount": "100000"},
    ]
    rf = county(
        tmp_path,
        [project("P1"), project("P2")],
        funding={"P1": "100000", "P2": "100000"},
        funds=funds,
        allocations=allocations,
        disbursements=disbursements,
        today=date(2019, 6, 1),
    )
    assert [f.projects for f in rf.by_code("RF06")] == [("P2",)]
    assert add_months(date(2018, 10, 31), 6) == date(2019, 4, 30)


# --- RF07 先拨后公示 ---------------------------------------------------------------------


def test_rf07_paid_before_the_prior_notice_ended(tmp_path: Path) -> None:
    notices = [
        {
            "id": f"GS{p}",
            "subject": f"project:{p}",
            "kind": "事前公示",
            "posted_on": "2018-05-01",
            "until": "2018-05-13",
            "places": "门户网站；甲村公开栏",
        }
        for p in ("P1", "P2")
    ]
    disbursements = [
        {"project_id": "P1", "paid_on": "2018-05-13", "amount": "5000"},
        {"project_id": "P2", "paid_on": "2018-05-14", "amount": "5000"},
    ]
    rf = county(
        tmp_path,
        [project("P1"), project("P2")],
        funding={"P1": "5000", "P2": "5000"},
        notices=notices,
        disbursements=disbursements,
    )
    (flag,) = rf.by_code("RF07")
    assert flag.projects == ("P1",) and "2018年5月13日截止" in flag.message


# --- RF08 同一人多项 ---------------------------------------------------------------------


def test_rf08_one_person_on_many_projects_and_supervising_oneself(tmp_path: Path) -> None:
    ps = [project(f"M{i}", responsible_person="王某甲") for i in range(10)]
    ps += [project(f"S{i}", supervisor="李某乙") for i in range(9)]
    ps += [project("X1", responsible_person="赵某丙", supervisor="赵某丙")]
    ps += [project("X2", implementer="甲镇人民政府", supervisor="甲镇人民政府")]
    rf = county(tmp_path, ps)
    messages = codes(rf, "RF08")
    assert "王某甲在2018年担任 10 个项目的责任人" in messages
    assert not any("李某乙" in m for m in messages)  # 9 projects: one short
    assert [f.projects for f in rf.by_code("RF08")[1:]] == [("X1",), ("X2",)]


# --- settings, check output ------------------------------------------------------------


def test_bad_settings_are_l008_errors_at_their_key(tmp_path: Path) -> None:
    site = SITE + "风险提示:\n  工程招标限额: 很多\n  中标份额上限: 130\n  不存在的设置: 1\n"
    data = write_data(tmp_path, {"projects.yaml": yaml.safe_dump([project("P1")])}, site)
    report = check(data, today=AS_OF).report
    found = {(f.code, f.severity, f.column) for f in report.findings if f.code == "L008"}
    assert found == {
        ("L008", "error", "风险提示.工程招标限额"),
        ("L008", "error", "风险提示.中标份额上限"),
        ("L008", "error", "风险提示.不存在的设置"),
    }
    messages = " ".join(f.message for f in report.findings if f.code == "L008")
    assert (
        "大于 0 的金额" in messages and "0 到 100 之间" in messages and "可以写的设置" in messages
    )


def test_check_lists_flags_but_does_not_fail_on_them(tmp_path: Path) -> None:
    ps = [project("P1", end="2018-06-30", completed_on="2018-07-30")]
    data = write_data(tmp_path, {"projects.yaml": yaml.safe_dump(ps, allow_unicode=True)}, SITE)
    (data / "site.yaml").write_text(SITE + "data_date: 2019-04-30\n", encoding="utf-8")
    checked = check(data)
    rf05 = [n for n in checked.report.notes if n.code == "RF05"]
    assert [(n.severity, n.subject) for n in rf05] == [("info", "project:P1")]
    assert NOT_A_CONCLUSION in rf05[0].hint
    assert not [f for f in checked.report.findings if f.code.startswith("RF")]

    def gongshi(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "generator", "check", "--data", str(data), *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )

    out = gongshi("--format", "json")
    report = json.loads(out.stdout)
    assert [n["code"] for n in report["notes"] if n["code"].startswith("RF")] == ["RF05"]
    # skip the rule warnings this bare fixture has: what is left are the flags alone, and
    # even --strict (warnings fail) passes on them
    skip = sorted({f["code"] for f in report["findings"]})
    assert report["summary"]["error"] == report["summary"]["fatal"] == 0
    out = gongshi("--strict", *(x for code in skip for x in ("--skip", code)))
    assert out.returncode == 0, out.stderr
    assert "风险提示 RF05 工期延误" in out.stderr and "没有发现问题" in out.stderr


# --- the demo county ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_flags() -> Flags:
    checked = check(DEMO_DATA)
    assert checked.dataset is not None
    return compute(checked.dataset)


# code → (planted: flagged record ids), (near misses: ids that must not be flagged by it)
DEMO = {
    "RF01": (
        [("CC2019-001", "CC2019-002"), ("CC2019-005",)],
        ["CC2019-003", "CC2019-004", "CC2019-006"],
    ),
    "RF02": ([("CC2018-001",)], ["JL2018-001"]),  # 华阳 has 28.9% of 金岭镇's contract money
    "RF03": ([("JL2018-033",)], ["JL2018-040"]),  # 0.49999× / exactly 1.5×
    "RF04": ([("JL2018-025",)], ["JL2018-038"]),  # 单一来源 63.6万 / 邀请招标 1 分 below 50万
    "RF05": ([("JL2018-035",), ("JL2018-001",)], ["JL2018-004", "JL2018-007"]),
    "RF06": ([("JL2018-029",)], ["JL2018-005"]),
    "RF07": ([("JL2018-038",)], ["JL2018-006"]),  # paid on the last day / the day after
    "RF08": ([("CC2018-003",)], []),
}


@pytest.mark.parametrize("code", sorted(DEMO))
def test_demo_planted_cases_and_near_misses(demo_flags: Flags, code: str) -> None:
    planted, clean = DEMO[code]
    groups = [f.projects for f in demo_flags.by_code(code)]
    for ids in planted:
        assert any(set(ids) <= set(g) for g in groups), (code, ids, groups)
    for pid in clean:
        assert not any(pid in g for g in groups), (code, pid)


def test_demo_people_at_and_just_below_the_count(demo_flags: Flags) -> None:
    messages = codes(demo_flags, "RF08")
    assert "刘春梅在2018年担任 10 个项目的责任人" in messages  # exactly the threshold
    assert not any("马晓燕" in m for m in messages)  # 9 projects as supervisor
    # F2018-06 was issued 2018-06-15: not yet a year before the data date (2019-04-30)
    assert "fund:F2018-05" in {f.subject for f in demo_flags.by_code("RF06")}
    assert "fund:F2018-06" not in {f.subject for f in demo_flags.by_code("RF06")}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county built without PDFs (its figures are verified by the build)."""
    project = make_project(tmp_path_factory.mktemp("flags-demo"), DEMO_DATA)
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    assert result.figures_checked > 0
    return project / "site"


def test_demo_flags_page(demo_site: Path) -> None:
    html = (demo_site / "flags" / "index.html").read_text("utf-8")
    assert NOT_A_CONCLUSION in html
    for title in ("拆分规避招标", "中标集中", "合同金额与预算不符", "非竞争方式"):
        assert title in html
    for title in ("工期延误", "资金闲置", "先拨后公示", "同一人多项"):
        assert title in html
    assert html.count("是什么意思") == 8 and html.count("不说明什么") == 8
    assert 'id="rf07-1"' in html and "非竞争方式限额：50.00万元" in html
    # the figures carry their recipes (gongshi verify recomputes them)
    assert "data-sum='downloads/projects.csv:合同金额(元)'" in html
    assert "projects/JL2018-038/" in html


def test_demo_record_pages_show_their_flags(demo_site: Path) -> None:
    page = (demo_site / "projects" / "JL2018-038" / "index.html").read_text("utf-8")
    assert "风险提示（" in page and "flags/#rf07-1" in page and NOT_A_CONCLUSION in page
    fund = (demo_site / "funds" / "F2018-04" / "index.html").read_text("utf-8")
    assert "RF06 资金闲置" in fund
    clean = (demo_site / "projects" / "JL2018-013" / "index.html").read_text("utf-8")
    assert "风险提示（" not in clean


def test_demo_township_pages_show_their_projects_flags(demo_site: Path, demo_flags: Flags) -> None:
    """A township page boxes the flags of its projects; a township none of whose projects is
    flagged shows no box."""
    flagged = {t for f in demo_flags.flags for t in f.townships}
    assert flagged, "the demo plants flags on township projects"
    towns = sorted(p.name for p in (demo_site / "townships").iterdir() if p.is_dir())
    assert towns
    for town in towns:
        if town.startswith("by-"):
            continue
        page = (demo_site / "townships" / town / "index.html").read_text("utf-8")
        assert ("风险提示（" in page) == (town in flagged), town
