"""``mkdocs build`` split over the machine's cores: each process writes a part of the pages.

MkDocs builds one page after another on one core, and a county's 10,000 pages are most of
a build's time. Each *shard* is a real ``mkdocs build`` of the whole project (same files,
same nav, same links) that converts and writes only its own block of pages:

- the pages are cut into contiguous blocks of about equal weight (source size plus a fixed
  cost per page), the same cut in every process, so that the search index entries of
  block 0, then block 1, … come out in exactly the order one process would write them;
- a page of another block is neither converted nor written (MkDocs' ``dirty`` mode skips
  a file whose ``is_modified()`` is false, and here that means "not mine");
- shard 0 alone copies the theme and static files (the generated ones it links from the
  page cache's store instead, ``statics``) and writes ``404.html`` and the sitemap;
- the other shards hand their search entries to the parent in a side file instead of
  writing ``search/search_index.json``, and the parent appends them to shard 0's index.

Every shard writes into the same folder, each file by exactly one process. The result is
byte for byte the site one ``mkdocs build`` writes (``tests/test_reproducible.py``
checks it).

Run by the build as ``python -m generator.build.shards -f CONFIG -d OUT --shard K/N --side FILE``.

What it relies on in MkDocs
---------------------------
Written for and checked against **MkDocs 1.6.1** and **mkdocs-material 9.8.2**;
``untested_mkdocs()`` keeps the build in one process (and says so in the build log) with
any MkDocs other than 1.6.x, and ``tests/test_shards.py`` fails on one. In MkDocs 1.6.1:

- ``mkdocs/commands/build.py``, ``build()``: with ``dirty=True`` it does not clean
  ``site_dir``; it calls the ``on_files`` event and then reads, converts and writes every
  page from that same ``Files`` collection (``Page(None, file, config)`` sets
  ``file.page``, so ``page.file`` is the very ``File`` object the hook saw);
  ``theme.static_templates`` (``404.html``, ``sitemap.xml``…) and ``extra_templates`` are
  built unconditionally, which is why shards 1…n-1 empty both lists in ``on_config``.
- ``mkdocs/commands/build.py``, ``_populate_page()`` and ``_build_page()``: each begins
  with ``if dirty and not page.file.is_modified(): return``: a page of another block is
  neither read, converted, nor rendered (so no ``on_page_context`` event, and the search
  plugin gets no entry for it), nor written.
- ``mkdocs/structure/files.py``, ``Files.copy_static_files()`` → ``File.copy_file(dirty)``:
  ``if dirty and not self.is_modified(): return``: shard 0 alone copies the theme and
  static files.
- ``mkdocs/structure/files.py``, ``Files.copy_static_files()``: copies a file that is not
  a page and whose ``inclusion.is_included()``, from ``abs_src_path`` to
  ``abs_dest_path``: the same test and paths ``_linked`` uses for the files it links.
- ``mkdocs/structure/files.py``, ``File.is_modified()``: the method the shard replaces, on
  each ``File`` of the collection (an instance attribute, never the class): mtimes mean
  nothing here, the folder is new.
- ``mkdocs/commands/build.py``, ``build()``: logs "A 'dirty' build is being performed…",
  dropped by ``_NotDirty`` below.
- ``mkdocs/config/config_options.py``, ``Plugins.load_plugin_with_namespace()``: under the
  Material theme ``search`` loads ``material/search``, whose ``on_post_build``
  (``material/plugins/search/plugin.py``) writes nothing once ``config.enabled`` is false,
  and whose ``search_index.entries`` are the entries of this shard's pages, in page order.

A file added to the collection after this plugin's ``on_files`` keeps MkDocs' own
``is_modified`` (true in a new folder), so every shard would write it: the plugins that do
that are not in ``SPLITTABLE``, and the build stays in one process with them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.build import rawhtml, statics

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import Files

PAGES_PER_SHARD = 200  # a process costs ~3 s to start (imports, jieba): not for a few pages
PAGE_COST_BYTES = 3000  # the per-page cost (template, search entry) in bytes of Markdown
MAX_JOBS = 4
SPLITTABLE = {"search", "material/search"}  # plugins known to work page by page
MKDOCS_SERIES = "1.6."  # the MkDocs the split was written for (see the module docstring)


def untested_mkdocs(version: str | None = None) -> str | None:
    """Why the build must not be split, in Chinese, when the installed MkDocs (or
    ``version``) is not the series the shards were written for; ``None`` when it is.

    >>> untested_mkdocs("1.6.1") is None
    True
    >>> "2.0.0" in (untested_mkdocs("2.0.0") or "")
    True
    """
    if version is None:
        from importlib.metadata import version as installed

        version = installed("mkdocs")
    if version.startswith(MKDOCS_SERIES):
        return None
    return (
        f"注意：安装的 MkDocs 是 {version}，多进程生成只在 MkDocs {MKDOCS_SERIES}x 上验证过"
        "（它依赖 MkDocs 的 dirty 模式），所以 MkDocs 只用一个进程。"
    )


def default_jobs() -> int:
    """The cores this process may use, at most ``MAX_JOBS`` (each shard loads its own
    MkDocs, theme and jieba dictionary, and holds its block of pages in memory)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


