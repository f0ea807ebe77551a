"""One type for every problem found in the data, the build or the output: a ``Finding``.

Codes live in a data table (``CODES``): each has a severity, a Chinese title, a message
template and a fix hint, so a message is always filled from its template and the list of
codes can be published. Severity ``fatal`` means the input is unusable (exit code 2),
``error`` blocks publishing (exit code 1), ``warning`` is reported and published.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from xml.sax.saxutils import escape, quoteattr

SEVERITIES = ("fatal", "error", "warning")
SEVERITY_ZH = {"fatal": "无法继续", "error": "错误", "warning": "提醒", "info": "说明"}


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    title: str
    message: str  # str.format template
    hint: str
    source: str = ""


CODES: dict[str, Code] = {}


def _code(code: str, severity: str, title: str, message: str, hint: str, source: str = "") -> None:
    if code in CODES:
        raise ValueError(f"duplicate finding code {code}")
    CODES[code] = Code(code, severity, title, message, hint, source)


declare = _code  # rule modules declare their own codes next to the rule that uses them


# Loading: files, tables, columns.
_code(
    "L001",
    "fatal",
    "缺少数据文件夹",
    "找不到数据文件夹 {path}",
    "请确认命令在项目根目录运行，或用 --data 指定数据文件夹。",
)
_code(
    "L002",
    "fatal",
    "缺少必需的表",
    "缺少必需的数据表“{table}”（{name}）",
    "请在数据文件夹中放入 {name}.csv、{name}.xlsx 或 {name}.yaml，或同名文件夹。",
)
_code(
    "L003",
    "fatal",
    "文件无法读取",
    "文件无法读取：{reason}",
    "请用 Excel/WPS 另存为 .xlsx，或另存为 UTF-8 编码的 CSV 后再试。",
)
_code(
    "L004",
    "error",
    "缺少必需的列",
    "表“{table}”缺少必需的列“{title}”（{key}）",
    "请在表头加上“{title}”一列。表头可以用中文“{title}”或英文“{key}”。",
)
_code(
    "L005",
    "warning",
    "未识别的列",
    "列“{header}”不是“{table}”表的标准列，不会发布",
    "如果是笔误，请改成标准列名；标准列名见使用说明。不需要的列可以保留。",
)
_code(
    "L006",
    "warning",
    "未识别的工作表",
    "工作表“{sheet}”不对应任何数据表，已跳过",
    "请把工作表命名为数据表的名称（如 projects 或 项目），或把文件放进对应文件夹。",
)
_code("L007", "error", "表头重复", "表头“{header}”出现了不止一次", "请删除或改名重复的列。")
_code(
    "L008",
    "fatal",
    "站点配置有误",
    "site.yaml：{reason}",
    "site.yaml 应是“键: 值”的列表，如 `name: 兰陵县扶贫项目资金公告公示`。",
)
_code(
    "L009",
    "warning",
    "未识别的文件",
    "文件 {path} 不对应任何数据表，已跳过",
    "文件名应是数据表的名称（如 projects.csv），或放在同名文件夹中。",
)
_code(
    "L010",
    "fatal",
    "缺少站点设置",
    "数据文件夹 {path} 中没有 site.yaml",
    "请在数据文件夹中建立 site.yaml，至少写上 name（站点名称）和 office（主办单位）；"
    "可复制示例数据 data/site.yaml 修改。",
)
_code(
    "L011",
    "error",
    "合计与明细不符",
    "“{label}”行的“{title}”为 {stated}，{basis}之和为 {computed}",
    "请核对：可能漏填、多填了一行，或合计算错了。合计行本身不作为记录发布。",
)
# Loading: misreads and bad input — nothing is read silently wrong (issue 15/16).
_code(
    "L012",
    "error",
    "列名像是笔误",
    "列“{header}”是不是“{meant}”？“{table}”表没有“{header}”这一列，这一列没有读取",
    "请把表头改成“{meant}”（也可以写英文 {key}）。如果这确实是另外一列，"
    "请换一个不会与标准列混淆的名称。",
)
_code(
    "L013",
    "error",
    "格子数与表头不符",
    "{detail}",
    '这一行{unread}。CSV 中带逗号的金额要加英文双引号（"387,300.00"）或去掉逗号；'
    "用 Excel/WPS 打开后另存为 CSV 会自动处理。",
)
_code(
    "L014",
    "error",
    "像是另一个文件的副本",
    "{reason}，没有读取，以免同一批记录算两次",
    "副本、备份请移出数据文件夹（或放进以 _ 开头的文件夹）；"
    "如果确实是另一批记录，请改用不带“副本”“备份”“(2)”“Copy”“bak”等字样的文件名。",
)
_code(
    "L015",
    "error",
    "公式没有保存计算结果",
    "单元格是公式“{formula}”，文件里没有保存它的计算结果，不知道它显示的值",
    "请用 Excel 或 WPS 打开这个文件，保存一次后再检查（保存时会写入公式的结果）；"
    "或把公式改成数值（复制后“选择性粘贴 → 数值”）。",
)
_code(
    "L016",
    "error",
    "引号没有配对",
    '“{title}”格里的英文引号 " 没有配对：它后面 {lines} 行的内容都被读进了这一个格子',
    '请在原表中检查这一格：文字里的引号请用中文引号“”，或把英文引号成对写两次（""）。'
    "这一行未读取。",
)
_code(
    "L017",
    "error",
    "内容过长",
    "{what}有 {size}，超过上限 {limit}",
    "一个格子最多 32767 个字（Excel 的上限），一个文件最大 200 MB。"
    "请检查是否误粘贴了大段内容，或把文件按年度拆成几个。",
)
_code(
    "L018",
    "error",
    "金额为负数",
    "“{title}”的值“{value}”是负数",
    "金额不能为负数。退回、冲减的款项请填写实际金额并在备注中说明。",
)
_code(
    "L019",
    "error",
    "金额大得不合常理",
    "“{title}”的值“{value}”即 {amount} 元，超过每条记录的金额上限 {limit} 元：可能多写了几位，"
    "或单位（元/万元）不对",
    "请核对这个金额和它的单位。如果确实这么大，"
    "请在 site.yaml 中写上更大的 max_amount（单笔金额上限，单位元，如 max_amount: 5000000000）。",
)
_code(
    "L020",
    "warning",
    "表中没有记录",
    "“{table}”表的这个文件只有表头，没有记录",
    "如果还没有记录，可以删除这个文件；如果记录漏了，请补上。",
)
_code(
    "L021",
    "error",
    "缺少关联列",
    "“{table}”表有 {n} 条记录，却没有“{title}”列：这些记录无法与{target}对应，相关合计会算错",
    "请加上“{title}”一列（英文 {key}），为每条记录填写对应的编号。",
)
_code(
    "L022",
    "error",
    "数据文件夹中有符号链接",
    "{path} 是符号链接（指向别处的快捷方式），没有读取",
    "数据文件夹里请放真实的文件，不要放符号链接：它可能指向数据文件夹以外的文件。",
)
# Notes (severity info, in ``Report.notes``): what the loader normalised, once per file.
_code(
    "I001",
    "info",
    "已自动整理",
    "读取时自动整理了：{what}",
    "请核对整理结果；如有不对，请在原表中改正后重新检查。",
)
# Values.
_code(
    "V001",
    "error",
    "金额无法识别",
    "“{title}”的值“{value}”无法识别为金额：{reason}",
    "请填写数字，如 1234.50 或 12.5万；单位为万元时请在表头写“{title}(万元)”。",
)
_code(
    "V002",
    "error",
    "日期无法识别",
    "“{title}”的值“{value}”无法识别为日期：{reason}",
    "请填写如 2018-03-05、2018/3/5 或 2018年3月5日 的日期。",
)
_code("V003", "error", "数字无法识别", "“{title}”的值“{value}”不是整数", "请只填写整数，如 151。")
_code("V004", "error", "必填项为空", "“{title}”不能为空", "请补填“{title}”。")
_code(
    "V005",
    "warning",
    "不在规定的取值中",
    "“{title}”的值“{value}”不在规定的取值中",
    "规定的取值：{choices}。",
)
_code(
    "V006", "error", "是否值无法识别", "“{title}”的值“{value}”应为“是”或“否”", "请填写“是”或“否”。"
)
# References and identity.
_code(
    "R001",
    "error",
    "找不到所指的记录",
    "{what}“{value}”不存在",
    "{hint}",
    source="数据质量（素材004：数据信息精准率低于95%的约谈）",
)
_code(
    "R002",
    "error",
    "编号重复",
    "{what}“{value}”重复，第一次出现在 {first}",
    "每条记录的编号必须唯一：请改正其中一个编号，或删除重复的行。",
    source="数据质量（素材004：数据信息精准率低于95%的约谈）",
)
_code(
    "R003",
    "error",
    "公示对象格式有误",
    "公示对象“{value}”的格式无法识别",
    "公示对象应写成 project:项目编号、fund:资金编号、distribution:分配编号、"
    "benefit:补助项目:年度 或 plan:计划编号（年度计划及调整方案）。",
    source="数据质量（素材004：数据信息精准率低于95%的约谈）",
)
# Privacy in free text.
_code(
    "P001",
    "warning",
    "公开栏目中有个人信息",
    "“{title}”中有{kind}（{masked}），已隐去，不会发布",
    "身份证号、银行账号、私人电话不能写在公开的栏目里，请从原表中删除。",
)
# Output.
_code(
    "S001",
    "error",
    "网站中发现个人信息",
    "发布的文件中出现了个人信息（{kind}）：{masked}",
    "个人身份证号、银行账号、私人电话不得公开。请检查备注等文字栏，删除后重新生成。",
)
_code(
    "S002",
    "error",
    "网站引用了外部资源",
    "页面从外部网站加载资源：{url}",
    "字体、脚本、图片必须放在本站内，不能从其他网站加载。"
    "请检查 site_templates/overrides/ 中的模板和样式（含 @import、url()），改用本站文件。",
)
_code(
    "S003",
    "error",
    "链接到未列出的外部网站",
    "页面链接到外部网站：{url}",
    "外部链接须在 site.yaml 的 links（外部链接）中列出，如 `links: [{host}]`；否则请删除该链接。",
)
_code(
    "S004",
    "error",
    "页面中有不属于主题的脚本",
    "页面中有不是主题模板写入的脚本：{snippet}",
    "记录中的文字不能成为脚本。请检查模板覆盖文件和手写页面，不要用 safe 输出数据。",
)
# Figures (issue 15, verify): every printed figure recomputed from the CSV downloads.
_code(
    "S010",
    "error",
    "网站上的数字与下载数据不符",
    "页面 {page} 上的数字“{shown}”（{what}）{why}",
    "网站上的每个数字都要能用下载的 CSV 重新算出来。请运行 gongshi verify 查看全部不符之处；"
    "如果是模板改动造成的，请检查 fig(…) 写的下载文件、列和条件；升级 gongshi 后才出现的，"
    "多半是 site_templates/pages/ 还是旧版的副本（见 B002），请换成新版。",
)
# The scan, as a browser reads a page (scanbad: generator/scan/html.py).
_code(
    "S005",
    "error",
    "页面中有事件处理属性",
    "页面元素带有会执行脚本的属性 {attribute}：{snippet}",
    "记录中的文字不能成为脚本（如 onerror=、onload=、onclick=）。请检查模板覆盖文件、"
    "手写页面和 site.yaml 中的文字，不要用 safe 输出数据。",
)
_code(
    "S006",
    "error",
    "页面中有 <base> 地址",
    "页面用 <base href> 改变了所有相对链接的去处：{url}",
    "主题从不写 <base>：它会让页面的每个链接和资源都指向别处。"
    "请删除模板覆盖文件或手写页面中的 <base>。",
)
_code(
    "B001",
    "fatal",
    "网站生成失败",
    "MkDocs 生成网站失败：{reason}",
    "原网站保持不变。请查看上面的 MkDocs 输出。",
)


@dataclass(frozen=True)
class Finding:
    """A problem, pointing at file, row and column where there is one."""

    code: str
    severity: str
    message: str
    hint: str = ""
    file: str = ""
    row: int | None = None
    column: str = ""
    subject: str = ""  # the record it is about, e.g. ``project:JL2018-019`` (compliance page)

    @property
    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(self.column)
        return " ".join(parts)


def make(
    code: str,
    *,
    file: str = "",
    row: int | None = None,
    column: str = "",
    severity: str | None = None,
    subject: str = "",
    **values: object,
) -> Finding:
    """Build a finding from the code table, filling message and hint from ``values``."""
    c = CODES[code]
    return Finding(
        code=code,
        severity=severity or c.severity,
        message=c.message.format(**values),
        hint=c.hint.format(**values),
        file=file,
        row=row,
        column=column,
        subject=subject,
    )


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Report:
    """Everything checking found. The only output of ``check``; renders to text, JSON, JUnit."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)  # what was normalised; not problems

    def extend(self, items: Iterable[Finding]) -> None:
        self.findings.extend(items)

    def sorted(self) -> list[Finding]:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(
            self.findings,
            key=lambda f: (
                order.get(f.severity, 9),
                f.code,
                f.file,
                f.row or 0,
                f.column,
                f.message,
            ),
        )

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def fatal(self) -> bool:
        return self.count("fatal") > 0

    @property
    def exit_code(self) -> int:
        """0 clean (warnings allowed), 1 errors, 2 unusable input."""
        if self.fatal:
            return 2
        return 1 if self.count("error") else 0

    def flat(self) -> list[tuple[str, str, int | None, str]]:
        """``(code, file, row, column)`` tuples: what tests assert on."""
        return [(f.code, f.file, f.row, f.column) for f in self.sorted()]

    def to_json(self) -> str:
        return json.dumps(
            {
                "summary": {s: self.count(s) for s in SEVERITIES},
                "findings": [asdict(f) for f in self.sorted()],
                "notes": [asdict(f) for f in self.notes],
            },
            ensure_ascii=False,
            indent=2,
        )

    def to_github(self) -> str:
        """GitHub Actions workflow commands: each finding becomes an annotation on its file
        and line in the pull request (``::error file=…,line=…,title=…::message``)."""
        lines = []
        for f in self.sorted():
            level = "warning" if f.severity == "warning" else "error"
            props = [f"file={_gh_prop(f.file)}"] if f.file else []
            if f.row is not None:
                props.append(f"line={f.row}")
            title = CODES[f.code].title if f.code in CODES else ""
            props.append(f"title={_gh_prop(f'{f.code} {title} {f.column}'.strip())}")
            body = f"{f.message}。{f.hint}" if f.hint else f.message
            lines.append(f"::{level} {','.join(props)}::{_gh_data(body)}")
        return "\n".join(lines) + ("\n" if lines else "")

    def to_junit(self) -> str:
        """JUnit XML: one test case per finding, so CI systems show them as annotations."""
        cases = []
        for f in self.sorted():
            name = quoteattr(f"{f.code} {f.where}")
            body = escape(f"{f.message}\n{f.hint}")
            tag = "failure" if f.severity in ("fatal", "error") else "skipped"
            cases.append(
                f"  <testcase classname={quoteattr(f.file or 'gongshi')} name={name}>"
                f"<{tag} message={quoteattr(f.message)}>{body}</{tag}></testcase>"
            )
        failures = self.count("fatal") + self.count("error")
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuite name="gongshi check" tests="{len(cases)}" failures="{failures}">\n'
            + "\n".join(cases)
            + "\n</testsuite>\n"
        )
