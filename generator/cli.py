"""The ``gongshi`` command: parses options, calls one library function, maps to an exit code.

Exit codes: 0 clean, 1 findings at error level (or a failed build), 2 unusable input.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console

from generator.errors import GongshiError, InputError
from generator.findings import CODES, SEVERITY_ZH, Finding, Report
from generator.progress import Progress, for_console

console = Console(stderr=True, soft_wrap=True)  # a log line is never broken inside a word


def progress() -> Progress:
    """Progress of the long stages on stderr: a bar on a terminal, a plain line every few
    seconds in a log (``generator.progress``)."""
    return for_console(console)


_STYLE = {"fatal": "bold red", "error": "red", "warning": "yellow"}


def print_report(report: Report, limit: int = 0) -> None:
    """Findings grouped by rule: a heading with the rule's title, count and fix hint, then
    one line per place (file, row, column) and what is wrong there."""
    print_notes(report)
    items = report.sorted()
    if not items:
        console.print("[green]没有发现问题。[/green]")
        return
    groups: dict[str, list] = {}
    for f in items:
        groups.setdefault(f.code, []).append(f)
    shown = 0
    for code, group in groups.items():
        c = CODES.get(code)
        first = group[0]
        style = _STYLE.get(first.severity, "")
        title = c.title if c else ""
        console.print(
            f"\n[{style}]{SEVERITY_ZH.get(first.severity, first.severity)} {code} "
            f"{title}（{len(group)} 条）[/{style}]"
        )
        hints = {f.hint for f in group}
        if len(hints) == 1:
            console.print(f"  怎么改：{first.hint}", style="dim")
        for f in group:
            if limit and shown >= limit:
                break
            shown += 1
            where = f.where or "（整体）"
            console.print(f"  {where}：{f.message}", highlight=False)
            if len(hints) > 1:
                console.print(f"    怎么改：{f.hint}", style="dim", highlight=False)
    if limit and len(items) > limit:
        console.print(f"……还有 {len(items) - limit} 条，用 --format json 查看全部。")
    summary = "，".join(f"{c} {len(g)} 条" for c, g in groups.items())
    console.print(
        f"\n共 {len(items)} 条：错误 {report.count('error') + report.count('fatal')}，"
        f"提醒 {report.count('warning')}（{summary}）"
    )


def print_audit(found: list) -> None:
    """What ``gongshi audit`` would say of the site just built (as warnings: publishing is
    what cures a stale section)."""
    if found:
        console.print("\n[bold]网站预检（政府网站检查指标，gongshi audit）：[/bold]")
        print_report(Report(list(found)), limit=50)


def print_notes(report: Report) -> None:
    """What the loader normalised in each file (title rows, 合计 rows, 万元 …), so that
    nothing is changed silently."""
    for f in report.notes:
        if f.code.startswith("RF"):  # 风险提示 (rules.flags): a hint to check, not an error
            title = CODES[f.code].title
            console.print(
                f"[magenta]风险提示 {f.code} {title}[/magenta] {f.message}", highlight=False
            )
        else:
            console.print(f"[cyan]说明[/cyan] {f.where}：{f.message}", highlight=False)


def _in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _write(report: Report, fmt: str, output: str | None) -> None:
    if fmt == "table":
        print_report(report)
        if _in_github_actions():  # annotations on the offending file and line
            click.echo(report.to_github(), nl=False)
        return
    text = {"json": report.to_json, "junit": report.to_junit, "github": report.to_github}[fmt]()
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"无法写入结果文件（{exc.strerror}）",
                file=output,
                hint="换一个能写入的文件名或文件夹。",
            ) from None
        console.print(f"已写入 {output}")
    else:
        click.echo(text, nl=not text.endswith("\n"))


data_option = click.option(
    "--data",
    "data_dir",
    default="data",
    show_default=True,
    type=click.Path(file_okay=False),
    help="数据文件夹 / data folder",
)


# --strict (issue 15): warnings fail too, for counties that want CI red on any finding.
strict_option = click.option(
    "--strict", is_flag=True, help="严格：有提醒（warning）也算失败，返回 1；build 不发布"
)


def strict_exit(code: int, report: Report, strict: bool) -> int:
    return 1 if strict and code == 0 and report.count("warning") else code


class _Commands(click.Group):
    """Every command: a ``GongshiError`` (a broken template, an unusable path) is printed as
    its Chinese message, exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except GongshiError as exc:
            console.print(str(exc), style="red", highlight=False, markup=False)
            sys.exit(2)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongshi")