def shard_count(docs_dir: Path, jobs: int, pages: int | None = None) -> int:
    """How many processes to use for ``docs_dir`` (or for ``pages`` pages to write): one
    per ``PAGES_PER_SHARD`` pages, at most ``jobs``."""
    if jobs <= 1:
        return 1
    if pages is None:
        pages = sum(1 for _ in Path(docs_dir).rglob("*.md"))
    return max(1, min(jobs, pages // PAGES_PER_SHARD))


def unsplittable(config_file: Path) -> list[str]:
    """The plugins and hooks in ``config_file`` (with what it ``INHERIT``s) that may need
    every page in one process (a tags index, a blog, a hook that gathers pages): with any
    of them the build stays in one process. Only the search plugin is known to split."""
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, "rb") as f:
        config = yaml_load(f)
    plugins = config.get("plugins", ["search"]) or []
    if isinstance(plugins, dict):
        plugins = [{k: v} for k, v in plugins.items()]
    names = []
    for item in plugins:
        name, options = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        if (options or {}).get("enabled", True) is not False:
            names.append(name)
    return [n for n in names if n not in SPLITTABLE] + [
        f"hooks: {h}" for h in config.get("hooks") or []
    ]


def blocks(weights: Sequence[int], n: int) -> list[range]:
    """Cut ``range(len(weights))`` into ``n`` contiguous blocks of about equal weight."""
    total = sum(weights)
    cuts, running, i = [0], 0, 0
    for k in range(1, n):
        goal = total * k / n
        while i < len(weights) and running + weights[i] / 2 < goal:
            running += weights[i]
            i += 1
        cuts.append(i)
    cuts.append(len(weights))
    return [range(a, b) for a, b in zip(cuts, cuts[1:], strict=False)]


# --- the parent ---------------------------------------------------------------------


def run(
    project_dir: Path,
    config_file: str,
    out_dir: Path,
    env: dict[str, str],
    n: int,
    while_running: Callable[[], object] | None = None,
    plan: Path | None = None,
) -> tuple[bool, str, list]:
    """Build ``out_dir`` with ``n`` shard processes; return (all succeeded, their output,
    the search entries of shards 1…n-1 in order, to append to shard 0's index).

    With ``plan`` (``pagecache.write_plan``), the pages it names are not written (they are
    copied from the cache) and *every* shard returns its pages' search entries, one side
    file each, for ``pagecache.finish`` to write the whole index.

    ``while_running`` is called about once a second until every shard has exited (the
    build scans what is written so far). If one shard fails, the others are stopped."""
    with tempfile.TemporaryDirectory(prefix="gongshi-shards-") as tmp:
        logs, procs = [], []
        try:
            for k in range(n):
                log = open(Path(tmp) / f"{k}.log", "w+", encoding="utf-8", errors="replace")  # noqa: SIM115
                logs.append(log)
                procs.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "generator.build.shards",
                            "-f",
                            config_file,
                            "-d",
                            str(Path(out_dir).resolve()),
                            "--shard",
                            f"{k}/{n}",
                            "--side",
                            str(Path(tmp) / f"{k}.json"),
                            *(["--plan", str(plan)] if plan is not None else []),
                        ],
                        cwd=project_dir,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            while running := [p for p in procs if p.poll() is None]:
                if any(p.returncode for p in procs):  # one failed: the build fails,
                    break  # the others are stopped below
                started = time.monotonic()
                if while_running:
                    while_running()
                pause = 1.0 - (time.monotonic() - started)
                if pause > 0:  # at most one pass a second: each stats 1000s of files
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        running[0].wait(pause)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            output = []
            for log in logs:
                log.seek(0)
                output.append(log.read().strip())
                log.close()
        ok = all(p.returncode == 0 for p in procs)
        if not ok:  # what the failed ones said; the others were stopped or are moot
            output = [o for o, p in zip(output, procs, strict=True) if p.returncode]
        entries = []
        if ok:
            for k in range(0 if plan is not None else 1, n):
                entries.append(json.loads((Path(tmp) / f"{k}.json").read_text("utf-8")))
        # a warning about the config or the nav comes from every shard: say it once
        lines = dict.fromkeys(line for o in output for line in o.splitlines())
        return ok, "\n".join(lines), entries


