"""Issue 17, objections and assets: the tables as a county writes them (GBK CSV, YAML,
XLSX), the complainant's details dropped on reading, each Y/Z rule firing on a planted
lapse and silent on its clean counterpart, the reply period from site.yaml, and a real
``mkdocs build`` of a small county whose pages show the objections beside their notices,
the overdue one as 逾期未答复, the per-township counts and the asset register, every
figure checked against the downloads."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import CONTRACT_DIR, TEST_DATA, build_project, make_project, write_data

from generator.load import load
from generator.model.dataset import privacy_inputs, published_tables
from generator.pipeline import check
from generator.records import ISSUE17_TABLES
from generator.scan.figures import verify
from generator.scan.site import scan

TINY = TEST_DATA / "tiny"
TODAY = date(2020, 12, 31)
PHONE = "13812345678"
ID_NUMBER = "110101198001011232"
COMPLAINANT = "孙大伟"

HEAD = (
    "异议编号,公示编号,受理日期,反映方式,反映人,联系电话,身份证号,"
    "异议内容,答复日期,调查结论,处理意见,办理状态"
)
# one answered in time, one overdue (unanswered since April); the overdue one names its
# complainant in the text, as a cadre might type it
OBJECTIONS = (
    HEAD + "\r\n"
    "YA-1,TY-GS-001,2020-03-08,来访,,,,反映道路宽度不够,2020-03-20,部分属实,"
    "设计宽度不变，会车处加宽0.5米,已办结\r\n"
    f"YA-2,TY-GS-002,2020-04-05,12317,{COMPLAINANT},{PHONE},{ID_NUMBER},"
    f"{COMPLAINANT}反映电站选址占用耕地,,,,调查中\r\n"
)
ASSETS = """\
- {id: ZC-1, project_id: TY2020-001, name: 青山村道路1.2公里, type: 公益性, value: 400000,
   formed_on: 2020-09-05, owner: 青山村集体, custodian: 青山村村民委员会}
- {id: ZC-2, project_id: TY2020-002, name: 石桥村光伏电站, type: 经营性, value: 650000,
   owner: 石桥村集体}
"""
INCOME = "资产编号,年度,收益金额,分配编号\nZC-1,2020,5000.00,TD-1\n"
DISTRIBUTIONS = """\
- {id: TD-1, project_id: TY2020-001, year: 2020, income: 5000, households: 10, persons: 30,
   proposed_on: 2020-10-01, reviewed_on: 2020-10-10, filed_on: 2020-10-20}
