"""The Jinja2 environment of the page templates: the search path, the filters and the
globals every template may use.

Templates are a search path, most specific first: the county's
``site_templates/county/``, then the project's ``site_templates/pages/``, then the built-in
pages. A name with the prefix ``default:`` skips the county folder, so a county override can
``{% extends "default:project.md.j2" %}`` and replace only the blocks it changes
(docs/templates.md lists every page's blocks and context). Every value a template prints
goes through ``escape_md`` (``finalize``), and an undefined name is an error
(``StrictUndefined``), so a typo in an override fails the build instead of printing nothing.
"""

from __future__ import annotations

import contextlib
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.runtime
from markupsafe import Markup

from generator import findings as F
from generator import money
from generator.dates import zh_date
from generator.memo import code_key
from generator.render import figures, urls
from generator.render.mdtext import badge, escape_md, html_link, html_text, link, phone
from generator.rules.compliance import percent

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "site_templates" / "pages"


COUNTY_DIR = "county"  # site_templates/county/: a county's overrides
PAGES_DIR = "pages"  # site_templates/pages/: the project's page templates
DEFAULT_PREFIX = "default"  # "default:project.md.j2": the page without the county's override


F.declare(
    "B002",
    "warning",
    "页面模板是旧版本",
    "site_templates/pages/ 中有 {n} 个模板与这一版 gongshi 自带的不同：{files}",
    "site_templates/pages/ 是 gongshi 自带页面模板的副本，它排在自带模板之前。升级 gongshi 后，"
    "旧副本会配上新程序，页面上的数字可能与下载数据对不上（扫描报 S010）。请用这一版 gongshi "
    "的 site_templates/pages/ 替换它，或删去这个文件夹直接用自带的；县里自己的改动请放在 "
    "site_templates/county/（见 docs/templates.md）。",
)


def stale_copies(templates_dir: Path) -> list[F.Finding]:
    """B002: the project's ``site_templates/pages/`` holds a copy of a built-in template
    that differs from this gongshi's. A fork of the repository *is* the built-in folder,
    so it never differs; a project kept apart from the package (a county's own repository
    with ``pip install gongshi``) copied the pages once, and after an upgrade the old
    copies come first on the search path, with code that expects the new ones (seen on the
    synthetic county: old list templates with the new figure recipes)."""
    pages = templates_dir / PAGES_DIR
    if not pages.is_dir() or not BUILTIN_TEMPLATES.is_dir():
        return []
    if pages.resolve() == BUILTIN_TEMPLATES.resolve():
        return []
    differ = []
    for builtin in sorted(BUILTIN_TEMPLATES.glob("*.j2")):
        copy = pages / builtin.name
        if copy.is_file() and copy.read_bytes() != builtin.read_bytes():
            differ.append(builtin.name)
    if not differ:
        return []
    shown = "、".join(differ[:5]) + (f" 等 {len(differ)} 个" if len(differ) > 5 else "")
    return [F.make("B002", file=str(pages), n=len(differ), files=shown)]


def template_dirs(templates_dir: Path, county: bool = True) -> list[Path]:
    """The search path: county overrides (unless ``county`` is false), the project's pages,
    the built-in pages."""
    paths = [templates_dir / COUNTY_DIR] if county else []
    paths += [templates_dir / PAGES_DIR, BUILTIN_TEMPLATES]
    return [p for p in paths if p.is_dir()]


def loader(templates_dir: Path) -> jinja2.BaseLoader:
    """Plain names search the whole path; ``default:NAME`` searches it without the county
    folder, so an override can extend the page it overrides."""

    def files(county: bool) -> jinja2.FileSystemLoader:
        return jinja2.FileSystemLoader([str(p) for p in template_dirs(templates_dir, county)])

    return jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({DEFAULT_PREFIX: files(county=False)}, delimiter=":"),
            files(county=True),
        ]
    )


