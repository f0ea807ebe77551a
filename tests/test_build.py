"""The build as a county sees it: a bad data file never replaces the published site, the
navigation holds sections only (so a project page does not grow with the county), and no
page loads anything from another host."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import TEST_DATA, build_project, make_project
from test_site import Page, html_pages, outside_loads

CONTRACT = TEST_DATA / "contract_county"
TINY = TEST_DATA / "tiny"


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file (and empty folder) under ``folder`` with the SHA-256 of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir() and not any(path.iterdir()):
            out[rel + "/"] = ""
    return out


# --- a failed build publishes nothing ----------------------------------------------------


@pytest.fixture
def published(tmp_path, contract) -> Path:
    """A copy of the contract county whose ``site/`` holds the site built from it."""
    project = make_project(tmp_path / "county", CONTRACT)
    shutil.copytree(contract[0] / "site", project / "site")
    return project


def test_data_error_leaves_the_published_site_unchanged(published):
    before = tree_hashes(published / "site")
    assert "index.html" in before
    funding = published / "data" / "project_funding" / "2020.csv"
    text = funding.read_text("utf-8")
    assert '"26,500.00"' in text
    funding.write_text(text.replace('"26,500.00"', "二万六千五"), "utf-8")

    result = build_project(published)

    assert result.exit_code == 1
    assert not result.published
    assert tree_hashes(published / "site") == before
    assert not any(
        p.name.startswith(".site.") and p.name != ".site.lock" for p in published.iterdir()
    )  # no half-built copy
    errors = [f for f in result.checked.report.findings if f.severity == "error"]
    assert any(f.file.endswith("project_funding/2020.csv") and f.row for f in errors), errors


def test_missing_site_yaml_is_unusable_input(tmp_path):
    project = make_project(tmp_path / "county", CONTRACT)
    (project / "data" / "site.yaml").unlink()

    result = build_project(project)

    assert result.exit_code == 2
    assert not result.published
    assert not (project / "site").exists()


def test_missing_site_yaml_leaves_the_published_site_unchanged(published):
    before = tree_hashes(published / "site")
    (published / "data" / "site.yaml").unlink()
    assert build_project(published).exit_code == 2
    assert tree_hashes(published / "site") == before


def test_a_warning_in_one_mkdocs_process_fails_the_split_build(published, monkeypatch):
    """MkDocs split over three processes (``shards``): a broken link on a page that only
    one of them builds stops the build, says which link, and publishes nothing."""
    from generator.build import shards

    before = tree_hashes(published / "site")
    (published / "content" / "zz-notice.md").write_text(
        "# 补充说明\n\n见[旧公告](old-notice.md)。\n", "utf-8"
    )
    monkeypatch.setattr(shards, "PAGES_PER_SHARD", 10)

    result = build_project(published, jobs=3)

    assert not result.published
    assert result.exit_code == 2
    assert "old-notice.md" in result.mkdocs_output
    assert any(
        f.code == "B001" and "old-notice.md" in f.message for f in result.checked.report.findings
    )
    assert tree_hashes(published / "site") == before
    assert not any(
        p.name.startswith(".site.") and p.name != ".site.lock" for p in published.iterdir()
    )


def test_a_plugin_that_needs_every_page_keeps_mkdocs_in_one_process(tmp_path, monkeypatch):
    """A county that adds Material's tags plugin (its index gathers every page) gets a
    build in one process, and a site."""
    from generator.build import shards

    project = make_project(tmp_path / "county", CONTRACT)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace("plugins:\n", "plugins:\n  - tags\n"), "utf-8"
    )
    monkeypatch.setattr(shards, "PAGES_PER_SHARD", 10)
    messages: list[str] = []

    result = build_project(project, jobs=3, log=messages.append)

    assert result.published, result.mkdocs_output
    assert result.mkdocs_processes == 1
    assert any("tags" in m and "一个进程" in m for m in messages), messages


# --- the navigation holds sections, never records ---------------------------------------


def nav_titles(project: Path) -> list[str]:
    """Titles of the sections listed in the project's ``mkdocs.yml``."""

    def walk(items):
        for item in items:
            if isinstance(item, dict):
                for title, target in item.items():
                    yield title
                    if isinstance(target, list):
                        yield from walk(target)

    config = yaml.safe_load((project / "mkdocs.yml").read_text("utf-8"))
    return list(walk(config["nav"]))