"""


def county(tmp_path: Path, files: dict[str, str | bytes], site_extra: str = "") -> Path:
    """The tiny county plus ``files`` (objections, assets …) in ``data/``."""
    data = tmp_path / "data"
    shutil.copytree(TINY, data, ignore=shutil.ignore_patterns("README.md"))
    site = (TINY / "site.yaml").read_text(encoding="utf-8") + "data_date: 2020-12-31\n"
    write_data(tmp_path, files, site + site_extra)
    return data


def findings(data: Path, prefix: str = "YZ") -> list:
    report = check(data, today=TODAY).report
    return [f for f in report.sorted() if f.code[0] in prefix]


def codes(data: Path) -> list[str]:
    return [f.code for f in findings(data)]


# --- reading ----------------------------------------------------------------------------


def test_complainant_columns_are_dropped_and_said_so(tmp_path: Path) -> None:
    data = county(tmp_path, {"objections.csv": OBJECTIONS.encode("gb18030")})
    loaded = load(data)
    rows = loaded.tables["objections"]
    assert [r.values["id"] for r in rows] == ["YA-1", "YA-2"]
    for r in rows:
        assert not {"complainant", "phone", "id_number"} & set(r.values)
    assert {PHONE, ID_NUMBER} <= loaded.private_values
    assert loaded.private_names == {COMPLAINANT}
    (note,) = [n for n in loaded.notes if n.file == "data/objections.csv"]
    for header in ("反映人", "联系电话", "身份证号"):
        assert f"“{header}”列只用于隐私检查，不读入公开数据" in note.message


def test_complainant_named_in_the_text_is_masked(tmp_path: Path) -> None:
    data = county(tmp_path, {"objections.csv": OBJECTIONS.encode("gb18030")})
    checked = check(data, today=TODAY)
    (o,) = [o for o in checked.dataset.objections if o.id == "YA-2"]
    assert o.summary == "孙某某反映电站选址占用耕地"
    (p,) = [f for f in checked.report.findings if f.code == "P001"]
    assert (p.file, p.row, p.column) == ("data/objections.csv", 3, "H列（异议内容）")


def test_objection_township_comes_from_its_notice(tmp_path: Path) -> None:
    data = county(tmp_path, {"objections.csv": OBJECTIONS})
    ds = check(data, today=TODAY).dataset
    assert {o.id: o.township for o in ds.objections} == {"YA-1": "青山镇", "YA-2": "青山镇"}


def test_old_contract_data_has_no_new_tables_and_publishes_none(tmp_path: Path) -> None:
    checked = check(CONTRACT_DIR)
    ds = checked.dataset
    assert ds.objections == ds.assets == ds.asset_income == []
    names = [t.name for t in published_tables(ds)]
    assert not {t.name for t in ISSUE17_TABLES} & set(names)
    assert [f.code for f in checked.report.findings if f.code[0] in "YZ"] == []


# --- objection rules ----------------------------------------------------------------------

CLEAN = HEAD + "\nYC-1,TY-GS-001,2020-03-08,来访,,,,道路不够宽,2020-03-20,不属实,符合设计,已办结\n"


def objection(row: str) -> str:
    return HEAD + "\n" + row + "\n"


def test_clean_objection_gives_no_finding(tmp_path: Path) -> None:
    assert codes(county(tmp_path, {"objections.csv": CLEAN})) == []


@pytest.mark.parametrize(
    ("row", "code", "column", "words"),
    [
        (
            "Y1,TY-GS-999,2020-03-08,来访,,,,问题,2020-03-10,不属实,说明,已办结",
            "Y001",
            "B列（公示编号）",
            ("TY-GS-999", "找不到"),
        ),
        (
            "Y1,TY-GS-001,2020-03-08,来访,,,,问题,2020-03-01,不属实,说明,已办结",
            "Y002",
            "I列（答复日期）",
            ("答复日期2020年3月1日早于受理日期2020年3月8日",),
        ),
        (
            "Y1,TY-GS-001,2020-03-01,来访,,,,问题,2020-03-10,不属实,说明,已办结",
            "Y002",
            "C列（受理日期）",
            ("早于公示TY-GS-001的开始日期2020年3月5日",),
        ),
        (
            "Y1,TY-GS-001,2020-03-08,来访,,,,问题,,,,调查中",
            "Y003",
            "I列（答复日期）",
            ("2020年3月8日受理", "答复期限2020年3月28日已过", "至今未答复"),
        ),
        (
            "Y1,TY-GS-001,2020-03-08,来访,,,,问题,2020-04-20,不属实,说明,已办结",
            "Y004",
            "I列（答复日期）",
            ("2020年4月20日才答复", "超过了20天"),
        ),
        (
            "Y1,TY-GS-001,2020-03-08,来访,,,,问题,,不属实,,调查中",
            "Y005",
            "I列（答复日期）",
            ("已有调查结论“不属实”，但没有答复日期",),
        ),
        (
            "Y1,TY-GS-001,2020-03-08,来访,,,,问题,,,,已办结",
            "Y005",
            "I列（答复日期）",
            ("办理状态是“已办结”，但没有答复日期",),
        ),
        (
            "Y1,TY-GS-001,2020-03-08,来访,,,,问题,2020-03-10,,,已答复",
            "Y005",
            "J列（调查结论）",
            ("已答复，但没有填写调查结论",),
        ),
        (
            "Y1,TY-GS-001,2020-03-08,来访,,,,问题,2020-03-10,属实,,已答复",
            "Y005",
            "K列（处理意见）",
            ("调查结论为“属实”，但没有填写处理意见",),
        ),
    ],
)
def test_objection_rule_fires_with_file_row_column(
    tmp_path: Path, row: str, code: str, column: str, words: tuple[str, ...]
) -> None:
    data = county(tmp_path, {"objections.csv": objection(row)})
    found = [f for f in findings(data) if f.code == code]
    assert len(found) == 1, findings(data)
    f = found[0]
    assert (f.file, f.row, f.column) == ("data/objections.csv", 2, column)
    for word in words:
        assert word in f.message, f.message
    # a finding on a project's notice counts against the project
    assert f.subject == ("objection:Y1" if code == "Y001" else "project:TY2020-001")


def test_open_objection_within_the_period_is_not_overdue(tmp_path: Path) -> None:
    data = county(
        tmp_path, {"objections.csv": objection("Y1,TY-GS-001,2020-12-11,来访,,,,问题,,,,调查中")}
    )
    assert codes(data) == []  # the 20th day is 2020-12-31, the data date: still in time
    data2 = county(
        tmp_path / "b",
        {"objections.csv": objection("Y1,TY-GS-001,2020-12-10,来访,,,,问题,,,,调查中")},
    )
    assert codes(data2) == ["Y003"]


def test_reply_period_comes_from_site_yaml(tmp_path: Path) -> None:
    row = "Y1,TY-GS-001,2020-03-08,来访,,,,问题,2020-03-25,不属实,说明,已办结"  # 17 days
    assert codes(county(tmp_path / "a", {"objections.csv": objection(row)})) == []
    short = county(tmp_path / "b", {"objections.csv": objection(row)}, "objection_reply_days: 10\n")
    (f,) = findings(short)
    assert f.code == "Y004" and "超过了10天" in f.message
    bad = county(tmp_path / "c", {"objections.csv": CLEAN}, "异议答复期限: 二十天\n")
    (err,) = [f for f in check(bad, today=TODAY).report.findings if f.code == "L008"]
    assert err.severity == "error" and "1 到 365 之间的整数" in err.message


def test_unknown_finding_word_is_a_vocabulary_error(tmp_path: Path) -> None:
    row = "Y1,TY-GS-001,2020-03-08,来访,,,,问题,2020-03-10,基本属实,说明,已办结"
    data = county(tmp_path, {"objections.csv": objection(row)})
    (f,) = [f for f in check(data, today=TODAY).report.findings if f.code == "V005"]
    assert f.column == "J列（调查结论）" and "属实、部分属实、不属实" in f.hint


# --- asset rules ----------------------------------------------------------------------------

CLEAN_ASSET = """\
- {id: ZC-1, project_id: TY2020-001, name: 青山村道路, type: 公益性, value: 400000,
   owner: 青山村集体, custodian: 青山村村民委员会}
