"""The load stage, with real files: CSV in GB18030/GBK and UTF-8 (with BOM), XLSX written by
openpyxl, YAML. Every format gives the same typed values; every value keeps its origin.

Data sets live in ``tests/data/formats/`` (one table in every format, see its README) or are
written by the test into a temporary ``data/`` folder next to the assertion they belong to.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import TEST_DATA, write_data

from generator import cores
from generator.load import load

FORMATS = TEST_DATA / "formats"
SITE = "站点名称: 金岭镇扶贫项目资金公告公示（测试）\n县区: 测试县\n"


def county(
    tmp_path: Path, files: dict[str, str | bytes | dict[str, list[list]]], site: str | None = SITE
) -> Path:
    return write_data(tmp_path, files, site)


def copy_variant(tmp_path: Path, variant: str) -> Path:
    """``tests/data/formats/<variant>`` copied to ``<tmp>/<variant>/data``."""
    data = tmp_path / variant / "data"
    shutil.copytree(FORMATS / variant, data, ignore=shutil.ignore_patterns("README.md"))
    return data


def values(loaded, table: str) -> list[dict]:
    return [row.values for row in loaded.tables[table]]


# --- 1. the same table in four formats -------------------------------------------------

D = dt.date
EXPECTED_PROJECTS = [
    {
        "id": "JL2018-001",
        "year": 2018,
        "name": "金岭镇𠮷家村道路硬化项目",
        "category": "基础设施",
        "township": "金岭镇",
        "villages": ("𠮷家村", "大洼村"),
        "start": D(2018, 3, 5),
        "end": D(2018, 9, 30),
        "households": 151,
        "contract_amount": 123450,
    },
    {
        "id": "JL2018-002",
        "year": 2018,
        "name": "䶮山村光伏扶贫电站",
        "category": "光伏扶贫",
        "township": "金岭镇",
        "villages": ("䶮山村", "小洼村"),
        "start": D(2018, 4, 6),
        "end": D(2018, 10, 31),
        "households": 120,
        "contract_amount": 123450,
        "remarks": "按发电量分红，每户每年3000元",
    },
    {
        "id": "JL2018-003",
        "year": 2018,
        "name": "大洼村扶贫车间",
        "category": "就业扶贫",
        "township": "金岭镇",
        "villages": ("大洼村", "小洼村"),
        "start": D(2018, 5, 7),
        "end": D(2018, 11, 30),
        "households": 1200,
        "contract_amount": 123450,
        "remarks": "吸纳“贫困劳动力”务工",
    },
    {
        "id": "JL2018-004",
        "year": 2018,
        "name": "小洼村储藏库",
        "category": "储藏库",
        "township": "金岭镇",
        "villages": ("小洼村",),
        "start": D(2018, 6, 8),
        "end": D(2018, 11, 30),
        "households": 35,
        "contract_amount": 12500000,
    },
    {
        "id": "JL2018-005",
        "year": 2018,
        "name": "金岭镇教育扶贫",
        "category": "教育扶贫",
        "township": "金岭镇",
        "villages": ("371324001201", "371324001202"),
        "start": D(2018, 7, 9),
        "end": D(2018, 12, 31),
        "remarks": "第一行\n第二行",
    },
]
EXPECTED_FUNDING = [
    {"project_id": "JL2018-001", "source": "中央财政", "amount": 123450},
    {"project_id": "JL2018-001", "source": "县级财政", "amount": 123450},
    {"project_id": "JL2018-002", "source": "省级财政", "amount": 123450},
    {"project_id": "JL2018-003", "source": "统筹整合资金", "amount": 12500000},
    {"project_id": "JL2018-004", "source": "自筹", "amount": 12345678},
]
VARIANTS = ("gb18030", "utf8_bom", "xlsx", "yaml")


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_format_loads_the_expected_values(tmp_path: Path, variant: str) -> None:
    loaded = load(copy_variant(tmp_path, variant))
    assert loaded.findings == []
    assert values(loaded, "projects") == EXPECTED_PROJECTS
    assert values(loaded, "project_funding") == EXPECTED_FUNDING


def test_four_formats_give_identical_values_with_their_own_origins(tmp_path: Path) -> None:
    loads = {v: load(copy_variant(tmp_path, v)) for v in VARIANTS}
    first = loads["gb18030"]
    for variant, loaded in loads.items():
        for table in ("projects", "project_funding"):
            assert values(loaded, table) == values(first, table), (variant, table)
    files = {v: {r.origin.file for r in loaded.tables["projects"]} for v, loaded in loads.items()}
    assert files == {
        "gb18030": {"data/projects.csv"},
        "utf8_bom": {"data/projects.csv"},
        "xlsx": {"data/projects.xlsx"},
        "yaml": {"data/projects.yaml"},
    }
    # Same records, different rows: the YAML rows are line numbers, the others sheet rows.
    assert [r.origin.row for r in first.tables["projects"]] == [2, 3, 4, 5, 6]
    assert [r.origin.row for r in loads["yaml"].tables["projects"]] == [2, 12, 23, 36, 47]


@pytest.mark.parametrize("variant", VARIANTS)
def test_money_is_integer_fen_never_float(tmp_path: Path, variant: str) -> None:
    loaded = load(copy_variant(tmp_path, variant))
    amounts = [r.values["amount"] for r in loaded.tables["project_funding"]]
    amounts += [
        r.values["contract_amount"]
        for r in loaded.tables["projects"]
        if "contract_amount" in r.values
    ]
    assert amounts and all(type(a) is int for a in amounts)


def test_loader_reports_what_it_detected(tmp_path: Path) -> None:
    sources = {}
    for variant in VARIANTS:
        for s in load(copy_variant(tmp_path, variant)).sources:
            sources[(variant, s.table)] = s
    gbk = sources[("gb18030", "projects")]
    assert (gbk.format, gbk.encoding, gbk.header_row, gbk.rows) == ("csv", "gb18030", 1, 5)
    assert gbk.mapping["项目编号"] == "id" and gbk.mapping["计划开工日期"] == "start"
    assert sources[("utf8_bom", "projects")].encoding == "utf-8-sig"
    assert sources[("utf8_bom", "projects")].mapping["contract_amount"] == "contract_amount"
    xlsx = sources[("xlsx", "projects")]
    assert (xlsx.format, xlsx.sheet, xlsx.rows) == ("xlsx", "2018年项目台账", 5)
    assert sources[("yaml", "projects")].format == "yaml"


def test_fixture_files_are_what_they_claim() -> None:
    """Guards the fixtures: GB18030 bytes that GBK cannot read, a BOM, real date cells."""
    raw = (FORMATS / "gb18030" / "projects.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "𠮷" in raw.decode("gb18030") and "\r\n" in raw.decode("gb18030")
    assert (FORMATS / "utf8_bom" / "projects.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    wb = openpyxl.load_workbook(FORMATS / "xlsx" / "projects.xlsx")
    starts = [
        row[0] for row in wb.active.iter_rows(min_row=2, min_col=7, max_col=7, values_only=True)
    ]
    assert all(isinstance(v, dt.datetime) for v in starts)


@pytest.mark.parametrize("variant", ["wan_csv", "wan_xlsx", "wan_yaml"])
def test_wan_yuan_header_multiplies_by_ten_thousand_exactly(tmp_path: Path, variant: str) -> None:
    loaded = load(copy_variant(tmp_path, variant))
    assert loaded.findings == []
    assert values(loaded, "project_funding") == EXPECTED_FUNDING
    assert values(loaded, "projects") == EXPECTED_PROJECTS


def test_plain_gbk_csv_as_excel_writes_it(tmp_path: Path) -> None:
    text = "项目编号,年度,项目名称,乡镇,合同金额\r\nJL-1,2018,大洼村道路,金岭镇,￥1234.5\r\n"
    loaded = load(county(tmp_path, {"projects.csv": text.encode("gbk")}))
    assert loaded.findings == []
    assert values(loaded, "projects") == [
        {
            "id": "JL-1",
            "year": 2018,
            "name": "大洼村道路",
            "township": "金岭镇",
            "contract_amount": 123450,
        }
    ]


def test_utf8_without_bom_and_chinese_header_variants(tmp_path: Path) -> None:
    text = "项目编号 ,* 年度,项目名称：,乡　镇,合同金额（元）\nJL-1,2018,大洼村道路,金岭镇,1234.5\n"
    loaded = load(county(tmp_path, {"projects.csv": text}))
    assert loaded.findings == []
    assert values(loaded, "projects")[0]["contract_amount"] == 123450
    assert loaded.sources[0].encoding == "utf-8-sig"


def test_xlsx_number_cells_with_float_noise_are_read_as_excel_shows_them(tmp_path: Path) -> None:
    """A cell holding =SUM(...) caches an IEEE double, and Excel writes it with 17 digits:
    the sheet shows 2,034.66, the file holds 2034.6599999999999. The amount is 2,034.66 元,
    not an error. (openpyxl rounds floats when it writes, so the XML is patched the way
    Excel writes it.)"""
    assert repr(1234.56 + 800.1) == "2034.6599999999999"  # what =1234.56+800.1 caches
    data = county(
        tmp_path,
        {
            "projects.csv": "项目编号,年度,项目名称,乡镇\nJL-1,2018,大洼村道路,金岭镇\n",
            "project_funding.xlsx": {
                "资金来源": [["项目编号", "资金来源", "金额"], ["JL-1", "自筹", 2034.66]]
            },
        },
    )
    book = data / "project_funding.xlsx"
    with zipfile.ZipFile(book) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<v>2034.66</v>" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<v>2034.66</v>", b"<v>2034.6599999999999</v>")
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    loaded = load(data)
    assert [f for f in loaded.findings if f.severity != "warning"] == []
    assert values(loaded, "project_funding") == [
        {"project_id": "JL-1", "source": "自筹", "amount": 203466}
    ]


# --- 2. split folders, one sheet per table, nested YAML ---------------------------------

PROJECTS_2018 = "项目编号,年度,项目名称,乡镇\nJL2018-001,2018,大洼村道路,金岭镇\n"
PROJECTS_2019 = """\
- id: JL2019-001
  year: 2019
  name: 小洼村扶贫车间
  township: 金岭镇
