"""The MkDocs split (``generator.build.shards``) leans on MkDocs 1.6's dirty mode: it runs
only on that MkDocs, and it changes MkDocs' ``File`` objects of one build, never the class.
(That the split site is byte for byte the one-process site is
``tests/test_reproducible.py::test_mkdocs_split_over_processes_writes_the_same_bytes``.)"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from conftest import TEST_DATA, build_project, make_project

from generator.build import shards

CONTRACT = TEST_DATA / "contract_county"


def test_the_installed_mkdocs_is_the_one_the_split_was_written_for():
    """Moving MkDocs past 1.6 (pyproject allows <2) must come with a look at the MkDocs
    lines the module docstring cites: until then this fails."""
    assert shards.untested_mkdocs() is None, shards.untested_mkdocs()


def test_another_mkdocs_keeps_the_build_in_one_process_and_says_so(tmp_path, monkeypatch):
    project = make_project(tmp_path / "county", CONTRACT)
    monkeypatch.setattr(shards, "PAGES_PER_SHARD", 10)  # the county splits in three…
    monkeypatch.setattr(shards, "MKDOCS_SERIES", "9.9.")  # …on an MkDocs it was written for
    messages: list[str] = []

    result = build_project(project, jobs=3, log=messages.append)

    assert result.published, result.mkdocs_output
    assert result.mkdocs_processes == 1
    said = [m for m in messages if version("mkdocs") in m]
    assert said and "一个进程" in said[0], messages


def _mkdocs_files(tmp_path: Path, pages: int):
    """The real MkDocs config and files collection of a small project."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    docs = tmp_path / "docs"
    docs.mkdir(parents=True)
    for i in range(pages):
        (docs / f"p{i:02}.md").write_text(f"# 第{i}页\n\n" + "正文。" * (i + 1), "utf-8")
    (docs / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "mkdocs.yml").write_text("site_name: 测试\n", "utf-8")
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"))
    return config, get_files(config)


def test_each_shard_marks_its_own_files_and_leaves_mkdocs_file_class_alone(tmp_path):
    from mkdocs.structure.files import File

    method = File.is_modified
    mine = []
    for k in range(3):  # three shards' builds of the same project
        config, files = _mkdocs_files(tmp_path / str(k), 9)
        shards._plugin(k, 3, tmp_path / "side.json").on_files(files, config)
        mine.append({f.src_uri for f in files if f.is_modified()})
        assert File.is_modified is method  # the class is MkDocs' own

    pages = {f"p{i:02}.md" for i in range(9)}
    assert mine[0] & pages and mine[1] and mine[2]
    assert "logo.png" in mine[0]  # shard 0 copies the static files
    assert not (mine[1] | mine[2]) - pages  # the others only pages
    assert mine[0] | mine[1] | mine[2] >= pages | {"logo.png"}
    assert not (mine[0] & mine[1] or mine[1] & mine[2] or mine[0] & mine[2])  # once each
    # a File made outside a shard's collection still asks MkDocs (mtimes)
    fresh = File("p00.md", str(tmp_path / "0" / "docs"), str(tmp_path / "site"), False)
    assert fresh.is_modified()
