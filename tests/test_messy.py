"""Messy exports as township cadres really send them, each loading to the same records as
its clean twin: title rows, two-row merged headers (资金来源 over 中央/省级/县级), merged
cells, 合计/小计 rows, spacer rows and columns, 填表人 lines, trailing spaces, full-width
digits, 万元 columns, Chinese dates, Excel serial dates, numbers stored as text, one table
over several sheets, and a GBK CSV. Workbooks are written here with openpyxl, cell by cell,
the way Excel and WPS store them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from test_load import county, values

from generator.load import load

# --- the clean twin ---------------------------------------------------------------------

CLEAN_PROJECTS = """\
项目编号,年度,项目名称,项目类别,乡镇,实施地点,计划开工日期,计划完工日期,受益户数,合同金额
JL2018-001,2018,大洼村道路硬化,基础设施,金岭镇,大洼村,2018-03-05,2018-09-30,151,123450.00
JL2018-002,2018,小洼村光伏电站,光伏扶贫,金岭镇,小洼村,2018-04-06,2018-10-31,120,500000.00
JL2018-003,2018,松洞村扶贫车间,就业扶贫,长城镇,松洞村,2018-05-07,2018-11-30,35,80000.50
"""
CLEAN_FUNDING = """\
项目编号,资金来源,金额
JL2018-001,中央财政,100000
JL2018-001,县级财政,23450
JL2018-002,中央财政,300000
JL2018-002,省级财政,200000
JL2018-003,省级财政,80000.50
"""


def clean(tmp_path: Path):
    loaded = load(
        county(
            tmp_path / "clean",
            {"projects.csv": CLEAN_PROJECTS, "project_funding.csv": CLEAN_FUNDING},
        )
    )
    assert loaded.findings == [] and len(loaded.tables["projects"]) == 3
    return loaded


def same_records(messy, twin) -> None:
    for table in ("projects", "project_funding"):
        assert values(messy, table) == values(twin, table), table


def notes_of(loaded, file: str) -> str:
    return "；".join(n.message for n in loaded.notes if n.file == file)


# --- a workbook as a township office exports it ----------------------------------------

HEAD = [
    "序号",
    "项目编号",
    "年度",
    "项目名称",
    "项目类别",
    "乡镇",
    None,
    "实施地点",
    "计划开工日期",
    "计划完工日期",
    "受益户数",
    "合同金额（万元）",
    "资金来源（万元）",
    None,
    None,
    None,
]
SUB = [None] * 12 + ["中央财政", "省级财政", "县级财政", "合计"]
ROWS = [
    # A 序号, B 编号 (full-width), C 年度 (text), D 名称 (trailing spaces), E 类别, F 乡镇
    # (merged down over rows 1–2), G spacer column, H 地点, I 开工 (Excel serial number),
    # J 完工 (Chinese date text), K 户数 (full-width text), L 合同金额 万元, M–O 万元, P 合计
    [
        1,
        "ＪＬ２０１８－００１",
        "2018",
        "大洼村道路硬化  ",
        "基础设施",
        "金岭镇",
        None,
        "大洼村",
        43164,
        "2018年9月30日",
        "１５１",
        12.345,
        10,
        None,
        2.345,
        12.345,
    ],
    [
        2,
        "JL2018-002 ",
        2018,
        "小洼村光伏电站",
        "光伏扶贫",
        None,
        None,
        "小洼村",
        dt.datetime(2018, 4, 6),
        "2018/10/31",
        120,
        "50",
        30,
        20,
        None,
        50,
    ],
    None,  # an empty spacer row between records
    [
        3,
        "JL2018-003",
        2018.0,
        "松洞村扶贫车间",
        "就业扶贫",
        "长城镇",
        None,
        "松洞村",
        "43227",
        "2018.11.30",
        "35",
        8.00005,
        None,
        "８.００００５",
        None,
        8.00005,
    ],
]


def messy_workbook(path: Path, total: list | None = None, sheet: str = "2018年项目") -> Path:
    """Title row merged across the table, ``单位：万元`` note, a two-row header with merged
    cells, records, a 合计 row and a 填表人 line."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = "2018年金岭镇、长城镇脱贫攻坚项目台账"
    ws.merge_cells("A1:P1")
    ws["A2"] = "填报单位：金岭镇人民政府"
    ws["M2"] = "单位：万元"
    for j, v in enumerate(HEAD, start=1):
        ws.cell(3, j, v)
    for j, v in enumerate(SUB, start=1):
        ws.cell(4, j, v)
    for col in "ABCDEFGHIJKL":  # single columns span both header rows
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("M3:P3")  # 资金来源（万元） over 中央/省级/县级/合计
    r = 5
    for row in ROWS:
        if row is not None:
            for j, v in enumerate(row, start=1):
                if v is not None:
                    ws.cell(r, j, v)
        r += 1
    ws.merge_cells("F5:F6")  # 金岭镇 for the first two projects
    ws.cell(r, 1, "合  计")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    for j, v in zip(
        range(11, 17), total or [306, 70.34505, 40, 28.00005, 2.345, 70.34505], strict=True
    ):
        ws.cell(r, j, v)
    ws.cell(r + 2, 1, "填表人：王某某        审核人：李某某")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_messy_workbook_loads_to_the_same_records_as_its_clean_twin(tmp_path: Path) -> None:
    data = county(tmp_path / "messy", {})
    messy_workbook(data / "projects.xlsx")
    loaded = load(data)
    assert loaded.findings == []
    same_records(loaded, clean(tmp_path))


