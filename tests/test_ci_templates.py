"""The CI files a county copies (``.github/workflows/gongshi.yml``, ``.gitlab-ci.yml``) are
valid, rebuild on a data change, and their shell steps really work: each ``run:``/``script``
is executed here, in a temporary county project, exactly as the CI runner would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import REPO, TEST_DATA, make_project

GITHUB = REPO / ".github" / "workflows" / "gongshi.yml"
GITLAB = REPO / ".gitlab-ci.yml"
TINY = TEST_DATA / "tiny"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


def github_steps(job: str) -> dict[str, str]:
    """Step name → its ``run:`` script, for one job of the GitHub workflow."""
    steps = load(GITHUB)["jobs"][job]["steps"]
    return {s["name"]: s["run"] for s in steps if "run" in s}


def sh(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a CI step with bash -e, with gongshi on PATH as after ``pip install -e .``."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    full = dict(os.environ, PATH=path, NO_MKDOCS_2_WARNING="1", **env)
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=full, capture_output=True, text=True, timeout=900
    )


def province(root: Path) -> Path:
    """A repository with two counties: data/北县/ and data/南县/."""
    project = make_project(root)
    for name in ("北县", "南县"):
        shutil.copytree(
            TINY, project / "data" / name, ignore=shutil.ignore_patterns("expected.json")
        )
    return project


# --- the files themselves --------------------------------------------------------------


def test_github_workflow_rebuilds_on_a_data_push_and_builds_counties_as_a_matrix():
    wf = load(GITHUB)
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as true
    assert "data/**" in on["push"]["paths"]
    build = wf["jobs"]["build"]
    assert build["needs"] == "counties"
    assert "fromJSON(needs.counties.outputs.list)" in build["strategy"]["matrix"]["county"]
    assert build["strategy"]["fail-fast"] is False  # one county's bad data stops no other
    names = [s.get("name", s.get("uses", "")) for s in build["steps"]]
    assert names.index("检查数据") < names.index("生成网站并扫描")
    uses = [s.get("uses", "") for s in wf["jobs"]["publish"]["steps"]]
    assert any(u.startswith("actions/upload-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)


def test_gitlab_pipeline_checks_builds_and_publishes_pages():
    ci = load(GITLAB)
    assert ci["stages"] == ["check", "build", "publish"]
    assert ci["check"]["artifacts"]["reports"]["junit"] == "findings.xml"
    assert "data/**/*" in ci[".on_data_change"]["rules"][1]["changes"]
    assert ci["build"]["artifacts"]["paths"] == ["out/"]
    assert ci["pages"]["artifacts"]["paths"] == ["public/"]


# --- the steps, run here ---------------------------------------------------------------


def test_github_county_list_step(tmp_path):
    script = github_steps("counties")["列出要生成的县"]
    single = make_project(tmp_path / "one", TINY)
    out = tmp_path / "out1"
    assert sh(script, single, GITHUB_OUTPUT=str(out)).returncode == 0
    assert out.read_text("utf-8") == 'list=["."]\n'

    many = province(tmp_path / "many")
    out = tmp_path / "out2"
    assert sh(script, many, GITHUB_OUTPUT=str(out)).returncode == 0
    assert out.read_text("utf-8") == 'list=["北县","南县"]\n'


def test_github_check_step_annotates_the_offending_file_and_line(tmp_path):
    project = make_project(tmp_path / "county", TINY)
    funding = project / "data" / "project_funding" / "tiny.csv"
    text = funding.read_text("utf-8")
    assert '"400,000.00"' in text.splitlines()[1]
    funding.write_text(text.replace('"400,000.00"', "四十万", 1), "utf-8")

    done = sh(github_steps("build")["检查数据"], project, COUNTY=".", GITHUB_ACTIONS="true")

    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=data/project_funding/tiny.csv,line=2," in done.stdout, done.stdout
    assert (project / "findings.xml").read_text("utf-8").count("<testcase") >= 1


def test_github_build_step_builds_one_county_of_a_province(tmp_path):
    project = province(tmp_path / "many")
    steps = github_steps("build")
    checked = sh(steps["检查数据"], project, COUNTY="南县")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    built = sh(steps["生成网站并扫描"], project, COUNTY="南县")

    assert built.returncode == 0, built.stdout + built.stderr
    assert (project / "out" / "南县" / "index.html").is_file()
    assert (project / "out" / "南县" / "projects" / "TY2020-001" / "index.html").is_file()
    assert not (project / "out" / "北县").exists()  # the other county is another job
    assert not (project / "content" / "projects").exists()  # the shared content/ untouched


def test_gitlab_build_and_pages_scripts_publish_the_site(tmp_path):
    ci = load(GITLAB)
    project = make_project(tmp_path / "county", TINY)
    check = sh("\n".join(ci["check"]["script"]), project, COUNTY=".")
    assert check.returncode == 0, check.stdout + check.stderr
    assert (project / "findings.xml").is_file()

    built = sh("\n".join(ci["build"]["script"]), project, COUNTY=".")
    assert built.returncode == 0, built.stdout + built.stderr
    published = sh("\n".join(ci["pages"]["script"]), project)
    assert published.returncode == 0
    index = (project / "public" / "index.html").read_text("utf-8")
    assert "青山" in index


# --- the daily scheduled build (issue 17): statuses roll over without a data commit ------


def _beijing_today():
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone(timedelta(hours=8))).date()


def _dated(env_file: Path):
    """The rules' "today" that a SOURCE_DATE_EPOCH line written by a CI step gives."""
    from generator.model.siteconfig import Site
    from generator.pipeline import as_of

    lines = [x for x in env_file.read_text("utf-8").splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("SOURCE_DATE_EPOCH=")
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = lines[0].split("=", 1)[1]
    try:
        return as_of(Site(), TINY)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def test_github_workflow_builds_daily_and_dates_the_scheduled_build_today(tmp_path):
    wf = load(GITHUB)
    on = wf.get("on", wf.get(True))
    cron = on["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[2:] == ["*", "*", "*"]  # every day of every month
    step = github_steps("build")["定时更新：以今天为数据日期"]
    names = [s.get("name", "") for s in wf["jobs"]["build"]["steps"]]
    assert names.index("定时更新：以今天为数据日期") < names.index("检查数据")

    env_file = tmp_path / "env"
    env_file.write_text("", "utf-8")
    pushed = sh(step, tmp_path, GITHUB_EVENT_NAME="push", GITHUB_ENV=str(env_file))
    assert pushed.returncode == 0 and env_file.read_text("utf-8") == ""  # a push keeps its date
    daily = sh(step, tmp_path, GITHUB_EVENT_NAME="schedule", GITHUB_ENV=str(env_file))
    assert daily.returncode == 0, daily.stderr
    assert _dated(env_file) == _beijing_today()


def test_gitlab_pipeline_runs_on_a_schedule_and_dates_it_today(tmp_path):
    ci = load(GITLAB)
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in ci[".on_data_change"]["rules"]
    assert any("schedule" in r.get("if", "") for r in ci["pages"]["rules"])
    line = next(x for x in ci["default"]["before_script"] if "SOURCE_DATE_EPOCH" in x)
    env_file = tmp_path / "env"
    script = line + '\necho "SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-}" > ' + str(env_file)
    assert sh(script, tmp_path, CI_PIPELINE_SOURCE="schedule").returncode == 0
    assert _dated(env_file) == _beijing_today()
    assert sh(script, tmp_path, CI_PIPELINE_SOURCE="push", SOURCE_DATE_EPOCH="").returncode == 0
    assert env_file.read_text("utf-8").strip() == "SOURCE_DATE_EPOCH="


# --- the .gongshi/ cache (issue 20): a one-record commit builds warm -------------------


def test_github_build_restores_and_saves_the_work_folder_per_county():
    steps = load(GITHUB)["jobs"]["build"]["steps"]
    names = [s.get("name", "") for s in steps]
    restore = steps[names.index("恢复 .gongshi/ 缓存")]
    save = steps[names.index("保存 .gongshi/ 缓存")]
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@")
    assert names.index("恢复 .gongshi/ 缓存") < names.index("检查数据")
    assert names.index("生成网站并扫描") < names.index("保存 .gongshi/ 缓存")
    assert save["if"] == "always()"  # a failed build's work is still worth keeping
    assert restore["with"]["path"] == save["with"]["path"] == ".gongshi/"
    key = restore["with"]["key"]
    assert key == save["with"]["key"]
    assert "${{ matrix.county }}" in key and key.endswith("${{ github.sha }}")
    assert "mkdocs.yml" in key and "site_templates/**" in key and "pyproject.toml" in key
    fallbacks = restore["with"]["restore-keys"].splitlines()
    # newest entry with the same versions and theme first, then the county's newest at all
    assert fallbacks[0] == key.removesuffix("${{ github.sha }}")
    assert fallbacks[1] == "gongshi-${{ runner.os }}-${{ matrix.county }}-"
    assert all(key.startswith(f) for f in fallbacks)


def test_gitlab_build_caches_the_work_folder_per_county():
    cache = load(GITLAB)["build"]["cache"]
    assert cache["paths"] == [".gongshi/"]
    assert "$COUNTY" in cache["key"]
    assert cache["when"] == "always"


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_a_stale_restored_work_folder_gives_the_same_site_as_a_cold_build(tmp_path):
    """What CI does after a one-record commit: the cache of the previous commit is restored
    into a fresh checkout. The site must be byte for byte a cold build's."""
    ci = load(GITLAB)
    script = "\n".join(ci["build"]["script"])
    before = make_project(tmp_path / "before", TINY)
    assert sh(script, before, COUNTY=".").returncode == 0
    assert (before / ".gongshi").is_dir()

    def one_record_commit(project: Path) -> None:
        source = project / "data" / "projects" / "tiny.yaml"
        text = source.read_text("utf-8")
        assert "青山村道路硬化项目" in text
        source.write_text(text.replace("青山村道路硬化项目", "青山村道路拓宽项目", 1), "utf-8")

    warm = make_project(tmp_path / "warm", TINY)
    one_record_commit(warm)
    shutil.copytree(before / ".gongshi", warm / ".gongshi")  # the restored cache
    cold = make_project(tmp_path / "cold", TINY)
    one_record_commit(cold)

    built = sh(script, warm, COUNTY=".")
    assert built.returncode == 0, built.stdout + built.stderr
    assert sh(script, cold, COUNTY=".").returncode == 0
    warm_site, cold_site = _site_files(warm / "out"), _site_files(cold / "out")
    assert warm_site.keys() == cold_site.keys()
    differ = [name for name in warm_site if warm_site[name] != cold_site[name]]
    assert differ == []
    assert "青山村道路拓宽项目" in warm_site["projects/TY2020-001/index.html"].decode()
