"""Same data, same site: a county's CI can rebuild any commit and publish the same bytes, and
a webmaster's ``rsync`` copies only what really changed. Also: the search index a villager's
phone downloads is UTF-8, not ``\\uXXXX`` escapes."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import TEST_DATA, build_project, make_project
from test_build import tree_hashes

from generator.build import reproducible, shards
from generator.pipeline import BuildResult

TINY = TEST_DATA / "tiny"


@pytest.fixture(scope="module")
def twice(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny county built into two different folders, more than a second apart."""
    assert "SOURCE_DATE_EPOCH" not in os.environ
    first = make_project(tmp_path_factory.mktemp("first") / "a", TINY)
    result = build_project(first)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    time.sleep(1.5)
    second = make_project(tmp_path_factory.mktemp("second") / "somewhere" / "else", TINY)
    result = build_project(second)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return first / "site", second / "site"


def test_two_builds_of_the_same_data_are_byte_identical(twice):
    a, b = twice
    hashes = tree_hashes(a)
    assert "sitemap.xml.gz" in hashes and "search/search_index.json" in hashes
    assert len(hashes) > 30
    assert tree_hashes(b) == hashes


def test_sitemap_dates_come_from_the_data(twice):
    from generator.pipeline import check

    a, _ = twice
    newest = reproducible.newest_record_date(check(TINY).dataset)
    sitemap = (a / "sitemap.xml").read_text("utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) <= {newest.isoformat()}
    packed = (a / "sitemap.xml.gz").read_bytes()
    assert gzip.decompress(packed).decode("utf-8") == sitemap
    stamp = int.from_bytes(packed[4:8], "little")  # the gzip header's MTIME
    assert time.strftime("%Y-%m-%d", time.gmtime(stamp)) == newest.isoformat()


def test_search_index_is_utf8_with_the_same_content(twice, tmp_path):
    site, _ = twice
    index = site / "search" / "search_index.json"
    text = index.read_bytes().decode("utf-8")
    assert not re.search(r"\\u[4-9][0-9a-f]{3}", text)  # Chinese is written as itself
    data = json.loads(text)
    assert any("青山村" in d["title"] + d["text"] for d in data["docs"])
    # the same object as Material's escaped index, in fewer bytes
    escaped = json.dumps(data).encode("ascii")
    copy = tmp_path / "search"
    copy.mkdir()
    (copy / "search_index.json").write_bytes(escaped)
    before, after = reproducible.compact_search_index(tmp_path)
    assert (before, after) == (len(escaped), len(text.encode("utf-8")))
    assert after < before * 0.8
    assert json.loads((copy / "search_index.json").read_bytes()) == data


def test_epoch_comes_from_the_last_data_commit(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = make_project(tmp_path / "county", TINY)
    git = ["git", "-c", "user.name=县扶贫办", "-c", "user.email=fupin@example.gov.cn"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "data"], cwd=project, check=True)
    env = dict(
        os.environ,
        GIT_COMMITTER_DATE="2021-06-30T08:00:00+08:00",
        GIT_AUTHOR_DATE="2021-06-30T08:00:00+08:00",
    )
    subprocess.run([*git, "commit", "-q", "-m", "数据"], cwd=project, check=True, env=env)
    (project / "notes.txt").write_text("不是数据", "utf-8")
    subprocess.run([*git, "add", "notes.txt"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "说明"], cwd=project, check=True)

    assert reproducible.source_date_epoch(project / "data", None) == 1625011200


def test_epoch_outside_git_is_the_newest_record_date(tmp_path, monkeypatch):
    from generator.pipeline import check

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = make_project(tmp_path / "county", TINY)
    ds = check(project / "data").dataset
    newest = reproducible.newest_record_date(ds)
    assert newest is not None
    epoch = reproducible.source_date_epoch(project / "data", ds)
    assert time.strftime("%Y-%m-%d", time.gmtime(epoch)) == newest.isoformat()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert reproducible.source_date_epoch(project / "data", ds) == 1700000000


# --- MkDocs split over several processes writes the same site ---------------------------


REPRINTED = 6  # PDFs the split build prints again instead of taking from the cache


@pytest.fixture(scope="module")
def split(tmp_path_factory, demo) -> tuple[Path, Path, BuildResult]:
    """The demo county built by one MkDocs process and by three (``shards``), from the same
    rendered pages (a copy of the demo project, whose site one process built)."""
    project, built = demo
    assert shards.shard_count(project / "content", 4) == 1  # the demo's own build: one process
    copy = tmp_path_factory.mktemp("split") / "county"
    # without .gongshi/: a copy that kept the page cache would convert no page at all
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", ".gongshi"))
    # but with most of the PDF cache (printing all 179 took two minutes of CI): a print
    # page MkDocs wrote differently misses it and is printed again; the PDFs of a few are
    # dropped, so that printing the same page twice is shown to give the same bytes too
    pdfs = sorted((project / ".gongshi" / "pdf").glob("*.pdf"))
    assert len(pdfs) > 100 or not built.pdf, "the demo was built with --pdf and Chromium"
    (copy / ".gongshi" / "pdf").mkdir(parents=True)
    for pdf in pdfs[REPRINTED:]:
        shutil.copy2(pdf, copy / ".gongshi" / "pdf" / pdf.name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shards, "PAGES_PER_SHARD", 20)
        assert shards.shard_count(copy / "content", 3) == 3
        result = build_project(copy, jobs=3, pdf=True)  # as the demo was built
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    assert result.mkdocs_processes == 3
    return project / "site", copy / "site", result


def test_mkdocs_split_over_processes_writes_the_same_bytes(split):
    one, three, _ = split
    hashes = tree_hashes(one)
    assert len([f for f in hashes if f.endswith(".html")]) > 250
    assert tree_hashes(three) == hashes  # pages, assets, sitemap, 404 and the search index


def test_blocks_are_contiguous_cover_every_page_and_weigh_about_the_same():
    weights = [3000 + (i * 7919) % 9000 for i in range(1000)]
    for n in (1, 2, 3, 4):
        parts = shards.blocks(weights, n)
        assert [i for part in parts for i in part] == list(range(1000))
        sums = [sum(weights[i] for i in part) for part in parts]
        assert max(sums) - min(sums) <= 2 * max(weights)
    assert shards.blocks([5], 2) in ([range(0, 1), range(1, 1)], [range(0, 0), range(0, 1)])