"""


def test_table_split_into_a_folder_of_files_in_different_formats(tmp_path: Path) -> None:
    data = county(
        tmp_path, {"projects/2018.csv": PROJECTS_2018, "projects/2019.yaml": PROJECTS_2019}
    )
    loaded = load(data)
    assert loaded.findings == []
    rows = {r.values["id"]: r.origin for r in loaded.tables["projects"]}
    assert rows == {"JL2018-001": rows["JL2018-001"], "JL2019-001": rows["JL2019-001"]}
    assert (rows["JL2018-001"].file, rows["JL2018-001"].row) == ("data/projects/2018.csv", 2)
    assert (rows["JL2019-001"].file, rows["JL2019-001"].row) == ("data/projects/2019.yaml", 1)
    assert sorted(s.file for s in loaded.sources if s.table == "projects") == [
        "data/projects/2018.csv",
        "data/projects/2019.yaml",
    ]


def test_folder_named_in_chinese(tmp_path: Path) -> None:
    loaded = load(county(tmp_path, {"项目/2018年.csv": PROJECTS_2018}))
    assert loaded.findings == []
    assert [r.values["id"] for r in loaded.tables["projects"]] == ["JL2018-001"]


def test_workbook_with_one_sheet_per_table(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "projects.csv": PROJECTS_2018,
            "2018年资金台账.xlsx": {
                "allocations": [
                    ["fund_id", "project_id", "amount"],
                    ["ZJ2018-01", "JL2018-001", 50000],
                ],
                "资金拨付": [
                    ["项目编号", "资金编号", "拨付日期", "金额"],
                    ["JL2018-001", "ZJ2018-01", dt.datetime(2018, 6, 1), "2.5万"],
                    ["JL2018-001", "ZJ2018-01", "2018年7月1日", 25000.5],
                ],
            },
        },
    )
    loaded = load(data)
    assert loaded.findings == []
    assert values(loaded, "allocations") == [
        {"fund_id": "ZJ2018-01", "project_id": "JL2018-001", "amount": 5000000}
    ]
    assert values(loaded, "disbursements") == [
        {
            "project_id": "JL2018-001",
            "fund_id": "ZJ2018-01",
            "paid_on": D(2018, 6, 1),
            "amount": 2500000,
        },
        {
            "project_id": "JL2018-001",
            "fund_id": "ZJ2018-01",
            "paid_on": D(2018, 7, 1),
            "amount": 2500050,
        },
    ]
    sheets = {s.table: s.sheet for s in loaded.sources if s.format == "xlsx"}
    assert sheets == {"allocations": "allocations", "disbursements": "资金拨付"}


def test_nested_yaml_lists_become_linked_rows_with_the_parents_id(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "projects.yaml": """\
- id: JL2019-001
  year: 2019
  name: 小洼村扶贫车间
  township: 金岭镇
  project_funding:
    - source: 中央财政
      amount: 12.5万
    - source: 自筹
      amount: '1,234.50'
  project_targets:
    - kind: 产出指标
      indicator: 建成车间
      target: 1