def test_nav_of_every_page_lists_sections_only(contract):
    project, result = contract
    site = project / "site"
    sections = set(nav_titles(project))
    project_names = {p.name for p in result.checked.dataset.projects}
    assert len(sections) <= 20
    for path in html_pages(site):
        page = Page(path.read_text("utf-8"))
        assert set(page.nav) <= sections, (path, set(page.nav) - sections)
        assert not set(page.nav) & project_names, path
    project_page = Page.of(site, "projects/SX2019001/")
    assert set(project_page.nav) == sections


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> tuple[bytes, bytes]:
    """One project page of the tiny county, built with 3 projects and again with 53."""
    project = make_project(tmp_path_factory.mktemp("grown"), TINY)
    page = project / "site" / "projects" / "TY2020-001" / "index.html"
    first = build_project(project)
    assert first.published, first.checked.report.to_json() + first.mkdocs_output
    small = page.read_bytes()

    villages = ["青山村", "石桥村", "白水村"]
    more, funding = [], ["project_id,source,amount"]
    for i in range(50):
        pid = f"TY2021-{i + 1:03d}"
        village = villages[i % 3]
        more.append(
            {
                "id": pid,
                "year": 2021,
                "name": f"{village}第{i + 1}号产业扶贫项目",
                "category": "产业发展",
                "township": "白水镇" if village == "白水村" else "青山镇",
                "villages": village,
                "content": f"建设大棚{i + 1}座",
                "implementer": "青山镇人民政府",
                "responsible_person": "林一",
                "status": "实施中",
                "households": 10 + i,
                "persons": 30 + i,
                "supervisor": "周二",
                "supervisor_phone": "0531-7000101",
            }
        )
        funding.append(f"{pid},中央财政,{100000 + i * 1000}.00")
    (project / "data" / "projects" / "more.yaml").write_text(
        yaml.safe_dump(more, allow_unicode=True, sort_keys=False), "utf-8"
    )
    (project / "data" / "project_funding" / "more.csv").write_text(
        "\n".join(funding) + "\n", "utf-8"
    )
    second = build_project(project)
    assert second.published, second.checked.report.to_json() + second.mkdocs_output
    assert len(list((project / "site" / "projects").glob("*/index.html"))) == 53
    return small, page.read_bytes()


def test_project_page_does_not_grow_with_the_number_of_projects(grown):
    small, large = grown
    assert abs(len(large) - len(small)) <= max(300, len(small) // 100), (len(small), len(large))


def test_project_page_of_a_grown_county_names_no_other_project(grown):
    _, large = grown
    text = Page(large.decode("utf-8")).text
    assert "青山村道路硬化项目" in text
    assert not re.search(r"第\d+号产业扶贫项目", text)


# --- nothing is loaded from another host --------------------------------------------------


def _css_urls(text: str) -> list[str]:
    return [
        a or b
        for a, b in re.findall(
            r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\()?\s*['"]([^'"]+)""", text
        )
    ]


@pytest.mark.parametrize("county", ["contract", "demo"])
def test_no_page_loads_from_another_host(county, request):
    project, result = request.getfixturevalue(county)
    site = project / "site"
    site_url = result.checked.dataset.site.base_url
    outside = {}
    pages = html_pages(site)
    assert len(pages) > 20
    for path in pages:
        page = Page(path.read_text("utf-8"))
        assert page.loads, path  # the parser sees the theme's own scripts and styles
        if found := outside_loads(page, site_url):
            outside[path.relative_to(site).as_posix()] = found
    for path in sorted(site.rglob("*.css")):
        found = [
            u
            for u in _css_urls(path.read_text("utf-8", errors="replace"))
            if urlsplit(u).netloc or urlsplit(u).scheme not in ("", "data")
        ]
        if found:
            outside[path.relative_to(site).as_posix()] = found
    assert outside == {}
