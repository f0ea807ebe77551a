"""The 标准目录 page's 入库公示 and 年度计划 items keep the clocks of rules J001 and J003
(``model.lifecycle.pool_lapses`` / ``plan_clock``): what a rule reports late, the page
marks 逾期 in the townships of the plan's projects, and nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import rules_county as rc
from conftest import DEMO_DATA, make_project
from test_rules import planned

from generator.pipeline import check
from generator.render import coverage, render

POOL = "项目库入库公示"
PLAN = "年度计划（统筹整合方案）公告"


def _items(ds) -> dict:
    return {ic.item.name: {r.township: r for r in ic.rows} for ic in coverage.coverage(ds)}


def test_demo_late_plan_is_late_on_the_catalogue_page_as_j003_says(tmp_path: Path) -> None:
    checked = check(DEMO_DATA)
    ds = checked.dataset
    assert ds is not None
    j003 = {f.subject for f in checked.report.findings if f.code == "J003"}
    assert j003 == {"plan:JH2018-01"}
    plan = _items(ds)[PLAN]
    # the 2018 plan lists projects of both townships: each row is 逾期 for it
    assert {t: r.state for t, r in plan.items()} == {"金岭镇": "逾期", "长城镇": "逾期"}
    for row in plan.values():
        late = row.of("逾期")
        assert {e.subject for e in late} == j003
        assert late[0].due == date(2018, 3, 8)  # 20 working days after 2018-02-05
        assert late[0].notice is not None and late[0].notice.posted_on == date(2018, 3, 26)
    # the adjustment (调整公告) was in time: 已公开, not 逾期
    assert "plan:JH2018-02" in {e.subject for e in plan["金岭镇"].of("已公开")}

    project = make_project(tmp_path / "county")
    render(ds, project)
    page = (project / "content" / "compliance" / "catalogue.md").read_text("utf-8")
    section = page.split(f"## 2. {PLAN}")[1].split("\n## ")[0]
    row = next(x for x in section.splitlines() if x.startswith("| 金岭镇 |"))
    assert row.startswith("| 金岭镇 | **逾期** | 逾期 1 项：[2018年年度计划](../plans/2018.md)")
    assert "2018年3月8日" in row  # its deadline, as J003 states it


def test_demo_project_that_skipped_the_pool_is_missing_as_j001_says() -> None:
    checked = check(DEMO_DATA)
    assert checked.dataset is not None
    pool = _items(checked.dataset)[POOL]["金岭镇"]
    assert "project:JL2018-040" in {e.subject for e in pool.of("缺失")}
    assert not pool.of("逾期")


def test_pool_posting_still_running_at_approval_is_late(tmp_path: Path) -> None:
    """JL2018-002's 入库公示 runs to 2018-02-05, the plan was approved 2018-02-01: J001
    reports it, and the page marks it 逾期 (the posting had to end by 2018-01-31)."""

    def county(tables: dict) -> None:
        planned()(tables)
        rc.cell(tables, "notices", 11, "公示截止日期", "2018-02-05")  # RK-02, JL2018-002

    tables = rc.clean()
    county(tables)
    checked = check(rc.write(tmp_path, tables))
    assert checked.dataset is not None
    j001 = {f.subject for f in checked.report.findings if f.code == "J001"}
    assert j001 == {"project:JL2018-002"}
    rows = _items(checked.dataset)[POOL]
    late = [e for r in rows.values() for e in r.of("逾期")]
    assert [e.subject for e in late] == ["project:JL2018-002"]
    assert late[0].due == date(2018, 1, 31)
    assert "project:JL2018-001" in {e.subject for r in rows.values() for e in r.of("已公开")}


def test_pool_posting_ended_before_approval_is_published(tmp_path: Path) -> None:
    tables = rc.clean()
    planned()(tables)
    checked = check(rc.write(tmp_path, tables))
    assert checked.dataset is not None
    assert not [f for f in checked.report.findings if f.code == "J001"]
    rows = _items(checked.dataset)[POOL]
    assert not [e for r in rows.values() for e in r.of("逾期")]
