"""``gongshi serve`` follows the data: when a cadre saves a data file, the pages that show it
are rewritten in ``content/`` (which ``mkdocs serve`` reloads); nothing else is touched, and
a half-saved, unusable file leaves the previous pages in place. The poll is called directly:
no timing in unit tests."""

from __future__ import annotations

import os

from conftest import TEST_DATA, make_project

from generator.pipeline import DataWatcher, check
from generator.render import render

TINY = TEST_DATA / "tiny"


def test_saving_a_data_file_rerenders_only_the_pages_that_show_it(tmp_path):
    project = make_project(tmp_path / "county", TINY)
    checked = check(project / "data")
    render(checked.dataset, project, checked.report)
    seen = []
    watcher = DataWatcher(project, project / "data", lambda c, r: seen.append((c, r)))
    assert watcher.poll() is None  # nothing changed yet
    page = project / "content" / "projects" / "TY2020-001.md"
    other = project / "content" / "projects" / "TY2020-003.md"
    other_mtime = other.stat().st_mtime_ns

    source = project / "data" / "projects" / "tiny.yaml"
    source.write_text(
        source.read_text("utf-8").replace("青山村道路硬化项目", "青山村道路拓宽项目"), "utf-8"
    )
    result = watcher.poll()

    assert result is not None and len(seen) == 1
    written = {p.relative_to(project / "content").as_posix() for p in result.written}
    assert "projects/TY2020-001.md" in written
    assert "projects/TY2020-003.md" not in written
    assert other.stat().st_mtime_ns == other_mtime
    assert "青山村道路拓宽项目" in page.read_text("utf-8")
    assert watcher.poll() is None  # one change, one render


def test_an_unusable_save_keeps_the_previous_pages(tmp_path):
    project = make_project(tmp_path / "county", TINY)
    checked = check(project / "data")
    render(checked.dataset, project, checked.report)
    page = project / "content" / "projects" / "TY2020-001.md"
    before = page.read_bytes()
    seen = []
    watcher = DataWatcher(project, project / "data", lambda c, r: seen.append((c, r)))

    site_yaml = project / "data" / "site.yaml"
    os.rename(site_yaml, project / "site.yaml.bak")  # as if mid-save
    assert watcher.poll() is None

    assert len(seen) == 1 and seen[0][1] is None and seen[0][0].report.fatal
    assert page.read_bytes() == before