def test_every_normalisation_is_reported_once_for_the_file(tmp_path: Path) -> None:
    data = county(tmp_path, {})
    messy_workbook(data / "projects.xlsx")
    loaded = load(data)
    assert [n.file for n in loaded.notes] == ["data/projects.xlsx"]
    note = loaded.notes[0]
    assert (note.code, note.severity) == ("I001", "info")
    text = note.message
    for phrase in (
        "标题行（表头在第3行）",
        "两行表头",
        "合并单元格按所覆盖的每一行填入相同内容",
        "单位：万元",
        "“序号”列是序号",
        "空列（1 列）",
        "数据中间的空行（1 行）",
        "合计、小计行不作为记录读取，已与上面各行之和核对（1 行）",
        "填表人",
        "首尾的空格",
        "全角数字",
        "Excel 日期序号转为日期（2 处）",
        "以文本形式保存的数字",
        "资金来源列（中央财政、省级财政、县级财政）转为项目资金来源明细（5 条）",
    ):
        assert phrase in text, phrase
    assert text.count("全角数字") == 1  # counted, not repeated per cell


def test_funding_rows_from_columns_point_at_their_cells(tmp_path: Path) -> None:
    data = county(tmp_path, {})
    messy_workbook(data / "projects.xlsx")
    loaded = load(data)
    first = loaded.tables["project_funding"][0]
    assert first.values == {"project_id": "JL2018-001", "source": "中央财政", "amount": 10000000}
    assert (first.origin.file, first.origin.row) == ("data/projects.xlsx", 5)
    assert first.origin.column("amount") == "M列（中央财政）"
    assert first.origin.column("project_id") == "B列（项目编号）"
    last = loaded.tables["project_funding"][-1]
    assert (last.origin.row, last.origin.column("amount")) == (8, "N列（省级财政）")
    assert loaded.tables["projects"][2].origin.row == 8  # below the spacer row


def test_total_row_that_does_not_add_up_is_an_error_at_its_cell(tmp_path: Path) -> None:
    data = county(tmp_path, {})
    # 受益户数 306 is right; 合同金额 and 中央财政 are off
    messy_workbook(data / "projects.xlsx", total=[306, 70.3, 41, 28.00005, 2.345, 70.34505])
    loaded = load(data)
    found = sorted((f.code, f.row, f.column) for f in loaded.findings)
    assert found == [("L011", 9, "L列（合同金额（万元））"), ("L011", 9, "M列（中央财政）")]
    m = next(f for f in loaded.findings if f.column == "M列（中央财政）")
    assert m.message == "“合计”行的“中央财政”为 410,000.00 元，上面 3 行之和为 400,000.00 元"
    assert values(loaded, "projects") == values(clean(tmp_path), "projects")  # still read


