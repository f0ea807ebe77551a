"""Progress while people wait (issue 20): a bar on a terminal, plain lines in a log, and
log lines never broken inside a word. The piped case runs the real ``gongshi`` command as
a subprocess with its stderr a pipe, as a CI runner does; the terminal case draws the real
``rich`` bar on a ``Console`` forced to be a terminal."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import TEST_DATA, make_project
from rich.console import Console

from generator import cores
from generator import progress as P
from generator.pipeline import check

TINY = TEST_DATA / "tiny"
ANSI = re.compile(r"\x1b\[")


def gongshi(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``gongshi`` as a CI runner starts it: stdout and stderr are pipes, no terminal."""
    full = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env)
    full.pop("GONGSHI_PROGRESS", None)
    full.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        env=full,
        capture_output=True,
        text=True,
        timeout=600,
    )


def assert_whole_lines(err: str, project: Path) -> None:
    """Every finding's message and hint stands whole on one line of ``err``: nothing is
    hard-wrapped at 80 columns (``alloc`` / ``ations``, ``20`` / ``18年``)."""
    report = check(project / "data").report
    texts = {f.message for f in report.findings} | {f.hint for f in report.findings}
    long = [t for t in texts if len(t) > 80]
    assert long, "the data must give findings longer than a terminal line"
    lines = err.splitlines()
    for text in texts:
        assert any(text in line for line in lines), f"broken across lines: {text}"
    assert "（allocations）" in err  # the word the issue saw cut in two


def test_check_piped_prints_every_finding_on_one_line(tmp_path):
    project = make_project(tmp_path / "county", TINY)
    done = gongshi(project, "check")
    assert done.returncode == 0, done.stderr
    assert_whole_lines(done.stderr, project)
    assert not ANSI.search(done.stderr) and "\r" not in done.stderr


def test_build_piped_prints_stage_progress_lines_and_no_bar(tmp_path):
    project = make_project(tmp_path / "county", TINY)
    pages = sum(1 for _ in (project / "content").rglob("*.md"))
    # a line at most every 0.2 s (default 5 s: the tiny county is built in seconds)
    done = gongshi(project, "build", GONGSHI_PROGRESS_SECONDS="0.2")
    err = done.stderr
    assert done.returncode == 0, err

    assert not ANSI.search(err), "a bar or colours were drawn into a log"
    assert "\r" not in err
    assert_whole_lines(err, project)
    mkdocs = re.findall(r"^MkDocs 写出页面：(\d+)/(\d+) 页（\d+%），已用 .+$", err, re.M)
    assert mkdocs, err
    assert all(int(total) > pages for _, total in mkdocs)  # the rendered pages too
    assert re.search(r"^MkDocs 写出页面：完成 \d+ 页，用时 ", err, re.M), err
    # the stage log lines are still there, in order, each once
    order = ["读取并检查数据：", "生成页面：改写", "MkDocs 生成网站", "MkDocs 生成完成", "已发布到"]
    at = [err.index(s) for s in order]
    assert at == sorted(at)


def test_a_terminal_gets_a_bar_with_counts_and_time_left(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GONGSHI_PROGRESS", raising=False)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system="standard")
    shown = P.for_console(console)
    assert isinstance(shown, P.Bar)
    threads = threading.active_count()

    with shown.task("MkDocs 写出页面", total=40, unit="页") as task:
        for n in range(1, 41):
            task.set(n)
            if n == 20:
                # no refresh thread: the load and render stages fork only without threads
                assert threading.active_count() == threads
                assert cores.can_fork() == (threads == 1 and (os.cpu_count() or 1) >= 2)
                shown._draw(force=True)
    drawn = out.getvalue()

    assert "MkDocs 写出页面" in drawn
    assert "20/40" in drawn and "还需" in drawn and "━" in drawn
    assert "\x1b[2K" in drawn or "\x1b[1A" in drawn  # redrawn in place (and erased: transient)
    assert threading.active_count() == threads


def test_a_pipe_gets_lines_and_ci_always_does(monkeypatch):
    piped = Console(file=io.StringIO())
    assert isinstance(P.for_console(piped), P.Lines)
    monkeypatch.setenv("CI", "true")
    terminal = Console(file=io.StringIO(), force_terminal=True)
    assert isinstance(P.for_console(terminal), P.Lines)
    monkeypatch.setenv("GONGSHI_PROGRESS", "off")
    assert P.for_console(terminal) is P.SILENT


def test_lines_say_count_share_and_time_and_stay_silent_for_short_steps():
    written: list[str] = []
    often = P.Lines(written.append, every=0)
    with often.task("生成页面", total=4, unit="个文件") as task:
        for _ in range(4):
            task.advance()
    assert written[0].startswith("生成页面：1/4 个文件（25%），已用 ")
    assert written[-1].startswith("生成页面：完成 4 个文件，用时 ")
    assert all("\n" not in w and "\r" not in w for w in written)

    quiet: list[str] = []
    rarely = P.Lines(quiet.append, every=3600)
    with rarely.task("生成页面", total=4) as task:
        task.advance(4)
    assert quiet == []  # a step shorter than the interval: the stage's own log line says it


def test_time_left_is_not_guessed_from_a_first_burst_of_counts():
    """MkDocs' processes report their pages in bursts: the first count the build saw was 66
    of 9,939 pages, after 44 s of start-up, and the log said 约还需 0 秒 at 0%."""
    written: list[str] = []
    lines = P.Lines(written.append, every=0)
    with lines.task("MkDocs 写出页面", total=9939, unit="页") as task:
        task.set(66)
        assert "约还需" not in written[-1]  # one count seen: no rate yet
        task.first = (task.first[0] - 10.0, task.first[1])  # 10 s later …
        task.set(166)  # … 100 more pages: 10 pages a second
        left = task.remaining()
        assert left is not None and 970 < left < 980  # (9939 - 166) / 10


def test_a_forked_child_counts_too():
    if not cores.can_fork():
        pytest.skip("needs fork and a second core")
    seen: list[int] = []

    class Watch(P.Progress):
        draws = True

        def _show(self, task: P.Task) -> None:
            seen.append(task.completed)

    task = Watch().task("读取数据文件", total=10)
    with cores.beside(lambda: [task.advance() for _ in range(6)] and os.getpid()) as theirs:
        child = theirs()
    task.advance()
    assert child != os.getpid()
    assert task.completed == 7
    assert seen == [7]  # only the process that opened the task draws
