"""Identifiers typed into any text column are found, redacted and reported masked; names of
private persons are masked by the site's policy.

Valid ID and card numbers are made with python-stdnum (an independent implementation of
GB 11643 and Luhn), never with the generator's own checksum code.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
import stdnum.cn.ric as ric
import stdnum.luhn as luhn
from conftest import build_project, make_project, write_data
from test_check import VILLAGES, county

from generator.model.dataset import matcher_for, privacy_inputs
from generator.pipeline import check, scan_rules_for
from generator.privacy import Redactor, find_identifiers
from generator.project import open_project
from generator.scan import SiteScan


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
        # without a bank word before it, a 19-digit number failing Luhn is not a card
        f"编号校验位错了：{CARD19[:-1]}{(int(CARD19[-1]) + 1) % 10}",
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
    assert named.dataset.benefits[0].household_head == "王*明"  # households stay masked


@pytest.mark.parametrize(
    ("setting", "head", "case"),
    [
        # no setting: a household recognises its row (王*明); a case reads 欧阳某某 as
        # discipline notices are published (mask.styles)
        ("", "王*明", "欧阳某某"),
        ("脱敏方式: 张某某", "王某某", "欧阳某某"),
        ("脱敏方式: 某某", "王某某", "欧阳某某"),
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


# --- one list of hostile values, fed to both locks -------------------------------------------
# Issue 16 item 9: each of these was published with exit 0 and a clean scan. The model's
# redactor (first lock) and the scan (second lock) must both catch every one of them.

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ZW = "\u200b"
ACCOUNT = CARD19[:-1] + str((int(CARD19[-1]) + 1) % 10)  # a passbook account: fails Luhn
HEAD = "王小明"  # household heads in the benefits table
HEAD2 = "张三"
ADDRESS = "金岭镇大洼村3组12号"
PRIVATE_PHONE = "13912345609"

HOSTILE = {
    "ID with spaces": f"身份证 {ID18[:4]} {ID18[4:8]} {ID18[8:12]} {ID18[12:16]} {ID18[16:]}",
    "ID with hyphens": f"证号{ID18[:6]}-{ID18[6:14]}-{ID18[14:]}",
    "ID full-width": f"身份证{ID18_X.translate(FULLWIDTH)}",
    "ID zero-width": f"身份证{ID18[:6]}{ZW}{ID18[6:14]}{ZW}{ID18[14:]}",
    "card grouped 6+13": f"打到 {CARD19[:6]} {CARD19[6:]}",
    "mobile 86 unspaced": "电话8613912345602",
    "mobile dotted": "电话139.1234.5603",
    "mobile full-width": "电话１３９１２３４５６０４",
    "mobile 0086 grouped": "电话0086 139 1234 5605",
    "mobile (+86) full-width": "电话（＋８６）１３９－１２３４－５６０６",
    "e-mail": "邮箱 wang.xm1980@qq.com",
    "e-mail full-width": "邮箱ｗａｎｇ＠１６３．ｃｏｍ",
    "landline dotted": "家里座机0539.512.3456",
    "account after a bank word": "存折账号 1020 3040 5060 7080 901",
    "known account unspaced, no bank word": f"已转入{ACCOUNT}",
    "known private phone with dashes": "另一号码139-1234-5609",
    "household head in a remark": f"户主{HEAD}反映补助未到账",
    "two-character head as a whole name": f"联系人：{HEAD2}，已核实",
    "known address with an extra space": "住金岭镇大洼村3组  12号",
    "known address full-width digits": "住金岭镇大洼村３组１２号",
}
PUBLIC = {
    "official phone": "监督电话 0531-7000101、（0531）7000101",
    "official e-mail": "举报邮箱 jubao@xugou.gov.cn",
    "masked name": "户主王某某、张某某",
    "official by name": "责任人林一，监督人周二",
    "two characters inside a word": "开张三天",
    "amounts and dates": "金额 1,234,567.89 元，2018-03-05 至 2018-12-31，凭证号 2018-0001234",
    "document number and village code": "兰扶组发〔2018〕12号，区划代码 371324001201",
}

PRIVACY_SITE = (
    "站点名称: 金岭镇扶贫项目资金公告公示（测试）\n县区: 测试县\n"
    "phones:\n  - label: 县乡村振兴局监督电话\n    number: 0531-7000101\n"
    "举报邮箱: jubao@xugou.gov.cn\n"
)
# GBK, as Excel saves it: the never-published columns carry the private values
PRIVATE_BENEFITS = (
    "补助项目,年度,村,户主姓名,家庭人口,金额,身份证号,银行账号,联系电话,家庭住址\n"
    f"教育补助,2018,大洼村,{HEAD},4,1500,{ID18},{ACCOUNT[:4]} {ACCOUNT[4:]},"
    f"139-1234-5609,{ADDRESS}\n"
    f"教育补助,2018,大洼村,{HEAD2},3,1500,{ID18_X},,,\n"
).encode("gb18030")
PLAIN_PROJECTS = (
    "项目编号,年度,项目名称,乡镇,实施地点,实施单位,责任人,项目监督人,监督电话\n"
    "JL2018-001,2018,大洼村道路硬化,金岭镇,大洼村,金岭镇人民政府,林一,周二,0531-7000101\n"
)


def privacy_project(tmp_path: Path, projects: str = PLAIN_PROJECTS) -> Path:
    project = make_project(tmp_path / "county")
    write_data(
        project,
        {
            "villages.csv": VILLAGES,
            "projects.csv": projects,
            "benefits.csv": PRIVATE_BENEFITS,
        },
        PRIVACY_SITE,
    )
    return project


@pytest.fixture(scope="module")
def both_locks(tmp_path_factory):
    """The model's matcher and the scan's rules, both from the same real county files."""
    project = privacy_project(tmp_path_factory.mktemp("locks"))
    checked = check(project / "data")
    assert checked.dataset is not None, checked.report.to_json()
    model = matcher_for(checked.loaded, checked.dataset.site)
    rules = scan_rules_for(checked, open_project(project))
    return model, rules, tmp_path_factory.mktemp("sites")


def _scan_text(rules, folder: Path, text: str):
    """The scan of a one-page site holding ``text`` in a paragraph."""
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(f"<p>{html.escape(text)}</p>\n", "utf-8")
    return SiteScan(folder, rules).findings()


@pytest.mark.parametrize("label", HOSTILE)
def test_both_locks_catch_every_hostile_value(both_locks, label):
    model, rules, sites = both_locks
    text = HOSTILE[label]
    redacted, hits = model.redact(text)
    assert hits, f"model missed {label}"
    assert not any(ch.isdigit() and ch not in "0123456789" for ch in redacted)
    for _, masked in hits:
        assert "*" in masked
    found = _scan_text(rules, sites / re.sub(r"\W", "_", label), text)
    assert [f.code for f in found] == ["S001"] * len(found) and found, f"scan missed {label}"
    # the findings show only the masked value
    for f in found:
        assert "*" in f.message
        for secret in (ID18, ID18_X, CARD19, ACCOUNT, "8613912345602", HEAD, ADDRESS):
            assert secret not in f.message


@pytest.mark.parametrize("label", PUBLIC)
def test_neither_lock_flags_public_text(both_locks, label):
    model, rules, sites = both_locks
    text = PUBLIC[label]
    assert model.redact(text) == (text, [])
    assert _scan_text(rules, sites / ("public_" + re.sub(r"\W", "_", label)), text) == []


def test_redacted_text_keeps_no_digit_of_the_value_and_masks_names(both_locks):
    model, _, _ = both_locks
    assert model.redact(HOSTILE["mobile full-width"])[0] == "电话［已隐去］"
    assert model.redact(HOSTILE["ID zero-width"])[0] == "身份证［已隐去］"
    assert model.redact(HOSTILE["household head in a remark"])[0] == "户主王某某反映补助未到账"
    assert model.redact(HOSTILE["known address with an extra space"])[0] == "住［已隐去］"


# --- a built county: nothing of any hostile value reaches site/ ------------------------------


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _flat(text: str) -> str:
    """A file's text as a reader would compare it: NFKC, no zero-width characters, no
    separators (so a value spelled with spaces, dots or hyphens is found too)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    return re.sub(r"[\s.\-()（）]", "", text).lower()


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """A small county whose project remarks hold every hostile value (one per row), and a
    row with an ID typed across 建设内容及规模 and 补助标准."""
    header = ["项目编号", "年度", "项目名称", "乡镇", "实施地点", "建设内容及规模", "补助标准"]
    header += ["实施单位", "责任人", "项目监督人", "监督电话", "备注"]
    rows = [header]
    for i, text in enumerate(HOSTILE.values(), 1):
        rows.append(
            [f"JL2018-{i:03d}", "2018", f"大洼村道路{i}", "金岭镇", "大洼村", "硬化道路"]
            + ["全额补助", "金岭镇人民政府", "林一", "周二", "0531-7000101", text]
        )
    rows.append(
        ["JL2018-099", "2018", "小洼村道路", "金岭镇", "小洼村", f"户主身份证{ID18_X[:10]}"]
        + [f"{ID18_X[10:]}号已核实", "金岭镇人民政府", "林一", "周二", "0531-7000101", ""]
    )
    project = privacy_project(tmp_path_factory.mktemp("hostile"), _csv(rows))
    result = build_project(project, allow_findings=True)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    assert result.scan_findings == []
    return project, result


