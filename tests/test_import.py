"""``gongshi import``: a messy export becomes clean contract-shaped CSV files (UTF-8 with
BOM, Chinese headers) that load to the same records, without never-published columns.
Run as a user runs it: the real command in a subprocess.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
from test_load import PRIVATE, SITE, county, values
from test_messy import clean, messy_workbook, same_records

from generator.load import load


def gongshi(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_messy_projects_workbook_becomes_two_clean_csv_files(tmp_path: Path) -> None:
    export = messy_workbook(tmp_path / "exports" / "2018年项目台账.xlsx")
    data = county(tmp_path, {})
    r = gongshi(tmp_path, "import", str(export), "--table", "项目", "--out", "data")
    assert r.returncode == 0, r.stderr
    assert "已写入 data/projects.csv（3 条）" in r.stderr
    assert "已写入 data/project_funding.csv（5 条）" in r.stderr
    assert "合计、小计行不作为记录读取" in r.stderr  # what was normalised is said
    raw = (data / "projects.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "项目编号,年度,项目名称,项目类别,乡镇,实施地点,计划开工日期,计划完工日期,受益户数,合同金额"
    )
    assert lines[1] == (
        "JL2018-001,2018,大洼村道路硬化,基础设施,金岭镇,大洼村,2018-03-05,2018-09-30,151,123450.00"
    )
    assert (data / "project_funding.csv").read_text(encoding="utf-8-sig").splitlines()[:2] == [
        "项目编号,资金来源,金额",
        "JL2018-001,中央财政,100000.00",
    ]
    imported = load(data)
    assert imported.findings == [] and imported.notes == []  # clean: nothing to normalise
    same_records(imported, clean(tmp_path))


def test_private_columns_are_dropped_and_the_user_is_told(tmp_path: Path) -> None:
    export = tmp_path / "benefits.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2018年教育补助发放花名册"])
    ws.append(
        [
            "序号",
            "补助项目",
            "年度",
            "村",
            "户主姓名",
            "身份证号",
            "银行账号",
            "联系电话",
            "家庭住址",
            "金额",
            "发放日期",
        ]
    )
    ws.append([1, "教育补助", 2018, "大洼村", "张三", *PRIVATE[:4], "1,500.00", 43344])
    ws.append([2, "教育补助", 2018, "小洼村", "欧阳明华", *PRIVATE[4:], 1500, "2018年9月1日"])
    ws.append(["合计", None, None, None, None, None, None, None, None, 3000])
    wb.save(export)
    data = county(tmp_path, {})
    r = gongshi(tmp_path, "import", str(export))
    assert r.returncode == 0, r.stderr
    assert "已删除不公开的列：身份证号、银行账号、联系电话、家庭住址" in r.stderr
    written = (data / "benefits.csv").read_bytes()
    for value in PRIVATE:
        assert value.encode() not in written, value
    text = written.decode("utf-8-sig")
    assert text.splitlines()[0] == "补助项目,年度,村,户主姓名,金额,发放日期"
    for header in ("身份证号", "银行账号", "联系电话", "家庭住址"):
        assert header not in text
    sept = dt.date(2018, 9, 1)
    assert values(load(data), "benefits") == [
        {
            "program": "教育补助",
            "year": 2018,
            "village": "大洼村",
            "household_head": "张三",
            "amount": 150000,
            "paid_on": sept,
        },
        {
            "program": "教育补助",
            "year": 2018,
            "village": "小洼村",
            "household_head": "欧阳明华",
            "amount": 150000,
            "paid_on": sept,
        },
    ]


def test_gbk_csv_export_imports_to_the_same_records(tmp_path: Path) -> None:
    text = (
        "2018年项目资金来源明细表\r\n项目编号,资金来源,金额（万元）\r\n"
        "ＪＬ２０１８－００１,中央财政,10\r\nJL2018-001,县级财政,2.345\r\n"
        "JL2018-002,中央财政,30\r\nJL2018-002,省级财政,20\r\n"
        "JL2018-003,省级财政,８.００００５\r\n合计,,70.34505\r\n"
    )
    export = tmp_path / "资金来源.csv"
    export.write_bytes(text.encode("gbk"))
    data = county(tmp_path, {})
    r = gongshi(tmp_path, "import", str(export), "--table", "project_funding")
    assert r.returncode == 0, r.stderr
    assert values(load(data), "project_funding") == values(clean(tmp_path), "project_funding")


def test_import_never_overwrites_and_never_writes_on_errors(tmp_path: Path) -> None:
    export = messy_workbook(tmp_path / "projects.xlsx")
    data = county(tmp_path, {"projects.csv": "项目编号,年度,项目名称,乡镇\n"})
    before = (data / "projects.csv").read_bytes()
    r = gongshi(tmp_path, "import", str(export))
    assert r.returncode == 2
    assert "data/projects.csv 已存在，没有覆盖" in r.stderr
    assert (data / "projects.csv").read_bytes() == before
    assert not (data / "project_funding.csv").exists()
    bad = messy_workbook(
        tmp_path / "bad" / "projects.xlsx", total=[306, 70.3, 40, 28.00005, 2.345, 70.34505]
    )
    r = gongshi(tmp_path, "import", str(bad), "--out", "out")
    assert r.returncode == 1
    assert "合计与明细不符" in r.stderr and "没有写入任何文件" in r.stderr
    assert not (tmp_path / "out").exists()


def test_importing_a_file_inside_data_warns_about_reading_it_twice(tmp_path: Path) -> None:
    data = county(tmp_path, {}, site=SITE)
    messy_workbook(data / "2018年台账" / "projects.xlsx")
    r = gongshi(tmp_path, "import", "data/2018年台账/projects.xlsx", "--out", "data")
    assert r.returncode == 0, r.stderr
    assert "移出" in r.stderr
