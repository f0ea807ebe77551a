"""``cores``: the forked child that shares a build's work never outlives the build.

A failure that came and went in CI (2026-12-01): a county template error stopped the
parent while its forked render child was still writing downloads. The child went on to
take print pages from a shared counter whose memory the next build in the same process
(the next test; a ``gongshi serve`` after the template is fixed) got for its own counter,
and that build published without its print pages, in strict mode a failed MkDocs build."""

from __future__ import annotations

import gc
import re
import time

import pytest
from click.testing import CliRunner

from generator import cores
from generator.cli import main
from generator.render import opendata
from tests.conftest import CONTRACT_DIR, build_project, make_project


def _forks() -> None:
    assert cores.can_fork(), "this machine has a second core and fork (CI does)"


def test_a_child_whose_parent_fails_is_stopped_with_the_block(tmp_path):
    _forks()
    late = tmp_path / "written-late"

    def job() -> None:
        time.sleep(1.0)
        late.write_text("the parent failed a second ago", "utf-8")

    with pytest.raises(ValueError), cores.beside(job):
        raise ValueError("the parent fails first")
    time.sleep(1.5)
    assert not late.exists()


def test_a_childs_result_and_its_error_come_back(tmp_path):
    _forks()
    with cores.beside(lambda: 6 * 7) as theirs:
        assert theirs() == 42
    with pytest.raises(KeyError), cores.beside(lambda: {}["no such key"]) as theirs:
        theirs()


def test_a_build_after_a_failed_one_in_the_same_process_has_all_its_print_pages(
    tmp_path, monkeypatch
):
    _forks()
    broken = make_project(tmp_path / "broken", CONTRACT_DIR)
    county = broken / "site_templates" / "county"
    county.mkdir()
    (county / "fund.md.j2").write_text("# {{ f.id }}\n\n{{ f.no_such_field + 1 }}\n", "utf-8")
    publish = opendata.publish

    def slow_publish(*args, **kwargs):  # the child is still busy when the parent fails
        time.sleep(1.0)
        return publish(*args, **kwargs)

    monkeypatch.setattr(opendata, "publish", slow_publish)
    monkeypatch.chdir(broken)
    run = CliRunner().invoke(main, ["build"])
    assert run.exit_code == 2 and "fund.md.j2" in run.output, run.output
    monkeypatch.undo()
    del run
    gc.collect()  # the failed build's frames are freed, as they are sooner or later

    fixed = make_project(tmp_path / "fixed", CONTRACT_DIR)
    result = build_project(fixed)
    assert result.published, result.mkdocs_output[-2000:]
    prints = fixed / "content" / "print"
    links = {
        (page.parent / link).resolve()
        for page in (fixed / "content").rglob("*.md")
        if prints not in page.parents
        for link in _print_links(page.read_text("utf-8"))
    }
    assert links, "the demo's village and project pages link to print pages"
    assert all(p.is_file() for p in links)
    assert (fixed / "site" / "print").is_dir()


def _print_links(text: str) -> list[str]:
    return re.findall(r"\]\(((?:\.\./)+print/[^)#\s]+\.md)\)", text)
