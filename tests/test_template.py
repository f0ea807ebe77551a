"""``gongshi template``: the workbook a cadre fills in. Produced by the real command, checked
cell by cell with openpyxl, filled with one record per sheet, and built into a real site.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import build_project, make_project

from generator.load import load
from generator.pipeline import check
from generator.records import MEASURE_SUGGESTIONS, PRIVATE, TABLES

SITE = """\
站点名称: 模板县扶贫项目资金公告公示（测试）
县区: 模板县
主办单位: 模板县乡村振兴局
phones:
  - label: 县乡村振兴局
    number: 0539-1234567
"""
D = dt.date
# One record per sheet, by Chinese header, as a cadre types it into the template.
RECORDS: dict[str, dict[str, object]] = {
    "村庄": {"区划代码": "371324001201", "乡镇": "金岭镇", "村名": "大洼村", "是否贫困村": "是"},
    "项目": {
        "项目编号": "MB2019-001",
        "年度": 2019,
        "项目名称": "大洼村道路硬化项目",
        "项目类别": "基础设施",
        "乡镇": "金岭镇",
        "实施地点": "大洼村",
        "建设内容及规模": "硬化道路 2.3 公里",
        "计划开工日期": dt.datetime(2019, 3, 5),
        "计划完工日期": dt.datetime(2019, 9, 30),
        "项目状态": "已完工",
        "受益户数": 151,
        "合同金额": 300000,
        "项目监督人": "李某",
        "监督电话": "0539-5123456",
    },
    "项目资金来源": {"项目编号": "MB2019-001", "资金来源": "中央财政", "金额": 300000},
    "绩效目标": {
        "项目编号": "MB2019-001",
        "一级指标": "产出指标",
        "二级指标": "数量",
        "三级指标": "新建道路长度",
        "目标值": "2.3",
        "单位": "公里",
    },
    "资金": {
        "资金编号": "F2019-01",
        "文号": "兰财农〔2019〕12号",
        "下达日期": dt.datetime(2019, 2, 1),
        "资金来源": "中央财政",
        "金额": 300000,
    },
    "资金分配": {"资金编号": "F2019-01", "项目编号": "MB2019-001", "金额": 300000},
    "资金拨付": {
        "项目编号": "MB2019-001",
        "资金编号": "F2019-01",
        "拨付日期": dt.datetime(2019, 10, 10),
        "金额": 300000,
        "凭证号": "记-0315",
    },
    "公示记录": {
        "公示编号": "GS2019-001",
        "公示对象": "project:MB2019-001",
        "公示类型": "事前公示",
        "公示开始日期": dt.datetime(2019, 2, 10),
        "公示截止日期": dt.datetime(2019, 2, 20),
        "公示地点": "门户网站、大洼村公开栏",
    },
    "年度计划": {
        "计划编号": "JH2019-01",
        "年度": 2019,
        "计划类型": "年度计划",
        "文号": "兰扶组〔2019〕1号",
        "批复日期": dt.datetime(2019, 1, 25),
        "计划项目": "MB2019-001",
    },
    "补助发放": {
        "补助项目": "教育补助",
        "年度": 2019,
        "村": "大洼村",
        "户主姓名": "张三",
        "家庭人口": 4,
        "金额": 1500,
        "发放日期": dt.datetime(2019, 9, 1),
    },
    "收益分配": {
        "分配编号": "D2019-01",
        "项目编号": "MB2019-001",
        "年度": 2019,
        "收益总额": 1500,
        "分配户数": 1,
        "分配人数": 4,
    },
    "执纪通报": {
        "案件编号": "AJ2019-01",
        "通报日期": dt.datetime(2019, 6, 1),
        "通报单位": "模板县纪委监委",
        "乡镇": "金岭镇",
        "单位或村": "大洼村",
        "职务": "村委会主任",
        "姓名": "王五",
        "问题": "虚报冒领扶贫补助资金",
        "涉及金额": 12000,
        "处理结果": "党纪:严重警告",
        "状态": "已办结",
    },
    # issue 17's optional tables
    "异议处理": {
        "异议编号": "YY2019-01",
        "公示编号": "GS2019-001",
        "受理日期": dt.datetime(2019, 2, 12),
        "反映方式": "来访",
        "异议内容": "反映道路走向占用耕地",
        "答复日期": dt.datetime(2019, 2, 18),
        "调查结论": "不属实",
        "处理意见": "经现场核实未占用耕地，已当面答复",
        "办理状态": "已办结",
    },
    "资产登记": {
        "资产编号": "ZC2019-01",
        "项目编号": "MB2019-001",
        "资产名称": "大洼村道路2.3公里",
        "资产类型": "公益性",
        "资产原值": 300000,
        "产权归属": "大洼村集体",
        "管护主体": "大洼村村民委员会",
    },
    "资产收益": {"资产编号": "ZC2019-01", "年度": 2019, "收益金额": 1500, "分配编号": "D2019-01"},
    "问题整改": {
        "问题编号": "ZG2019-01",
        "问题来源": "自查",
        "发现日期": dt.datetime(2019, 5, 1),
        "乡镇": "金岭镇",
        "单位或村": "大洼村",
        "问题": "公示栏未按时更新",
        "整改措施": "补充公示",
        "整改时限": dt.datetime(2019, 6, 30),
        "整改状态": "已整改",
        "完成日期": dt.datetime(2019, 6, 20),
    },
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workbook written by the real ``gongshi template`` command."""
    folder = tmp_path_factory.mktemp("template")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    r = subprocess.run(
        [sys.executable, "-m", "generator", "template", "-o", "台账模板.xlsx"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "已生成台账模板" in r.stderr
    return folder / "台账模板.xlsx"


def fill(template: Path, target: Path) -> Path:
    """One record per sheet, typed under the headers from row 3."""
    wb = openpyxl.load_workbook(template)
    for sheet, record in RECORDS.items():
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        for title, value in record.items():
            ws.cell(3, headers.index(title) + 1, value)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def test_one_sheet_per_table_with_headers_and_hidden_keys(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames[0] == "说明"
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"][1:] == [
        t.title for t in TABLES
    ]
    for t in TABLES:
        ws = wb[t.title]
        assert [c.value for c in ws[1]] == [c.title for c in t.columns]
        assert [c.value for c in ws[2]] == [c.key for c in t.columns]
        assert ws.row_dimensions[2].hidden and ws.freeze_panes == "A3"
        assert all(c.font.bold for c in ws[1])
        assert all(ws.column_dimensions[c.column_letter].width >= 10 for c in ws[1])
    benefits = [c.value for c in wb["补助发放"][1]]
    for private in PRIVATE["benefits"]:
        assert private.title not in benefits


def _dropdown(ws, title: str) -> list[str]:
    """The values a header's drop-down offers, read through its range reference."""
    letter = next(c.column_letter for c in ws[1] if c.value == title)
    for dv in ws.data_validations.dataValidation:
        if f"{letter}3" in dv.sqref:
            sheet, cells = dv.formula1.split("!")
            lists = ws.parent[sheet.strip("'")]
            col, first, last = (
                cells.replace("$", " ").split()[0],
                *[int(x) for x in cells.replace("$", " ").replace(":", " ").split()[1::2]],
            )
            return [lists[f"{col}{i}"].value for i in range(first, last + 1)]
    return []


def test_dropdowns_for_every_fixed_vocabulary(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    checked = 0
    for t in TABLES:
        for c in t.columns:
            if c.choices:
                assert _dropdown(wb[t.title], c.title) == list(c.choices), (t.name, c.key)
                checked += 1
    assert checked >= 7  # category, status, sources ×2, notice kind, target kind, rect. ×2
    measures = _dropdown(wb["执纪通报"], "处理结果")
    assert measures == list(MEASURE_SUGGESTIONS)
    assert {"党纪:开除党籍", "政务:记大过", "组织处理:诫勉谈话", "移送司法"} <= set(measures)
    assert _dropdown(wb["村庄"], "是否贫困村") == ["是", "否"]


def test_date_money_and_code_cells_are_formatted(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["项目"]
    fmt = {c.value: ws.cell(3, c.column).number_format for c in ws[1]}
    assert fmt["计划开工日期"] == "yyyy-mm-dd"
    assert fmt["合同金额"] == "#,##0.00"
    assert fmt["项目编号"] == "@"
    code = openpyxl.load_workbook(template)["村庄"].cell(3, 1)
    assert code.number_format == "@"  # 12-digit codes stay text, leading zeros kept


def test_instructions_sheet_explains_in_chinese_with_an_example_per_table(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["说明"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for t in TABLES:
        assert f"工作表“{t.title}”" in text
    for private in ("身份证号", "银行账号", "联系电话", "家庭住址"):
        assert private in text
    assert "不公开" in text and "gongshi check" in text
    assert "大洼村道路硬化项目" in text  # the projects example row


def test_empty_template_in_data_is_read_without_problems(tmp_path: Path, template: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "site.yaml").write_text(SITE, encoding="utf-8")
    (data / "台账.xlsx").write_bytes(template.read_bytes())
    loaded = load(data)
    assert loaded.findings == [] and loaded.notes == []
    assert all(rows == [] for rows in loaded.tables.values())


def test_filled_template_loads_as_one_workbook_or_per_table_files(
    tmp_path: Path, template: Path
) -> None:
    one = tmp_path / "one" / "data"
    fill(template, one / "台账.xlsx")
    (one / "site.yaml").write_text(SITE, encoding="utf-8")
    whole = load(one)
    assert whole.findings == []
    assert {t: len(rows) for t, rows in whole.tables.items()} == {t.name: 1 for t in TABLES}
    project = whole.tables["projects"][0]
    assert (
        project.values["start"] == D(2019, 3, 5) and project.values["contract_amount"] == 30000000
    )
    assert (project.origin.file, project.origin.row) == ("data/台账.xlsx", 3)
    assert whole.tables["cases"][0].values["measures"] == ("党纪:严重警告",)
    # the same workbook split into one file per table, named after the table
    split = tmp_path / "split" / "data"
    split.mkdir(parents=True)
    (split / "site.yaml").write_text(SITE, encoding="utf-8")
    for t in TABLES:
        wb = openpyxl.load_workbook(one / "台账.xlsx")
        for name in wb.sheetnames:
            if name != t.title:
                del wb[name]
        wb.save(split / f"{t.name}.xlsx")
    per_table = load(split)
    assert per_table.findings == []
    for t in TABLES:
        assert [r.values for r in per_table.tables[t.name]] == [
            r.values for r in whole.tables[t.name]
        ], t.name


def test_filled_template_checks_clean_and_builds_a_site(tmp_path: Path, template: Path) -> None:
    data = tmp_path / "filled"
    fill(template, data / "台账.xlsx")
    (data / "site.yaml").write_text(SITE, encoding="utf-8")
    checked = check(data)
    assert [f for f in checked.report.findings if f.severity in ("error", "fatal")] == []
    project = make_project(tmp_path / "project", data)
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    pages = {
        p.relative_to(project / "site").as_posix(): p
        for p in (project / "site").rglob("index.html")
    }
    page = next(p for name, p in pages.items() if "MB2019-001" in name)
    html = page.read_text(encoding="utf-8")
    for text in ("大洼村道路硬化项目", "中央财政", "300,000.00", "2019年3月5日"):
        assert text in html, text