"""


def assets(tmp_path: Path, yaml_text: str, income: str = "", dists: str = "") -> Path:
    files = {"assets.yaml": yaml_text}
    if income:
        files["asset_income.csv"] = income
    if dists:
        files["distributions.yaml"] = dists
    return county(tmp_path, files)


def test_clean_asset_with_matching_income_gives_no_finding(tmp_path: Path) -> None:
    assert codes(assets(tmp_path, CLEAN_ASSET, INCOME, DISTRIBUTIONS)) == []


def test_asset_without_custodian_or_owner(tmp_path: Path) -> None:
    text = "- {id: ZC-1, project_id: TY2020-001, name: 青山村道路, type: 公益性}\n"
    found = findings(assets(tmp_path, text))
    assert [(f.code, f.column) for f in found] == [
        ("Z002", "“产权归属”列（表中没有这一列）"),
        ("Z002", "“管护主体”列（表中没有这一列）"),
    ]
    assert "资产ZC-1“青山村道路”没有管护主体" in found[1].message
    # a disposed asset needs no one to maintain it any more
    disposed = (
        "- {id: ZC-1, project_id: TY2020-001, name: 青山村道路, owner: 青山村集体,\n"
        "   处置方式: 报废, 村民代表大会日期: 2020-10-01, 处置乡镇审核日期: 2020-10-08,\n"
        "   县级同意日期: 2020-10-15,\n"
        "   处置日期: 2020-11-01}\n"
    )
    assert codes(assets(tmp_path / "b", disposed)) == []


def test_asset_of_a_project_not_completed(tmp_path: Path) -> None:
    text = (
        "- {id: ZC-2, project_id: TY2020-002, name: 光伏电站, owner: 石桥村集体,\n"
        "   custodian: 石桥村}\n"
    )
    (f,) = findings(assets(tmp_path, text))
    assert f.code == "Z003" and "“石桥村光伏扶贫电站项目”的状态是“实施中”" in f.message
    assert f.subject == "project:TY2020-002"


def test_asset_references_resolve(tmp_path: Path) -> None:
    text = "- {id: ZC-9, project_id: TY2099-001, name: 不明资产, owner: 某村, custodian: 某村}\n"
    income = "资产编号,年度,收益金额,分配编号\nZC-8,2020,100,TD-9\n"
    found = findings(assets(tmp_path, text, income))
    assert sorted((f.code, f.column) for f in found) == [
        ("Z001", "A列（资产编号）"),
        ("Z001", "D列（分配编号）"),
        ("Z001", "“project_id”"),
    ]


def test_disposal_needs_every_step_in_order(tmp_path: Path) -> None:
    text = (
        "- {id: ZC-1, project_id: TY2020-001, name: 青山村道路, owner: 青山村集体,\n"
        "   disposal: 拍卖, disposal_meeting_on: 2020-10-10, disposal_approved_on: 2020-10-01,\n"
        "   disposed_on: 2020-11-01}\n"
    )
    found = findings(assets(tmp_path, text))
    assert [f.code for f in found] == ["Z004", "Z004"]
    messages = " ".join(f.message for f in found)
    assert "已处置，缺少乡镇审核日期" in messages
    assert "县级同意（2020年10月1日）早于村民代表大会（2020年10月10日）" in messages


def test_income_must_match_its_distribution(tmp_path: Path) -> None:
    income = "资产编号,年度,收益金额,分配编号\nZC-1,2020,4800.00,TD-1\n"
    (f,) = findings(assets(tmp_path, CLEAN_ASSET, income, DISTRIBUTIONS))
    assert f.code == "Z005" and (f.file, f.column) == ("data/distributions.yaml", "“income”")
    assert "收益总额是5,000.00元" in f.message and "资产收益合计4,800.00元" in f.message


# --- the built site -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("objections")
    data = county(
        tmp,
        {
            "objections.csv": OBJECTIONS.encode("gb18030"),
            "assets.yaml": ASSETS,
            "asset_income.csv": INCOME,
            "distributions.yaml": DISTRIBUTIONS,
        },
    )
    project = make_project(tmp / "project", data)
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    assert result.scan_findings == []
    assert result.figures_checked > 0
    return project / "site"


def page(site: Path, rel: str) -> str:
    return (site / rel / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_project_page_lists_its_objections_and_the_overdue_one(built: Path) -> None:
    answered = text_of(page(built, "projects/TY2020-001"))
    assert "异议及处理" in answered
    for words in (
        "YA-1",
        "2020年3月8日",
        "反映道路宽度不够",
        "已答复",
        "2020年3月20日",
        "部分属实",
    ):
        assert words in answered, words
    overdue = page(built, "projects/TY2020-002")
    assert "<strong>逾期未答复</strong>" in overdue
    assert "应于 2020年4月25日 前答复" in text_of(overdue)
    assert "孙某某反映电站选址占用耕地" in text_of(overdue)


def test_notices_index_names_the_state_of_each_notice(built: Path) -> None:
    text = text_of(page(built, "notices"))
    assert "异议 1 件（逾期未答复）" in text
    assert "异议 1 件（已答复）" in text


def test_compliance_page_counts_objections_per_township(built: Path) -> None:
    html = page(built, "compliance")
    assert "异议处理" in html
    row = text_of(html.split("异议处理</h2>")[1].split("</table>")[0])
    assert "青山镇 2 1 1" in row


def test_village_pages_hold_the_asset_register(built: Path) -> None:
    qs = text_of(page(built, "villages/990000101201"))
    for words in ("扶贫项目资产", "青山村道路1.2公里", "公益性", "400,000.00", "青山村村民委员会"):
        assert words in qs, words
    assert "5,000.00" in qs and "收益分配 TD-1" in qs
    sq = page(built, "villages/990000101202")
    assert "<strong>未落实管护主体</strong>" in sq
    assert "（项目<strong>实施中</strong>，尚未完工）" in sq


def test_complainant_details_are_nowhere_in_the_site(built: Path) -> None:
    for path in built.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".xml", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for secret in (PHONE, ID_NUMBER, COMPLAINANT):
                assert secret not in text, (path, secret)
    header = (
        (built / "downloads" / "objections.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    )
    assert "反映人" not in header and "联系电话" not in header


def test_verify_catches_a_changed_objection_download(built: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built, site)
    checked, problems = verify(site)
    assert checked > 0 and problems == []
    csv = site / "downloads" / "objections.csv"
    rows = csv.read_text(encoding="utf-8-sig").splitlines()
    # someone "answers" the overdue objection in the download only: the page no longer adds up
    fixed = []
    for r in rows:
        cells = r.split(",")
        if cells[0] == "YA-2":
            cells[6] = "2020-04-20"  # 答复日期
        fixed.append(",".join(cells))
    csv.write_text("\ufeff" + "\n".join(fixed) + "\n", encoding="utf-8")
    _, problems = verify(site)
    pages = {p.file for p in problems}
    assert "compliance/index.html" in pages


def test_scan_stops_a_complainant_leaked_by_a_template(built: Path, tmp_path: Path) -> None:
    """The second lock: had a county template printed the complainant, the post-build scan
    finds the name (and the phone) the loader dropped."""
    checked = check(built.parent / "data", today=TODAY)
    known, official, names = privacy_inputs(checked.loaded, checked.dataset.site)
    assert COMPLAINANT in names
    site = tmp_path / "site"
    shutil.copytree(built, site)
    hosts = checked.dataset.site.linkable_hosts  # the footer's 纠错 and 备案 links
    assert scan(site, known, official_phones=official, private_names=names, link_hosts=hosts) == []
    page = site / "projects" / "TY2020-002" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "孙某某反映" in html
    page.write_text(html.replace("孙某某反映", f"{COMPLAINANT}（{PHONE}）反映"), encoding="utf-8")
    found = scan(site, known, official_phones=official, private_names=names, link_hosts=hosts)
    assert {f.file for f in found} == {"projects/TY2020-002/index.html"}, found
    assert len(found) >= 2  # the name and the phone