- id: JL2019-002
  year: 2019
  name: 大洼村道路
  township: 金岭镇
  项目资金来源:
    - 资金来源: 县级财政
      金额: ¥1234.5
"""
        },
    )
    loaded = load(data)
    assert loaded.findings == []
    assert values(loaded, "project_funding") == [
        {"project_id": "JL2019-001", "source": "中央财政", "amount": 12500000},
        {"project_id": "JL2019-001", "source": "自筹", "amount": 123450},
        {"project_id": "JL2019-002", "source": "县级财政", "amount": 123450},
    ]
    assert values(loaded, "project_targets") == [
        {"project_id": "JL2019-001", "kind": "产出指标", "indicator": "建成车间", "target": "1"}
    ]
    # each nested record keeps its own line
    assert [r.origin.row for r in loaded.tables["project_funding"]] == [6, 8, 19]
    assert "project_funding" not in values(loaded, "projects")[0]


# --- 3. every value keeps its origin --------------------------------------------------


def _only(loaded, code: str):
    found = [f for f in loaded.findings if f.code == code]
    assert len(found) == 1, loaded.findings
    return found[0]


def test_csv_finding_names_file_spreadsheet_row_and_column(tmp_path: Path) -> None:
    text = (
        "项目编号,年度,项目名称,乡镇,计划开工日期\n"
        "JL-1,2018,大洼村道路,金岭镇,2018-03-05\n"
        "JL-2,2018,,金岭镇,2018-03-05\n"
    )
    f = _only(load(county(tmp_path, {"projects.csv": text})), "V004")
    assert (f.file, f.row, f.column) == ("data/projects.csv", 3, "C列（项目名称）")
    assert f.where == "data/projects.csv 第3行 C列（项目名称）"


def test_title_row_above_the_header_shifts_row_numbers(tmp_path: Path) -> None:
    text = (
        "2018年金岭镇扶贫项目台账,,,,\n"
        "项目编号,年度,项目名称,乡镇,计划开工日期\n"
        "JL-1,2018,大洼村道路,金岭镇,2018-02-30\n"
    )
    loaded = load(county(tmp_path, {"projects.csv": text.encode("gbk")}))
    f = _only(loaded, "V002")
    assert (f.file, f.row, f.column) == ("data/projects.csv", 3, "E列（计划开工日期）")
    assert loaded.tables["projects"][0].origin.row == 3
    assert loaded.sources[0].header_row == 2


def test_xlsx_origin_counts_empty_top_rows_and_columns(tmp_path: Path) -> None:
    data = county(tmp_path, {})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws["B1"] = "2018年金岭镇扶贫项目台账"
    for i, h in enumerate(["项目编号", "年度", "项目名称", "乡镇", "计划开工日期"]):
        ws.cell(3, 2 + i, h)
    for i, v in enumerate(["JL-1", 2018, "大洼村道路", "金岭镇", "2018-02-30"]):
        ws.cell(5, 2 + i, v)
    wb.save(data / "projects.xlsx")
    f = _only(load(data), "V002")
    assert (f.file, f.row, f.column) == ("data/projects.xlsx", 5, "F列（计划开工日期）")


def test_xlsx_second_sheet_names_the_sheet_in_the_column(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "projects.xlsx": {
                "项目": [
                    ["项目编号", "年度", "项目名称", "乡镇"],
                    ["JL-1", 2018, "大洼村道路", "金岭镇"],
                ],
                "资金拨付": [
                    ["项目编号", "金额", "拨付日期"],
                    ["JL-1", "1000", "2018-6-1"],
                    ["JL-1", "五千元", "2018-6-2"],
                ],
            }
        },
    )
    f = _only(load(data), "V001")
    assert (f.file, f.row) == ("data/projects.xlsx", 3)
    assert f.column == "工作表“资金拨付” B列（金额）"


def test_yaml_finding_row_is_the_records_line(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "projects.yaml": PROJECTS_2019
            + """\
