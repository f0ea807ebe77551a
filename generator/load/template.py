"""``gongshi template``: an Excel workbook cadres fill in, read back by ``check`` unchanged.

Everything comes from the data contract in ``records.py``: one sheet per table with the
Chinese headers (row 1, frozen) and the English keys (row 2, hidden: the loader skips it),
drop-down lists for fixed vocabularies, date/money/text cell formats, and a 说明 sheet in
plain Chinese with an example row per table. Never-published columns are not in it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator.records import PRIVATE, TABLES, Column, Table

ROWS = 500  # rows prepared with formats and drop-downs below the header
LISTS_SHEET = "_取值"  # hidden; the loader skips sheets whose name starts with “_”
INSTRUCTIONS_SHEET = "说明"
FORMATS = {"money": "#,##0.00", "date": "yyyy-mm-dd", "int": "0", "year": "0"}
WIDE = {
    "content",
    "problem",
    "measure",
    "poverty_link",
    "purpose",
    "principle",
    "remarks",
    "objections",
    "acceptance",
    "name",
    "subsidy_standard",
    "subject",
    "places",
    "summary",
    "action",
    "projects",
    "reason",
}
# Text columns that look like numbers but are not (village codes, phone numbers, vouchers):
# formatted as text so Excel keeps every digit and leading zero.
AS_TEXT = {
    "code",
    "supervisor_phone",
    "voucher",
    "id",
    "project_id",
    "fund_id",
    "distribution_id",
    "document_no",
    "notice",
    "asset_id",
    "replaces",
}
KIND_ZH = {
    "text": "文字",
    "money": "金额（元，可写两位小数）",
    "date": "日期（如 2019-03-05）",
    "int": "整数",
    "year": "年度（四位数字）",
    "bool": "是 / 否",
    "list": "可填多个，用、或；分隔",
}
# An example record per table for the 说明 sheet (by column key; other columns get an
# example from their kind or first allowed value).
EXAMPLES: dict[str, dict[str, str]] = {
    "villages": {"code": "371324001201", "township": "金岭镇", "name": "大洼村"},
    "projects": {
        "id": "JL2019-001",
        "name": "大洼村道路硬化项目",
        "township": "金岭镇",
        "villages": "大洼村、小洼村",
        "content": "硬化道路 2.3 公里，宽 4 米",
        "implementer": "金岭镇人民政府",
        "responsible_person": "王某",
        "supervisor": "李某",
        "supervisor_phone": "0539-5123456",
        "procurement": "公开招标",
        "contractor": "兰陵县某建筑公司",
        "procurement_type": "工程",
    },
    "project_funding": {"project_id": "JL2019-001"},
    "project_targets": {
        "project_id": "JL2019-001",
        "subkind": "数量",
        "indicator": "新建道路长度",
        "target": "2.3",
        "actual": "2.3",
        "unit": "公里",
    },
    "funds": {
        "id": "F2019-01",
        "document_no": "兰财农〔2019〕12号",
        "nature": "专项扶贫资金",
        "purpose": "基础设施建设",
    },
    "allocations": {"fund_id": "F2019-01", "project_id": "JL2019-001"},
    "disbursements": {"project_id": "JL2019-001", "fund_id": "F2019-01", "voucher": "记-2019-0315"},
    "notices": {
        "id": "GS2019-001",
        "subject": "project:JL2019-001",
        "places": "门户网站、大洼村公开栏",
        "objections": "无异议",
        "publisher": "兰陵县乡村振兴局",
        "validity": "有效",
    },
    "plans": {
        "id": "JH2019-02",
        "kind": "调整方案",
        "document_no": "兰扶组〔2019〕8号",
        "projects": "JL2019-001；JL2019-002",
        "reason": "JL2019-003 用地未落实，调出计划",
        "replaces": "JH2019-01",
    },
    "benefits": {
        "program": "教育补助",
        "village": "大洼村",
        "household_head": "张三",
        "group": "3组",
        "distribution_id": "",
    },
    "distributions": {"id": "D2019-01", "project_id": "JL2019-001"},
    "cases": {
        "id": "AJ2019-01",
        "authority": "兰陵县纪委监委",
        "township": "金岭镇",
        "unit": "大洼村",
        "post": "村委会主任",
        "name": "张某某",
        "problem": "虚报冒领扶贫补助资金",
        "measures": "党纪:严重警告、政务:撤职",
        "status": "已办结",
    },
    # issue 17: objections (who raised one is never written here) and the asset register
    "objections": {
        "id": "YY2019-01",
        "notice": "GS2019-001",
        "township": "金岭镇",
        "received_on": "2019-02-12",
        "replied_on": "2019-02-20",
        "summary": "反映受益户名单中有1户不符合条件",
        "finding": "不属实",
        "action": "经入户核查，该户符合条件，已当面答复",
        "status": "已办结",
        "kind": "异议",
    },
    "assets": {
        "id": "ZC2019-01",
        "project_id": "JL2019-001",
        "name": "大洼村道路2.3公里",
        "type": "公益性",
        "village": "大洼村",
        "owner": "大洼村集体",
        "custodian": "大洼村村民委员会",
        "formed_on": "2019-10-20",
        "disposal": "",
        "disposal_meeting_on": "",
        "disposal_reviewed_on": "",
        "disposal_approved_on": "",
        "disposed_on": "",
    },
    "asset_income": {"asset_id": "ZC2019-01", "distribution_id": "D2019-01"},
    "rectifications": {
        "id": "ZG2019-01",
        "township": "金岭镇",
        "unit": "大洼村",
        "problem": "公示栏未按时更新",
        "measure": "补充公示并建立台账",
        "owner": "金岭镇人民政府",
    },
}
_BY_KIND = {
    "money": "125000.00",
    "date": "2019-03-05",
    "int": "151",
    "year": "2019",
    "bool": "是",
    "list": "大洼村、小洼村",
}

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED = Font(bold=True, color="C00000")
BOLD = Font(bold=True)


def example(table: Table, column: Column) -> str:
    given = EXAMPLES.get(table.name, {})
    if column.key in given:
        return given[column.key]
    if column.choices:
        return column.choices[0]
    return _BY_KIND.get(column.kind, "")


def write_template(path: Path) -> Path:
    """Write the workbook to ``path`` and return it."""
    wb = Workbook()
    instructions = wb.active
    instructions.title = INSTRUCTIONS_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    ranges = _write_lists(lists)
    for table in TABLES:
        _write_table(wb.create_sheet(table.title), table, ranges)
    wb.move_sheet(lists, offset=len(wb.sheetnames) - 2)  # last: the tabs start with 说明
    _write_instructions(instructions)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write_lists(ws: Worksheet) -> dict[tuple[str, ...], str]:
    """One column per vocabulary; returns vocabulary → absolute range for a drop-down."""
    ranges: dict[tuple[str, ...], str] = {("是", "否"): ""}
    vocabularies: list[tuple[str, tuple[str, ...]]] = [("是否", ("是", "否"))]
    for table in TABLES:
        for c in table.columns:
            values = c.choices or c.suggestions
            if values and values not in ranges:
                vocabularies.append((c.title, values))
                ranges[values] = ""
    for j, (title, values) in enumerate(vocabularies, start=1):
        letter = get_column_letter(j)
        ws.cell(1, j, title).font = BOLD
        for i, v in enumerate(values, start=2):
            ws.cell(i, j, v)
        ranges[values] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_table(ws: Worksheet, table: Table, ranges: dict[tuple[str, ...], str]) -> None:
    last = ROWS + 2
    for j, c in enumerate(table.columns, start=1):
        letter = get_column_letter(j)
        head = ws.cell(1, j, c.title)
        head.font = REQUIRED if c.required else BOLD
        head.fill = HEAD_FILL
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        tip = _describe(c)
        head.comment = Comment(tip, "gongshi", width=260, height=110)
        ws.cell(2, j, c.key)
        width = 30 if c.key in WIDE else max(10, 2 * len(c.title) + 4)
        ws.column_dimensions[letter].width = 14 if c.kind == "date" and width < 14 else width
        number_format = "@" if c.key in AS_TEXT or c.kind == "text" else FORMATS.get(c.kind)
        if number_format:
            for i in range(3, last + 1):
                ws.cell(i, j).number_format = number_format
        values = ("是", "否") if c.kind == "bool" else (c.choices or c.suggestions)
        if values:
            strict = bool(c.choices) or c.kind == "bool"
            dv = DataValidation(
                type="list",
                formula1=ranges[values],
                allow_blank=True,
                showErrorMessage=strict,
                errorStyle="warning",
                errorTitle="不在规定的取值中",
                error=f"“{c.title}”请从下拉列表中选择。",
                promptTitle=c.title,
                prompt="请从下拉列表中选择" if strict else "可从下拉列表中选择，也可以自己填写",
            )
            dv.showInputMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{letter}3:{letter}{last}")
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].hidden = True  # English keys: the loader skips this row
    ws.freeze_panes = "A3"


def _describe(c: Column) -> str:
    parts = [f"{c.title}（{c.key}）：{KIND_ZH[c.kind]}", "必填" if c.required else "可不填"]
    if c.choices:
        parts.append("取值：" + "、".join(c.choices))
    if c.help:
        parts.append(c.help)
    return "；".join(parts)


INTRO = [
    "怎么用这个模板",
    "1. 每张工作表是一张台账，表名不要改。第1行是表头（红色的列必须填），"
    "不要改表头，也不要删除隐藏的第2行。",
    "2. 从第3行开始，一行填一条记录。不用的表可以空着；不用的列可以空着。",
    "3. 有下拉箭头的格子请从列表中选择。日期填 2019-03-05 或 2019年3月5日；"
    "金额填元，可写两位小数。",
    "4. 填好后把文件放进 data 文件夹（例如 data/台账.xlsx），运行 gongshi check 检查，"
    "再运行 gongshi build 生成网站。",
    "5. 每张表的表头上有批注，说明这一列填什么。下面是每张表的一条示例记录。",
    "",
    "不会公开、也不要填的信息",
    "身份证号、银行账号、联系电话（个人手机）、家庭住址一律不公开。"
    "本模板没有这些列，请不要自己加上。",
    "如果从其他系统导出的表里有这些列，gongshi 读取时会直接丢弃，并检查生成的网站里没有这些信息。",
    "含有身份证号、银行账号的原始导出表不要提交到公开的代码仓库。",
    "户主姓名在网站上会自动打码成 张*三（王小明 显示为 王*明），便于各户核对自己的那一行；",
    "通报中的姓名打码成 张某某。想全部用 张某某，在 site.yaml 写 脱敏方式: 张某某。",
    "",
]


def _write_instructions(ws: Worksheet) -> None:
    ws.column_dimensions["A"].width = 18
    for j in range(2, 40):
        ws.column_dimensions[get_column_letter(j)].width = 16
    r = 1
    ws.cell(r, 1, "扶贫项目资金台账模板（gongshi）").font = Font(bold=True, size=14)
    r += 2
    for line in INTRO:
        cell = ws.cell(r, 1, line)
        if line and not line[0].isdigit() and "。" not in line:
            cell.font = BOLD
        r += 1
    ws.cell(r, 1, "示例记录（只是示例，请在各表中填写真实数据）").font = BOLD
    r += 1
    for table in TABLES:
        r += 1
        ws.cell(r, 1, f"工作表“{table.title}”（{table.name}）").font = BOLD
        r += 1
        for j, c in enumerate(table.columns, start=1):
            ws.cell(r, j, c.title).font = REQUIRED if c.required else BOLD
            value = example(table, c)
            if c.kind == "date":  # an example may leave a date empty (no disposal yet)
                ws.cell(r + 1, j, date.fromisoformat(value) if value else None)
            else:
                ws.cell(r + 1, j, value)
            if c.kind == "date":
                ws.cell(r + 1, j).number_format = "yyyy-mm-dd"
        r += 2
        private = PRIVATE.get(table.name, ())
        if private:
            names = "、".join(c.title for c in private)
            ws.cell(r, 1, f"本表不要填写{names}：这些信息不公开，读取时会被丢弃。")
            r += 1