# --- a shard ------------------------------------------------------------------------


def _plugin(
    k: int,
    n: int,
    side: Path,
    kept: frozenset[str] | None = None,
    static: dict[str, dict] | None = None,
    store: Path | None = None,
) -> BasePlugin:
    """The MkDocs plugin that makes this process shard ``k`` of ``n``.

    ``kept`` (page cache, ``pagecache``): pages copied from the cache, which no shard
    writes; the blocks are cut from the other pages. Then every shard hands in its pages'
    search entries page by page, before and after the word cut (see ``pagecache``).
    ``static``: generated files that shard 0 links from ``store`` instead of copying them
    (``statics``)."""
    from mkdocs.plugins import BasePlugin, event_priority

    cached = kept is not None
    by_page: dict[str, list[list[dict]]] = {}
    seen = [0]  # entries of the search index already given to a page
    cut: list[Callable[[str], str]] = []
    order: list[str] = []
    dest: dict[str, str] = {}

    class Shard(BasePlugin):
        def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
            if k:  # 404.html and the sitemap are shard 0's
                config.theme.static_templates.clear()
                config.extra_templates.clear()
            return config

        def on_files(self, files: Files, config: MkDocsConfig) -> Files:
            pages = files.documentation_pages()
            if cached:
                order.extend(f.src_uri for f in pages)
                dest.update((f.src_uri, f.dest_uri) for f in pages)
                pages = [f for f in pages if f.src_uri not in (kept or ())]
                for search in _searches(config):  # entries before the cut: see pagecache
                    cut.append(search.search_index._segment_chinese)
                    search.search_index._segment_chinese = lambda text: text
            weights = [
                os.path.getsize(f.abs_src_path) + PAGE_COST_BYTES
                if f.abs_src_path
                else PAGE_COST_BYTES
                for f in pages
            ]
            block = blocks(weights, n)[k]
            mine = {pages[i].src_uri for i in block}
            if k == 0:
                mine.update(f.src_uri for f in files if not f.is_documentation_page())
                mine -= _linked(files, static or {}, store)
            # MkDocs' dirty mode converts, writes and copies a file only if it "is
            # modified" (see the module docstring): here that means "mine"
            for f in files:
                # an instance attribute on purpose, so that the class stays MkDocs' own
                f.is_modified = _answer(f.src_uri in mine)  # type: ignore[method-assign]
            return files

        @event_priority(-100)  # after the search plugin has indexed the page
        def on_page_context(self, context: Any, page: Any, config: MkDocsConfig, nav: Any) -> Any:
            if not cached:
                return context
            for search in _searches(config):
                raw = search.search_index.entries[seen[0] :]
                seen[0] = len(search.search_index.entries)
                again = cut[0] if cut and _material_jieba() else (lambda text: text)
                done = [{**e, "title": again(e["title"]), "text": again(e["text"])} for e in raw]
                by_page[page.file.src_uri] = [raw, done]
            return context

        @event_priority(100)  # before the search plugin writes its index
        def on_post_build(self, config: MkDocsConfig) -> None:
            if cached:
                searches = _searches(config)
                doc: dict[str, Any] = {"pages": by_page}
                if not k:
                    doc |= {"order": order, "dest": dest}
                    if searches:
                        s = searches[0]
                        doc["search"] = {
                            key: s.search_index.config[key]
                            for key in ["lang", "separator", "pipeline", "fields"]
                        }
                        doc["jieba"] = {
                            "dict": s.config.get("jieba_dict"),
                            "user": s.config.get("jieba_dict_user"),
                        }
                for search in searches:
                    search.config.enabled = False  # pagecache.finish writes the index
                side.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
                return
            if not k:
                return
            found = [p for p in config.plugins.values() if hasattr(p, "search_index")]
            entries = []
            for search in found:
                entries.extend(search.search_index.entries)
                search.config.enabled = False  # it writes nothing now
            side.write_text(json.dumps(entries, ensure_ascii=False), "utf-8")

    return Shard()


