"""The preview server of ``gongshi serve``: MkDocs' own live-reload server, rebuilding once
per change, only the pages that changed.

``mkdocs serve`` watches ``docs_dir`` and rebuilds the whole site as soon as the files
have been quiet for 0.1 s. gongshi's render writes a change's pages over a second or more
(check and render run in between), so MkDocs started a rebuild in the middle and another
after it (two per change, seen by a new user), each of every page (minutes on a county).

Here instead:

- MkDocs watches no page: it watches one *trigger* file, which ``gongshi serve``
  (``pipeline.serve``) writes once render has written everything of a change (a data file,
  a hand-written page, a template, ``mkdocs.yml``). One change, one rebuild.
- A rebuild converts and writes only the pages whose source changed since the last build
  (MkDocs' dirty mode, with ``File.is_modified`` answering from the size and time of the
  source *as the last build saw it*, not from the output's time, so a page rewritten
  during a build is built again next time) and deletes the output of pages that are gone.
  The nav lists sections only, so an unchanged record page's HTML does not depend on the
  others (the design's rule; a county nav that lists record pages by their own titles
  would show a stale title until the next full build).
- The search index stays whole: the search plugin's entries of each page are kept from
  the build that last converted it, and every build writes them all in page order
  (Material's own dirty-reload merge assumes one changed page).
- A change of the config (``mkdocs.generated.yml`` or what it INHERITs) or of the theme
  folder (``custom_dir``) makes the next rebuild a full one.

Run by ``pipeline.serve`` as
``python -m generator.build.serve -f CONFIG -a 127.0.0.1:PORT --trigger FILE``.
Written for MkDocs 1.6 (``mkdocs/commands/serve.py`` is the model; see ``build.shards``
for the dirty-mode details it relies on).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from generator.build.shards import mkdocs_logging
from generator.project import GENERATED_DIRS, GENERATED_FILES, Project

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = logging.getLogger("mkdocs.gongshi.serve")
Signature = tuple[int, int]


POLL_S = 0.5  # how often ``gongshi serve`` looks at the data (MkDocs' own watcher: 0.5 s)


def trigger(project: Project) -> Path:
    """The file ``gongshi serve`` writes after each render, and the only one the server
    watches."""
    return project.work / "serve" / "rebuild"


def watched(project: Project) -> dict[Path, tuple[str, ...]]:
    """What ``gongshi serve`` polls besides the data folder, each with what to skip: the
    hand-written pages (not the generated ones: render writes those), the templates and
    ``mkdocs.yml``."""
    out: dict[Path, tuple[str, ...]] = {project.docs_dir: GENERATED_DIRS + GENERATED_FILES}
    out[project.config] = ()
    out[project.templates] = ()
    if project.custom_dir is not None:
        out[project.custom_dir] = ()
    return out


def command(project: Project, port: int, trigger: Path) -> list[str]:
    """The server process ``gongshi serve`` starts (``main`` below)."""
    return [
        sys.executable,
        "-m",
        "generator.build.serve",
        "-f",
        str(project.generated_config),
        "-a",
        f"127.0.0.1:{port}",
        "--trigger",
        str(trigger),
    ]


def touch(trigger: Path) -> None:
    """Ask the server for one rebuild (called by ``gongshi serve`` after a render)."""
    trigger.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with contextlib.suppress(OSError, ValueError):
        count = int(trigger.read_text("utf-8") or 0)
    tmp = trigger.with_suffix(".tmp")
    tmp.write_text(str(count + 1), "utf-8")
    os.replace(tmp, trigger)  # one event, never a half-written file


def _signature(path: str | None) -> Signature | None:
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def config_key(config_file: Path, theme_dirs: Sequence[Path]) -> str:
    """What makes a full rebuild necessary: the bytes of the config and of what it
    INHERITs, and the size and time of every file of the theme folders."""
    h = hashlib.sha256()
    seen: set[Path] = set()
    path: Path | None = config_file.resolve()
    while path is not None and path not in seen and path.is_file():
        seen.add(path)
        text = path.read_bytes()
        h.update(str(path).encode() + b"\0" + text + b"\0")
        path = _inherits(path, text)
    for folder in theme_dirs:
        for root, _, files in sorted(os.walk(folder)):
            for name in sorted(files):
                full = os.path.join(root, name)
                h.update(f"{full}\0{_signature(full)}\0".encode())
    return h.hexdigest()


def _inherits(path: Path, text: bytes) -> Path | None:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    parent = data.get("INHERIT") if isinstance(data, dict) else None
    return (path.parent / parent).resolve() if isinstance(parent, str) else None


class Incremental:
    """The state kept between builds, and the MkDocs plugin that uses it."""

    def __init__(self) -> None:
        self.key = ""  # config_key of the last build
        self.builds = 0
        self.compiled: dict[str, bytes] = {}  # the theme's Jinja templates, compiled
        self.reset()

    def reset(self) -> None:
        """Forget every page: the next build converts them all."""
        self.built: dict[str, Signature | None] = {}  # src_uri → source as last built
        self.dests: dict[str, str] = {}  # src_uri → dest_path of the last build
        self.entries: dict[str, list[Any]] = {}  # page src_uri → its search entries

    def plugin(self, dirty: bool) -> Any:
        from mkdocs.plugins import BasePlugin, event_priority

        state = self

        class Plugin(BasePlugin):
            pending: dict[str, Signature | None]
            order: list[str]
            seen = 0

            def on_files(self, files: Files, config: MkDocsConfig) -> Files:
                self.pending = {}
                self.order = [f.src_uri for f in files.documentation_pages()]
                for f in files:
                    sig = _signature(f.abs_src_path) if f.abs_src_path else None
                    self.pending[f.src_uri] = sig
                    changed = (
                        not dirty
                        or sig is None
                        or state.built.get(f.src_uri) != sig
                        or not os.path.exists(f.abs_dest_path)
                    )
                    f.is_modified = _answer(changed)  # type: ignore[method-assign]
                gone = set(state.dests) - {f.src_uri for f in files}
                for uri in gone:  # a record removed: its old page must not stay online
                    _remove(Path(config.site_dir), state.dests.pop(uri))
                    state.entries.pop(uri, None)
                    state.built.pop(uri, None)
                state.dests.update({f.src_uri: f.dest_path for f in files})
                return files

            def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
                # MkDocs makes a new Jinja environment per build: without this, every
                # rebuild compiles the theme's templates again (2 s of a 3 s rebuild)
                env.bytecode_cache = _compiled(state.compiled)
                return env

            @event_priority(-100)  # after the search plugin has added the page's entries
            def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
                index = _search_index(config)
                if index is not None:
                    state.entries[page.file.src_uri] = index.entries[self.seen :]
                    self.seen = len(index.entries)
                return context

            @event_priority(100)  # before the search plugin writes its index
            def on_post_build(self, config: MkDocsConfig) -> None:
                index = _search_index(config)
                if index is not None:
                    index.entries = [e for uri in self.order for e in state.entries.get(uri, [])]
                state.built.update(self.pending)

        return Plugin()


def _compiled(store: dict[str, bytes]) -> Any:
    """A Jinja bytecode cache in ``store``, kept across builds. Jinja checks each entry
    against the template's source (a checksum), so a changed template is compiled again."""
    from jinja2 import BytecodeCache

    class Cache(BytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            if (code := store.get(bucket.key)) is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket: Any) -> None:
            store[bucket.key] = bucket.bytecode_to_string()

    return Cache()


