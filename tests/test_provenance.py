"""数据来源 high on every record page (issue 19, scope 5): the table, the file inside the data
folder and the row the record was read from (never a path of the machine that built it),
when it last changed (the git history of ``data/``, dated by its commits) and the data date.

One small build: the tiny county committed twice in a real git repository (dates fixed),
the second commit changes one project.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TEST_DATA, build_project, make_project, require_tool
from test_history import _edit, _git
from test_site import Page

from generator.render.opendata import public_file


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("git")
    project = make_project(tmp_path_factory.mktemp("provenance"), TEST_DATA / "tiny")
    data = project / "data"
    _edit(data / "site.yaml", "mask_names: true", "mask_names: true\ndata_date: 2020-06-30")
    _git(project, "init", "-q")
    _git(project, "add", "data")
    _git(project, "commit", "-q", "-m", "v1", when="2020-03-01T09:00:00+08:00")
    _edit(data / "projects" / "tiny.yaml", "households: 120", "households: 130")
    _git(project, "commit", "-q", "-a", "-m", "v2", when="2020-06-15T17:30:00+08:00")
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return project


def _source(page: Page) -> str:
    """The 数据来源 line, which comes before the page's first section heading."""
    text = page.article
    assert "数据来源" in text, text[:500]
    line = next(x for x in text.splitlines() if x.startswith("数据来源"))
    first_h2 = next(t for tag, t in page.headings if tag == "h2")
    assert text.index(line) < text.index(first_h2), (line, first_h2)
    return line


def test_a_project_page_says_file_row_last_change_and_data_date(versioned: Path) -> None:
    site = versioned / "site"
    changed = _source(Page.of(site, "projects/TY2020-001"))
    assert changed == (
        "数据来源：项目表（projects），projects/tiny.yaml 第 2 行起；"
        "最近变更：2020年6月15日（修改）；数据截至：2020年6月30日"
    )
    same = _source(Page.of(site, "projects/TY2020-002"))
    assert "projects/tiny.yaml 第 31 行起" in same
    assert "最近变更：2020年3月1日（首次公布）" in same


def test_every_record_page_has_it_and_no_path_of_the_build_machine(versioned: Path) -> None:
    site = versioned / "site"
    fund = _source(Page.of(site, "funds/TYF2020-01"))
    assert "资金表（funds），funds.yaml 第" in fund and "最近变更：2020年3月1日" in fund
    village = next(p for p in (site / "villages").iterdir() if p.is_dir())
    line = _source(Page.of(site, f"villages/{village.name}"))
    expected = r"数据来源：村庄表（villages），villages\.csv 第 \d+ 行；数据截至：2020年6月30日"
    assert re.fullmatch(expected, line), line
    for html in site.rglob("*.html"):
        text = html.read_text("utf-8")
        assert str(versioned) not in text and "/data/projects" not in text, html


def test_uncommitted_edits_are_said_so(versioned: Path, tmp_path: Path) -> None:
    """Built from a working copy with an edit not committed yet: no date is invented."""
    import shutil

    copy = tmp_path / "county"
    shutil.copytree(versioned, copy, ignore=shutil.ignore_patterns("site", ".gongshi"))
    _edit(copy / "data" / "projects" / "tiny.yaml", "households: 130", "households: 140")
    assert build_project(copy).published
    line = _source(Page.of(copy / "site", "projects/TY2020-001"))
    assert "最近变更：修改，尚未提交" in line


def test_public_file_is_the_name_inside_the_data_folder() -> None:
    assert public_file("data/projects/2019.csv") == "projects/2019.csv"
    assert public_file("县里的数据/funds.xlsx") == "funds.xlsx"
