"""Nothing is read silently wrong (issue 15) and bad input is a finding, never a traceback
(issue 16): each case with the real files a county sends — GBK CSV typed in Notepad or
saved by WPS, workbooks written by openpyxl with merged headers and formulas, YAML — and
the error at its file, row and column, saying in Chinese what was probably meant.

For the four cases that published wrong money (issue 15, cases 1–4) the build is run too:
the bad file never replaces the published site, and the good one publishes the right figure.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import TEST_DATA, build_project, make_project
from test_build import tree_hashes
from test_import import gongshi
from test_load import SITE, county

from generator.load import load
from generator.load.reader import Loaded

TINY = TEST_DATA / "tiny"
WAN = 10_000 * 100  # 分 in one 万元
PROJECTS = "项目编号,年度,项目名称,乡镇\nJL-1,2018,甲,金岭镇\n"  # the one required table


def codes(loaded: Loaded, code: str) -> list:
    return [f for f in loaded.findings if f.code == code]


def one(loaded: Loaded, code: str):
    found = codes(loaded, code)
    assert len(found) == 1, [(f.code, f.message) for f in loaded.findings]
    return found[0]


def errors(loaded: Loaded) -> list[tuple[str, str, int | None, str]]:
    return sorted(
        (f.code, f.file, f.row, f.column)
        for f in loaded.findings
        if f.severity in ("error", "fatal")
    )


# --- a published tiny county, copied per test -----------------------------------------


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("tiny"), TINY)
    result = build_project(project)
    assert result.published, result.checked.report.to_json()
    return project


@pytest.fixture
def published(tmp_path: Path, tiny_site: Path) -> Path:
    project = tmp_path / "county"
    shutil.copytree(tiny_site, project, symlinks=True)
    return project


def refused(project: Path, code: str, file: str, row: int | None, column: str) -> None:
    """``gongshi build`` on ``project`` publishes nothing, keeps ``site/`` byte for byte,
    and names the cell."""
    before = tree_hashes(project / "site")
    result = build_project(project)
    assert not result.published
    assert result.exit_code >= 1
    assert tree_hashes(project / "site") == before
    found = [(f.code, f.file, f.row, f.column) for f in result.checked.report.findings]
    assert (code, file, row, column) in found, found


# --- case 1: 单位：万元 in a title row, 资金来源 merged over the funding columns -------------


def wan_workbook(path: Path, ids: tuple[str, str] = ("JL-1", "JL-2")) -> Path:
    """Title row, ``单位：万元`` row, a header whose 资金来源 is merged over 中央财政 /
    省级财政 / 县级财政 / 自筹（元）, the single columns merged down both header rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2019年项目"
    ws["A1"] = "2019年扶贫项目资金台账"
    ws.merge_cells("A1:J1")
    ws["A2"] = "单位：万元"
    head = ["项目编号", "年度", "项目名称", "乡镇", "实施地点", "合同金额", "资金来源"]
    for j, v in enumerate(head, start=1):
        ws.cell(3, j, v)
    for j, v in enumerate(["中央财政", "省级财政", "县级财政", "自筹（元）"], start=7):
        ws.cell(4, j, v)
    for col in "ABCDEF":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("G3:J3")
    rows = [
        [ids[0], 2020, "青山村道路硬化", "青山镇", "青山村", 18, 12, 4, 2, 500],
        [ids[1], 2020, "石桥村光伏电站", "青山镇", "石桥村", 5.5, 5.5, None, None, None],
    ]
    for i, row in enumerate(rows, start=5):
        for j, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(i, j, v)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_sheet_in_wan_converts_every_money_column_under_merged_headers(tmp_path: Path) -> None:
    data = county(tmp_path, {})
    wan_workbook(data / "projects.xlsx")
    loaded = load(data)
    assert errors(loaded) == []
    contract = {r.values["id"]: r.values["contract_amount"] for r in loaded.tables["projects"]}
    assert contract == {"JL-1": 18 * WAN, "JL-2": 55_000_00}
    funding = [
        (r.values["project_id"], r.values["source"], r.values["amount"])
        for r in loaded.tables["project_funding"]
    ]
    assert funding == [
        ("JL-1", "中央财政", 12 * WAN),  # 120,000 元, not 12 元
        ("JL-1", "省级财政", 4 * WAN),
        ("JL-1", "县级财政", 2 * WAN),
        ("JL-1", "自筹", 500_00),  # its header says 元: not converted
        ("JL-2", "中央财政", 55_000_00),
    ]
    note = loaded.notes[0].message
    assert "标题写明“单位：万元”" in note
    assert "按万元换算为元的金额列：合同金额、中央财政、省级财政、县级财政" in note
    assert "表头写明单位为元、未按万元换算的列：自筹（元）" in note


