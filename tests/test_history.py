"""变更记录 and withdrawn records from the git history of ``data/``.

One small build: the tiny county committed twice in a real git repository (dates fixed),
where the second version changes a project and removes another one.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import TEST_DATA, build_project, make_project, require_tool

from generator.model.history import history
from generator.pipeline import check


def _git(repo: Path, *args: str, when: str = "2020-01-01T09:00:00+08:00") -> None:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="县乡村振兴局",
        GIT_AUTHOR_EMAIL="fp@example.invalid",
        GIT_COMMITTER_NAME="县乡村振兴局",
        GIT_COMMITTER_EMAIL="fp@example.invalid",
        GIT_AUTHOR_DATE=when,
        GIT_COMMITTER_DATE=when,
    )
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _drop_lines(path: Path, marker: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if marker not in x), encoding="utf-8")


def _drop_yaml_record(path: Path, rid: str) -> None:
    """Remove one ``- id: …`` block from a YAML list."""
    text = path.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=- id: )", text)
    kept = [b for b in blocks if not b.startswith(f"- id: {rid}\n")]
    assert len(kept) == len(blocks) - 1
    path.write_text("".join(kept), encoding="utf-8")


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory):
    """Version 1 (data of 2020-02-29, committed 2020-03-01): the tiny county. Version 2
    (data of 2020-06-10, committed 2020-06-15): TY2020-001 gets 130 households and
    90,000.00 元 of county money; TY2020-003 is withdrawn."""
    require_tool("git")
    project = make_project(tmp_path_factory.mktemp("history"), TEST_DATA / "tiny")
    data = project / "data"
    with (data / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\ndata_date: 2020-02-29\n")
    _git(project, "init", "-q")
    _git(project, "add", "data")
    _git(project, "commit", "-q", "-m", "v1", when="2020-03-01T09:00:00+08:00")
    _edit(data / "projects" / "tiny.yaml", "households: 120", "households: 130")
    _edit(
        data / "project_funding" / "tiny.csv",
        "TY2020-001,县级财政,80000.00",
        "TY2020-001,县级财政,90000.00",
    )
    _drop_yaml_record(data / "projects" / "tiny.yaml", "TY2020-003")
    _drop_lines(data / "project_funding" / "tiny.csv", "TY2020-003")
    _drop_lines(data / "notices" / "tiny.yaml", "TY2020-003")
    _edit(data / "site.yaml", "data_date: 2020-02-29", "data_date: 2020-06-10")
    _git(project, "commit", "-q", "-a", "-m", "v2", when="2020-06-15T17:30:00+08:00")
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return project


def _page(project: Path, rel: str) -> str:
    return (project / "site" / rel / "index.html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_changed_project_lists_the_change_with_its_date_and_fields(versioned: Path) -> None:
    text = _text(_page(versioned, "projects/TY2020-001"))
    assert "变更记录" in text
    # dated by the data of that version; the commit's day only as 提交于 (issue 18)
    row = re.search(
        r"2020年6月10日 提交于 2020年6月15日 修改 ([^|]*?)(?: 2020年| 本页| 监督)", text
    )
    assert row, text[-1500:]
    assert "受益户数" in row.group(1) and "资金来源" in row.group(1)
    assert "2020年2月29日 提交于 2020年3月1日 首次公布" in text
    # the unchanged project lists no modification
    assert "修改" not in _text(_page(versioned, "projects/TY2020-002")).split("变更记录")[-1]


def test_removed_project_keeps_its_page_marked_withdrawn(versioned: Path) -> None:
    text = _text(_page(versioned, "projects/TY2020-003"))
    assert "已撤回" in text
    assert "白水村饮水安全巩固提升工程" in text  # the last published version
    assert "2020年6月15日" in text and "2020年3月1日" in text
    assert "12345.67" in text  # its funding as last published
    archive = _text(_page(versioned, "archive/2020"))
    assert "已撤回的记录" in archive and "TY2020-003" in archive and "TY-GS-003" in archive
    # the withdrawn record is not in the current downloads
    assert "TY2020-003" not in (versioned / "site/downloads/projects.csv").read_text("utf-8-sig")


def test_withdrawn_notice_is_announced_in_the_feed(versioned: Path) -> None:
    feed = (versioned / "site/feeds/notices.xml").read_text(encoding="utf-8")
    assert "已撤回" in feed and "urn:gongshi:9900000001:notice:TY-GS-003" in feed


def test_build_without_git_history_says_why(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", TEST_DATA / "tiny")
    ds = check(project / "data").dataset
    assert ds is not None
    hist = history(ds, project / "data", project / ".gongshi" / "history")
    assert not hist.available and not hist.removed and not hist.changes
    assert "git" in hist.note


# --- history snapshots follow today's privacy policy -----------------------------------------

CASES_V1 = (
    "案件编号,通报日期,通报单位,乡镇,单位或村,职务,姓名,问题,处理结果,状态\n"
    "AJ2020-001,2020-02-10,虚构县纪委监委,青山镇,青山村,村会计,欧阳明华,"
    "截留户主王小明的教育补助1500元,党纪:警告,已办结\n"
    "AJ2020-002,2020-02-11,虚构县纪委监委,青山镇,石桥村,村主任,赵子龙,"
    "虚报冒领光伏收益,党纪:严重警告,已办结\n"
)
BENEFITS_V1 = (
    "补助项目,年度,村,户主姓名,家庭人口,金额,发放日期\n"
    "教育补助,2020,青山村,王小明,4,1500,2020-03-01\n"
)


@pytest.fixture(scope="module")
def policy_switched(tmp_path_factory: pytest.TempPathFactory):
    """Version 1 (2020-03-01): names published in full (``mask_names: false``, case
    subjects named). Version 2 (2020-06-15): the county masks names and withdraws the case
    AJ2020-001, whose text also names a household head."""
    require_tool("git")
    project = make_project(tmp_path_factory.mktemp("policy"), TEST_DATA / "tiny")
    data = project / "data"
    _edit(data / "site.yaml", "mask_names: true", "mask_names: false\ncase_names: true")
    (data / "cases.csv").write_text(CASES_V1, encoding="utf-8")
    (data / "benefits.csv").write_text(BENEFITS_V1, encoding="utf-8")
    _git(project, "init", "-q")
    _git(project, "add", "data")
    _git(project, "commit", "-q", "-m", "v1", when="2020-03-01T09:00:00+08:00")
    _edit(data / "site.yaml", "mask_names: false\ncase_names: true", "mask_names: true")
    _drop_lines(data / "cases.csv", "AJ2020-001")
    _git(project, "commit", "-q", "-a", "-m", "v2", when="2020-06-15T17:30:00+08:00")
    result = build_project(project, allow_findings=True)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return project


def test_withdrawn_record_is_masked_by_todays_policy_not_its_own(policy_switched: Path) -> None:
    """The old commit published 欧阳明华 and 王小明 in full; today the county masks names, so
    the 已撤回 page, its 变更记录 and the archive show only 欧阳某某 / 王某某."""
    page = _text(_page(policy_switched, "cases/AJ2020-001"))
    assert "已撤回" in page and "2020年6月15日" in page
    assert "欧阳某某" in page and "王某某" in page
    kept = _text(_page(policy_switched, "cases/AJ2020-002"))
    assert "赵某某" in kept  # the record still published: masked today as well
    for rel in ("cases/AJ2020-001", "cases/AJ2020-002", "archive/2020"):
        text = _page(policy_switched, rel)
        for full in ("欧阳明华", "王小明", "赵子龙"):
            assert full not in text, (rel, full)
    # nowhere in the site (search index, downloads, feeds) either
    for path in (policy_switched / "site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".xml", ".txt"):
            body = path.read_text(encoding="utf-8", errors="replace")
            for full in ("欧阳明华", "王小明", "赵子龙"):
                assert full not in body, (path, full)


def test_a_committed_version_with_an_absolute_symlink_is_left_out(tmp_path: Path) -> None:
    """A link to /etc/passwd committed under data/ once (and removed since) stopped every
    later build with a traceback from tarfile: that version is left out of the history."""
    require_tool("git")
    project = make_project(tmp_path / "county", TEST_DATA / "tiny")
    data = project / "data"
    _git(project, "init", "-q")
    (data / "leak.csv").symlink_to("/etc/passwd")
    _git(project, "add", "data")
    _git(project, "commit", "-q", "-m", "v1 with a link", when="2020-03-01T09:00:00+08:00")
    (data / "leak.csv").unlink()
    _git(project, "commit", "-q", "-a", "-m", "v2", when="2020-06-15T17:30:00+08:00")
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    assert "root:" not in "".join(
        p.read_text("utf-8", "replace") for p in (project / "site").rglob("*.html")
    )
