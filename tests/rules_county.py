"""A small county that satisfies every disclosure rule, for the rule and compliance tests.

Tables are kept as header + rows (lists of cells) so a test can break one cell and know the
spreadsheet row (header = row 1) and column letter of what it broke. ``write`` puts them in a
real ``data/`` folder: CSV for most tables, a real Excel file for the disbursements (as the
demo county keeps them). Data date 2019-04-30, three projects in two townships:

- ``JL2018-001`` 已验收 (金岭镇 大洼村): 事前公示 exactly 10 days, 事后公告 after acceptance,
  an asset-income distribution with its 分配公示 and three households paid;
- ``JL2018-002`` 实施中 (金岭镇 小洼村), funded by ``F2018-02`` issued 2018-09-20 whose 资金公告
  is posted on 2018-10-24, the last day of the 20 working days (see ``test_rules``);
- ``BZ2019-001`` 公示中 (卞庄街道 东村), to start after the data date; its fund ``F2019-01``
  is unspent, which is not judged (2019 is not over).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from pathlib import Path

import openpyxl

SITE = """name: 测试县扶贫项目资金公告公示
county: 测试县
office: 测试县乡村振兴局
phones:
  - label: 县乡村振兴局监督电话
    number: 0539-7000001
  - label: 全国扶贫监督举报电话
    number: "12317"
