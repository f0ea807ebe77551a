"""Publishing under concurrency, kills and odd deployments (issue 16, items 1–4 and the
unwritable output of item 14): real ``python -m generator build`` processes, killed with
SIGKILL at each stage, then a normal build; ``site/`` must end complete every time."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

import pytest

from generator.build import swap, theme_js
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
        loc = unquote(doc["location"].split("#")[0])  # townships/白水镇/ is written %E7…
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


def cli(project: Path, *args: str, env: dict | None = None, allow: bool = True) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", *(["--allow-findings"] * allow), *args],
        cwd=project,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def run_cli(project: Path, *args: str, allow: bool = True) -> tuple[int, str]:
    proc = cli(project, *args, allow=allow)
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


# --- injection and outside hosts (issue 16, items 5–8) -----------------------------------

MATERIAL = Path(__import__("material").__file__).parent / "templates"
OVERRIDES = Path(__file__).resolve().parent.parent / "site_templates" / "overrides"
_RAW_SITE_NAME = re.compile(r"\{\{[^}]*config\.site_name(?![^}]*\|\s*e\b)[^}]*\}\}")


def test_every_material_template_printing_the_site_name_is_overridden():
    """Material prints ``config.site_name`` raw; each template that does is overridden
    with the name escaped (a Material upgrade that adds one fails here)."""
    raw = sorted(
        p.relative_to(MATERIAL).as_posix()
        for p in MATERIAL.rglob("*.html")
        if _RAW_SITE_NAME.search(p.read_text("utf-8"))
    )
    assert "partials/header.html" in raw  # the check sees what it is meant to see
    # base.html prints it only in the htmltitle block, which main.html replaces
    main = (OVERRIDES / "main.html").read_text("utf-8")
    assert "{% block htmltitle %}" in main and not _RAW_SITE_NAME.search(main)
    for rel in raw:
        if rel == "base.html":
            continue
        override = OVERRIDES / rel
        assert override.is_file(), f"{rel} prints the site name raw and is not overridden"
        text = override.read_text("utf-8")
        assert not _RAW_SITE_NAME.search(text), rel
        assert "config.site_name | e" in text, rel
        assert 'title="{{ config.site_name' not in text, rel  # content.tooltips: innerHTML


@pytest.mark.parametrize(
    "value, ok",
    [
        ("https://fupin.example.gov.cn/", True),
        ("http://127.0.0.1:8000/", True),
        ("javascript:alert(1)", False),
        ("JavaScript://%0aalert(1)", False),
        ("data:text/html,<script>", False),
        ("ftp://fupin.example.gov.cn/", False),
        ("//fupin.example.gov.cn/", False),
        ('https://a.cn/"><script>alert(1)</script>', False),
    ],
)
def test_base_url_is_http_or_https_or_a_chinese_finding(tmp_path, value, ok):
    from generator.pipeline import check

    data = shutil.copytree(TEST_DATA / "tiny", tmp_path / "data")
    site = (data / "site.yaml").read_text("utf-8") + f"base_url: {json.dumps(value)}\n"
    (data / "site.yaml").write_text(site, "utf-8")
    found = [f for f in check(data).report.findings if f.code == "L008"]
    if ok:
        assert found == []
    else:
        assert len(found) == 1 and found[0].severity == "error"
        assert "base_url 应以 http:// 或 https:// 开头" in found[0].message or "不能有" in (
            found[0].message
        )


def test_links_in_site_yaml_are_http_or_https(tmp_path):
    from generator.pipeline import check

    data = shutil.copytree(TEST_DATA / "tiny", tmp_path / "data")
    site = (data / "site.yaml").read_text("utf-8") + "links:\n  - javascript:alert(1)\n"
    (data / "site.yaml").write_text(site, "utf-8")
    found = check(data).report.findings
    assert [f.code for f in found if "links 只能写" in f.message] == ["L008"]


def test_a_javascript_base_url_stops_the_build_before_mkdocs(project):
    path = project / "data/site.yaml"
    path.write_text(path.read_text("utf-8") + "base_url: javascript:alert(1)\n", "utf-8")
    before = files(project / "site")
    code, out = run_cli(project, allow=False)
    assert code == 1, out  # a finding at error level (with --allow-findings: dropped)
    assert "base_url 应以 http:// 或 https:// 开头" in out
    assert "MkDocs" not in out
    assert files(project / "site") == before


FORMULAS = [
    '=HYPERLINK("http://x.example/","点我")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_csv_downloads_neutralise_formulas_and_keep_numbers(project):
    import csv
    import io

    import yaml

    path = project / "data/projects/tiny.yaml"
    records = yaml.safe_load(path.read_text("utf-8"))
    for record, formula in zip(records, FORMULAS, strict=False):
        record["content"] = formula
    records[0]["implementer"] = FORMULAS[3]
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), "utf-8")
    result = build(project, project / "data", project / "site", allow_findings=True)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    raw = (project / "site/downloads/projects.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    contents = [r["建设内容及规模"] for r in rows]
    for formula in FORMULAS[: len(records)]:
        assert "'" + formula in contents
    assert not [c for c in contents if c[:1] in "=+-@\t\r"]
    assert rows[0]["实施单位"] == "'" + FORMULAS[3]
    money = [k for k in rows[0] if k.endswith("(元)")]
    assert money
    for r in rows:
        for k in money:
            assert r[k] == "" or re.fullmatch(r"\d+\.\d\d", r[k]), (k, r[k])
    doc = json.loads((project / "site/downloads/projects.json").read_text("utf-8"))
    assert FORMULAS[0] in [r["content"] for r in doc["rows"]]  # JSON keeps the text as typed
    page = (project / "site/downloads/index.html").read_text("utf-8")
    assert "防公式注入" in page and "OWASP" in page


def test_the_built_bundle_loads_nothing_from_unpkg(built):
    project, _ = built
    js = project / "site/assets/javascripts"
    bundle = next(js.glob("bundle.*.min.js")).read_text("utf-8")
    assert "unpkg.com" not in bundle
    assert 'new URL("resize-observer.js"' in bundle
    assert (js / "resize-observer.js").is_file()
    original = next((MATERIAL / "assets/javascripts").glob("bundle.*.min.js"))
    assert "https://unpkg.com/resize-observer-polyfill" in original.read_text("utf-8")
    # content.tooltips: both innerHTML sinks of title text are made text (16.5)
    assert theme_js.text_tooltips(original.read_text("utf-8"))[1] == 2
    assert theme_js.text_tooltips(bundle)[1] == 0
    assert "document.createTextNode(" in bundle


def test_the_scan_flags_an_unpkg_url_in_any_js_file(project):
    from generator.scan import scan

    site = project / "site"
    assert [f for f in scan(site) if f.code == "S002"] == []
    original = next((MATERIAL / "assets/javascripts").glob("bundle.*.min.js"))
    shutil.copy2(original, site / "assets/javascripts" / original.name)
    (site / "assets/javascripts/extra.js").write_text(
        "var s=document.createElement('script');s.src='//cdn.jsdelivr.net/npm/x@1/x.js';"
        "fetch(`https://unpkg.com/lodash@4`)\n",
        "utf-8",
    )
    found = sorted((f.file, f.message) for f in scan(site) if f.code == "S002")
    text = " ".join(m for _, m in found)
    assert any(f.endswith(original.name) for f, _ in found), found
    assert "https://unpkg.com/resize-observer-polyfill" in text
    assert "cdn.jsdelivr.net" in text and "https://unpkg.com/lodash@4" in text


def test_a_build_writes_nothing_into_the_published_site_through_a_link(project, built, tmp_path):
    """A warm build puts the unchanged downloads, QR codes and pages into the new site as
    hard links to ``.gongshi/`` (``build.statics``), so the published site shares their
    bytes: while a build of changed data stands checked beside it, before the switch,
    every byte of the published site is still the one published."""
    assert run_cli(project)[0] == 0  # this copy's own warm build: its site links the cache
    site = project / "site"
    linked = {p.suffix for p in site.rglob("*") if p.is_file() and p.stat().st_nlink > 1}
    assert {".html", ".xlsx", ".json", ".svg"} <= linked
    before = files(site)
    data = project / "data/projects/tiny.yaml"
    text = data.read_text("utf-8")
    data.write_text(text.replace("青山村道路硬化项目", "青山村道路硬化工程"), "utf-8")
    paused = tmp_path / "paused"
    proc = cli(project, env={swap.PAUSE_AT: "checked", swap.PAUSE_FILE: str(paused)})
    try:
        wait_for(paused.exists)
        new = files(next(project.glob(".site.new-*")))
        changed = {Path(rel).suffix for rel, data in new.items() if before.get(rel) != data}
        assert {".html", ".xlsx", ".json"} <= changed  # the rename reached pages and downloads
        assert files(site) == before
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    code, out = run_cli(project)
    assert code == 0, out
    assert "青山村道路硬化工程" in (site / "index.html").read_text("utf-8") or any(
        "青山村道路硬化工程" in p.read_text("utf-8") for p in site.rglob("index.html")
    )
    store = project / ".gongshi" / "static"
    kept = [p for p in store.glob("*/*") if p.is_file()]  # not its signatures.json
    assert kept and all(p.stat().st_nlink > 1 for p in kept)  # each one is in the site


def test_a_site_on_another_file_system_gets_copies_not_links(project, built):
    """``--site`` on another file system than the project (a web root on its own disk;
    here /dev/shm, a tmpfs): a hard link cannot cross it, so each kept page and download
    is copied, and the site is the same bytes."""
    shm = Path("/dev/shm")
    assert shm.is_dir() and shm.stat().st_dev != project.stat().st_dev, "needs a second fs"
    webroot = Path(tempfile.mkdtemp(prefix="gongshi-web-", dir=shm))
    try:
        for _ in range(2):  # the first fills nothing new; the second is warm
            code, out = run_cli(project, "--site", str(webroot / "html"))
            assert code == 0, out
        assert_complete(webroot / "html", built[1])
        assert all(p.stat().st_nlink == 1 for p in (webroot / "html").rglob("*") if p.is_file())
    finally:
        shutil.rmtree(webroot, ignore_errors=True)


def test_a_site_file_edited_in_place_is_made_again_by_the_next_build(project, built):
    """The published site shares its files with ``.gongshi/`` (hard links), so a webmaster
    who edits ``site/`` in place on the build machine edits the cached copy too: the next
    build must not publish that edit (unscanned, and not what the data says) but make the
    page and the download again."""
    assert run_cli(project)[0] == 0  # this copy's own warm build: its site links the cache
    site = project / "site"
    page = site / "projects/TY2020-001/index.html"
    download = next(p for p in (site / "downloads").rglob("*.csv") if p.stat().st_nlink > 1)
    for path in (page, download):
        assert path.stat().st_nlink > 1
        with open(path, "r+b") as f:  # in place, as `vim` or `echo >>` write
            f.seek(0, os.SEEK_END)
            f.write("身份证号 110101199003071234\n".encode())
    code, out = run_cli(project)
    assert code == 0, out
    assert_complete(site, built[1])  # every byte as the data gives it