@pytest.mark.parametrize("where", ["header", "footer"])
def test_unit_note_in_the_header_row_or_below_the_records(tmp_path: Path, where: str) -> None:
    rows = [
        ["项目编号", "年度", "项目名称", "乡镇", "合同金额"],
        ["JL-1", 2018, "甲", "金岭镇", 18],
    ]
    if where == "header":
        rows[0].append("单位：万元")
    else:
        rows += [[], ["注：单位：万元"]]
    loaded = load(county(tmp_path, {"projects.xlsx": {"projects": rows}}))
    assert errors(loaded) == [] and not codes(loaded, "L005")
    assert loaded.tables["projects"][0].values["contract_amount"] == 18 * WAN


def test_import_applies_the_same_unit_to_every_money_column(tmp_path: Path) -> None:
    export = wan_workbook(tmp_path / "exports" / "2019年台账.xlsx")
    county(tmp_path, {})
    r = gongshi(tmp_path, "import", str(export), "--table", "项目", "--out", "data")
    assert r.returncode == 0, r.stderr
    funding = (tmp_path / "data" / "project_funding.csv").read_text("utf-8-sig").splitlines()
    assert funding == [
        "项目编号,资金来源,金额",
        "JL-1,中央财政,120000.00",
        "JL-1,省级财政,40000.00",
        "JL-1,县级财政,20000.00",
        "JL-1,自筹,500.00",
        "JL-2,中央财政,55000.00",
    ]
    projects = (tmp_path / "data" / "projects.csv").read_text("utf-8-sig").splitlines()
    assert projects[1].endswith(",180000.00")
    assert "按万元换算为元的金额列：合同金额、中央财政" in r.stderr.replace("\n", "")


def test_built_project_page_shows_funding_converted_from_wan(published: Path) -> None:
    wan_workbook(published / "data" / "projects" / "2019.xlsx", ids=("TY2019-001", "TY2019-002"))
    result = build_project(published)
    assert result.published, result.checked.report.to_json()
    pages = [
        p.read_text("utf-8")
        for p in (published / "site").rglob("index.html")
        if "TY2019-001" in p.as_posix()
    ]
    assert pages, "no page for TY2019-001"
    page = "\n".join(pages)
    assert "120,000.00" in page
    assert "中央财政 12.00 元" not in page and ">12.00<" not in page


# --- case 2: an unquoted thousands separator splits an amount over two cells -------------


def test_unquoted_thousands_separator_is_an_error_naming_the_split_amount(tmp_path: Path) -> None:
    text = (
        "资金编号,项目编号,金额\r\n"
        "F2018-01,JL2018-001,1200.00\r\n"
        "F2018-01,JL2018-002,387,300.00\r\n"  # typed in Notepad: the comma is a separator
    )
    data = county(tmp_path, {"allocations.csv": text.encode("gb18030")})
    loaded = load(data)
    f = one(loaded, "L013")
    assert (f.severity, f.file, f.row, f.column) == (
        "error",
        "data/allocations.csv",
        3,
        "C列（金额）",
    )
    assert "第3行比表头多 1 个格子，金额里的逗号可能把一个数分成了两格" in f.message
    assert "“387”和“300.00”是不是一个数“387,300.00”？" in f.message
    rows = [r.values for r in loaded.tables["allocations"]]
    assert rows[1] == {"fund_id": "F2018-01", "project_id": "JL2018-002"}  # 387.00 not read
    assert ("data/allocations.csv", 3, "amount") in loaded.unread
    assert not any(f.code == "V004" for f in loaded.findings)  # one cause, one finding


def test_build_refuses_a_split_amount_and_keeps_the_site(published: Path) -> None:
    path = published / "data" / "allocations.csv"
    text = path.read_text("utf-8").replace("650000", "650,000.00")
    path.write_bytes(text.encode("gb18030"))
    refused(published, "L013", "data/allocations.csv", 3, "C列（amount）")