mask_names: true
data_date: {data_date}
"""
DATA_DATE = "2019-04-30"

Table = list[list[str]]

CLEAN: dict[str, Table] = {
    "villages": [
        ["区划代码", "乡镇", "村名", "是否贫困村"],
        ["371324001201", "金岭镇", "大洼村", "是"],
        ["371324001202", "金岭镇", "小洼村", "否"],
        ["371324002201", "卞庄街道", "东村", "是"],
    ],
    "projects": [
        # A 项目编号 … AD 备注: the contract's column order, so letters are predictable.
        [
            "项目编号",
            "年度",
            "项目名称",
            "项目类别",
            "乡镇",
            "实施地点",
            "建设内容及规模",
            "补助标准",
            "实施单位",
            "责任人",
            "计划开工日期",
            "计划完工日期",
            "项目状态",
            "带贫减贫机制",
            "受益户数",
            "受益人数",
            "受益贫困户数",
            "受益贫困人口",
            "项目监督人",
            "监督电话",
            "招标方式",
            "中标单位",
            "合同金额",
            "监理单位",
            "实际开工日期",
            "完工日期",
            "验收日期",
            "验收结论",
            "资产归属",
            "备注",
        ],
        [
            "JL2018-001",
            "2018",
            "大洼村光伏电站",
            "光伏扶贫",
            "金岭镇",
            "大洼村",
            "建设村级光伏电站100千瓦",
            "",
            "金岭镇人民政府",
            "王建国",
            "2018-04-01",
            "2018-08-31",
            "已验收",
            "电站收益用于贫困户分红和公益岗位",
            "10",
            "30",
            "6",
            "18",
            "李明",
            "0539-7000101",
            "公开招标",
            "测试县光能科技有限公司",
            "300000",
            "测试县建设监理公司",
            "2018-04-02",
            "2018-08-20",
            "2018-09-10",
            "合格",
            "大洼村村集体",
            "",
        ],
        [
            "JL2018-002",
            "2018",
            "小洼村道路硬化",
            "基础设施",
            "金岭镇",
            "小洼村",
            "硬化村内道路1.2公里",
            "",
            "金岭镇人民政府",
            "赵国强",
            "2018-10-15",
            "2019-06-30",
            "实施中",
            "方便贫困户出行和农产品运输",
            "40",
            "120",
            "12",
            "30",
            "孙丽",
            "0539-7000102",
            "公开招标",
            "测试县路桥工程有限公司",
            "200000",
            "",
            "2018-10-16",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "BZ2019-001",
            "2019",
            "东村蔬菜大棚",
            "产业发展",
            "卞庄街道",
            "东村",
            "新建蔬菜大棚8栋",
            "",
            "卞庄街道办事处",
            "陈志远",
            "2019-05-20",
            "2019-10-31",
            "公示中",
            "大棚租给合作社，租金用于贫困户分红",
            "20",
            "55",
            "20",
            "55",
            "周平",
            "0539-7000103",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ],
    "project_funding": [
        ["项目编号", "资金来源", "金额"],
        ["JL2018-001", "中央财政", "300000"],
        ["JL2018-001", "自筹", "20000"],
        ["JL2018-002", "省级财政", "200000"],
        ["BZ2019-001", "县级财政", "100000"],
    ],
    "project_targets": [
        ["项目编号", "一级指标", "二级指标", "三级指标", "目标值", "实际值", "单位"],
        ["JL2018-001", "产出指标", "数量", "光伏电站装机容量", "100", "100", "千瓦"],
        ["JL2018-001", "效益指标", "经济效益", "村集体年增收", "6000", "6000", "元"],
        ["JL2018-002", "产出指标", "数量", "硬化道路长度", "1.2", "", "公里"],
        ["JL2018-002", "效益指标", "社会效益", "受益贫困人口", "30", "", "人"],
        ["BZ2019-001", "产出指标", "数量", "新建大棚", "8", "", "栋"],
        ["BZ2019-001", "效益指标", "经济效益", "带动贫困户增收", "1000", "", "元/户"],
    ],
    "funds": [
        ["资金编号", "文号", "下达日期", "资金来源", "资金性质", "资金用途", "安排原则", "金额"],
        [
            "F2018-01",
            "测财农〔2018〕1号",
            "2018-03-10",
            "中央财政",
            "专项扶贫资金",
            "产业发展",
            "因素法分配",
            "300000",
        ],
        [
            "F2018-02",
            "测财农〔2018〕9号",
            "2018-09-20",
            "省级财政",
            "专项扶贫资金",
            "基础设施",
            "项目法分配",
            "200000",
        ],
        [
            "F2019-01",
            "测财农〔2019〕2号",
            "2019-03-01",
            "县级财政",
            "统筹整合资金",
            "产业发展",
            "项目法分配",
            "100000",
        ],
    ],
    "allocations": [
        ["资金编号", "项目编号", "金额"],
        ["F2018-01", "JL2018-001", "300000"],
        ["F2018-02", "JL2018-002", "200000"],
        ["F2019-01", "BZ2019-001", "100000"],
    ],
    "disbursements": [
        ["项目编号", "资金编号", "拨付日期", "金额", "凭证号"],
        ["JL2018-001", "F2018-01", dt.date(2018, 9, 15), 300000, "记-2018-091"],
        ["JL2018-002", "F2018-02", dt.date(2018, 11, 1), 195000, "记-2018-112"],
    ],
    "notices": [
        # A 公示编号, B 公示对象, C 公示类型, D 公示开始日期, E 公示截止日期, F 公示地点, G 异议
        [
            "公示编号",
            "公示对象",
            "公示类型",
            "公示开始日期",
            "公示截止日期",
            "公示地点",
            "异议及处理情况",
        ],
        [
            "GS-01",
            "project:JL2018-001",
            "事前公示",
            "2018-03-10",
            "2018-03-19",
            "门户网站、大洼村公开栏",
            "无异议",
        ],
        [
            "GS-02",
            "project:JL2018-001",
            "事后公告",
            "2018-09-12",
            "2018-09-21",
            "门户网站、大洼村公开栏",
            "无异议",
        ],
        [
            "GS-03",
            "project:JL2018-002",
            "事前公示",
            "2018-09-25",
            "2018-10-04",
            "门户网站；小洼村公开栏",
            "无异议",
        ],
        [
            "GS-04",
            "project:BZ2019-001",
            "事前公示",
            "2019-04-20",
            "2019-04-29",
            "门户网站、项目现场",
            "无异议",
        ],
        ["GS-05", "fund:F2018-01", "资金公告", "2018-03-20", "2018-03-29", "门户网站", ""],
        ["GS-06", "fund:F2018-02", "资金公告", "2018-10-24", "2018-11-02", "门户网站", ""],
        ["GS-07", "fund:F2019-01", "资金公告", "2019-03-10", "2019-03-19", "门户网站", ""],
        [
            "GS-08",
            "distribution:FP2018-01",
            "分配公示",
            "2018-12-11",
            "2018-12-20",
            "门户网站、大洼村公开栏",
            "无异议",
        ],
    ],
    "benefits": [
        ["补助项目", "年度", "村", "户主姓名", "家庭人口", "金额", "发放日期", "分配编号"],
        ["资产收益分红", "2018", "大洼村", "张三丰", "3", "2000", "2018-12-25", "FP2018-01"],
        ["资产收益分红", "2018", "大洼村", "李四海", "3", "2000", "2018-12-25", "FP2018-01"],
        ["资产收益分红", "2018", "大洼村", "王五福", "2", "2000", "2018-12-25", "FP2018-01"],
    ],
    "distributions": [
        [
            "分配编号",
            "项目编号",
            "年度",
            "收益总额",
            "分配户数",
            "分配人数",
            "村提方案日期",
            "乡镇审核日期",
            "县级备案日期",
        ],
        [
            "FP2018-01",
            "JL2018-001",
            "2018",
            "6000",
            "3",
            "8",
            "2018-12-01",
            "2018-12-05",
            "2018-12-10",
        ],
    ],
    "cases": [
        [
            "案件编号",
            "通报日期",
            "通报单位",
            "乡镇",
            "单位或村",
            "职务",
            "姓名",
            "问题",
            "涉及金额",
            "追缴金额",
            "处理结果",
            "状态",
        ],
        [
            "AJ-01",
            "2018-11-20",
            "测试县纪委监委",
            "金岭镇",
            "小洼村",
            "村委会主任",
            "刘大成",
            "虚报冒领危房改造补助",
            "12000",
            "12000",
            "党纪:严重警告；政务：撤职",
            "已结案",
        ],
    ],
    "rectifications": [
        [
            "问题编号",
            "问题来源",
            "发现日期",
            "乡镇",
            "单位或村",
            "问题",
            "整改措施",
            "责任单位",
            "整改时限",
            "整改状态",
            "完成日期",
        ],
        [
            "ZG-01",
            "督查",
            "2018-10-10",
            "金岭镇",
            "大洼村",
            "公开栏公示内容未及时更新",
            "更新公开栏",
            "金岭镇人民政府",
            "2018-12-31",
            "已整改",
            "2018-11-30",
        ],
        [
            "ZG-02",
            "巡视",
            "2019-03-01",
            "卞庄街道",
            "东村",
            "项目档案不全",
            "补齐档案",
            "卞庄街道办事处",
            DATA_DATE,
            "整改中",
            "",
        ],
    ],
}
EXCEL = {"disbursements"}  # written as real .xlsx; every other table is a UTF-8 CSV


def clean() -> dict[str, Table]:
    """A fresh, deep copy of the clean county (tests mutate it)."""
    return copy.deepcopy(CLEAN)


def cell(tables: dict[str, Table], table: str, row: int, header: str, value: object) -> None:
    """Set one cell by spreadsheet row (header = 1) and column header."""
    rows = tables[table]
    rows[row - 1][rows[0].index(header)] = value


def get(tables: dict[str, Table], table: str, row: int, header: str) -> object:
    rows = tables[table]
    return rows[row - 1][rows[0].index(header)]


def write(root: Path, tables: dict[str, Table], data_date: str = DATA_DATE) -> Path:
    """Write the county to ``root/data`` and return that folder."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "site.yaml").write_text(SITE.format(data_date=data_date), encoding="utf-8")
    for name, rows in tables.items():
        if name in EXCEL:
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = name
            for r in rows:
                ws.append(r)
            wb.save(data / f"{name}.xlsx")
        else:
            with open(data / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerows(rows)
    return data
