"""Publishing under concurrency, kills and odd deployments (issue 16, items 1–4 and the
unwritable output of item 14): real ``python -m generator build`` processes, killed with
SIGKILL at each stage, then a normal build; ``site/`` must end complete every time."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import swap
from generator.errors import BuildError
from generator.pipeline import build, build_counties
from tests.conftest import TEST_DATA, make_project

STAGES_WITH_HOOK = ("locked", "checked", "swap", "published")


def files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def assert_complete(site: Path, reference: dict[str, bytes]) -> None:
    """Every page the search index names is there, and the site is the
    reference build file for file (same data gives the same bytes)."""
    assert site.is_dir(), f"{site} is missing"
    index = json.loads((site / "search/search_index.json").read_bytes())
    for doc in index["docs"]:
        loc = doc["location"].split("#")[0]
        assert (site / loc / "index.html").is_file() or (site / loc).is_file(), loc
    assert len(index["docs"]) >= 20
    assert (site / "sitemap.xml").is_file()
    now = files(site)
    assert sorted(now) == sorted(reference)
    assert now == reference


def hidden(parent: Path, name: str = "site") -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    project = make_project(tmp_path_factory.mktemp("published"), TEST_DATA / "tiny")
    result = build(project, project / "data", project / "site", allow_findings=True)
    assert result.published
    return project, files(project / "site")


@pytest.fixture
def project(built, tmp_path) -> Path:
    copy = tmp_path / "county"
    shutil.copytree(built[0], copy, symlinks=True)
    return copy


def cli(project: Path, *args: str, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--allow-findings", *args],
        cwd=project,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kw,
    )


def run_cli(project: Path, *args: str) -> tuple[int, str]:
    proc = cli(project, *args)
    out, err = proc.communicate(timeout=300)
    assert "Traceback" not in out + err, out + err
    return proc.returncode, out + err


def wait_for(check, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_two_builds_at_once_end_with_one_complete_site_and_one_refusal(project, built):
    shutil.rmtree(project / "site")  # the worst case of issue 16.1: nothing published yet
    procs = [cli(project), cli(project)]
    outputs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    text = "".join(o + e for o, e in outputs)
    assert codes == [0, 2], text
    assert "另一个 gongshi build 正在生成" in text
    assert "不用删除锁文件" in text
    assert "Traceback" not in text
    assert_complete(project / "site", built[1])
    assert hidden(project) == [".site.lock"]


@pytest.mark.parametrize("stage", [*STAGES_WITH_HOOK, "mkdocs"])
def test_a_build_killed_at_any_stage_keeps_a_complete_site(project, built, stage, tmp_path):
    """SIGKILL to the build and its MkDocs processes at each stage: ``site/`` is complete
    right after the kill (the switch is atomic), and the next normal build publishes."""
    (project / "data/site.yaml").write_text(
        (project / "data/site.yaml").read_text("utf-8").replace("name: ", "name: 灵鹊", 1), "utf-8"
    )
    paused = tmp_path / "paused"
    env = {swap.PAUSE_AT: stage, swap.PAUSE_FILE: str(paused)}
    proc = cli(project, env=env)
    if stage == "mkdocs":  # real timing: kill while MkDocs is writing the temporary folder
        wait_for(lambda: any(project.glob(".site.new-*/*/index.html")))
    else:
        wait_for(paused.exists)
        assert paused.read_text("utf-8") == stage
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    site = project / "site"
    changed = stage in ("swap", "published")
    assert site.is_dir()
    assert ("灵鹊" in (site / "index.html").read_text("utf-8")) == changed
    assert (site / "search/search_index.json").is_file()

    code, out = run_cli(project)
    assert code == 0, out
    assert "另一个" not in out  # the dead build's lock was released by the OS
    assert "灵鹊" in (site / "index.html").read_text("utf-8")
    assert hidden(project) == [".site.lock"]
    # the same data again: byte for byte what a clean build gives
    (project / "data/site.yaml").write_text(
        (built[0] / "data/site.yaml").read_text("utf-8"), "utf-8"
    )
    assert run_cli(project)[0] == 0
    assert_complete(site, built[1])


def test_a_kill_between_the_two_renames_of_the_fallback_swap_is_recovered(project, built):
    """Where the atomic exchange is missing, two renames with a journal: a kill between
    them leaves no ``site/`` for a moment; the next build, even a failing one, restores it."""
    site = project / "site"
    paused = project / "paused"
    script = (
        "import shutil, sys\n"
        "from generator.build import swap\n"
        "out = swap.output(sys.argv[1])\n"
        "new = out.temp('new')\n"
        "shutil.copytree(out.target, new)\n"
        "(new / 'marker').write_text('new')\n"
        "swap.swap_in(new, out, exchange=False)\n"
    )
    env = {**os.environ, swap.PAUSE_AT: "swap", swap.PAUSE_FILE: str(paused)}
    proc = subprocess.Popen([sys.executable, "-c", script, str(site)], env=env)
    wait_for(paused.exists)
    proc.kill()
    proc.wait(timeout=30)
    assert not site.exists()  # the state of issue 16.2
    assert (project / ".site.swap").is_file()

    (project / "data/site.yaml").unlink()  # the next build fails: it must restore anyway
    code, out = run_cli(project)
    assert code == 2
    assert (site / "marker").read_text() == "new"  # the checked new site, finished
    assert hidden(project) == [".site.lock"]


def test_an_older_gongshis_interrupted_swap_is_restored_by_a_failing_build(project, built):
    site = project / "site"
    site.rename(project / ".site.old")
    (project / ".site.new").mkdir()  # half written, never to be published
    (project / "data/site.yaml").unlink()
    code, out = run_cli(project)
    assert code == 2
    assert "已恢复原网站" in out
    assert_complete(site, built[1])
    assert hidden(project) == [".site.lock"]


def test_a_symlinked_site_is_written_through_and_stays_a_link(project, built, tmp_path):
    webroot = tmp_path / "www" / "html"
    webroot.mkdir(parents=True)
    (webroot / "old.html").write_text("old")
    site = project / "site"
    shutil.rmtree(site)
    site.symlink_to(webroot, target_is_directory=True)
    for _ in range(2):  # the second build crashed with "rmtree on a symbolic link" (16.3)
        code, out = run_cli(project)
        assert code == 0, out
        assert site.is_symlink() and site.resolve() == webroot.resolve()
        assert_complete(webroot, built[1])
    assert hidden(webroot.parent, "html") == [".html.lock"]  # temps beside the target
    assert not list(project.glob(".site.new*")) and not list(project.glob(".site.old*"))


@pytest.mark.parametrize("where", ["data", "content", "site_templates", ".", "..", "data/x"])
def test_an_output_over_the_data_pages_templates_or_project_is_refused(project, where):
    before = files(project / "data")
    code, out = run_cli(project, "--site", where)
    assert code == 2
    assert "生成错误" in out and "所以没有生成" in out
    assert files(project / "data") == before
    assert (project / "content/about.md").is_file() or any((project / "content").iterdir())
    assert (project / "site_templates/overrides/main.html").is_file()


def test_county_names_that_leave_the_site_folder_are_refused(project):
    before = files(project / "data")
    with pytest.raises(BuildError, match="不是一个文件夹名"):
        list(build_counties(project, project / "data", project / "site", ["../data"]))
    code, out = run_cli(project, "--county", "../data")
    assert code == 2, out
    assert files(project / "data") == before


@pytest.mark.parametrize("where", ["/proc/gongshi-site", "data/site.yaml/site", "/proc/1/site"])
def test_an_unwritable_output_is_a_chinese_message(project, where):
    code, out = run_cli(project, "--site", where)
    assert code == 2, out
    assert "生成错误" in out
    assert "Traceback" not in out


def test_an_output_that_is_a_file_is_refused(project):
    with pytest.raises(BuildError, match="不是文件夹"):
        build(project, project / "data", project / "mkdocs.yml")


def test_the_completeness_check_names_a_missing_page(project, built):
    site = project / "site"
    assert swap.missing_pages(site, project / "content", ["projects"], home=True) == []
    page = next((site / "projects").glob("*/index.html"))
    page.unlink()
    missing = swap.missing_pages(site, project / "content", ["projects"], home=True)
    assert page.parent.relative_to(site).as_posix() in " ".join(missing)