def test_import_refuses_a_split_amount_and_writes_nothing(tmp_path: Path) -> None:
    export = tmp_path / "exports" / "资金分配.csv"
    export.parent.mkdir()
    export.write_bytes("资金编号,项目编号,金额\r\nF-1,JL-2,387,300.00\r\n".encode("gb18030"))
    county(tmp_path, {})
    r = gongshi(tmp_path, "import", str(export), "--table", "allocations", "--out", "data")
    assert r.returncode == 1, r.stderr
    assert "L013" in r.stderr and "387,300.00" in r.stderr.replace("\n", "")
    assert not (tmp_path / "data" / "allocations.csv").exists()


def test_rows_with_fewer_or_unexplained_extra_cells_are_not_read(tmp_path: Path) -> None:
    text = (
        "资金编号,项目编号,金额\n"
        "F-1,JL-1,100\n"
        "F-1,JL-2\n"  # a comma short
        "F-1,JL-3,300,另付\n"  # one more, not a split amount
        "F-1,JL-4,400,\n"  # a trailing empty cell: nothing lost
    )
    loaded = load(county(tmp_path, {"allocations.csv": text.encode("gbk")}))
    found = [(f.row, f.message) for f in codes(loaded, "L013")]
    assert [row for row, _ in found] == [3, 4]
    assert "第3行比表头少 1 个格子（表头 3 格，这一行 2 格）" in found[0][1]
    assert "第4行比表头多 1 个格子" in found[1][1] and "“另付”" in found[1][1]
    assert [r.values["project_id"] for r in loaded.tables["allocations"]] == ["JL-1", "JL-4"]
    assert {("data/allocations.csv", 3, "*"), ("data/allocations.csv", 4, "*")} <= loaded.unread


def test_workbook_cells_right_of_the_header_are_an_error(tmp_path: Path) -> None:
    sheet = [["资金编号", "项目编号", "金额"], ["F-1", "JL-1", 100, "另有 50 元未列"]]
    loaded = load(county(tmp_path, {"allocations.xlsx": {"allocations": sheet}}))
    f = one(loaded, "L013")
    assert (f.file, f.row) == ("data/allocations.xlsx", 2)
    assert "“另有 50 元未列”不知道属于哪一列" in f.message
    assert loaded.tables["allocations"][0].values["amount"] == 10000  # aligned: still read


# --- case 3: a backup copy beside a table --------------------------------------------------


def disbursement_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "资金拨付"
    ws.append(["项目编号", "资金编号", "拨付日期", "金额"])
    ws.append(["TY2020-001", "TYF2020-01", "2020-05-01", 400000])
    ws.append(["TY2020-002", "TYF2020-01", "2020-06-01", 650000])
    wb.save(path)
    return path


def test_windows_copy_of_a_workbook_is_not_read_twice(tmp_path: Path) -> None:
    data = county(tmp_path, {})
    original = disbursement_workbook(data / "disbursements.xlsx")
    shutil.copy2(original, data / "disbursements - 副本.xlsx")
    loaded = load(data)
    f = one(loaded, "L014")
    assert (f.severity, f.file) == ("error", "data/disbursements - 副本.xlsx")
    assert "“副本”" in f.message and "没有读取" in f.message
    assert len(loaded.tables["disbursements"]) == 2  # not 4


@pytest.mark.parametrize(
    "name",
    [
        "allocations (2).csv",
        "allocations（2）.csv",
        "allocations - Copy.csv",
        "allocations备份.csv",
        "allocations_bak.csv",
        "allocations.bak.csv",
    ],
)
def test_copy_style_names_are_refused(tmp_path: Path, name: str) -> None:
    text = "资金编号,项目编号,金额\nF-1,JL-1,100\n"
    loaded = load(county(tmp_path, {"allocations.csv": text, f"allocations/{name}": text}))
    f = one(loaded, "L014")
    assert f.file == f"data/allocations/{name}"
    assert len(loaded.tables["allocations"]) == 1