def _answer(value: bool) -> Any:
    return lambda: value


def _search_index(config: Any) -> Any:
    for plugin in config.plugins.values():
        if hasattr(plugin, "search_index"):
            plugin.search_index_prev = None  # Material's own dirty merge: not needed here
            return plugin.search_index
    return None


def _remove(site_dir: Path, dest: str) -> None:
    path = site_dir / dest
    with contextlib.suppress(OSError):
        path.unlink()
        for parent in path.parents:
            if parent == site_dir or any(parent.iterdir()):
                break
            parent.rmdir()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.build.serve")
    parser.add_argument("-f", "--config-file", required=True, type=Path)
    parser.add_argument("-a", "--dev-addr", required=True)
    parser.add_argument("--trigger", required=True, type=Path)
    args = parser.parse_args(argv)

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer, _serve_url

    mkdocs_logging(logging.INFO)

    site_dir = tempfile.mkdtemp(prefix="gongshi-serve-")
    state = Incremental()

    def get_config() -> MkDocsConfig:
        return load_config(
            config_file=str(args.config_file), site_dir=site_dir, dev_addr=args.dev_addr
        )

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)

    def builder(config: MkDocsConfig | None = None) -> None:
        log.info("Building documentation...")
        config = config or get_config()
        config.site_url = serve_url
        custom = config.theme.custom_dir
        key = config_key(args.config_file, [Path(custom)] if custom else [])
        dirty = bool(state.builds) and key == state.key
        if not dirty:  # the first build, or the config or the theme changed: all pages
            state.reset()
        config.plugins["gongshi/incremental"] = state.plugin(dirty)
        build(config, serve_url=serve_url, dirty=dirty)
        state.key, state.builds = key, state.builds + 1

    server = LiveReloadServer(
        builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path
    )

    def error_page(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    try:
        builder(config)
        args.trigger.parent.mkdir(parents=True, exist_ok=True)
        args.trigger.touch()
        server.watch(str(args.trigger), recursive=False)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