def main() -> None:
    """gongshi（公示）：把扶贫项目资金台账生成公告公示网站。

    \b
    例 / examples:
      gongshi check              检查 data/ 中的数据
      gongshi build              检查并生成网站到 site/
      gongshi serve              本机预览 http://127.0.0.1:8000
      gongshi template           生成 Excel 台账模板
      gongshi import 导出.xlsx    把导出的台账整理成标准 CSV
    """


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "junit", "github"]),
    default="table",
    show_default=True,
    help="输出格式（github：GitHub Actions 注释；在 Actions 中表格格式也会输出注释）",
)
@click.option("--output", "-o", default=None, help="把 json/junit/github 结果写入文件")
@click.option("--skip", multiple=True, help="跳过某条规则的代码或标签，可重复")
@strict_option
def check(data_dir: str, fmt: str, output: str | None, skip: tuple[str, ...], strict: bool) -> None:
    """检查数据，列出每个问题所在的文件、行、列和改法。

    \b
    例：gongshi check --format junit -o findings.xml
        gongshi check --strict     （有提醒也返回 1，让 CI 变红）
    """
    from generator.pipeline import check as run_check

    checked = run_check(Path(data_dir), skip, progress=progress())
    _write(checked.report, fmt, output)
    sys.exit(strict_exit(checked.report.exit_code, checked.report, strict))


@main.command()
@data_option
@click.option(
    "--site",
    "site_dir",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False),
    help="网站输出文件夹",
)
@click.option("--allow-findings", is_flag=True, help="数据有错误时仍然发布（错误会列出）")
@click.option(
    "--all", "all_counties", is_flag=True, help="多县：把 data/<县>/ 逐个生成到 site/<县>/"
)
@click.option("--county", "county_names", multiple=True, help="多县：只生成这个县，可重复")
@click.option(
    "--pdf",
    is_flag=True,
    help="同时用 Chromium 把打印公告存成 PDF（每页约 1 秒；未变的 PDF 会复用）",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="MkDocs 同时用几个进程（默认：CPU 核数，最多 4）",
)
@strict_option
def build(
    data_dir: str,
    site_dir: str,
    allow_findings: bool,
    all_counties: bool,
    county_names: tuple[str, ...],
    pdf: bool,
    jobs: int | None,
    strict: bool,
) -> None:
    """检查数据、生成页面、用 MkDocs 生成网站并扫描，成功后替换 site/。

    \b
    例：gongshi build --site /var/www/fupin
        gongshi build --all              （data/<县>/ → site/<县>/）
        gongshi build --county 临川县
        gongshi build --pdf              （另存 PDF 公告，需要 Chromium）
    """
    from generator.pipeline import build as run_build
    from generator.pipeline import build_counties, is_province

    if all_counties or county_names or is_province(Path(data_dir)):
        code = 0
        for county, result in build_counties(
            Path.cwd(),
            Path(data_dir),
            Path(site_dir),
            list(county_names),
            allow_findings,
            log=lambda m: console.print(m),
            pdf=pdf,
            jobs=jobs,
            strict=strict,
            progress=progress(),
        ):
            if result.checked.report.findings:
                print_report(result.checked.report, limit=50)
            print_audit(result.audit_findings)
            if result.mkdocs_output and not result.published:
                console.print(result.mkdocs_output, markup=False, highlight=False)
            console.print(f"{county}：{'已发布' if result.published else '未发布'}")
            code = max(code, result.exit_code)
        sys.exit(code)
    result = run_build(
        Path.cwd(),
        Path(data_dir),
        Path(site_dir),
        allow_findings,
        log=lambda m: console.print(m),
        pdf=pdf,
        jobs=jobs,
        strict=strict,
        progress=progress(),
    )
    if result.checked.report.findings:
        print_report(result.checked.report, limit=200)
    print_audit(result.audit_findings)
    if result.mkdocs_output and not result.published:
        console.print(result.mkdocs_output, markup=False, highlight=False)
    sys.exit(result.exit_code)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="输出格式",
)
def rules(fmt: str) -> None:
    """列出全部核对规则：编号、级别、标题和依据（网站“公开规则”页也列出）。

    例：gongshi rules --format json
    """
    from generator.rules.compliance import rule_table

    rows = rule_table()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:  # plain text on stdout, so it can be piped or saved
        level = SEVERITY_ZH.get(r["severity"], r["severity"])
        click.echo(f"{r['code']} {level} {r['title']}")
        if r["source"]:
            click.echo(f"    依据：{r['source']}")
    click.echo(f"共 {len(rows)} 条规则。")