def test_a_file_with_the_same_rows_as_another_is_a_copy(tmp_path: Path) -> None:
    text = "资金编号,项目编号,金额\nF-1,JL-1,100\nF-1,JL-2,200\n"
    other = "资金编号,项目编号,金额\nF-2,JL-3,300\n"
    files = {
        "allocations/2020.csv": text,
        "allocations/2020年.csv": text.encode("gb18030"),  # same rows, saved again as GBK
        "allocations/2021.csv": other,
    }
    loaded = load(county(tmp_path, files))
    f = one(loaded, "L014")
    assert f.file == "data/allocations/2020年.csv"
    assert "在 data/allocations/2020.csv 中都有" in f.message
    assert [r.values["project_id"] for r in loaded.tables["allocations"]] == [
        "JL-1",
        "JL-2",
        "JL-3",
    ]


def test_build_refuses_a_copy_beside_a_table_and_keeps_the_site(published: Path) -> None:
    data = published / "data"
    shutil.copy2(data / "allocations.csv", data / "allocations - 副本.csv")
    refused(published, "L014", "data/allocations - 副本.csv", None, "")


# --- case 4: a misspelt key column ----------------------------------------------------------


def test_misspelt_key_column_is_an_error_saying_what_was_meant(tmp_path: Path) -> None:
    text = "项目编号,资金号,拨付日期,金额\nTY-1,F-1,2020-05-01,100\nTY-2,F-1,2020-06-01,200\n"
    data = county(tmp_path, {"disbursements.csv": text.encode("gb18030")})
    loaded = load(data)
    f = one(loaded, "L012")
    assert (f.severity, f.file, f.row, f.column) == (
        "error",
        "data/disbursements.csv",
        None,
        "B列（资金号）",
    )
    assert "“资金号”是不是“资金编号”？" in f.message
    assert "资金编号" in f.hint and "fund_id" in f.hint
    assert not codes(loaded, "L005")
    assert ("data/disbursements.csv", 2, "fund_id") in loaded.unread


def test_misspelt_english_key_in_yaml(tmp_path: Path) -> None:
    text = "- id: F-1\n  amout: 1000\n"
    loaded = load(county(tmp_path, {"funds.yaml": text}))
    f = one(loaded, "L012")
    assert (f.file, f.column) == ("data/funds.yaml", "“amout”")
    assert "“amout”是不是“金额”？" in f.message
    assert not codes(loaded, "V004")  # the amount is there, misspelt: one finding


def test_misspelt_funding_source_column_of_a_project_sheet(tmp_path: Path) -> None:
    text = "项目编号,年度,项目名称,乡镇,中央才政,省级财政\nJL-1,2018,甲,金岭镇,100,50\n"
    loaded = load(county(tmp_path, {"projects.csv": text.encode("gb18030")}))
    f = one(loaded, "L012")
    assert (f.file, f.column) == ("data/projects.csv", "E列（中央才政）")
    assert "“中央才政”是不是“中央财政”？" in f.message
    assert [r.values["source"] for r in loaded.tables["project_funding"]] == ["省级财政"]


def test_unknown_column_that_is_no_typo_stays_a_warning(tmp_path: Path) -> None:
    text = "项目编号,年度,项目名称,乡镇,审核状态\nJL-1,2018,甲,金岭镇,已审核\n"
    loaded = load(county(tmp_path, {"projects.csv": text}))
    assert [f.code for f in loaded.findings] == ["L005"]


def test_disbursements_without_fund_column_while_funds_exist(tmp_path: Path) -> None:
    files = {
        "funds.yaml": "- id: F-1\n  amount: 1000\n",
        "disbursements.csv": "项目编号,拨付日期,金额\nTY-1,2020-05-01,100\nTY-2,2020-05-02,200\n",
    }
    loaded = load(county(tmp_path, files))
    f = one(loaded, "L021")
    assert (f.severity, f.file) == ("error", "data/disbursements.csv")
    assert "“资金拨付”表有 2 条记录，却没有“资金编号”列" in f.message


def test_an_empty_link_cell_is_an_error_where_the_row_needs_it(tmp_path: Path) -> None:
    files = {
        "funds.yaml": "- id: F-1\n  amount: 1000\n",
        "disbursements.csv": "项目编号,资金编号,金额\nTY-1,F-1,100\nTY-2,,200\n",
        "distributions.yaml": "- id: D-1\n  income: 100\n",
        "benefits.csv": (
            "补助项目,年度,村,金额,分配编号\n"
            "资产收益分红,2018,青山村,50,D-1\n"
            "资产收益分红,2018,青山村,50,\n"
            "教育补助,2018,青山村,50,\n"  # needs no distribution
        ),
    }
    loaded = load(county(tmp_path, files))
    assert [(f.code, f.file, f.row, f.column) for f in codes(loaded, "V004")] == [
        ("V004", "data/disbursements.csv", 3, "B列（资金编号）"),
        ("V004", "data/benefits.csv", 3, "E列（分配编号）"),
    ]


