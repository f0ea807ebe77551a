"""The ``gongshi`` command, run as a user runs it: a subprocess in a project folder.

Exit codes are the contract with CI: 0 clean (warnings allowed), 1 errors, 2 unusable input.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import TEST_DATA, require_tool

SITE = "站点名称: 金岭镇扶贫项目资金公告公示（测试）\n县区: 测试县\n"
VILLAGES = "区划代码,乡镇,村名\n371324001201,金岭镇,大洼村\n371324001202,金岭镇,小洼村\n"
PROJECTS = "项目编号,年度,项目名称,乡镇,实施地点\nJL2018-001,2018,大洼村道路硬化,金岭镇,大洼村\n"
CJK = re.compile(r"[\u4e00-\u9fff]")


def gongshi_exe() -> str:
    """The installed ``gongshi`` entry point (next to this Python, or on PATH)."""
    beside = shutil.which("gongshi", path=str(Path(sys.executable).parent))
    return beside or require_tool("gongshi")


def run(cwd: Path, *args: str, exe: str | None = None) -> subprocess.CompletedProcess:
    """Run the CLI as a terminal-less user would (CI logs): no COLUMNS, no colour forcing.

    ``check`` runs with ``--skip disclosure``: these fixtures are deliberately minimal tables
    for loading and integrity, which the disclosure rules (tests/test_rules.py) would flag.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR", "TERM", "GITHUB_ACTIONS")
    }
    cmd = [exe] if exe else [sys.executable, "-m", "generator"]
    if args and args[0] == "check":
        args = (*args, "--skip", "disclosure")
    return subprocess.run(
        [*cmd, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def project(tmp_path: Path, files: dict[str, str] | None = None, fixture: str = "") -> Path:
    """A project folder whose ``data/`` holds ``files`` or a copy of ``tests/data/<fixture>``."""
    root = tmp_path / "county"
    data = root / "data"
    if fixture:
        shutil.copytree(TEST_DATA / fixture, data, ignore=shutil.ignore_patterns("*.md"))
    else:
        data.mkdir(parents=True)
    for name, text in (files or {}).items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return project(
        tmp_path, {"site.yaml": SITE, "villages.csv": VILLAGES, "projects.csv": PROJECTS}
    )


@pytest.fixture
def errors(tmp_path: Path) -> Path:
    """``tests/data/bad/errors``: 5 errors and 1 warning (see its README)."""
    return project(tmp_path, fixture="bad/errors")


# --- exit codes -------------------------------------------------------------------------


def test_check_clean_data_exits_0(clean: Path) -> None:
    r = run(clean, "check")
    assert r.returncode == 0, r.stderr
    assert "没有发现问题" in r.stderr
    assert "Traceback" not in r.stderr


def test_check_with_warnings_only_exits_0(tmp_path: Path) -> None:
    projects = PROJECTS.replace("实施地点\n", "实施地点,审核状态\n").replace(
        "大洼村\n", "大洼村,是\n"
    )
    root = project(
        tmp_path, {"site.yaml": SITE, "villages.csv": VILLAGES, "projects.csv": projects}
    )
    r = run(root, "check")
    assert r.returncode == 0, r.stderr
    assert "L005" in r.stderr and "提醒" in r.stderr


def test_check_errors_exit_1(errors: Path) -> None:
    r = run(errors, "check")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr


def test_check_unusable_input_exits_2(tmp_path: Path) -> None:
    root = project(tmp_path, {"villages.csv": VILLAGES})  # no site.yaml, no projects
    r = run(root, "check")
    assert r.returncode == 2, r.stderr
    assert "L002" in r.stderr
    assert "Traceback" not in r.stderr


def test_check_unreadable_file_exits_2(tmp_path: Path) -> None:
    root = project(tmp_path, {"site.yaml": SITE})
    (root / "data" / "projects.csv").write_bytes(bytes(range(256)))
    r = run(root, "check")
    assert r.returncode == 2, r.stderr
    assert "L003" in r.stderr and "Traceback" not in r.stderr


def test_check_missing_data_folder_exits_2(tmp_path: Path) -> None:
    r = run(tmp_path, "check", "--data", "没有这个文件夹")
    assert r.returncode == 2, r.stderr
    assert "L001" in r.stderr and "没有这个文件夹" in r.stderr


def test_data_option_points_at_another_folder(tmp_path: Path) -> None:
    root = project(tmp_path, fixture="bad/errors")
    (root / "data").rename(root / "台账")
    r = run(root, "check", "--data", "台账", "--format", "json")
    assert r.returncode == 1, r.stderr
    files = {f["file"] for f in json.loads(r.stdout)["findings"]}
    assert files == {"台账/projects.csv", "台账/notices.yaml"}


def test_skip_option(errors: Path) -> None:
    r = run(errors, "check", "--format", "json", "--skip", "integrity")
    codes = {f["code"] for f in json.loads(r.stdout)["findings"]}
    assert codes == {"V001", "V002", "L005"}
    assert r.returncode == 1


# --- output formats ---------------------------------------------------------------------


def test_json_report_written_to_a_file(errors: Path) -> None:
    r = run(errors, "check", "--format", "json", "-o", "f.json")
    assert r.returncode == 1, r.stderr
    report = json.loads((errors / "f.json").read_text(encoding="utf-8"))
    assert report["summary"] == {"fatal": 0, "error": 5, "warning": 1}
    found = {(f["code"], f["file"], f["row"], f["column"]) for f in report["findings"]}
    assert found == {
        ("R001", "data/projects.csv", 2, "E列（实施地点）"),
        ("R002", "data/projects.csv", 4, "A列（项目编号）"),
        ("R003", "data/notices.yaml", 6, "“subject”"),
        ("V001", "data/projects.csv", 3, "G列（合同金额）"),
        ("V002", "data/projects.csv", 3, "F列（计划开工日期）"),
        ("L005", "data/projects.csv", None, "H列（审核状态）"),
    }
    for f in report["findings"]:
        assert {"code", "severity", "message", "hint", "file", "row", "column"} <= set(f)
        assert CJK.search(f["message"]) and CJK.search(f["hint"])
    # the JSON is written as UTF-8 text a person can read, not \\u escapes
    assert "实施地点" in (errors / "f.json").read_text(encoding="utf-8")


def test_json_report_on_stdout(errors: Path) -> None:
    r = run(errors, "check", "--format", "json")
    assert r.returncode == 1
    assert len(json.loads(r.stdout)["findings"]) == 6


def test_junit_report_is_valid_xml_with_one_failure_per_error(errors: Path) -> None:
    r = run(errors, "check", "--format", "junit", "-o", "findings.xml")
    assert r.returncode == 1, r.stderr
    suite = ET.parse(errors / "findings.xml").getroot()
    assert suite.tag == "testsuite"
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == 5 == int(suite.get("failures"))
    assert len(cases) == 6 == int(suite.get("tests"))
    names = " ".join(c.get("name") for c in failures)
    assert "data/projects.csv 第3行 G列（合同金额）" in names
    assert {c.get("classname") for c in failures} == {"data/projects.csv", "data/notices.yaml"}
    for c in failures:
        assert CJK.search(c.find("failure").get("message"))


def test_junit_on_clean_data_has_no_failures(clean: Path) -> None:
    r = run(clean, "check", "--format", "junit")
    assert r.returncode == 0
    suite = ET.fromstring(r.stdout)
    assert suite.get("failures") == "0" and suite.findall("testcase") == []


def test_terminal_output_is_chinese_and_names_file_and_row(errors: Path) -> None:
    r = run(errors, "check")
    out = r.stderr
    for text in (
        "找不到所指的记录",
        "金额无法识别",
        "怎么改",
        "错误",
        "提醒",
        "data/projects.csv",
        "第3行",
        "G列（合同金额）",
        "data/notices.yaml",
        "共 6 条",
    ):
        assert text in out, text


def test_terminal_output_keeps_file_paths_whole(tmp_path: Path) -> None:
    """A table split into a folder gives paths like data/projects/2018.csv; in an 80-column
    CI log the location must still be one piece a person can search for."""
    root = project(
        tmp_path,
        {
            "site.yaml": SITE,
            "villages.csv": VILLAGES,
            "projects/2018.csv": "项目编号,年度,项目名称,乡镇,实施地点\n"
            "JL2018-001,2018,大洼村道路硬化,金岭镇,中洼村\n",
        },
    )
    r = run(root, "check")
    assert r.returncode == 1
    assert "data/projects/2018.csv" in r.stderr, r.stderr


# --- the entry point and help -----------------------------------------------------------


def test_gongshi_entry_point_runs_check(errors: Path) -> None:
    r = run(errors, "check", "--format", "json", exe=gongshi_exe())
    assert r.returncode == 1
    assert len(json.loads(r.stdout)["findings"]) == 6


def test_help_shows_examples(tmp_path: Path) -> None:
    r = run(tmp_path, "--help", exe=gongshi_exe())
    assert r.returncode == 0
    assert "例" in r.stdout and "gongshi check" in r.stdout
    for command in ("check", "build", "serve"):
        assert command in r.stdout


@pytest.mark.parametrize("command", ["check", "build", "serve"])
def test_each_command_help_shows_an_example(tmp_path: Path, command: str) -> None:
    r = run(tmp_path, command, "--help")
    assert r.returncode == 0, r.stderr
    assert "例" in r.stdout and f"gongshi {command}" in r.stdout
    assert "--data" in r.stdout
    assert not (tmp_path / "site").exists()  # help does nothing else


def test_unknown_option_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    r = run(tmp_path, "check", "--format", "pdf")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "pdf" in r.stderr


def test_an_unwritable_output_file_is_a_message_not_a_traceback(tmp_path):
    from click.testing import CliRunner

    from generator.cli import main

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", "utf-8")
    run = CliRunner().invoke(
        main,
        [
            "check",
            "--data",
            str(TEST_DATA / "tiny"),
            "--format",
            "json",
            "-o",
            str(blocker / "x.json"),
        ],
    )
    assert run.exit_code == 2, run.output
    assert "Traceback" not in run.output and "无法写入结果文件" in run.output
