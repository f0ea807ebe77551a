"""Several counties in one repository: ``data/<county>/`` → ``site/<county>/``.

A province (or a city) keeps one folder per county under ``data/``, each with its own
``site.yaml``. ``content/`` is MkDocs' ``docs_dir`` and the generated pages go into it, so two
counties cannot share it: each county gets its own work folder
``.gongshi/counties/<county>/`` holding a copy of the hand-written pages, a copy of
``mkdocs.yml`` and a link to ``site_templates/``. The work folders persist between builds,
so a rebuild still rewrites only the pages whose text changed. Counties build one after
another here (memory stays that of one county); CI builds them in parallel, one job each.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from generator.build import BuildResult, Log, build
from generator.render import GENERATED_DIRS, GENERATED_FILES, WORK_DIR

COUNTIES_DIR = "counties"


def counties(data_dir: Path) -> list[str]:
    """Names of the county folders under ``data_dir`` (each holds a ``site.yaml``), sorted."""
    data_dir = Path(data_dir)
    return sorted(p.parent.name for p in data_dir.glob("*/site.yaml"))


def is_province(data_dir: Path) -> bool:
    return not (Path(data_dir) / "site.yaml").exists() and bool(counties(data_dir))


def _sync_tree(src: Path, dst: Path, skip: tuple[str, ...]) -> None:
    """Copy ``src`` into ``dst``, leaving files that are already equal untouched."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if rel.parts[0] in skip:
            continue
        target = dst / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif not target.exists() or target.read_bytes() != path.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def work_folder(project_dir: Path, county: str) -> Path:
    """The county's own project folder: hand-written pages, config, templates."""
    project_dir = Path(project_dir).resolve()
    work = project_dir / WORK_DIR / COUNTIES_DIR / county
    work.mkdir(parents=True, exist_ok=True)
    _sync_tree(project_dir / "content", work / "content",
               skip=tuple(GENERATED_DIRS) + tuple(GENERATED_FILES))
    shutil.copy2(project_dir / "mkdocs.yml", work / "mkdocs.yml")
    link = work / "site_templates"
    if not link.exists():
        os.symlink(project_dir / "site_templates", link, target_is_directory=True)
    return work


def build_counties(project_dir: Path, data_dir: Path, site_dir: Path,
                   names: list[str] | None = None, allow_findings: bool = False,
                   log: Log = lambda _: None,
                   pdf: bool = False,
                   jobs: int | None = None) -> Iterator[tuple[str, BuildResult]]:
    """Build each county of ``data_dir`` into ``site_dir/<county>``, one after another.

    Each county is published (swapped in) on its own: one county's bad data leaves its old
    site in place and does not stop the others."""
    data_dir, site_dir = Path(data_dir).resolve(), Path(site_dir).resolve()
    site_dir.mkdir(parents=True, exist_ok=True)
    for county in names or counties(data_dir):
        log(f"== {county} ==")
        work = work_folder(project_dir, county)
        yield county, build(work, data_dir / county, site_dir / county, allow_findings, log,
                            pdf=pdf, jobs=jobs)
