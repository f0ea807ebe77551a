"""A county project's folders, read once from its ``mkdocs.yml``.

Every stage asks a ``Project`` where things are instead of assuming ``content/``: MkDocs'
``docs_dir`` (where generated pages go) and ``theme.custom_dir`` come from the county's own
config, so a county that renames them gets a site that still builds. The fixed names
(``site/``, ``.gongshi/``, ``site_templates/``, ``mkdocs.generated.yml``) live here too, and so
does the per-county work folder of a multi-county repository.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import InputError

CONFIG = "mkdocs.yml"
GENERATED_CONFIG = "mkdocs.generated.yml"
WORK_DIR = ".gongshi"
TEMPLATES_DIR = "site_templates"
MKDOCS_DEFAULT_DOCS_DIR = "docs"  # what MkDocs uses when mkdocs.yml names no docs_dir
COUNTIES_DIR = "counties"

# Folders and files of docs_dir the generator owns (git-ignored, rewritten, pruned); every
# other file there is written by hand and left alone.
GENERATED_DIRS = (
    "projects",
    "funds",
    "plans",
    "villages",
    "benefits",
    "distributions",
    "notices",
    "rectifications",
    "cases",
    "report",
    "print",
    "downloads",
    "feeds",
    "archive",
    "compliance",
    "flags",  # 风险提示 (issue 19)
    "townships",
    "flow",  # the 资金流向 page (charts)
)
GENERATED_FILES = ("index.md",)


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's own tags (``!ENV``, ``!!python/name:``) as plain values: only
    ``docs_dir`` and ``theme.custom_dir`` are needed here, and MkDocs reads the rest."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _any_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


@dataclass(frozen=True)
class Project:
    """Where a county project keeps each thing. ``root`` holds ``mkdocs.yml``."""

    root: Path
    docs_dir: Path
    custom_dir: Path | None

    @property
    def config(self) -> Path:
        return self.root / CONFIG

    @property
    def generated_config(self) -> Path:
        return self.root / GENERATED_CONFIG

    @property
    def work(self) -> Path:
        """``.gongshi/``: caches (history, PDFs, QR codes), the search dictionary, timings."""
        return self.root / WORK_DIR

    @property
    def templates(self) -> Path:
        """``site_templates/``: ``pages/`` and ``county/`` (Jinja2), ``overrides/`` (theme)."""
        return self.root / TEMPLATES_DIR

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"


def open_project(root: Path) -> Project:
    """The project at ``root``, with ``docs_dir`` and ``custom_dir`` from its mkdocs.yml
    (MkDocs' defaults when it names none)."""
    root = Path(root).resolve()
    config: dict[str, Any] = {}
    path = root / CONFIG
    if path.is_file():
        try:
            loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)  # noqa: S506
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise InputError(f"{CONFIG} 无法读取：{exc}", file=str(path)) from None
        config = loaded if isinstance(loaded, dict) else {}
    docs = config.get("docs_dir") or MKDOCS_DEFAULT_DOCS_DIR
    theme = config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    return Project(
        root, (root / str(docs)).resolve(), (root / str(custom)).resolve() if custom else None
    )


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


def county_project(project: Project, county: str) -> Project:
    """The county's own project folder in a multi-county repository,
    ``.gongshi/counties/<county>/``: a copy of the hand-written pages and of ``mkdocs.yml``,
    and a link to ``site_templates/``. Two counties cannot share ``docs_dir`` (the generated
    pages go into it); the work folders persist, so a rebuild still rewrites only the pages
    whose text changed."""
    work = project.work / COUNTIES_DIR / county
    work.mkdir(parents=True, exist_ok=True)
    docs_rel = project.docs_dir.relative_to(project.root)
    _sync_tree(project.docs_dir, work / docs_rel, skip=GENERATED_DIRS + GENERATED_FILES)
    shutil.copy2(project.config, work / CONFIG)
    link = work / TEMPLATES_DIR
    if not link.exists():
        os.symlink(project.templates, link, target_is_directory=True)
    return open_project(work)
