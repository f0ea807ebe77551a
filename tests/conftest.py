"""Shared fixtures: real projects in temporary folders, built with the real ``mkdocs build``.

``make_project`` copies what a county's repository holds (mkdocs.yml, site_templates/,
hand-written content/) next to a data folder, so tests never write into this checkout.
``require_tool`` skips a test whose tool is missing on a developer's machine, but fails it
under ``CI=true``: CI installs every tool the tests need.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.pipeline import BuildResult, build
from generator.project import GENERATED_DIRS, GENERATED_FILES

REPO = Path(__file__).resolve().parent.parent
DEMO_DATA = REPO / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"
CONTRACT_DIR = TEST_DATA / "contract_county"


def make_project(root: Path, data: Path | None = None) -> Path:
    """A fresh county project under ``root``; ``data`` (a folder) is copied to ``data/``."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    ignore = shutil.ignore_patterns(*GENERATED_DIRS, *GENERATED_FILES)
    shutil.copytree(REPO / "content", root / "content", ignore=ignore)
    if data is not None:
        shutil.copytree(data, root / "data", ignore=shutil.ignore_patterns("expected.json"))
    return root


def write_data(
    tmp_path: Path, files: dict[str, str | bytes | dict[str, list[list]]], site: str | None
) -> Path:
    """A ``data/`` folder under ``tmp_path``. ``str`` values are written as UTF-8, ``bytes``
    as they are, and ``{sheet: rows}`` as an XLSX workbook with those sheets in order."""
    import openpyxl

    data = tmp_path / "data"
    data.mkdir(parents=True, exist_ok=True)
    if site is not None:
        (data / "site.yaml").write_text(site, encoding="utf-8")
    for name, content in files.items():
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, dict):
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
            for sheet, rows in content.items():
                ws = wb.create_sheet(sheet)
                for row in rows:
                    ws.append(row)
            wb.save(path)
        else:
            path.write_text(content, encoding="utf-8")
    return data


def build_project(project: Path, **kwargs) -> BuildResult:
    return build(project, project / "data", project / "site", **kwargs)


def require_tool(name: str) -> str:
    """Path of an executable; missing → skip locally, fail under CI."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (bash tests/run installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The demo county of ``data/``, built once per test session."""
    project = make_project(tmp_path_factory.mktemp("demo"), DEMO_DATA)
    result = build_project(project, pdf=True)  # PDFs are skipped where Chromium is missing
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return project, result


@pytest.fixture(scope="session")
def contract(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """``tests/data/contract_county``: written only against the data contract."""
    project = make_project(tmp_path_factory.mktemp("contract"), TEST_DATA / "contract_county")
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return project, result