def _site_texts(site: Path):
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        yield path.relative_to(site).as_posix(), data.decode("utf-8", errors="replace")


def test_a_built_county_publishes_nothing_of_any_hostile_value(hostile_build):
    project, _ = hostile_build
    secrets = [ID18, ID18_X, CARD19, ACCOUNT, "1020304050607080901"]
    secrets += [f"139123456{n:02d}" for n in (2, 3, 4, 5, 6, 9)]
    secrets += ["05395123456", "wang.xm1980@qq.com", "wang@163.com", HEAD, ADDRESS]
    files = dict(_site_texts(project / "site"))
    assert "search/search_index.json" in files and "downloads/projects.csv" in files
    for rel, text in files.items():
        flat = _flat(text)
        for secret in secrets:
            assert _flat(secret) not in flat, (rel, secret)
        assert not re.search(rf"(?<![\u4e00-\u9fff]){HEAD2}|{HEAD2}(?![\u4e00-\u9fff])", text), rel
    # the remarks are still there, with the values replaced
    remarks = files["downloads/projects.csv"]
    assert "户主王某某反映补助未到账" in remarks and "［已隐去］" in remarks


def test_each_hostile_value_is_a_p001_naming_file_row_and_column(hostile_build):
    _, result = hostile_build
    p001 = [f for f in result.checked.report.findings if f.code == "P001"]
    remarks = {f.row for f in p001 if f.file == "data/projects.csv" and f.column == "L列（备注）"}
    assert remarks == set(range(2, len(HOSTILE) + 2))
    split = [(f.row, f.column) for f in p001 if "拆在相邻两格" in f.message]
    assert split == [
        (len(HOSTILE) + 2, "F列（建设内容及规模）"),
        (len(HOSTILE) + 2, "G列（补助标准）"),
    ]
    assert all("*" in f.message for f in p001)