- id: JL2019-002
  year: 2019
  name: 大洼村道路
  township: 金岭镇
  start: 2019-02-30
"""
        },
    )
    f = _only(load(data), "V002")
    assert (f.file, f.row, f.column) == ("data/projects.yaml", 5, "“start”")


def test_nested_yaml_finding_row_is_the_nested_records_line(tmp_path: Path) -> None:
    data = county(
        tmp_path,
        {
            "projects.yaml": PROJECTS_2019
            + """\
  project_funding:
    - source: 中央财政
      amount: 10000
    - source: 自筹
      amount: 一万
"""
        },
    )
    f = _only(load(data), "V001")
    assert (f.file, f.row, f.column) == ("data/projects.yaml", 8, "“amount”")


def test_every_row_knows_the_column_label_of_each_value(tmp_path: Path) -> None:
    loaded = load(copy_variant(tmp_path, "gb18030"))
    origin = loaded.tables["projects"][0].origin
    assert origin.column("name") == "C列（项目名称）"
    assert origin.column("contract_amount") == "J列（合同金额）"


# --- 5. never-published columns (load side) -------------------------------------------

PRIVATE = [
    "371522198201036365",
    "6228487956309454631",
    "13912345678",
    "金岭镇大洼村3号",
    "37152219721126157X",
    "6217998443682144837",
    "13812345678",
    "金岭镇小洼村5号",
]


def _benefits_csv() -> bytes:
    return (
        "补助项目,年度,村,户主姓名,家庭人口,金额,发放日期,"
        "身份证号,银行账号,联系电话,家庭住址\r\n"
        f"教育补助,2018,大洼村,张三,4,1500,2018-09-01,{PRIVATE[0]},{PRIVATE[1]},"
        f"{PRIVATE[2]},{PRIVATE[3]}\r\n"
        f"教育补助,2018,小洼村,欧阳明华,3,1500,2018-09-01,{PRIVATE[4]},{PRIVATE[5]},"
        f"{PRIVATE[6]},{PRIVATE[7]}\r\n"
    ).encode("gbk")


def _assert_private_values_only_in_private(loaded) -> None:
    for table, rows in loaded.tables.items():
        for row in rows:
            assert not {"id_number", "bank_account", "phone", "address"} & set(row.values), table
            text = repr(row.values)
            for value in PRIVATE:
                assert value not in text, (table, value)
    assert set(PRIVATE) <= loaded.private_values


def test_private_columns_from_gbk_csv_are_kept_out_of_rows(tmp_path: Path) -> None:
    loaded = load(
        county(tmp_path, {"projects.csv": PROJECTS_2018, "benefits.csv": _benefits_csv()})
    )
    assert loaded.findings == []
    _assert_private_values_only_in_private(loaded)
    assert values(loaded, "benefits")[0] == {
        "program": "教育补助",
        "year": 2018,
        "village": "大洼村",
        "household_head": "张三",
        "persons": 4,
        "amount": 150000,
        "paid_on": D(2018, 9, 1),
    }


def test_private_columns_by_alias_in_xlsx_and_in_nested_yaml(tmp_path: Path) -> None:
    header = [
        "program",
        "year",
        "village",
        "household_head",
        "amount",
        "身份证号码",
        "银行卡号",
        "手机号",
        "住址",
    ]
    data = county(
        tmp_path,
        {
            "projects.csv": PROJECTS_2018,
            "benefits.xlsx": {
                "补助": [
                    header,
                    ["雨露计划", 2018, "大洼村", "张三", 3000, *PRIVATE[:3], PRIVATE[3]],
                ]
            },
            "distributions.yaml": f"""\