class _Block(jinja2.runtime.BlockReference):
    """``{{ super() }}`` in a county's block: the built-in block's output is Markdown that
    was escaped as it was made, so it is ``Markup`` (finalize must not escape it twice)."""

    def __call__(self) -> Markup:
        return Markup(super().__call__())


class _Context(jinja2.runtime.Context):
    def super(self, name: str, current: Any) -> Any:
        parent = super().super(name, current)
        if isinstance(parent, jinja2.runtime.BlockReference):
            return _Block(name, self, self.blocks[name], parent._depth)
        return parent


COMPILED_DIR = "jinja"  # under .gongshi/: the compiled templates, one folder per gongshi


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Jinja2's compiled templates, kept between builds: compiling the 35 templates took
    1.4 s of each 2.7 s render of the demo, again on every change ``gongshi serve`` shows
    (issue 20). A template is compiled again when its source changes (Jinja2 keeps the
    source's hash with the code); a work folder that cannot be written only means it is
    compiled each time."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_cache(work: Path) -> jinja2.BytecodeCache | None:
    """The compiled templates of this gongshi under ``work`` (``.gongshi/``). The code
    depends on the options and filters ``environment`` sets, which only gongshi's own code
    changes: each version of it has its folder, and the others are removed."""
    root = work / COMPILED_DIR
    folder = root / code_key()[:20]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for other in root.iterdir():
            if other != folder:
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        return None
    return _Compiled(str(folder))


def environment(
    templates_dir: Path, compiled: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """``templates_dir`` is the project's ``site_templates/``; ``compiled`` keeps the
    compiled templates (``compiled_cache``)."""
    env = jinja2.Environment(
        loader=loader(templates_dir),
        bytecode_cache=compiled,
        autoescape=False,
        finalize=escape_md,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.context_class = _Context
    env.filters.update(
        yuan=_yuan,
        wan=_wan,
        date=_date,
        md=escape_md,
        h=html_text,
        slug=urls.slug,
        n=_n,
        fen=fen_attr,
        percent=percent,
        measures=measures,
    )
    env.globals.update(
        link=link,
        hlink=html_link,
        phone=phone,
        badge=badge,
        urls=urls,
        fig=figures.fig,
        fig_diff=figures.fig_diff,
        fig_rate=figures.fig_rate,
        w=figures.Where(),
    )
    return env


def _yuan(fen: int | None) -> Markup:
    return Markup(money.yuan(fen)) if fen is not None else Markup("")


def _wan(fen: int | None) -> Markup:
    return Markup(money.wan(fen)) if fen is not None else Markup("")


def _n(value: int | None) -> str:
    """An optional count: empty when unknown, so a missing value never prints as “None”."""
    return "" if value is None else str(value)


def fen_attr(value: int | None) -> str:
    """An amount in 分 for a data attribute (the list script sums and sorts by it), with
    thousands separators: 13300000000 (a 1.33 亿元 fund) is the shape of a mobile number,
    which the scan of the built site would rightly refuse.

    >>> fen_attr(13300000000), fen_attr(None)
    ('13,300,000,000', '0')
    """
    return f"{int(value or 0):,}"


def date_span(d: date | None) -> Markup:
    """A date that never breaks inside on a phone (2019年3月 / 5日)."""
    return Markup(f'<span class="gs-nw">{zh_date(d)}</span>') if d else Markup("")


_date = date_span


def measures(items: tuple[str, ...] | list[str]) -> str:
    """Discipline measures in official punctuation: ``党纪：警告；政务：记过`` (the data keeps
    ``党纪:警告``, the form Q-rules and the Excel drop-down use).

    >>> measures(("党纪:警告", "政务: 记过", "移送司法机关"))
    '党纪：警告；政务：记过；移送司法机关'
    """
    out = []
    for m in items:
        kind, sep, what = m.partition(":") if ":" in m else m.partition("：")
        out.append(f"{kind.strip()}：{what.strip()}" if sep else m.strip())
    return "；".join(out)
