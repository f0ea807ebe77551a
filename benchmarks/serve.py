"""How long ``gongshi serve`` takes to show an edited cell: ``bash benchmarks/run --serve
[demo|small|county] [--rounds N]`` (issue 20, goal 3: ≤ 5 s on the demo, ≤ 20 s on a county).

It starts the real ``gongshi serve`` on a copy of the project (the demo's ``data/``, or the
synthetic project ``bench.py`` left in ``$GONGSHI_BENCH_DIR``, with its ``.gongshi/``), waits
for the first project's page, then renames that project ``N`` times, as a cadre fixing a
typo saves the file, and times each save until the page served over HTTP shows the new
name. It also counts MkDocs' rebuilds: one per save is the goal.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import bench  # noqa: E402


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8")
    except (OSError, urllib.error.URLError):
        return None


def _wait(what: Callable[[], object], limit: float, step: float = 0.05) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if what():
            return True
        time.sleep(step)
    return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scratch(project: Path, path: Path) -> Path:
    """Where an edit is written before it replaces ``path``: outside ``data/``."""
    folder = project / ".gongshi"
    folder.mkdir(exist_ok=True)
    return folder / f"serve-edit{path.suffix}"


def demo_project(where: Path) -> tuple[Path, Callable[[str], tuple[str, str]]]:
    """A copy of the repository's demo; the edit renames the first project of a YAML file."""
    project = bench.make_project(where)
    shutil.copytree(REPO / "data", project / "data")
    source = project / "data" / "projects" / "2019.yaml"

    def edit(suffix: str) -> tuple[str, str]:
        text = source.read_text("utf-8")
        pid = re.search(r"^- id: (\S+)", text, re.M)
        name = re.search(r"^  name: (\S+?)(（更正\d*）)?$", text, re.M)
        assert pid and name, "the demo's 2019.yaml starts with a project's id and name"
        new = name.group(1) + suffix
        tmp = _scratch(project, source)
        tmp.write_text(text[: name.start(1)] + new + text[name.end() :], "utf-8")
        os.replace(tmp, source)
        return pid.group(1), new

    return project, edit


def synthetic_project(size: str, base: Path) -> tuple[Path, Callable[[str], tuple[str, str]]]:
    """The synthetic project ``bench.py`` built (made here if missing); the edit renames the
    first project of the first workbook."""
    import openpyxl
    import synth

    project = base / size
    if not (project / "data").is_dir():
        project = bench.make_project(project)
        synth.generate(project / "data", synth.SIZES[size])

    def edit(suffix: str) -> tuple[str, str]:
        path = sorted((project / "data" / "projects").glob("*.xlsx"))[0]
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        head = [c.value for c in ws[1]]
        cell = ws.cell(row=2, column=head.index("项目名称") + 1)
        pid = str(ws.cell(row=2, column=head.index("项目编号") + 1).value)
        new = re.sub(r"(（更正\d*）)+$", "", str(cell.value)) + suffix
        cell.value = new
        tmp = _scratch(project, path)  # saved whole, as an office program does:
        wb.save(tmp)  # openpyxl takes seconds to write 2,000 rows, which are not serve's
        os.replace(tmp, path)
        return pid, new

    return project, edit


def measure(project: Path, edit: Callable[[str], tuple[str, str]], rounds: int) -> dict:
    port = _free_port()
    log_path = project / ".gongshi" / "serve-bench.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", GONGSHI_PROGRESS="off")
    pid, _ = edit("")  # the name without this script's earlier suffixes, before serve starts
    url = f"http://127.0.0.1:{port}/projects/{pid}/"
    t0 = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(port)],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def said() -> str:
        return log_path.read_text("utf-8", errors="replace")

    took = []
    try:
        if not _wait(lambda: _get(url), 3600, 0.5):
            raise SystemExit(f"serve did not start:\n{said()[-3000:]}")
        started = time.monotonic() - t0
        _wait(lambda: "Serving on" in said(), 60)
        for k in range(1, rounds + 1):
            builds = said().count("Documentation built")
            _, name = edit(f"（更正{k}）")
            t = time.monotonic()  # from the moment the saved file is in place
            if not _wait(lambda n=name: n in (_get(url) or ""), 600):
                raise SystemExit(f"the edit did not show:\n{said()[-3000:]}")
            took.append(time.monotonic() - t)
            time.sleep(3)  # a second rebuild, if any, has started by now
            _wait(lambda b=builds: said().count("Documentation built") > b, 60)
        rebuilds = said().count("Documentation built") - 1  # the first is the start
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    return {
        "start_s": started,
        "shown_s": took,
        "median_s": statistics.median(took),
        "rebuilds": rebuilds,
        "saves": rounds,
        "pages": len(list((project / "content").rglob("*.md"))),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("size", nargs="?", default="demo", choices=["demo", "small", "county"])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    base = Path(os.environ.get("GONGSHI_BENCH_DIR", "/tmp/gongshi-bench"))
    if args.size == "demo":
        project, edit = demo_project(base / "serve-demo")
    else:
        project, edit = synthetic_project(args.size, base)
    r = measure(project, edit, args.rounds)
    shown = ", ".join(f"{s:.1f}" for s in r["shown_s"])
    print(
        f"gongshi serve, {args.size} ({r['pages']:,} pages), {time.strftime('%Y-%m-%d')} on "
        f"{bench.machine()}: started in {r['start_s']:.0f} s; each save shown after "
        f"{shown} s (median {r['median_s']:.1f} s); {r['rebuilds']} MkDocs rebuilds for "
        f"{r['saves']} saves."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