def test_row_total_over_funding_sources_is_checked(tmp_path: Path) -> None:
    data = county(tmp_path, {})
    path = messy_workbook(data / "projects.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["P6"] = 55  # 30 + 20 ≠ 55
    wb.save(path)
    found = [(f.code, f.row, f.column) for f in load(data).findings]
    assert found == [("L011", 6, "P列（合计）")]


def test_subtotals_are_checked_per_block_and_the_grand_total_over_records(tmp_path: Path) -> None:
    text = (
        "项目编号,年度,项目名称,乡镇,合同金额\n"
        "JL-1,2018,甲,金岭镇,100\n"
        "JL-2,2018,乙,金岭镇,200\n"
        "金岭镇小计,,,,300\n"
        "JL-3,2018,丙,长城镇,50\n"
        "小 计,,,,60\n"
        "总计,,,,350\n"
    )
    loaded = load(county(tmp_path, {"projects.csv": text.encode("gbk")}))
    assert [r.values["id"] for r in loaded.tables["projects"]] == ["JL-1", "JL-2", "JL-3"]
    assert [(f.code, f.row) for f in loaded.findings] == [("L011", 6)]
    assert "上面 1 行之和为 50.00 元" in loaded.findings[0].message


def test_gbk_csv_with_title_two_row_header_and_total_matches_the_clean_twin(tmp_path: Path) -> None:
    """The same export saved as CSV from WPS: merged cells become empty cells."""
    text = (
        "2018年金岭镇、长城镇脱贫攻坚项目台账,,,,,,,,,,,,,,\r\n"
        ",,,,,,,,,,,单位：万元,,,\r\n"
        "序号,项目编号,年度,项目名称,项目类别,乡镇,实施地点,计划开工日期,计划完工日期,"
        "受益户数,合同金额（万元）,资金来源（万元）,,,\r\n"
        ",,,,,,,,,,,中央财政,省级财政,县级财政,\r\n"
        "1,ＪＬ２０１８－００１,２０１８,大洼村道路硬化 ,基础设施,金岭镇,大洼村,43164,"
        "2018年9月30日,１５１,12.345,10,,2.345,\r\n"
        "2,JL2018-002,2018,小洼村光伏电站,光伏扶贫,金岭镇,小洼村,2018/4/6,2018.10.31,120,"
        '"50",30,20,,\r\n'
        ",,,,,,,,,,,,,,\r\n"
        "3,JL2018-003,2018,松洞村扶贫车间,就业扶贫,长城镇,松洞村,2018-05-07,2018-11-30,"
        "35,8.00005,,８.００００５,,\r\n"
        "合计,,,,,,,,,306,70.34505,40,28.00005,2.345,\r\n"
    )
    raw = text.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    loaded = load(county(tmp_path / "gbk", {"projects.csv": raw}))
    assert loaded.findings == []
    same_records(loaded, clean(tmp_path))
    assert loaded.sources[0].encoding == "gb18030"
    assert "两行表头" in notes_of(loaded, "data/projects.csv")


def test_one_table_over_several_sheets_of_a_workbook_named_after_it(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "projects.xlsx": {
                "2018": [
                    ["2018年项目台账"],
                    ["项目编号", "年度", "项目名称", "乡镇"],
                    ["JL2018-001", 2018, "大洼村道路", "金岭镇"],
                ],
                "2019": [
                    ["项目编号", "年度", "项目名称", "乡镇"],
                    ["JL2019-001", 2019, "小洼村车间", "金岭镇"],
                    ["JL2019-002", 2019, "松洞村道路", "长城镇"],
                ],
                "填表说明": [["本表由镇扶贫办填写"]],
            }
        },
    )
    loaded = load(data)
    assert [r.values["id"] for r in loaded.tables["projects"]] == [
        "JL2018-001",
        "JL2019-001",
        "JL2019-002",
    ]
    assert [(r.origin.row, r.origin.column("id")) for r in loaded.tables["projects"]] == [
        (3, "A列（项目编号）"),
        (2, "工作表“2019” A列（项目编号）"),
        (3, "工作表“2019” A列（项目编号）"),
    ]
    # a sheet without the table's header is still reported, never read as records
    assert [(f.code, f.message) for f in loaded.findings] == [
        ("L006", "工作表“填表说明”不对应任何数据表，已跳过")
    ]
    assert "“项目”表分布在 2 个工作表中（2018、2019），已合并读取" in notes_of(
        loaded, "data/projects.xlsx"
    )


def test_several_sheets_in_a_folder_workbook(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "projects/历年项目.xlsx": {
                "2018": [
                    ["项目编号", "年度", "项目名称", "乡镇"],
                    ["JL2018-001", 2018, "甲", "金岭镇"],
                ],
                "2019": [
                    ["项目编号", "年度", "项目名称", "乡镇"],
                    ["JL2019-001", 2019, "乙", "金岭镇"],
                ],
            }
        },
    )
    loaded = load(data)
    assert loaded.findings == []
    assert [r.values["id"] for r in loaded.tables["projects"]] == ["JL2018-001", "JL2019-001"]


def test_merged_township_cell_fills_every_row_it_covers(tmp_path: Path) -> None:
    data = county(tmp_path, {})
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (
        ["项目编号", "年度", "项目名称", "乡镇"],
        ["JL-1", 2018, "甲", "金岭镇"],
        ["JL-2", 2018, "乙", None],
        ["JL-3", 2018, "丙", None],
    ):
        ws.append(row)
    ws.merge_cells("D2:D4")
    wb.save(data / "projects.xlsx")
    loaded = load(data)
    assert loaded.findings == []
    assert [r.values["township"] for r in loaded.tables["projects"]] == ["金岭镇"] * 3
    note = notes_of(loaded, "data/projects.xlsx")
    assert "合并单元格按所覆盖的每一行填入相同内容（1 处）" in note


def test_clean_files_have_no_notes(tmp_path: Path) -> None:
    loaded = load(
        county(tmp_path, {"projects.csv": CLEAN_PROJECTS, "project_funding.csv": CLEAN_FUNDING})
    )
    assert loaded.notes == []


def test_a_record_named_like_a_total_is_not_dropped_silently(tmp_path: Path) -> None:
    """Only a row whose label cell says 合计/小计/总计 is a total; project names that merely
    contain the word are records."""
    text = "项目编号,年度,项目名称,乡镇\nJL-1,2018,合计收益分红项目,金岭镇\n"
    loaded = load(county(tmp_path, {"projects.csv": text}))
    assert [r.values["name"] for r in loaded.tables["projects"]] == ["合计收益分红项目"]
