"""Identifiers typed into any text column are found, redacted and reported masked; names of
private persons are masked by the site's policy.

Valid ID and card numbers are made with python-stdnum (an independent implementation of
GB 11643 and Luhn), never with the generator's own checksum code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import stdnum.cn.ric as ric
import stdnum.luhn as luhn
from test_check import VILLAGES, county

from generator.pipeline import check
from generator.privacy import Redactor, find_identifiers


def resident_id(area: str = "371324", birth: str = "19800101", seq: str = "123") -> str:
    body = area + birth + seq
    return body + ric.calc_check_digit(body + "0")


def card(prefix: str = "622848040256489001") -> str:
    return prefix + luhn.calc_check_digit(prefix)


ID18 = resident_id()
ID18_X = next(
    resident_id(seq=f"{i:03d}") for i in range(1000) if resident_id(seq=f"{i:03d}").endswith("X")
)
ID15 = "371324800101123"  # first-generation: area, YYMMDD, sequence
CARD16 = card("621700123456789")
CARD19 = card("622848040256489001")
MOBILE = "13912345678"


def kinds(text: str, official=()) -> list[tuple[str, str]]:
    return [(h.kind, text[h.start : h.end]) for h in find_identifiers(text, official)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (f"身份证{ID18}。", "身份证号", ID18),
        (f"身份证号码：{ID18_X.lower()}", "身份证号", ID18_X.lower()),
        (f"老身份证{ID15}号", "身份证号（15位）", ID15),
        (f"卡号{CARD19}", "银行卡号", CARD19),
        (
            f"卡号 {CARD16[:4]} {CARD16[4:8]} {CARD16[8:12]} {CARD16[12:]}，已核实",
            "银行卡号",
            f"{CARD16[:4]} {CARD16[4:8]} {CARD16[8:12]} {CARD16[12:]}",
        ),
        (f"电话{MOBILE}", "手机号", MOBILE),
        ("电话 139-1234-5678", "手机号", "139-1234-5678"),
        ("电话+86 139 1234 5678", "手机号", "+86 139 1234 5678"),
        ("电话（+86）13912345678", "手机号", "（+86）13912345678"),
        ("家里座机0539-5123456", "非公开的固定电话", "0539-5123456"),
        ("家里座机（0539）5123456", "非公开的固定电话", "（0539）5123456"),
    ],
)
def test_each_kind_of_identifier_is_found_whole(text, kind, value):
    assert kinds(text) == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "项目资金 1,234,567.89 元，其中 2018 年 480000 元",
        "文号 兰扶组发〔2018〕12号，区划代码 371324100201",
        f"身份证号校验位错了：{ID18[:-1]}{'0' if ID18[-1] != '0' else '1'}",
        f"卡号校验位错了：{CARD19[:-1]}{(int(CARD19[-1]) + 1) % 10}",
        "凭证号 2018-0001234，日期 2018-03-05 至 2018-12-31",
        "打印页 print/benefits/交通补助-2018-371324108217/",
        "全国扶贫监督举报电话 12317",
    ],
)
def test_ordinary_numbers_are_not_identifiers(text):
    assert kinds(text) == []


def test_official_numbers_are_not_private_in_any_spelling():
    official = ["0539-5211763", "0531 7000101"]
    text = "监督电话 0539-5211763、（0539）5211763、05317000101，村民家 0539-5123456"
    assert kinds(text, official) == [("非公开的固定电话", "0539-5123456")]


def test_redactor_replaces_every_identifier_and_reports_it_masked():
    text = f"户主{ID18}，卡{CARD19}，电话{MOBILE}，监督电话0531-7000101"
    new, hits = Redactor([], official=["0531-7000101"]).redact(text)
    assert new == "户主［已隐去］，卡［已隐去］，电话［已隐去］，监督电话0531-7000101"
    assert [k for k, _ in hits] == ["身份证号", "银行卡号", "手机号"]
    for (_, masked), value in zip(hits, (ID18, CARD19, MOBILE), strict=True):
        assert value not in masked
        assert masked.startswith(value[:3]) and masked.endswith(value[-4:])
        assert "*" in masked


# --- through the model: every text column, masked findings ---------------------------------

PROJECTS = (
    "项目编号,年度,项目名称,乡镇,实施地点,建设内容及规模,中标单位,项目监督人,"
    "监督电话,备注\n"
    f"JL2018-001,2018,大洼村道路硬化,金岭镇,大洼村,联系人{MOBILE},"
    f"施工队（队长身份证{ID18}）,李四,0539-5621306,"
    f"卡号{CARD19}；监督电话0539-5621306；村部座机0539-5123456\n"
)
CASES = (
    "案件编号,通报日期,单位或村,职务,姓名,问题\n"
    f"AJ-1,2019-03-01,大洼村,村会计,欧阳明华,虚报冒领，老身份证{ID15}\n"
)
BENEFITS = "补助项目,年度,村,户主姓名,金额\n教育补助,2018,大洼村,王小明,1500\n"
SECRETS = (ID18, ID15, CARD19, MOBILE, "0539-5123456", "05395123456")


@pytest.fixture
def checked(tmp_path: Path):
    return check(
        county(
            tmp_path,
            {
                "villages.csv": VILLAGES,
                "projects.csv": PROJECTS,
                "cases.csv": CASES,
                "benefits.csv": BENEFITS,
            },
        )
    )


def test_identifiers_in_any_text_column_are_redacted(checked):
    p = checked.dataset.projects[0]
    assert p.content == "联系人［已隐去］"
    assert p.contractor == "施工队（队长身份证［已隐去］）"
    assert p.remarks == "卡号［已隐去］；监督电话0539-5621306；村部座机［已隐去］"
    assert p.supervisor_phone == "0539-5621306"
    assert checked.dataset.cases[0].problem == "虚报冒领，老身份证［已隐去］"
    p001 = sorted((f.file, f.row, f.column) for f in checked.report.findings if f.code == "P001")
    assert p001 == [
        ("data/cases.csv", 2, "F列（问题）"),
        ("data/projects.csv", 2, "F列（建设内容及规模）"),
        ("data/projects.csv", 2, "G列（中标单位）"),
        ("data/projects.csv", 2, "J列（备注）"),
        ("data/projects.csv", 2, "J列（备注）"),
    ]


def test_findings_show_identifiers_masked_in_table_json_and_junit(checked):
    report = checked.report
    p001 = [f for f in report.findings if f.code == "P001"]
    assert len(p001) == 5
    assert {f.file for f in p001} == {"data/projects.csv", "data/cases.csv"}
    assert all(f.row == 2 for f in p001)
    masked = [re.search(r"（([^（）]*\*[^（）]*)）", f.message).group(1) for f in p001]
    assert sorted(masked) == sorted(
        [
            "139****5678",
            "3713**********" + ID18[-4:],
            "6228***********" + CARD19[-4:],
            "053****3456",
            "3713*******" + ID15[-4:],
        ]
    )
    dumped = json.loads(report.to_json())
    for text in (report.to_json(), report.to_junit(), json.dumps(dumped, ensure_ascii=False)):
        for secret in SECRETS:
            assert secret not in text, secret


def test_case_subjects_are_masked_unless_the_site_publishes_them(tmp_path):
    files = {
        "villages.csv": VILLAGES,
        "projects.csv": PROJECTS,
        "cases.csv": CASES,
        "benefits.csv": BENEFITS,
    }
    masked = check(county(tmp_path / "a", files))
    assert masked.dataset.cases[0].name == "欧阳某某"
    named = check(county(tmp_path / "b", files, site="站点名称: 测试\n执纪通报公开姓名: 是\n"))
    assert named.dataset.cases[0].name == "欧阳明华"
    assert named.dataset.benefits[0].household_head == "王某某"  # households stay masked


@pytest.mark.parametrize(
    ("setting", "head", "case"),
    [
        ("脱敏方式: 张某某", "王某某", "欧阳某某"),
        ("脱敏方式: 张*", "王*", "欧阳*"),
        ("mask_style: 张*三", "王*明", "欧阳*华"),
    ],
)
def test_mask_style_from_site_yaml(tmp_path, setting, head, case):
    checked = check(
        county(
            tmp_path,
            {
                "villages.csv": VILLAGES,
                "projects.csv": PROJECTS,
                "cases.csv": CASES,
                "benefits.csv": BENEFITS,
            },
            site=f"站点名称: 测试\n{setting}\n",
        )
    )
    assert checked.dataset.benefits[0].household_head == head
    assert checked.dataset.cases[0].name == case
    assert "王小明" not in repr(checked.dataset) and "欧阳明华" not in repr(checked.dataset)


def test_unknown_mask_style_is_an_error_naming_the_choices(tmp_path):
    checked = check(
        county(
            tmp_path,
            {"villages.csv": VILLAGES, "projects.csv": PROJECTS},
            site="站点名称: 测试\n脱敏方式: 全部隐藏\n",
        )
    )
    bad = [f for f in checked.report.findings if f.code == "L008"]
    assert len(bad) == 1 and bad[0].severity == "error"
    assert "张某某" in bad[0].message and "张*三" in bad[0].message
    assert "全部隐藏" in bad[0].message
