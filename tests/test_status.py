"""The live status of a notice (issue 17): computed once from the data date, shown as a
badge with its period for the reader's clock, the 信息公开 metadata of every notice, the
home page's 正在公示, and the 标准目录 coverage page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import TEST_DATA, make_project, write_data

from generator.model.notice_status import notice_status, period
from generator.model.siteconfig import build_site
from generator.pipeline import check
from generator.records import NO_ORIGIN, Notice
from generator.render import coverage, render
from generator.render.views import Views

TINY = TEST_DATA / "tiny"


def notice(kind="事前公示", posted=date(2024, 3, 7), until=date(2024, 3, 16), **kw) -> Notice:
    places = kw.pop("places", ("门户网站", "青山村公开栏"))
    return Notice("GS1", "project:P1", kind, posted, until, places, **kw)


# --- the status itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, text",
    [
        (date(2024, 3, 6), "未开始（3月7日起公示）"),
        (date(2024, 3, 7), "公示中（第 1 天，共 10 天，3月16日截止）"),
        (date(2024, 3, 9), "公示中（第 3 天，共 10 天，3月16日截止）"),
        (date(2024, 3, 16), "公示中（第 10 天，共 10 天，3月16日截止）"),
        (date(2024, 3, 17), "已期满（3月16日截止）"),
    ],
)
def test_a_board_notice_counts_its_days_from_the_data_date(today, text):
    st = notice_status(notice(), today)
    assert st.text == text
    assert st.is_open == text.startswith("公示中")
    assert (st.start, st.end) == (date(2024, 3, 7), date(2024, 3, 16))


def test_a_board_posting_without_an_end_date_lasts_the_set_number_of_days():
    n = notice(until=None)
    assert period(n) == (date(2024, 3, 7), date(2024, 3, 16))  # 10 days, both ends counted
    assert notice_status(n, date(2024, 3, 16)).text == "公示中（第 10 天，共 10 天，3月16日截止）"
    assert notice_status(n, date(2024, 3, 14), days=7).text == "已期满（3月13日截止）"


def test_a_portal_announcement_without_a_period_stays_public_for_good():
    n = notice("资金公告", until=None, places=("门户网站",))
    st = notice_status(n, date(2030, 1, 1))
    assert (st.code, st.text, st.live) == ("public", "长期公开", False)
    # with an end date it has a period like any notice
    assert notice_status(notice("资金公告", places=("门户网站",)), date(2024, 3, 8)).is_open


def test_a_kind_named_公示_has_a_period_whatever_its_name():
    """New kinds (入库公示 …) need no code: a …公示 invites objections, a …公告 does not."""
    pool = notice("入库公示", until=None, places=("门户网站",))
    assert notice_status(pool, date(2024, 3, 10)).text.startswith("公示中（第 4 天，共 10 天")
    plan = notice("年度计划公告", until=None, places=("门户网站",))
    assert notice_status(plan, date(2024, 3, 10)).text == "长期公开"


@pytest.mark.parametrize("validity, text", [("已调整", "已调整"), ("已废止", "已废止")])
def test_adjusted_and_withdrawn_notices_are_marked_never_counted(validity, text):
    st = notice_status(notice(validity=validity), date(2024, 3, 9))
    assert (st.text, st.live) == (text, False)


def test_a_stopped_project_makes_its_notice_withdrawn_unless_the_data_says_otherwise():
    assert notice_status(notice(), date(2024, 3, 9), withdrawn=True).text == "已废止"
    kept = notice(validity="有效")
    assert notice_status(kept, date(2024, 3, 9), withdrawn=True).is_open


# --- views: badge and 信息公开 metadata -----------------------------------------------------


def dataset(tmp_path: Path, site_extra: str = "", notices: str | None = None):
    project = make_project(tmp_path / "county", TINY)
    data = project / "data"
    site = (data / "site.yaml").read_text("utf-8") + "data_date: 2020-05-08\n" + site_extra
    (data / "site.yaml").write_text(site, "utf-8")
    if notices is not None:
        (data / "notices" / "extra.yaml").write_text(notices, "utf-8")
    checked = check(data)
    assert checked.dataset is not None, checked.report.to_json()
    return project, checked


def test_the_badge_carries_its_period_for_the_readers_clock(tmp_path):
    _, checked = dataset(tmp_path)
    v = Views(checked.dataset)
    by_id = {n.id: n for n in checked.dataset.notices}
    assert v.badge(by_id["TY-GS-003"]) == (
        '<span class="gs-status gs-status--open" data-gs-start="2020-05-06" '
        'data-gs-end="2020-05-17">公示中（第 3 天，共 12 天，5月17日截止）</span>'
    )
    assert v.badge(by_id["TY-GS-001"]).endswith(">已期满（3月16日截止）</span>")
    assert [n.id for n, _ in v.open_notices()] == ["TY-GS-003"]


def test_notice_metadata_is_taken_from_the_data_or_derived(tmp_path):
    extra = (
        "- {id: TY-GS-009, subject: 'project:TY2020-002', kind: 事后公告, posted_on: 2020-04-20,"
        " places: 门户网站, index_no: 'XG-2020-0009', publisher: 虚构县青山镇人民政府,"
        " document_no: 青政发〔2020〕3号, written_on: 2020-04-18, validity: 已调整}\n"
    )
    _, checked = dataset(tmp_path, "索引号格式: 'XG/{year}/{seq:04d}'\n", extra)
    v = Views(checked.dataset)
    by_id = {n.id: n for n in checked.dataset.notices}
    assert v.notice_meta(by_id["TY-GS-009"]) == {
        "索引号": "XG-2020-0009",
        "发布机构": "虚构县青山镇人民政府",
        "文号": "青政发〔2020〕3号",
        "成文日期": "2020年4月18日",
        "发布日期": "2020年4月20日",
        "有效性": "已调整",
    }
    assert v.status(by_id["TY-GS-009"]).text == "已调整"
    fund = v.notice_meta(by_id["TY-GS-004"])  # the fund notice: 文号 and date from the fund
    assert fund["发布机构"] == "虚构县乡村振兴局"
    assert fund["索引号"] == "XG/2020/0001"  # the first notice posted in 2020
    assert fund["文号"] and fund["文号"] == checked.dataset.fund("TYF2020-01").document_no
    assert fund["有效性"] == "有效"


@pytest.mark.parametrize(
    "setting, says",
    [
        ("公示天数: 0", "公示天数"),
        ("公示天数: 十天", "1 到 90"),
        ("索引号格式: '{县}-{id}'", "只能用"),
        ("标准目录: 项目公示", "应是列表"),
        ("标准目录: [{事项: 新事项}]", "要写 公示类型"),
        ("标准目录: [{事项: 新事项, 公示类型: 年终公告}]", "年终公告"),
        ("标准目录: [{事项: 新事项, 公示类型: 事前公示, 对象: 村}]", "对象"),
        ("标准目录: [{名字: 项目库入库公示}]", "不认识"),
    ],
)
def test_bad_status_settings_are_chinese_errors_at_their_key(setting, says):
    import yaml

    raw = yaml.safe_load(setting)
    _, found = build_site(raw, NO_ORIGIN)
    assert [f.code for f in found] == ["L008"] * len(found) and found, setting
    assert any(says in f.message for f in found), [f.message for f in found]
    assert all(f.severity == "error" for f in found)


# --- 标准目录 coverage ---------------------------------------------------------------------


SITE = """name: 虚构县扶贫项目资金公告公示
office: 虚构县乡村振兴局
data_date: 2020-06-30
"""
VILLAGES = "区划代码,乡镇,村名\n990000101201,青山镇,青山村\n990000102201,白水镇,白水村\n"
PROJECTS = (
    "项目编号,年度,项目名称,乡镇,实施地点,项目状态,计划开工日期,验收日期\n"
    "A1,2020,青山村道路,青山镇,青山村,已验收,2020-04-01,2020-06-01\n"
    "A2,2020,青山村水池,青山镇,青山村,实施中,2020-04-01,\n"
    "B1,2020,白水村大棚,白水镇,白水村,拟建,2020-09-01,\n"
)
FUNDS = (
    "资金编号,文号,下达日期,金额\nF1,虚财农〔2020〕1号,2020-03-02,100000\n"
    "F2,虚财农〔2020〕2号,2020-06-22,50000\n"
)
ALLOC = "资金编号,项目编号,金额\nF1,A1,60000\nF1,B1,40000\n"
NOTICES = (
    "公示编号,公示对象,公示类型,公示开始日期,公示截止日期,公示地点\n"
    "N1,project:A1,事前公示,2020-03-10,2020-03-19,门户网站、青山村公开栏\n"
    "N2,project:A2,事前公示,2020-04-05,2020-04-14,门户网站、青山村公开栏\n"
    "N3,fund:F1,资金公告,2020-04-10,,门户网站\n"
)


def coverage_of(tmp_path: Path, site: str = SITE) -> dict:
    data = write_data(
        tmp_path,
        {
            "villages.csv": VILLAGES,
            "projects.csv": PROJECTS,
            "funds.csv": FUNDS,
            "allocations.csv": ALLOC,
            "notices.csv": NOTICES,
        },
        site,
    )
    checked = check(data)
    assert checked.dataset is not None, checked.report.to_json()
    found = coverage.coverage(checked.dataset)
    return {ic.item.name: {r.township: r for r in ic.rows} for ic in found}


def test_coverage_judges_each_record_per_township(tmp_path):
    cov = coverage_of(tmp_path)
    before = cov["项目实施前公示"]
    assert set(before) == {"青山镇"}  # B1 (拟建) does not need one yet
    assert before["青山镇"].state == "逾期"  # A2 posted 4月5日, after its start 4月1日
    assert [e.subject for e in before["青山镇"].of("已公开")] == ["project:A1"]
    assert [e.subject for e in before["青山镇"].of("逾期")] == ["project:A2"]

    after = cov["项目竣工公告"]  # A1 was accepted and has no 事后公告
    assert after["青山镇"].state == "缺失"
    assert [e.label for e in after["青山镇"].of("缺失")] == ["青山村道路"]

    funds = cov["资金分配结果公告"]  # F1 issued 3月2日, due 15 working days later
    assert funds["青山镇"].state == "逾期" and funds["白水镇"].state == "逾期"  # 4月10日 is late
    assert funds["青山镇"].of("逾期")[0].due == date(2020, 3, 23)
    assert funds["全县"].of("未到期")[0].subject == "fund:F2"  # issued 6月22日: not due yet

    assert cov["年度计划（统筹整合方案）公告"]["全县"].state == "缺失"
    assert "年度计划完成情况公告" in cov and cov["年度计划完成情况公告"] == {}  # 2020 not over


def test_site_yaml_changes_switches_off_and_adds_catalogue_items(tmp_path):
    site = SITE + (
        "标准目录:\n"
        "  - {事项: 项目实施前公示, 依据: 本县标准目录第3项}\n"
        "  - {事项: 项目库入库公示, 不适用: 是}\n"
        "  - {事项: 项目竣工公示（县定）, 公示类型: 事后公告, 对象: 项目, 适用: 已验收,"
        " 起算日期: 验收日期, 工作日: 5}\n"
    )
    data = write_data(
        tmp_path,
        {"villages.csv": VILLAGES, "projects.csv": PROJECTS, "notices.csv": NOTICES},
        site,
    )
    checked = check(data)
    assert checked.dataset is not None
    assert not [f for f in checked.report.findings if f.code == "L008"]
    items = {it.name: it for it in checked.dataset.site.catalogue}
    assert "项目库入库公示" not in items
    assert items["项目实施前公示"].basis == "本县标准目录第3项"
    assert items["项目实施前公示"].kinds == ("事前公示",)  # what was not given is kept
    added = items["项目竣工公示（县定）"]
    assert (added.subject, added.when, added.due_from, added.due_workdays) == (
        "project",
        "accepted",
        "accepted_on",
        5,
    )
    rows = next(c for c in coverage.coverage(checked.dataset) if c.item is added).rows
    assert [(r.township, r.state) for r in rows] == [("青山镇", "缺失")]


def test_the_coverage_page_names_each_item_and_links_what_was_published(tmp_path):
    data = write_data(
        tmp_path / "county",
        {
            "villages.csv": VILLAGES,
            "projects.csv": PROJECTS,
            "funds.csv": FUNDS,
            "allocations.csv": ALLOC,
            "notices.csv": NOTICES,
        },
        SITE,
    )
    project = make_project(tmp_path / "county")
    checked = check(data)
    assert checked.dataset is not None
    render(checked.dataset, project)
    page = (project / "content" / "compliance" / "catalogue.md").read_text("utf-8")
    assert "## 4. 项目实施前公示" in page
    assert "| 时限 | 开工前，村公开栏和项目现场公示不少于10天 |" in page
    section = page.split("## 4. 项目实施前公示")[1].split("\n## ")[0]
    row = next(line for line in section.splitlines() if line.startswith("| 青山镇 | **逾期**"))
    assert "逾期 1 项：[青山村水池](../projects/A2.md)（时限 " in row
    assert "已公开 1 项：[青山村道路](../projects/A1.md)" in row
    assert "| 全县 | **缺失** | 缺失 1 项：2020年" in page
    compliance = (project / "content" / "compliance" / "index.md").read_text("utf-8")
    assert "[标准目录公开情况](catalogue.md)" in compliance


def test_the_set_number_of_days_is_what_the_rule_asks_for(tmp_path):
    """N005 and the compliance page's 及时率 ask for site.yaml 公示天数, the same number the
    status counts: a county that sets 15 gets its 10-day board postings reported."""
    import shutil

    default = check(TINY)
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    site = data / "site.yaml"
    site.write_text(site.read_text("utf-8") + "\n公示天数: 15\n", "utf-8")
    stricter = check(data)
    short = [f for f in stricter.report.findings if f.code == "N005"]
    assert len(short) > len([f for f in default.report.findings if f.code == "N005"])
    assert all("应不少于15天" in f.message for f in short), [f.message for f in short]