@main.command()
@data_option
@click.option("--port", default=8000, show_default=True, help="端口")
def serve(data_dir: str, port: int) -> None:
    """生成页面并在本机预览（改动 data/ 或 content/ 会自动刷新）。

    例：gongshi serve --port 8080
    """
    from generator.pipeline import serve as run_serve

    first = True
    before: set[tuple] = set()  # the findings of the last render

    def rendered(checked, result) -> None:
        """The whole report once; after each save only what the save changed (a county's
        864 warnings printed again after every edit hid the one line that was new)."""
        nonlocal first, before
        now = {_identity(f) for f in checked.report.findings}
        if first:
            print_report(checked.report, limit=50)
        else:
            if result is not None:
                console.print(f"数据已改动，重新生成页面：改写 {len(result.written)} 个")
            new = [f for f in checked.report.findings if _identity(f) not in before]
            if new:
                print_report(Report(findings=new), limit=20)
            console.print(
                f"与上次相比：新发现 {len(now - before)} 条，已改正 {len(before - now)} 条，"
                f"其余 {len(now & before)} 条同上次（全部问题：gongshi check）"
            )
        before = now
        first = False

    sys.exit(run_serve(Path.cwd(), Path(data_dir), port, rendered))


def _identity(f: Finding) -> tuple:
    """A finding as ``serve`` compares it between two renders: the same rule, place and
    message is the same finding."""
    return (f.code, f.severity, f.file, f.row, f.column, f.message)


@main.command()
@click.option(
    "--output",
    "-o",
    default="台账模板.xlsx",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="模板文件名",
)
@click.option("--force", is_flag=True, help="文件已存在时覆盖")
def template(output: str, force: bool) -> None:
    """生成 Excel 台账模板：每张表一个工作表，带下拉列表和填写说明。

    填好后放进 data/（如 data/台账.xlsx），gongshi check 直接读取。

    例：gongshi template -o 金岭镇台账.xlsx
    """
    from generator.load.template import write_template

    path = Path(output)
    if path.exists() and not force:
        console.print(f"[red]文件 {path} 已存在，没有覆盖。[/red]换个文件名，或加 --force 覆盖。")
        sys.exit(2)
    write_template(path)
    console.print(f"已生成台账模板 {path}：第一个工作表“说明”讲怎么填，其余每张表一个工作表。")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    default="data",
    show_default=True,
    type=click.Path(file_okay=False),
    help="写入整理后 CSV 的文件夹",
)
@click.option("--table", default=None, help="文件对应的表（文件名不是表名时），如 projects 或 项目")
@click.option("--force", is_flag=True, help="覆盖已有的同名 CSV")
def import_(file: str, out: str, table: str | None, force: bool) -> None:
    """把导出的台账（标题行、合并表头、合计行、万元……）整理成标准 CSV，供核对后提交。

    身份证号、银行账号、联系电话、家庭住址等不公开的列不会写入。

    例：gongshi import 2019年项目台账.xlsx --table projects --out data
    """
    from generator.load.importer import import_file

    source, out_dir = Path(file), Path(out)
    result = import_file(source, out_dir, table, force)
    print_report(result.report)
    if result.dropped:
        console.print(
            f"[yellow]已删除不公开的列：{'、'.join(result.dropped)}。"
            "这些列没有写入输出文件。[/yellow]"
        )
    if result.report.exit_code:
        console.print("[red]有错误，没有写入任何文件。[/red]请在原表中改正后再导入。")
    for path in result.existing:
        console.print(f"[red]{path} 已存在，没有覆盖。[/red]核对后加 --force 覆盖。")
    for path, n in result.written:
        console.print(f"已写入 {path}（{n} 条）")
    if result.written and source.resolve().is_relative_to(out_dir.resolve()):
        console.print(
            f"[yellow]请把原文件 {source} 移出 {out_dir}/，否则记录会被读两遍；"
            "原文件如有身份证号等信息，不要提交到代码仓库。[/yellow]"
        )
    sys.exit(result.exit_code)