- id: FP2018-01
  income: 1500
  benefits:
    - program: 资产收益分红
      year: 2018
      village: 小洼村
      household_head: 欧阳明华
      amount: 1500
      id_number: '{PRIVATE[4]}'
      bank_account: {PRIVATE[5]}
      phone: {PRIVATE[6]}
      address: {PRIVATE[7]}
""",
        },
    )
    loaded = load(data)
    assert loaded.findings == []
    _assert_private_values_only_in_private(loaded)
    assert values(loaded, "benefits")[1]["distribution_id"] == "FP2018-01"


@pytest.mark.parametrize(
    "data",
    [
        Path(__file__).resolve().parent.parent / "data",
        TEST_DATA / "contract_county",
        TEST_DATA / "bad" / "errors",
    ],
)
def test_loading_on_two_cores_gives_what_one_core_gives(data, monkeypatch):
    """Half of the files are read by a forked child; rows, their order and origins,
    findings, notes and the private values must be those of reading them one by one."""
    assert data.is_dir()
    two = load(data)
    monkeypatch.setattr(cores, "can_fork", lambda: False)
    one = load(data)
    assert sum(len(rows) for rows in two.tables.values()) > 5
    assert two.tables == one.tables
    assert two.findings == one.findings and two.notes == one.notes
    assert two.sources == one.sources
    assert two.private_values == one.private_values
    assert two.site == one.site