def test_build_refuses_a_misspelt_key_column_and_keeps_the_site(published: Path) -> None:
    (published / "data" / "disbursements.csv").write_bytes(
        "项目编号,资金号,拨付日期,金额\r\nTY2020-001,TYF2020-01,2020-05-01,400000\r\n".encode(
            "gb18030"
        )
    )
    refused(published, "L012", "data/disbursements.csv", None, "B列（资金号）")


# --- cells whose text is not what a person reads as the value -------------------------------


def test_money_text_that_can_mean_two_things(tmp_path: Path) -> None:
    text = (
        "资金编号,项目编号,金额\n"
        'F-1,JL-1,"1,2345.00"\n'
        "F-1,JL-2,5000元/户\n"
        "F-1,JL-3,1e5000\n"
        "F-1,JL-4,-200\n"
        "F-1,JL-5,1000000000000\n"
        "F-1,JL-6,3000元\n"
    )
    files = {"projects.csv": PROJECTS, "allocations.csv": text.encode("gb18030")}
    loaded = load(county(tmp_path, files))
    found = {f.row: f for f in loaded.findings}
    assert {r: f.code for r, f in found.items()} == {
        2: "V001",
        3: "V001",
        4: "V001",
        5: "L018",
        6: "L019",
    }
    assert all(f.column == "C列（金额）" for f in found.values())
    assert "是不是“12,345.00”？" in found[2].message
    assert "“元/户”" in found[3].message
    assert "数字太大（1e5000" in found[4].message
    assert "“-200”是负数" in found[5].message
    assert "超过每条记录的金额上限 1,000,000,000.00 元" in found[6].message
    assert [r.values.get("amount") for r in loaded.tables["allocations"]] == [
        None,
        None,
        None,
        None,
        None,
        300000,
    ]
    assert {("data/allocations.csv", r, "amount") for r in range(2, 7)} <= loaded.unread


def test_site_yaml_sets_the_largest_amount_of_a_record(tmp_path: Path) -> None:
    text = "资金编号,项目编号,金额\nF-1,JL-1,1000000000000\n"
    site = SITE + "max_amount: 2000000000000\n"
    loaded = load(county(tmp_path, {"allocations.csv": text, "projects.csv": PROJECTS}, site=site))
    assert loaded.findings == []
    assert loaded.tables["allocations"][0].values["amount"] == 10**14
    bad = load(county(tmp_path / "b", {"allocations.csv": text}, site=SITE + "max_amount: 很多\n"))
    assert [(f.code, f.column) for f in bad.findings if f.code == "L008"] == [
        ("L008", "max_amount")
    ]