def _linked(files: Files, static: dict[str, dict], store: Path | None) -> set[str]:
    """Link the files of ``static`` that MkDocs would copy (not a page, included, from
    ``docs_dir``) into the site from ``store`` (``statics``); the ones linked, which MkDocs
    then skips."""
    done: set[str] = set()
    added: set[str] = set()
    if store is None:
        return done
    for f in files:
        entry = static.get(f.src_uri)
        if entry is None or f.is_documentation_page() or not f.inclusion.is_included():
            continue
        src = f.abs_src_path
        if src and statics.link(src, f.abs_dest_path, store, entry, added):
            done.add(f.src_uri)
    return done


def _searches(config: MkDocsConfig) -> list[Any]:
    """The search plugins of the config (Material's, under the name ``search``)."""
    return [p for p in config.plugins.values() if hasattr(p, "search_index")]


def _material_jieba() -> bool:
    """Whether Material's search plugin cuts Chinese text (jieba is installed)."""
    from material.plugins.search import plugin

    return plugin.jieba is not None


def _answer(mine: bool) -> Callable[[], bool]:
    """A ``File.is_modified`` for one file: always ``mine``."""
    return lambda: mine


class _NotDirty(logging.Filter):
    """Drop MkDocs' warning that a dirty build may have stale links: a shard's folder
    starts empty and every page is written by one of the shards."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def mkdocs_logging(level: int) -> None:
    """MkDocs' log as ``mkdocs build`` prints it, to stderr, from ``level`` up; without the
    dirty-build warning (``_NotDirty``) and jieba's "Building prefix dict…" lines. For the
    shard processes and the preview server (``build.serve``)."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(level)
    logger.propagate = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    logger.addHandler(handler)
    logging.getLogger("mkdocs.commands.build").addFilter(_NotDirty())
    with contextlib.suppress(ImportError):
        import jieba

        jieba.setLogLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.build.shards")
    parser.add_argument("-f", "--config-file", required=True)
    parser.add_argument("-d", "--site-dir", required=True)
    parser.add_argument("--shard", default="0/1", help="K/N: this process builds block K of N")
    parser.add_argument("--side", type=Path, help="where shard K>0 writes its search entries")
    parser.add_argument("--plan", type=Path, help="pages copied from the page cache (pagecache)")
    args = parser.parse_args(argv)
    k, n = (int(x) for x in args.shard.split("/"))

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    mkdocs_logging(logging.WARNING)

    try:
        config = load_config(config_file=args.config_file, site_dir=args.site_dir, strict=True)
        kept, static, store = None, None, None
        if args.plan is not None:
            plan = json.loads(args.plan.read_text("utf-8"))
            kept, static = frozenset(plan["kept"]), plan.get("static")
            store = Path(plan["store"]) if plan.get("store") else None
        dirty = n > 1 or kept is not None
        if dirty:
            config.plugins["gongshi/shard"] = _plugin(k, n, args.side, kept, static, store)
        if not unsplittable(Path(args.config_file)):  # no plugin that reads the Markdown
            config.plugins["gongshi/ready-html"] = rawhtml.plugin()
        config.plugins.on_startup(command="build", dirty=dirty)
        try:
            build(config, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as exc:  # Abort, ConfigurationError: MkDocs' own message
        print(
            f"ERROR   -  {exc.format_message() if hasattr(exc, 'format_message') else exc}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