def test_private_names_follow_the_masking_policy_and_leave_officials_out(tmp_path):
    """Household heads are private while ``mask_names``; case subjects while notices do not
    name them; a name the site publishes anywhere (an official, a case subject named in
    full, a village) is not private."""
    cases = (
        "案件编号,通报日期,单位或村,职务,姓名,问题\n"
        "AJ-1,2019-03-01,大洼村,村会计,欧阳明华,虚报冒领\n"
        "AJ-2,2019-03-02,大洼村,村主任,王小明,虚报冒领\n"
    )
    benefits = "补助项目,年度,村,户主姓名,金额\n教育补助,2018,大洼村,王小明,1500\n"
    benefits += "教育补助,2018,大洼村,林一,1500\n教育补助,2018,大洼村,大洼,1500\n"
    files = {
        "villages.csv": VILLAGES,
        "projects.csv": PLAIN_PROJECTS,
        "cases.csv": cases,
        "benefits.csv": benefits,
    }
    masked = check(county(tmp_path / "a", files))
    inputs = privacy_inputs(masked.loaded, masked.dataset.site)
    assert inputs[2] == {"欧阳明华", "王小明"}  # 林一 is the responsible person, 大洼 a village
    named = check(county(tmp_path / "b", files, site="站点名称: 测试\n执纪通报公开姓名: 是\n"))
    assert privacy_inputs(named.loaded, named.dataset.site)[2] == set()  # 王小明 named in a case
    open_names = check(county(tmp_path / "c", files, site="站点名称: 测试\nmask_names: false\n"))
    assert privacy_inputs(open_names.loaded, open_names.dataset.site)[2] == {"欧阳明华"}
