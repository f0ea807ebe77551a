"""The page cache (``build.pagecache``, issue 20): a build after a one-record commit copies
the pages whose Markdown did not change instead of converting them again, and publishes
exactly the bytes a build from nothing publishes; a change of the config or of a theme
template makes the next build convert every page again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import build_project
from test_build import tree_hashes

from generator.build import pagecache
from generator.pipeline import BuildResult

RENAMED = ("松洞村乡村旅游扶贫二期项目", "松洞村乡村旅游扶贫二期工程")


def _copy(project: Path, to: Path, keep_cache: bool) -> Path:
    skip = ["site", ".site*"] + ([] if keep_cache else [".gongshi"])
    shutil.copytree(project, to, ignore=shutil.ignore_patterns(*skip))
    return to


def _built(project: Path) -> BuildResult:
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return result


@pytest.fixture(scope="module")
def warm_and_cold(tmp_path_factory, demo) -> tuple[Path, BuildResult, Path, BuildResult]:
    """The demo with one project renamed, built warm (with the demo build's cache) and cold
    (a copy without ``.gongshi/``)."""
    project, _ = demo
    warm = _copy(project, tmp_path_factory.mktemp("warm") / "county", keep_cache=True)
    _built(warm)  # without PDFs (the demo fixture's has them, so its print pages differ)
    data = warm / "data" / "projects" / "2019.yaml"
    text = data.read_text("utf-8")
    assert text.count(RENAMED[0]) == 1
    data.write_text(text.replace(*RENAMED), "utf-8")
    warm_result = _built(warm)
    cold = _copy(warm, tmp_path_factory.mktemp("cold") / "county", keep_cache=False)
    cold_result = _built(cold)
    return warm, warm_result, cold, cold_result


def test_a_build_after_one_record_changed_reuses_the_other_pages(warm_and_cold):
    warm, warm_result, _, cold_result = warm_and_cold
    assert cold_result.pages_kept == 0
    written = len(json.loads((warm / ".gongshi" / "pages" / "manifest.json").read_text())["pages"])
    assert warm_result.pages_kept > 250
    # the renamed project shows on its own page, its village's, lists and some indexes:
    # a few dozen pages at most are converted again
    assert written - warm_result.pages_kept < 60
    shown = [
        p
        for p in (warm / "site" / "projects").rglob("index.html")
        if RENAMED[1] in p.read_text("utf-8")
    ]
    assert shown  # the new name is published


def test_warm_and_cold_builds_publish_the_same_bytes(warm_and_cold):
    warm, _, cold, _ = warm_and_cold
    hashes = tree_hashes(warm / "site")
    assert len([f for f in hashes if f.endswith(".html")]) > 250
    assert tree_hashes(cold / "site") == hashes  # pages, search index, sitemap, downloads
    index = (warm / "site" / "search" / "search_index.json").read_text("utf-8")
    assert RENAMED[1][:4] in index and RENAMED[0] not in index.replace("\u200b", "")


def test_the_pages_are_the_ones_mkdocs_writes_itself(warm_and_cold, tmp_path):
    """The cache's own path through MkDocs (dirty mode, entries collected page by page)
    writes what a bare ``mkdocs build`` writes from the same pages."""
    _, _, cold, _ = warm_and_cold
    bare = tmp_path / "bare"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=_epoch(cold))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            "mkdocs.generated.yml",
            "-d",
            str(bare),
        ],
        cwd=cold,
        env=env,
        check=True,
    )
    ours = tree_hashes(cold / "site")
    theirs = tree_hashes(bare)
    pages = [f for f in theirs if f.endswith(".html")]
    assert len(pages) > 250
    assert {f: ours.get(f) for f in pages} == {f: theirs[f] for f in pages}
    index = "search/search_index.json"
    assert json.loads((cold / "site" / index).read_bytes()) == json.loads(
        (bare / index).read_bytes()
    )


def _epoch(project: Path) -> str:
    """The ``SOURCE_DATE_EPOCH`` the build used (its sitemap's dates come from it)."""
    from generator.build import reproducible
    from generator.pipeline import check

    return str(reproducible.source_date_epoch(project / "data", check(project / "data").dataset))


@pytest.mark.parametrize(
    ("what", "edit"),
    [
        ("mkdocs.yml", lambda p: _replace(p / "mkdocs.yml", "primary: red", "primary: indigo")),
        (
            "a theme template",
            lambda p: _replace(
                p / "site_templates" / "overrides" / "partials" / "footer.html",
                "</footer>",
                "</footer>\n",
            ),
        ),
    ],
)
def test_a_config_or_template_change_makes_the_next_build_cold(warm_and_cold, tmp_path, what, edit):
    """What the build asks before MkDocs runs (``pagecache.plan`` under the surroundings'
    key, as ``pipeline._build`` computes it): after the edit, no page is kept."""
    from generator.project import open_project

    warm, _, _, _ = warm_and_cold
    again = _copy(warm, tmp_path / "county", keep_cache=True)

    def kept() -> int:
        project = open_project(again)
        key = pagecache.surroundings(
            project.generated_config, project.docs_dir, project.custom_dir, int(_epoch(again))
        )
        return len(pagecache.plan(project.work, project.docs_dir, key).kept)

    assert kept() > 250  # as the warm build left it
    edit(again)
    assert kept() == 0, what


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_page_is_kept_only_with_its_own_key(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n", "utf-8")
    (docs / "b.md").write_text("# B\n", "utf-8")
    plan = pagecache.plan(tmp_path, docs, "surroundings-1")
    assert plan.to_write == 2 and not plan.kept
    entry = {"dest": "a/index.html", "raw": [], "cut": [], "dict": "d"}
    for src, key in plan.keys.items():
        html = plan.html(key)
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(src, "utf-8")
    pagecache._save(plan, {src: {**entry, "key": key} for src, key in plan.keys.items()})
    assert set(pagecache.plan(tmp_path, docs, "surroundings-1").kept) == {"a.md", "b.md"}
    (docs / "b.md").write_text("# B, changed\n", "utf-8")
    assert set(pagecache.plan(tmp_path, docs, "surroundings-1").kept) == {"a.md"}
    assert not pagecache.plan(tmp_path, docs, "surroundings-2").kept  # new surroundings


def test_a_kept_page_is_cut_again_only_where_the_dictionary_change_can_show(tmp_path):
    """After a rename, a kept page's search entries are cut into words again only if the old
    or the new name occurs in them: for every other text, jieba with the new dictionary
    cuts exactly as with the old one (checked here with jieba itself, on texts that hold
    parts of both names). A word added changes jieba's total: every page is cut again."""
    names = [
        "上下屯村",
        "金岭镇农业科技有限公司",
        "松洞村乡村旅游扶贫二期项目",
        "兴隆建筑安装有限公司",
    ]
    renamed = [*names[:2], "松洞村乡村旅游扶贫二期工程", *names[3:]]

    def dictionary(words: list[str], name: str) -> dict[str, str]:
        (tmp_path / name).write_text("".join(f"{w} 1000\n" for w in words), "utf-8")
        return pagecache.dictionary({"user": name}, tmp_path)

    before, after = dictionary(names, "old.txt"), dictionary(renamed, "new.txt")
    needed = pagecache.recut_needed(before, after)
    assert needed is not None
    cut_before = pagecache._cutter({"user": "old.txt"}, tmp_path)
    cut_after = pagecache._cutter({"user": "new.txt"}, tmp_path)
    texts = [
        "上下屯村的松洞村乡村旅游扶贫项目由金岭镇农业科技有限公司承建",
        "松洞村乡村旅游扶贫二期的资金已拨付，二期项目验收合格",  # parts of both names
        "兴隆建筑安装有限公司中标松洞村道路硬化工程，工程款按进度支付",
        "2019年到户产业补助 1,200.00 元，发放到上下屯",
    ]
    for text in texts:
        assert not needed([{"title": "", "text": text}]), text
        assert cut_after(text) == cut_before(text), text
    moved = "本村松洞村乡村旅游扶贫二期工程已完工"  # the new name: its cut changes
    assert needed([{"title": moved, "text": ""}])
    assert cut_after(moved) != cut_before(moved)
    assert needed([{"title": "", "text": "松洞村乡村旅游扶贫二期项目"}])  # the old name

    added = dictionary([*names, "黄山乡石梨屯村"], "more.txt")
    assert pagecache.recut_needed(before, added) is None  # jieba's total changed
    other = pagecache.dictionary({"user": "new.txt", "dict": "old.txt"}, tmp_path)
    assert pagecache.recut_needed(before, other) is None  # another main dictionary


def test_render_s_hashes_name_the_pages_only_while_the_files_are_as_render_left_them(
    tmp_path,
):
    """The plan takes a page's hash from render's stamps instead of reading the page, and
    reads it again when the file moved since (edited by hand, even to the same size)."""
    from generator.memo import Digests, digest, signature

    docs = tmp_path / "docs"
    docs.mkdir()
    a, b = docs / "a.md", docs / "b.md"
    a.write_text("# A\n", "utf-8")
    b.write_text("# B\n", "utf-8")
    read = pagecache.plan(tmp_path, docs, "s")
    stamps = {p.name: (signature(p), digest(p.read_bytes())) for p in (a, b)}
    assert pagecache.plan(tmp_path, docs, "s", Digests.stamped(stamps)).keys == read.keys
    b.write_text("# C\n", "utf-8")  # same size, after render stamped it
    os.utime(b, ns=(b.stat().st_atime_ns, b.stat().st_mtime_ns + 1_000_000))
    moved = pagecache.plan(tmp_path, docs, "s", Digests.stamped(stamps))
    assert moved.keys["a.md"] == read.keys["a.md"]
    assert (
        moved.keys["b.md"] == pagecache.plan(tmp_path, docs, "s").keys["b.md"] != read.keys["b.md"]
    )


def test_a_warm_build_links_what_it_keeps_and_keeps_nothing_unused(warm_and_cold):
    """The kept pages and the unchanged downloads and QR codes of the warm build are hard
    links to the files of ``.gongshi/`` (``build.statics``), not copies; every file the
    cache keeps is in the site (the previous version of a changed download is gone)."""
    warm, _, cold, _ = warm_and_cold
    site = warm / "site"
    links = {p.stat().st_ino for p in (warm / ".gongshi").rglob("*") if p.is_file()}
    published = [p for p in site.rglob("*") if p.is_file()]
    linked = [p for p in published if p.stat().st_ino in links]
    assert len(linked) > 0.8 * len(published)
    assert {".html", ".xlsx", ".csv", ".json", ".svg"} <= {p.suffix for p in linked}
    # a page's file is that page's alone; a kept download may be the bytes of several
    for folder, links in (("pages/html", {2}), ("static", set(range(2, 100)))):
        kept = [p for p in (warm / ".gongshi" / folder).glob("*/*") if p.is_file()]
        assert kept and {p.stat().st_nlink for p in kept} <= links, folder
    # a build from nothing links too: its first build fills the cache
    assert any(p.stat().st_nlink == 2 for p in (cold / "site" / "downloads").rglob("*.xlsx"))