def test_formula_without_a_saved_result_is_an_error(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "allocations"
    ws.append(["资金编号", "项目编号", "金额"])
    ws.append(["F-1", "JL-1", 100])
    ws.append(["F-1", "JL-2", "=C2*2"])  # openpyxl saves no result, as scripts do
    data = county(tmp_path, {})
    wb.save(data / "allocations.xlsx")
    loaded = load(data)
    f = one(loaded, "L015")
    assert (f.file, f.row, f.column) == ("data/allocations.xlsx", 3, "C列（金额）")
    assert "“=C2*2”" in f.message and "保存" in f.hint
    assert not codes(loaded, "V004")
    assert ("data/allocations.xlsx", 3, "amount") in loaded.unread


# --- issue 16: bad input is a finding ------------------------------------------------------


def test_unbalanced_quote_swallowing_rows_is_an_error(tmp_path: Path) -> None:
    lines = ["项目编号,年度,项目名称,乡镇,备注"]
    for i in range(1, 16):
        remark = '"按户分红' if i == 3 else "无"
        lines.append(f"JL-{i},2018,项目{i},金岭镇,{remark}")
    loaded = load(county(tmp_path, {"projects.csv": "\r\n".join(lines).encode("gb18030")}))
    f = one(loaded, "L016")
    assert (f.severity, f.file, f.row, f.column) == ("error", "data/projects.csv", 4, "E列（备注）")
    assert "引号" in f.message and "它后面 12 行的内容都被读进了这一个格子" in f.message
    read = loaded.tables["projects"]
    assert [r.values["id"] for r in read] == ["JL-1", "JL-2", "JL-3"]
    assert "remarks" not in read[2].values  # the swallowing cell is not published
    assert ("data/projects.csv", 4, "remarks") in loaded.unread


def test_a_quoted_remark_over_two_lines_is_fine(tmp_path: Path) -> None:
    text = '项目编号,年度,项目名称,乡镇,备注\nJL-1,2018,甲,金岭镇,"第一行\n第二行，有逗号"\n'
    loaded = load(county(tmp_path, {"projects.csv": text}))
    assert loaded.findings == []
    assert loaded.tables["projects"][0].values["remarks"] == "第一行\n第二行，有逗号"


def test_yaml_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lol.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    laughs = "- id: F-1\n  amount: 100\n  purpose:\n" + "".join(f"    {x}\n" for x in lol)
    start = time.monotonic()
    loaded = load(county(tmp_path, {"funds.yaml": laughs}))
    assert time.monotonic() - start < 20
    f = one(loaded, "L003")
    assert (f.file, f.row) == ("data/funds.yaml", 5)
    assert "别名" in f.message
    site = SITE + "x: &x [1, 2]\ny: [*x, *x]\n"
    bad_site = load(county(tmp_path / "site", {}, site=site))
    assert [f.code for f in bad_site.findings][:1] == ["L008"]


def test_site_yaml_nested_two_thousand_deep_is_a_finding(tmp_path: Path) -> None:
    site = "name: " + "[" * 2000 + "]" * 2000 + "\n"
    loaded = load(county(tmp_path, {}, site=site))
    assert [f.code for f in loaded.findings if f.code.startswith("L00")][:1] == ["L008"]
    assert "嵌套超过 32 层" in loaded.findings[0].message


def test_deep_nesting_reads_the_same_with_or_without_libyaml() -> None:
    """libyaml stops at its own nesting limit before our depth count sees 32 levels; the
    pure-Python parser does not. A cadre gets one wording on every machine (this once
    differed between a laptop and CI)."""
    import yaml

    from generator.load import misreads

    loaders = [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])
    for loader in loaders:
        problem = misreads.yaml_problem("links: " + "[" * 2000 + "]" * 2000, loader)
        assert problem is not None and problem[0] == 1, loader
        assert "嵌套超过 32 层" in problem[1], loader


def test_a_cell_longer_than_excel_allows_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    text = "项目编号,年度,项目名称,乡镇,备注\nJL-1,2018,甲,金岭镇," + "很长" * 70_000 + "\n"
    loaded = load(county(tmp_path, {"projects.csv": text}))
    f = one(loaded, "L017")
    assert (f.file, f.row, f.column) == ("data/projects.csv", 2, "E列（备注）")
    assert "140,000 个字" in f.message
    assert loaded.tables["projects"][0].values["id"] == "JL-1"


def test_header_only_csv_is_reported(tmp_path: Path) -> None:
    files = {"projects.csv": "项目编号,年度,项目名称,乡镇\nJL-1,2018,甲,金岭镇\n"}
    files["allocations.csv"] = "资金编号,项目编号,金额\n"
    loaded = load(county(tmp_path, files))
    f = one(loaded, "L020")
    assert (f.severity, f.file) == ("warning", "data/allocations.csv")
    assert "只有表头" in f.message


def test_symlink_under_data_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside.csv"
    secret.write_text("资金编号,项目编号,金额\nF-9,JL-9,999\n", "utf-8")
    data = county(tmp_path, {"projects.csv": "项目编号,年度,项目名称,乡镇\nJL-1,2018,甲,金岭镇\n"})
    (data / "allocations.csv").symlink_to(secret)
    (data / "benefits").mkdir()
    (data / "benefits" / "linked").symlink_to(tmp_path, target_is_directory=True)
    loaded = load(data)
    assert sorted(f.file for f in codes(loaded, "L022")) == [
        "data/allocations.csv",
        "data/benefits/linked",
    ]
    assert loaded.tables["allocations"] == []