@main.command("scan")
@click.argument("site_dir", default="site", type=click.Path(exists=True, file_okay=False))
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "junit"]),
    default="table",
    show_default=True,
    help="输出格式",
)
@click.option("--output", "-o", default=None, help="把 json/junit 结果写入文件")
def scan_command(site_dir: str, data_dir: str, fmt: str, output: str | None) -> None:
    """扫描已生成的网站：个人信息（只显示打码后的值）、外部资源、不属于主题的脚本。

    退出码：0 没有发现问题，1 发现问题。

    例：gongshi scan site --format junit -o scan.xml
    """
    from generator.pipeline import scan_site

    report, with_data = scan_site(Path(site_dir), Path(data_dir), progress=progress())
    if not with_data:
        console.print(
            f"[yellow]没有找到数据文件夹 {data_dir}：不知道哪些电话是公开的监督电话，"
            "也不知道原表中的个人信息。用 --data 指定数据文件夹。[/yellow]"
        )
    _write(report, fmt, output)
    sys.exit(1 if report.findings else 0)


@main.command("audit")
@click.argument("site_dir", default="site", type=click.Path(exists=True, file_okay=False))
@click.option("--today", default=None, help="按哪一天检查“未更新”，如 2024-12-31（默认今天）")
@click.option("--home-days", default=14, show_default=True, help="首页最多几天不更新")
@click.option("--section-days", default=180, show_default=True, help="栏目最多几天不更新")
@click.option("--page-kb", default=150, show_default=True, help="一个页面压缩后最多多少 KB")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "junit"]),
    default="table",
    show_default=True,
    help="输出格式",
)
@click.option("--output", "-o", default=None, help="把 json/junit 结果写入文件")
def audit_command(
    site_dir: str,
    today: str | None,
    home_days: int,
    section_days: int,
    page_kb: int,
    fmt: str,
    output: str | None,
) -> None:
    """按政府网站检查指标预检已生成的网站：空白栏目、首页和栏目长期未更新、页面没有更新
    时间、打不开的链接和下载、页脚缺少网站标识、页面太大。只读网站，不需要数据文件夹。

    退出码：0 没有问题，1 有问题。

    例：gongshi audit site --today 2024-12-31
    """
    from datetime import date

    from generator.dates import parse_date
    from generator.scan.audit import SEARCH_KB, Limits, audit

    day = date.today()
    if today:
        parsed, problem = parse_date(today)
        if parsed is None:
            raise click.BadParameter(
                f"“{today}”：{problem}，应写成 2024-12-31", param_hint="--today"
            )
        day = parsed
    limits = Limits(home_days, section_days, page_kb, SEARCH_KB)
    report = Report(audit(Path(site_dir), day, limits))
    _write(report, fmt, output)
    if fmt == "table" and not report.findings:
        console.print(f"[green]按政府网站检查指标预检 {site_dir}（{day}）：没有发现问题。[/green]")
    sys.exit(1 if report.findings else 0)


@main.command("verify")
@click.argument("site_dir", default="site", type=click.Path(exists=True, file_okay=False))
def verify_command(site_dir: str) -> None:
    """核对网站上的每个数字：按页面中写明的下载文件、列和条件，用 downloads/ 里的 CSV
    重新计算，列出对不上的页面和数字。任何人都可以对下载的网站运行。

    退出码：0 全部相符，1 有不符。

    例：gongshi verify site
    """
    from generator.scan.figures import verify

    checked, wrong = verify(Path(site_dir))
    if wrong:
        print_report(Report(wrong))
    elif checked:
        console.print("[green]全部相符。[/green]")
    console.print(f"核对了 {checked} 个数字，{len(wrong)} 个与下载数据不符。")
    if not checked:
        console.print(f"[red]{site_dir} 中没有找到标明来源的数字（data-sum / data-count）。[/red]")
    sys.exit(1 if wrong or not checked else 0)
