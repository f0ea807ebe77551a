"""The ``gongshi`` command: parses options, calls one library function, maps to an exit code.

Exit codes: 0 clean, 1 findings at error level (or a failed build), 2 unusable input.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from generator.findings import SEVERITY_ZH, Report

console = Console(stderr=True)
_STYLE = {"fatal": "bold red", "error": "red", "warning": "yellow"}


def print_report(report: Report, limit: int = 0) -> None:
    """Findings as a table a cadre can act on: where, what, how to fix; then counts."""
    items = report.sorted()
    if not items:
        console.print("[green]没有发现问题。[/green]")
        return
    table = Table(show_lines=False, header_style="bold", expand=False)
    table.add_column("级别", no_wrap=True)
    table.add_column("代码", no_wrap=True)
    table.add_column("位置", no_wrap=True)  # whole, so a path can be searched for
    table.add_column("问题", overflow="fold")
    table.add_column("怎么改", overflow="fold")
    shown = items[:limit] if limit else items
    for f in shown:
        table.add_row(f"[{_STYLE.get(f.severity, '')}]{SEVERITY_ZH.get(f.severity, f.severity)}",
                      f.code, f.where, f.message, f.hint)
    console.print(table)
    if limit and len(items) > limit:
        console.print(f"……还有 {len(items) - limit} 条，用 --format json 查看全部。")
    by_code: dict[str, int] = {}
    for f in items:
        by_code[f.code] = by_code.get(f.code, 0) + 1
    summary = "，".join(f"{c} {n} 条" for c, n in sorted(by_code.items()))
    console.print(f"共 {len(items)} 条：错误 {report.count('error') + report.count('fatal')}，"
                  f"提醒 {report.count('warning')}（{summary}）")


def _write(report: Report, fmt: str, output: str | None) -> None:
    if fmt == "table":
        print_report(report)
        return
    text = report.to_json() if fmt == "json" else report.to_junit()
    if output:
        Path(output).write_text(text, encoding="utf-8")
        console.print(f"已写入 {output}")
    else:
        click.echo(text)


data_option = click.option("--data", "data_dir", default="data", show_default=True,
                           type=click.Path(file_okay=False), help="数据文件夹 / data folder")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongshi")
def main() -> None:
    """gongshi（公示）：把扶贫项目资金台账生成公告公示网站。

    \b
    例 / examples:
      gongshi check              检查 data/ 中的数据
      gongshi build              检查并生成网站到 site/
      gongshi serve              本机预览 http://127.0.0.1:8000
    """


@main.command()
@data_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "junit"]), default="table",
              show_default=True, help="输出格式")
@click.option("--output", "-o", default=None, help="把 json/junit 结果写入文件")
@click.option("--skip", multiple=True, help="跳过某条规则的代码或标签，可重复")
def check(data_dir: str, fmt: str, output: str | None, skip: tuple[str, ...]) -> None:
    """检查数据，列出每个问题所在的文件、行、列和改法。

    例：gongshi check --format junit -o findings.xml
    """
    from generator.check import check as run_check

    checked = run_check(Path(data_dir), skip)
    _write(checked.report, fmt, output)
    sys.exit(checked.report.exit_code)


@main.command()
@data_option
@click.option("--site", "site_dir", default="site", show_default=True,
              type=click.Path(file_okay=False), help="网站输出文件夹")
@click.option("--allow-findings", is_flag=True, help="数据有错误时仍然发布（错误会列出）")
def build(data_dir: str, site_dir: str, allow_findings: bool) -> None:
    """检查数据、生成页面、用 MkDocs 生成网站并扫描，成功后替换 site/。

    例：gongshi build --site /var/www/fupin
    """
    from generator.build import build as run_build

    with console.status("正在生成…"):
        result = run_build(Path.cwd(), Path(data_dir), Path(site_dir), allow_findings,
                           log=lambda m: console.print(m))
    if result.checked.report.findings:
        print_report(result.checked.report, limit=200)
    if result.mkdocs_output and not result.published:
        console.print(result.mkdocs_output)
    sys.exit(result.exit_code)


@main.command()
@data_option
@click.option("--port", default=8000, show_default=True, help="端口")
def serve(data_dir: str, port: int) -> None:
    """生成页面并在本机预览（改动 content/ 会自动刷新）。

    例：gongshi serve --port 8080
    """
    from generator.check import check as run_check
    from generator.render import GENERATED_CONFIG, render

    checked = run_check(Path(data_dir))
    print_report(checked.report, limit=50)
    if checked.dataset is None:
        sys.exit(2)
    render(checked.dataset, Path.cwd())
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", GENERATED_CONFIG,
           "-a", f"127.0.0.1:{port}"]
    sys.exit(subprocess.call(cmd, env=env))
