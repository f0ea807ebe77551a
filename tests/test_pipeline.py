"""The pipeline hands every stage what it needs: the same "today" for check and build, the
history of the data folder it was given, PDF links only when PDFs will be printed."""

from __future__ import annotations

import subprocess

from click.testing import CliRunner
from conftest import CONTRACT_DIR, DEMO_DATA, build_project, make_project

from generator.cli import main
from generator.pipeline import build, check, rerender


def test_check_and_build_find_the_same_on_the_same_data(tmp_path):
    """The rules' date came through os.environ in build only: the same data gave 23
    findings in check and 52 in build. Now both take it from ``as_of``."""
    project = make_project(tmp_path / "county", DEMO_DATA)
    checked = check(project / "data")
    built = build_project(project)
    assert checked.dataset is not None and built.checked.dataset is not None
    assert checked.dataset.as_of == built.checked.dataset.as_of

    def codes(report):
        return sorted(
            (f.code, f.file, f.row or 0, f.column, f.message)
            for f in report.findings
            if not f.code.startswith(("S", "B"))
        )

    assert codes(checked.report) == codes(built.checked.report)
    assert checked.report.findings  # the demo has warnings: the comparison means something


def _commit(folder, message):
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", message],
        cwd=folder,
        check=True,
    )


def test_serve_shows_the_history_of_the_data_folder_it_was_given(tmp_path):
    """``serve --data X`` showed the history of ./data: the history comes from ``--data``."""
    project = make_project(tmp_path / "county", CONTRACT_DIR)
    other = tmp_path / "elsewhere"
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    import shutil

    shutil.copytree(CONTRACT_DIR, other / "data", ignore=shutil.ignore_patterns("expected.json"))
    _commit(other, "first version")
    checked, result = rerender(project, other / "data")
    assert result is not None
    page = (project / "content" / "projects").glob("*.md")
    text = "".join(p.read_text("utf-8") for p in page)
    assert "首次公布" in text  # the change log of elsewhere/data, committed above
    # project/data is not in git: rendering from it shows no change log
    checked, result = rerender(project, project / "data")
    text = "".join(p.read_text("utf-8") for p in (project / "content" / "projects").glob("*.md"))
    assert "首次公布" not in text


def test_pdf_without_chromium_publishes_no_pdf_links_and_says_so(tmp_path, monkeypatch):
    project = make_project(tmp_path / "county", CONTRACT_DIR)
    monkeypatch.setenv("GONGSHI_CHROMIUM", str(tmp_path / "no-such-chromium"))
    said: list[str] = []
    result = build(project, project / "data", project / "site", pdf=True, log=said.append)
    assert result.published and not result.pdf
    assert any("未找到 Chromium" in line and "PDF" in line for line in said)
    prints = list((project / "site" / "print").rglob("index.html"))
    assert prints
    for page in prints:
        html = page.read_text("utf-8")
        assert ".pdf" not in html, page
    assert not list((project / "site").rglob("*.pdf"))


def test_a_broken_county_template_is_a_chinese_message_with_file_and_line(tmp_path, monkeypatch):
    project = make_project(tmp_path / "county", CONTRACT_DIR)
    county = project / "site_templates" / "county"
    county.mkdir()
    (county / "fund.md.j2").write_text("# {{ f.id }}\n\n{{ f.no_such_field + 1 }}\n", "utf-8")
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("old", "utf-8")
    monkeypatch.chdir(project)
    run = CliRunner().invoke(main, ["build"])
    assert run.exit_code == 2, run.output
    assert "Traceback" not in run.output
    assert "模板" in run.output and "fund.md.j2" in run.output and "第 3 行" in run.output
    assert (project / "site" / "index.html").read_text("utf-8") == "old"


def test_the_docs_dir_of_mkdocs_yml_is_where_pages_go(tmp_path):
    """``content`` was hard-coded: a county that names another docs_dir got a broken site."""
    project = make_project(tmp_path / "county", CONTRACT_DIR)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace("docs_dir: content", "docs_dir: pages"), "utf-8"
    )
    (project / "content").rename(project / "pages")
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    assert not (project / "content").exists()
    assert list((project / "pages" / "projects").glob("*.md"))
    assert (project / "site" / "projects" / "index.html").is_file()
    assert (project / "site" / "about" / "index.html").is_file()  # the hand-written page


def test_a_chromium_that_fails_is_a_message_and_the_old_site_stays(tmp_path, monkeypatch):
    """``--pdf`` with a browser that does not start was a Playwright traceback."""
    project = make_project(tmp_path / "county", CONTRACT_DIR)
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 1\n", "utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("GONGSHI_CHROMIUM", str(broken))
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("old", "utf-8")
    monkeypatch.chdir(project)
    run = CliRunner().invoke(main, ["build", "--pdf"])
    assert run.exit_code == 2, run.output
    assert "Traceback" not in run.output and "Chromium" in run.output and "PDF" in run.output
    assert (project / "site" / "index.html").read_text("utf-8") == "old"
