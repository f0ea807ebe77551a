"""The check stage: bad input gives findings (never a traceback), each naming file, row and
column, with a Chinese message and hint; the public model masks and redacts people.

Inputs are real files written into a temporary ``data/`` folder next to each assertion, plus
``tests/data/bad/errors`` (a small county with known mistakes; see its README).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TEST_DATA, write_data

from generator.findings import Finding
from generator.pipeline import Checked
from generator.pipeline import check as run_check

SITE = "站点名称: 金岭镇扶贫项目资金公告公示（测试）\n县区: 测试县\n"
VILLAGES = (
    "区划代码,乡镇,村名,是否贫困村\n371324001201,金岭镇,大洼村,是\n371324001202,金岭镇,小洼村,否\n"
)
PROJECTS = "项目编号,年度,项目名称,乡镇,实施地点\nJL2018-001,2018,大洼村道路硬化,金岭镇,大洼村\n"
CJK = re.compile(r"[\u4e00-\u9fff]")


def check(data: Path, skip: tuple[str, ...] = ()) -> Checked:
    """Check without the disclosure rules: these fixtures are deliberately minimal tables for
    loading and integrity, which the disclosure rules (tests/test_rules.py) would flag."""
    return run_check(data, ("disclosure", *skip))


def county(
    tmp_path: Path, files: dict[str, str | bytes | dict[str, list[list]]], site: str | None = SITE
) -> Path:
    return write_data(tmp_path, files, site)


def one(findings: list[Finding], code: str) -> Finding:
    """The only finding with ``code``; its message and hint are Chinese."""
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, findings
    f = found[0]
    assert CJK.search(f.message) and CJK.search(f.hint), f
    return f


def where(f: Finding) -> tuple:
    return f.code, f.file, f.row, f.column, f.severity


def test_clean_data_has_no_findings(tmp_path: Path) -> None:
    checked = check(county(tmp_path, {"villages.csv": VILLAGES, "projects.csv": PROJECTS}))
    assert checked.report.findings == []
    assert checked.report.exit_code == 0
    assert [p.id for p in checked.dataset.projects] == ["JL2018-001"]


# --- 4. bad input gives a finding, never a traceback ------------------------------------


def test_unknown_village_in_project_villages(tmp_path: Path) -> None:
    projects = PROJECTS + "JL2018-002,2018,中洼村道路,金岭镇,小洼村、中洼村\n"
    report = check(county(tmp_path, {"villages.csv": VILLAGES, "projects.csv": projects})).report
    f = one(report.findings, "R001")
    assert where(f) == ("R001", "data/projects.csv", 3, "E列（实施地点）", "error")
    assert "中洼村" in f.message
    assert report.exit_code == 1


def test_village_of_another_township_is_unknown(tmp_path: Path) -> None:
    villages = VILLAGES + "371324002201,新庄镇,刘庄村,否\n"
    projects = PROJECTS + "JL2018-002,2018,刘庄村道路,金岭镇,刘庄村\n"
    report = check(county(tmp_path, {"villages.csv": villages, "projects.csv": projects})).report
    f = one(report.findings, "R001")
    assert (f.file, f.row) == ("data/projects.csv", 3)


def test_non_number_in_an_amount(tmp_path: Path) -> None:
    funding = "项目编号,资金来源,金额\nJL2018-001,中央财政,约五万\n"
    report = check(
        county(
            tmp_path,
            {"villages.csv": VILLAGES, "projects.csv": PROJECTS, "project_funding.csv": funding},
        )
    ).report
    f = one(report.findings, "V001")
    assert where(f) == ("V001", "data/project_funding.csv", 2, "C列（金额）", "error")
    assert "约五万" in f.message


def test_impossible_date(tmp_path: Path) -> None:
    projects = (
        "项目编号,年度,项目名称,乡镇,计划开工日期\nJL2018-001,2018,大洼村道路,金岭镇,2018-02-30\n"
    )
    report = check(county(tmp_path, {"projects.csv": projects})).report
    f = one(report.findings, "V002")
    assert where(f) == ("V002", "data/projects.csv", 2, "E列（计划开工日期）", "error")
    assert "2018-02-30" in f.message


def test_duplicate_project_id_names_the_first_occurrence(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "villages.csv": VILLAGES,
            "projects/2018.csv": PROJECTS,
            "projects/2019.yaml": "- id: JL2018-001\n  year: 2019\n  name: 小洼村车间\n"
            "  township: 金岭镇\n  villages: 小洼村\n",
        },
    )
    f = one(check(data).report.findings, "R002")
    assert where(f) == ("R002", "data/projects/2019.yaml", 1, "“id”", "error")
    assert "JL2018-001" in f.message
    assert "data/projects/2018.csv 第2行" in f.message


def test_missing_required_column(tmp_path: Path) -> None:
    projects = "项目编号,年度,项目名称\nJL2018-001,2018,大洼村道路\n"
    f = one(check(county(tmp_path, {"projects.csv": projects})).report.findings, "L004")
    assert (f.code, f.file, f.severity) == ("L004", "data/projects.csv", "error")
    assert "乡镇" in f.message and "township" in f.message


def test_missing_site_yaml_is_fatal(tmp_path: Path) -> None:
    checked = check(county(tmp_path, {"projects.csv": PROJECTS}, site=None))
    f = one(checked.report.findings, "L010")
    assert where(f) == ("L010", "data", None, "", "fatal")
    assert checked.report.exit_code == 2
    assert checked.dataset is None
    # the hint must lead somewhere: site settings are read from site.yaml only
    assert "site.yaml" in f.hint and "site.csv" not in f.hint and "site.xlsx" not in f.hint


def test_missing_projects_is_fatal(tmp_path: Path) -> None:
    checked = check(county(tmp_path, {"villages.csv": VILLAGES}))
    f = one(checked.report.findings, "L002")
    assert where(f) == ("L002", "data", None, "", "fatal")
    assert "projects" in f.message
    assert checked.report.exit_code == 2


def test_missing_data_folder_is_fatal(tmp_path: Path) -> None:
    checked = check(tmp_path / "data")
    assert [f.code for f in checked.report.findings] == ["L001"]
    assert checked.report.exit_code == 2


UTF16_ZH = "项目编号\t年度\t项目名称\t乡镇\r\nJL2018-001\t2018\t大洼村道路\t金岭镇\r\n"
UNREADABLE = {
    "bytes 00-ff": bytes(range(256)) * 4,
    # Excel's “Unicode 文本”: UTF-16LE with BOM, tab separated. Not in the contract.
    "utf-16 with BOM": UTF16_ZH.encode("utf-16"),
    "utf-16le no BOM, Chinese": UTF16_ZH.encode("utf-16-le"),
    "utf-16le no BOM, English keys": "id,year,name,township\r\nA1,2018,road,JL\r\n".encode(
        "utf-16-le"
    ),
}


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_csv_in_an_unknown_encoding_is_unreadable(tmp_path: Path, content: bytes) -> None:
    checked = check(county(tmp_path, {"projects.csv": content}))
    f = one(checked.report.findings, "L003")
    assert where(f) == ("L003", "data/projects.csv", None, "", "fatal")
    assert "编码" in f.message
    assert checked.report.exit_code == 2
    # no garbage headers reported as if the file had been read
    assert not [g for g in checked.report.findings if g.code in ("L004", "L005")]


def test_xlsx_that_is_not_a_workbook_is_unreadable(tmp_path: Path) -> None:
    checked = check(county(tmp_path, {"projects.xlsx": PROJECTS}))
    f = one(checked.report.findings, "L003")
    assert (f.file, f.severity) == ("data/projects.xlsx", "fatal")
    assert checked.report.exit_code == 2


def test_malformed_yaml_gives_the_line(tmp_path: Path) -> None:
    text = "- id: JL2018-001\n  year: 2018\n   name: 大洼村道路\n  township: 金岭镇\n"
    checked = check(county(tmp_path, {"projects.yaml": text}))
    f = one(checked.report.findings, "L003")
    assert where(f) == ("L003", "data/projects.yaml", 3, "", "fatal")
    assert "第3行" in f.message
    assert checked.report.exit_code == 2


def test_yaml_that_is_not_a_list_of_records(tmp_path: Path) -> None:
    checked = check(county(tmp_path, {"projects.yaml": "id: JL2018-001\nyear: 2018\n"}))
    f = one(checked.report.findings, "L003")
    assert (f.file, f.severity) == ("data/projects.yaml", "fatal")


def test_malformed_site_yaml_gives_the_line_in_chinese(tmp_path: Path) -> None:
    site = "站点名称: 金岭镇扶贫项目资金公告公示\nphones: [12317\n县区: 测试县\n"
    checked = check(county(tmp_path, {"projects.csv": PROJECTS}, site=site))
    f = one(checked.report.findings, "L008")
    assert (f.file, f.severity) == ("data/site.yaml", "fatal")
    assert f.row in (2, 3)
    assert "<unicode string>" not in f.message  # PyYAML's internals are not for a cadre
    assert checked.report.exit_code == 2


def test_unknown_column_warned_once_per_csv_file(tmp_path: Path) -> None:
    rows = "".join(f"JL2018-00{i},2018,道路{i},金岭镇,大洼村,已审核\n" for i in range(1, 6))
    projects = "项目编号,年度,项目名称,乡镇,实施地点,审核状态\n" + rows
    report = check(county(tmp_path, {"villages.csv": VILLAGES, "projects.csv": projects})).report
    f = one(report.findings, "L005")
    assert where(f) == ("L005", "data/projects.csv", None, "F列（审核状态）", "warning")
    assert report.exit_code == 0


def test_unknown_key_warned_once_per_yaml_file(tmp_path: Path) -> None:
    records = "".join(
        f"- id: JL2018-00{i}\n  year: 2018\n  name: 道路{i}\n  township: 金岭镇\n"
        f"  villages: 大洼村\n  审核状态: 已审核\n"
        for i in range(1, 4)
    )
    report = check(county(tmp_path, {"villages.csv": VILLAGES, "projects.yaml": records})).report
    f = one(report.findings, "L005")
    assert (f.file, f.severity) == ("data/projects.yaml", "warning")


def test_unknown_key_in_nested_yaml_lists_warned_once_per_file(tmp_path: Path) -> None:
    records = "".join(
        f"- id: JL2018-00{i}\n  year: 2018\n  name: 道路{i}\n  township: 金岭镇\n"
        f"  villages: 大洼村\n  project_funding:\n    - source: 自筹\n"
        f"      amount: 1000\n      批注: 已核\n"
        for i in range(1, 4)
    )
    report = check(county(tmp_path, {"villages.csv": VILLAGES, "projects.yaml": records})).report
    f = one(report.findings, "L005")
    assert (f.file, f.severity) == ("data/projects.yaml", "warning")
    assert "批注" in f.message


def test_notice_subject_in_a_wrong_format(tmp_path: Path) -> None:
    notices = (
        "- id: GS-1\n  subject: project:JL2018-001\n  kind: 事前公示\n"
        "  posted_on: 2018-02-20\n"
        "- id: GS-2\n  subject: 项目JL2018-001\n  kind: 事前公示\n  posted_on: 2018-02-20\n"
    )
    report = check(
        county(
            tmp_path, {"villages.csv": VILLAGES, "projects.csv": PROJECTS, "notices.yaml": notices}
        )
    ).report
    f = one(report.findings, "R003")
    assert where(f) == ("R003", "data/notices.yaml", 5, "“subject”", "error")
    assert "项目JL2018-001" in f.message


def test_notice_pointing_at_a_missing_project(tmp_path: Path) -> None:
    notices = (
        "- id: GS-1\n  subject: project:JL2099-001\n  kind: 事前公示\n  posted_on: 2018-02-20\n"
    )
    report = check(
        county(
            tmp_path, {"villages.csv": VILLAGES, "projects.csv": PROJECTS, "notices.yaml": notices}
        )
    ).report
    f = one(report.findings, "R001")
    assert where(f) == ("R001", "data/notices.yaml", 1, "“subject”", "error")


def test_all_findings_are_reported_at_once(tmp_path: Path) -> None:
    projects = (
        "项目编号,年度,项目名称,乡镇,实施地点,计划开工日期,合同金额,受益户数\n"
        "JL2018-001,2018,大洼村道路,金岭镇,大洼村,2018-02-30,约五万,一百二十\n"
    )
    report = check(county(tmp_path, {"villages.csv": VILLAGES, "projects.csv": projects})).report
    assert report.flat() == [
        ("V001", "data/projects.csv", 2, "G列（合同金额）"),
        ("V002", "data/projects.csv", 2, "F列（计划开工日期）"),
        ("V003", "data/projects.csv", 2, "H列（受益户数）"),
    ]


def test_required_value_missing_from_a_later_yaml_record(tmp_path: Path) -> None:
    """The first record has every key; the second lacks 乡镇 (township) altogether."""
    records = (
        "- id: JL2018-001\n  year: 2018\n  name: 大洼村道路\n  township: 金岭镇\n"
        "- id: JL2018-002\n  year: 2018\n  name: 小洼村道路\n"
    )
    report = check(county(tmp_path, {"projects.yaml": records})).report
    found = [f for f in report.findings if f.severity in ("error", "fatal")]
    assert len(found) == 1, report.findings
    f = found[0]
    assert (f.file, f.row) == ("data/projects.yaml", 5)
    assert "乡镇" in f.message
    assert report.exit_code == 1


def test_empty_csv_file_is_not_a_clean_table(tmp_path: Path) -> None:
    """A zero-byte projects.csv has no header at all: the required columns are missing,
    exactly as when the header lacks them."""
    report = check(county(tmp_path, {"projects.csv": b""})).report
    missing = [f for f in report.findings if f.code == "L004"]
    assert {f.file for f in missing} == {"data/projects.csv"}
    assert len(missing) == 4  # 项目编号, 年度, 项目名称, 乡镇
    assert report.exit_code >= 1


WEIRD = {
    "header only": "项目编号,年度,项目名称,乡镇\n",
    "yaml scalar": "hello\n",
    "yaml list of scalars": "- JL2018-001\n- JL2018-002\n",
    "yaml value is a mapping": "- id: JL2018-001\n  year: 2018\n  name: x\n  township: 金岭镇\n"
    "  villages: {大洼村: 1}\n",
    "csv ragged rows": "项目编号,年度,项目名称,乡镇\nJL2018-001,2018\n"
    "JL2018-002,2018,x,金岭镇,多,余\n",
    "tab separated": "项目编号\t年度\t项目名称\t乡镇\nJL2018-001\t2018\t道路\t金岭镇\n",
}


@pytest.mark.parametrize("name", WEIRD)
def test_odd_files_never_raise(tmp_path: Path, name: str) -> None:
    suffix = ".yaml" if name.startswith("yaml") else ".csv"
    checked = check(county(tmp_path, {"projects" + suffix: WEIRD[name]}))
    for f in checked.report.findings:
        assert f.file.startswith("data"), f
        assert CJK.search(f.message), f


def test_bad_county_fixture_reports_every_mistake(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(TEST_DATA / "bad" / "errors", data, ignore=shutil.ignore_patterns("*.md"))
    report = check(data).report
    assert report.flat() == [
        ("R001", "data/projects.csv", 2, "E列（实施地点）"),
        ("R002", "data/projects.csv", 4, "A列（项目编号）"),
        ("R003", "data/notices.yaml", 6, "“subject”"),
        ("V001", "data/projects.csv", 3, "G列（合同金额）"),
        ("V002", "data/projects.csv", 3, "F列（计划开工日期）"),
        ("L005", "data/projects.csv", None, "H列（审核状态）"),
    ]
    assert report.exit_code == 1
    for f in report.findings:
        assert CJK.search(f.message) and CJK.search(f.hint), f


def test_skip_by_code_and_by_tag(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(TEST_DATA / "bad" / "errors", data, ignore=shutil.ignore_patterns("*.md"))
    codes = {f.code for f in check(data, skip=["R001"]).report.findings}
    assert "R001" not in codes and "R002" in codes
    codes = {f.code for f in check(data, skip=["integrity"]).report.findings}
    assert not codes & {"R001", "R002", "R003"}
    assert {"V001", "V002"} <= codes


# --- 5. never-published columns and people's names in the model -------------------------

ID_IN_NOTE = "37152219721126157X"  # fake, with a valid GB 11643 checksum
BENEFITS = (
    "补助项目,年度,村,户主姓名,家庭人口,金额,发放日期,"
    "身份证号,银行账号,联系电话,家庭住址,备注\r\n"
    "教育补助,2018,大洼村,张三,4,1500,2018-09-01,371522198201036365,6228487956309454631,"
    "13912345678,金岭镇大洼村3号,\r\n"
    "教育补助,2018,小洼村,欧阳明华,3,1500,2018-09-01,371522194706056355,"
    "6217998443682144837,13812345678,金岭镇小洼村5号,已电话核实（13712345678）\r\n"
    "雨露计划,2018,大洼村,王小明,5,3000,2018-10-08,,,,,"
    f"代领人身份证{ID_IN_NOTE}；卡号6228487956309454631\r\n"
)
PRIVATE = (
    "371522198201036365",
    "6228487956309454631",
    "13912345678",
    "金岭镇大洼村3号",
    "371522194706056355",
    "6217998443682144837",
    "13812345678",
    "金岭镇小洼村5号",
)


@pytest.fixture
def benefits_checked(tmp_path: Path):
    return check(
        county(
            tmp_path,
            {
                "villages.csv": VILLAGES,
                "projects.csv": PROJECTS,
                "benefits.csv": BENEFITS.encode("gbk"),
            },
        )
    )


def test_private_columns_never_reach_rows_or_the_model(benefits_checked) -> None:
    loaded = benefits_checked.loaded
    assert set(PRIVATE) <= loaded.private_values
    for rows in loaded.tables.values():
        for row in rows:
            assert not {"id_number", "bank_account", "phone", "address"} & set(row.values)
            assert not any(v in repr(row.values) for v in PRIVATE[2:4] + PRIVATE[6:])
    model = repr(benefits_checked.dataset)
    for value in (*PRIVATE, "13712345678", ID_IN_NOTE):
        assert value not in model, value


def test_household_heads_are_masked_in_the_model(benefits_checked) -> None:
    heads = [b.household_head for b in benefits_checked.dataset.benefits]
    # the default style keeps the given name's last character (mask.styles): 张三 → 张*
    assert heads == ["张*", "欧阳*华", "王*明"]


def test_names_are_not_masked_when_the_site_says_so(tmp_path: Path) -> None:
    checked = check(
        county(
            tmp_path,
            {
                "villages.csv": VILLAGES,
                "projects.csv": PROJECTS,
                "benefits.csv": BENEFITS.encode("gbk"),
            },
            site=SITE + "mask_names: false\n",
        )
    )
    assert [b.household_head for b in checked.dataset.benefits] == ["张三", "欧阳明华", "王小明"]


def test_phone_in_remarks_is_redacted_with_a_masked_warning(benefits_checked) -> None:
    b = benefits_checked.dataset.benefits[1]
    assert b.remarks == "已电话核实（［已隐去］）"
    report = benefits_checked.report
    p001 = [f for f in report.findings if f.code == "P001"]
    phone = [f for f in p001 if f.row == 3]
    assert len(phone) == 1
    f = phone[0]
    assert where(f) == ("P001", "data/benefits.csv", 3, "L列（备注）", "warning")
    assert "13712345678" not in f.message and "13712345678" not in f.hint
    assert "137" in f.message and "5678" in f.message  # shown masked, e.g. 137****5678
    assert report.exit_code == 0


def test_id_number_and_known_account_in_remarks_are_redacted(benefits_checked) -> None:
    b = benefits_checked.dataset.benefits[2]
    assert b.remarks == "代领人身份证［已隐去］；卡号［已隐去］"
    p001 = [f for f in benefits_checked.report.findings if f.code == "P001" and f.row == 4]
    assert len(p001) == 2
    for f in p001:
        assert ID_IN_NOTE not in f.message and "6228487956309454631" not in f.message


def test_report_never_contains_private_values(benefits_checked) -> None:
    report = benefits_checked.report
    for text in (report.to_json(), report.to_junit()):
        for value in (*PRIVATE, "13712345678", ID_IN_NOTE):
            assert value not in text
