"""长期公开 for plans, objections and assets (issue 17): a plan, an objection's answer and an
asset that were published and later deleted from the data stay on the site, marked 已废止
with the day they were withdrawn.

One small build: the tiny county with a 2020 plan, an answered objection and an asset,
committed in a real git repository; a second commit deletes all three.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TEST_DATA, build_project, make_project, require_tool
from test_history import _git, _text

PLANS = (
    "计划编号,年度,计划类型,文号,批复日期,计划项目,调整原因,被调整计划编号\n"
    "JH2020-01,2020,年度计划,青扶组〔2020〕1号,2020-02-10,TY2020-001；TY2020-002,,\n"
)
OBJECTIONS = (
    "异议编号,公示编号,受理日期,反映方式,反映人,联系电话,异议内容,答复日期,调查结论,处理意见,办理状态\n"
    "YY2020-01,TY-GS-001,2020-03-09,来访,孙小梅,13953900000,"
    "反映道路走向需占用少量承包地,2020-03-13,属实,经村民代表会议协商调整线形,已办结\n"
)
ASSETS = (
    "资产编号,项目编号,资产名称,资产类型,资产原值,确权日期,产权归属,管护主体\n"
    "ZC2020-01,TY2020-001,青山村硬化道路,公益性,480000.00,2020-09-10,青山村集体,青山村委会\n"
)


@pytest.fixture(scope="module")
def withdrawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Version 1 (committed 2020-03-20): the tiny county with plan JH2020-01, objection
    YY2020-01 and asset ZC2020-01. Version 2 (committed 2020-07-02): the three rows deleted
    (the files keep their header)."""
    require_tool("git")
    project = make_project(tmp_path_factory.mktemp("history17"), TEST_DATA / "tiny")
    data = project / "data"
    (data / "plans.csv").write_text(PLANS, encoding="utf-8")
    (data / "objections.csv").write_text(OBJECTIONS, encoding="utf-8")
    (data / "assets.csv").write_text(ASSETS, encoding="utf-8")
    _git(project, "init", "-q")
    _git(project, "add", "data")
    _git(project, "commit", "-q", "-m", "v1", when="2020-03-20T09:00:00+08:00")
    for name, text in (
        ("plans.csv", PLANS),
        ("objections.csv", OBJECTIONS),
        ("assets.csv", ASSETS),
    ):
        (data / name).write_text(text.splitlines(keepends=True)[0], encoding="utf-8")
    _git(project, "commit", "-q", "-a", "-m", "v2", when="2020-07-02T17:30:00+08:00")
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return project


def _page(project: Path, rel: str) -> str:
    return _text((project / "site" / rel / "index.html").read_text(encoding="utf-8"))


def test_withdrawn_plan_stays_on_its_year_page_marked_abolished(withdrawn: Path) -> None:
    text = _page(withdrawn, "plans/2020")
    assert "已废止的计划" in text
    section = text.split("已废止的计划", 1)[1]
    assert "青扶组〔2020〕1号" in section and "JH2020-01" in section
    assert re.search(r"已废止\s*（\s*2020年7月2日\s*撤回", section), section[:400]
    assert "TY2020-001；TY2020-002" in section  # its projects as last published
    # the plan list names it too, and the archive links to the year's page
    assert "已废止" in _page(withdrawn, "plans") and "青扶组〔2020〕1号" in _page(
        withdrawn, "plans"
    )
    archive = (withdrawn / "site/archive/2020/index.html").read_text(encoding="utf-8")
    assert "2020年年度计划（青扶组〔2020〕1号）" in archive
    assert "../../plans/2020/" in archive


def test_withdrawn_objection_keeps_its_answer_beside_the_notice(withdrawn: Path) -> None:
    text = _page(withdrawn, "projects/TY2020-001")
    section = text.split("异议及处理", 1)[1]
    assert "YY2020-01" in section and "经村民代表会议协商调整线形" in section
    assert re.search(r"已废止\s*（\s*2020年7月2日\s*撤回", section), section[:600]
    # complainant details never reach the history or the page
    site = "".join(p.read_text("utf-8", "replace") for p in (withdrawn / "site").rglob("*.html"))
    assert "孙小梅" not in site and "13953900000" not in site


def test_withdrawn_asset_is_in_the_archive(withdrawn: Path) -> None:
    archive = _page(withdrawn, "archive/2020")
    section = archive.split("已撤回的记录", 1)[1]
    assert "青山村硬化道路" in section
    assert "青山村硬化道路" not in _page(withdrawn, "projects/TY2020-001")
