"""MkDocs' pages kept between builds: a page whose Markdown and whose surroundings are the
same as last time is copied, not converted again (issue 20: a one-cell commit rebuilt the
whole county).

What a page's HTML depends on
-----------------------------
With a nav of sections only (``mkdocs.yml``: record pages are ``not_in_nav``) and no plugin
but search (``shards.unsplittable``), a page's HTML is a function of:

- its own Markdown and its path (``src_uri``);
- the *surroundings*, one key for all pages (``surroundings``): the MkDocs config files
  (the generated one and what it ``INHERIT``s, nav and theme options included), every file
  of the theme's ``custom_dir``, the versions of MkDocs, Material, Python-Markdown,
  pymdown-extensions, Jinja2 and jieba, this module, ``shards`` (the plugin that writes
  the pages) and ``rawhtml`` (which sets ready HTML aside while Markdown is converted),
  ``SOURCE_DATE_EPOCH``, and the Markdown of every nav page the nav does not give a title
  (MkDocs then takes the title from that page, and every page shows it).

A page's key is the hash of the surroundings, its path and its Markdown's hash (render's,
when it wrote or checked the file, else read here). A change of any surrounding makes
every page's key new: the next build is a cold one (tested).

Search entries
--------------
Material's search plugin cuts Chinese text into words with jieba, and jieba's result
depends on the user dictionary gongshi writes from village, project and contractor names
(``.gongshi/jieba_user.txt``): a renamed project changes it. So each page's entries are
kept twice, as MkDocs saw them before the cut (``raw``) and after it (``cut``, with the key
of the dictionary that cut them). A kept page whose dictionary has changed is cut again
here, with the same jieba, the same dictionaries and Material's own function; its HTML is
still copied.

Most kept pages need no new cut, and are not cut again (``recut_needed``). jieba cuts a run of Han
characters by the words of its dictionary found *in that run* (a word's frequency, or
none) and by the dictionary's total frequency; nothing else of the dictionary enters. So
when the base dictionary is the same, the total is the same (gongshi gives every user word
the same frequency, and a rename keeps the number of words) and no word whose frequency
changed (the old name, the new one) occurs in a page's text, its cut is the one the new
dictionary makes. The manifest keeps the last user dictionary to tell what changed; any
other change (a word added, another jieba) cuts every kept page again. A test checks the
claim against jieba itself.

The index is then written here in MkDocs' page order, as Material writes it
(``SearchIndex.generate_search_index``: the plugin's config and the entries, compact JSON),
and ``reproducible.compact_search_index`` rewrites it as UTF-8 as before. A test builds the
demo warm after a one-record change and cold from nothing and compares every file.

Links
-----
MkDocs checks a page's links when it converts it. A kept page is not converted, so a link
of a kept page to a page that is gone is not reported by MkDocs; ``gongshi audit`` checks
every link of the built site (A005, which blocks publishing), so the outcome is the same.

The cache is ``.gongshi/pages/``: ``manifest.json`` (the surroundings' key and, per page,
its key, output path, search entries and the hash of its HTML, which lets the checks
after MkDocs find a kept page's results without reading it) and ``html/`` (the pages,
named by key). A page of ``html/`` and the same page of the site are one file, hard-linked
both ways (``statics``: nothing writes into a page after MkDocs), so the manifest keeps
each file's size, time and inode too, and a page edited in place in the published site
(an edit of the cached file) is converted again. Nothing in it is trusted without its
key: restoring an old ``.gongshi/`` from a CI cache is safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.build import statics
from generator.memo import Digests, digest, digest_of, signature

VERSION = "pagecache-4"
CACHE_DIR = "pages"  # under the project's .gongshi/
MANIFEST = "manifest.json"
HTML_DIR = "html"
PLAN = "plan.json"  # what the shard processes read: which pages they need not write
SEARCH_INDEX = "search/search_index.json"
DISTRIBUTIONS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "jieba")


@dataclass
class Plan:
    """What this build can copy and what MkDocs must write."""

    folder: Path
    surroundings: str
    keys: dict[str, str]  # src_uri → page key, for every Markdown file of docs_dir
    kept: dict[str, dict[str, Any]]  # src_uri → manifest entry, for the pages copied
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # the old manifest
    jieba: dict[str, Any] = field(default_factory=dict)  # the old manifest's dictionary

    @property
    def to_write(self) -> int:
        return len(self.keys) - len(self.kept)

    def html(self, key: str) -> Path:
        return self.folder / HTML_DIR / key[:2] / f"{key}.html"


def _sha(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def config_chain(config_file: Path) -> list[Path]:
    """The config file and every file it ``INHERIT``s, the given one first. (Read as text:
    MkDocs' own YAML loader merges the inherited file and drops the key.)"""
    chain: list[Path] = []
    path: Path | None = Path(config_file)
    while path is not None and path.is_file() and path not in chain:
        chain.append(path)
        found = re.search(
            r"^INHERIT:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", path.read_text("utf-8"), re.M
        )
        path = (path.parent / found.group(1)) if found else None
    return chain


def _untitled_nav_pages(nav: object) -> Iterable[str]:
    """Pages the nav names without a title (MkDocs then reads the title from the page)."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _untitled_nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            if isinstance(value, list):
                yield from _untitled_nav_pages(value)


def surroundings(config_file: Path, docs_dir: Path, custom_dir: Path | None, epoch: int) -> str:
    """The key of everything a page's HTML depends on besides its own Markdown."""
    from mkdocs.utils.yaml import yaml_load

    parts: list[bytes | str] = [VERSION, str(epoch)]
    parts += [f"{d}={_version(d)}" for d in DISTRIBUTIONS]
    here = Path(__file__).parent
    parts += [(here / name).read_bytes() for name in ("pagecache.py", "shards.py", "rawhtml.py")]
    nav: object = None
    for path in config_chain(config_file):
        parts += [path.name, path.read_bytes()]
        if nav is None:
            with open(path, "rb") as f:
                nav = (yaml_load(f) or {}).get("nav")
    for name in sorted(set(_untitled_nav_pages(nav))):
        with contextlib.suppress(OSError):
            parts += [name, (docs_dir / name).read_bytes()]
    if custom_dir is not None and custom_dir.is_dir():
        for path in sorted(p for p in custom_dir.rglob("*") if p.is_file()):
            parts += [path.relative_to(custom_dir).as_posix(), path.read_bytes()]
    return _sha(*parts)


def plan(work: Path, docs_dir: Path, key: str, sources: Digests | None = None) -> Plan:
    """Hash every Markdown file of ``docs_dir`` and find the pages kept from last time.

    ``sources``: the hashes of the files render wrote or found unchanged, by their path
    under ``docs_dir`` (``Digests.stamped``), trusted while a file's size, time and inode
    are as render left them; any other file (a county's own page) is read."""
    folder = work / CACHE_DIR
    old: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        old = json.loads((folder / MANIFEST).read_text("utf-8"))
    if old.get("version") != VERSION or old.get("surroundings") != key:
        old = {}
    pages = old.get("pages", {})
    keys: dict[str, str] = {}
    kept: dict[str, dict[str, Any]] = {}
    result = Plan(folder, key, keys, kept, pages, old.get("jieba") or {})
    for path in docs_dir.rglob("*.md"):
        src = path.relative_to(docs_dir).as_posix()
        keys[src] = page_key = _sha(key, src, digest_of(path, src, sources)[0])
        entry = pages.get(src)
        # the cached page as the build that wrote it left it: a page of the published
        # site edited in place is the cached file edited too (they are one, ``statics``)
        if not entry or entry.get("key") != page_key:
            continue
        if statics.unchanged(result.html(page_key), entry.get("sig") or None):
            kept[src] = entry
    return result


def write_plan(
    p: Plan, where: Path, static: dict[str, dict] | None = None, store: Path | None = None
) -> Path:
    """The file the shards read (``--plan``): the pages they need not write, and the
    generated files to link from ``store`` instead of copying (``statics``)."""
    doc: dict[str, Any] = {"kept": sorted(p.kept)}
    if static and store is not None:
        doc |= {"static": static, "store": str(store.resolve())}
    path = where / PLAN
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def restore(p: Plan, out_dir: Path, digests: Digests | None = None) -> int:
    """Put the kept pages into ``out_dir``, as hard links to the cache's files (a copy
    where a link cannot be made; nothing writes into them, see ``statics``). Returns how
    many. ``digests`` learns the hash of each one's bytes, so that the checks after MkDocs
    find a kept page's results without reading it."""
    for entry in p.kept.values():
        dest = out_dir / entry["dest"]
        statics.place(p.html(entry["key"]), dest)
        if digests is not None and entry.get("sha"):
            digests.record(dest, entry["dest"], entry["sha"])
    return len(p.kept)


def dictionary(jieba_files: dict[str, str | None], project_dir: Path) -> dict[str, str]:
    """What the search plugin's jieba was given: ``key`` names it all (jieba's version and
    both dictionaries' bytes), ``base`` the version and the main dictionary, ``user`` the
    text of the user dictionary (kept in the manifest, so the next build sees what
    changed)."""
    read: dict[str, bytes] = {}
    for name in ("dict", "user"):
        given = jieba_files.get(name)
        if given:
            with contextlib.suppress(OSError):
                read[name] = (project_dir / given).read_bytes()
    base = _sha(_version("jieba"), "dict", read.get("dict", b""), str("dict" in read))
    user = read.get("user", b"")
    key = _sha(base, "user", user, str("user" in read))
    return {"key": key, "base": base, "user": user.decode("utf-8", errors="replace")}


def _user_words(text: str) -> tuple[dict[str, int], int] | None:
    """A user dictionary as jieba reads it (``Tokenizer.load_userdict``): each word's
    frequency (the last line of a word wins) and the sum of every line's frequency, which
    jieba adds to its total. ``None`` when a line has no frequency (jieba then computes one
    from the dictionary, so nothing can be said without it)."""
    try:
        import jieba
    except ImportError:  # Material's search then cuts nothing: every page is "cut" again
        return None
    words: dict[str, int] = {}
    total = 0
    for line in text.lstrip("\ufeff").splitlines():
        line = line.strip()
        if not line:
            continue
        found = jieba.re_userdict.match(line)
        if found is None or found.group(2) is None:
            return None
        word, freq = found.group(1), int(found.group(2))
        words[word] = freq
        total += freq
    return words, total


def recut_needed(old: dict[str, str], new: dict[str, str]) -> Callable[[list[dict]], bool] | None:
    """Which pages cut with dictionary ``old`` must be cut again under ``new``: a function
    of a page's raw search entries, or ``None`` when all must be (see "Search entries").

    A page needs a new cut only if one of the words whose frequency changed occurs in its
    title or text; that holds when the base dictionary is the same and the total frequency
    is the same, since a cut depends on nothing else of the dictionary."""
    if not old or old.get("base") != new.get("base"):
        return None
    before, after = _user_words(old.get("user", "")), _user_words(new.get("user", ""))
    if before is None or after is None or before[1] != after[1]:
        return None
    changed = [w for w in before[0].keys() | after[0].keys() if before[0].get(w) != after[0].get(w)]

    def needed(raw: list[dict]) -> bool:
        return any(w in e["title"] or w in e["text"] for e in raw for w in changed)

    return needed


def _cutter(jieba_files: dict[str, str | None], project_dir: Path) -> Callable[[str], str]:
    """Material's own word cut, with a jieba set up as its search plugin sets one up in a
    fresh MkDocs process: the dictionary, then this project's user dictionary.

    A fresh ``jieba.Tokenizer`` of its own, never jieba's global one: this process may have
    loaded another project's dictionary before (``build --all``, tests, ``serve``), and a
    word once added to a tokenizer stays in it. Material's function reads the module
    global ``jieba`` when it runs, so it is pointed at this tokenizer while it cuts."""
    from material.plugins.search import plugin as search

    if search.jieba is None:
        return lambda text: text
    import jieba

    given = jieba_files.get("dict")
    tokenizer = jieba.Tokenizer(
        os.path.normpath(project_dir / given) if given else jieba.DEFAULT_DICT
    )
    if jieba_files.get("user"):
        tokenizer.load_userdict(os.path.normpath(project_dir / str(jieba_files["user"])))
    index = search.SearchIndex()
    own = types.SimpleNamespace(cut=tokenizer.cut)

    def cut(text: str) -> str:
        saved = search.jieba
        search.jieba = own
        try:
            return index._segment_chinese(text)
        finally:
            search.jieba = saved

    return cut


def finish(p: Plan, out_dir: Path, project_dir: Path, sides: list[dict[str, Any]]) -> int:
    """After MkDocs: keep the pages it wrote, write the search index from every page's
    entries in MkDocs' order, and save the manifest. Returns how many kept pages had to be
    cut into words again (their dictionary changed)."""
    written: dict[str, Any] = {}
    order: list[str] = []
    dest: dict[str, str] = {}
    search_config: dict[str, Any] | None = None
    jieba_files: dict[str, str | None] = {}
    for side in sides:
        written.update(side["pages"])
        if side.get("order"):
            order, dest = side["order"], side["dest"]
            search_config = side.get("search")
            jieba_files = side.get("jieba") or {}
    jieba_dict = dictionary(jieba_files, project_dir)
    key_now = jieba_dict["key"]
    needed = recut_needed(p.jieba, jieba_dict) if p.jieba.get("key") != key_now else None
    cut: Callable[[str], str] | None = None
    recut = 0
    pages: dict[str, dict[str, Any]] = {}
    docs: list[dict[str, Any]] = []
    for src in order:
        key = p.keys.get(src)
        if src in written:
            raw, done = written[src]
            entry = {"key": key, "dest": dest[src], "raw": raw, "cut": done, "dict": key_now}
            if key is not None:
                # kept as a link to the page MkDocs wrote: nothing writes into a page of
                # the site after MkDocs (``statics``), so the two stay the same bytes
                page = out_dir / dest[src]
                entry["sha"] = digest(page.read_bytes())
                statics.place(page, p.html(key))
                entry["sig"] = list(signature(p.html(key)) or ())  # a copy, across disks
        elif src in p.kept:
            # as it is now (the plan found it unchanged; a copy has another inode)
            entry = {**p.kept[src], "sig": list(signature(p.html(p.kept[src]["key"])) or ())}
            if (
                entry["dict"] == p.jieba.get("key")
                and needed is not None
                and not needed(entry["raw"])
            ):
                entry = {**entry, "dict": key_now}  # no changed word in it: the same cut
            elif entry["dict"] != key_now:
                if cut is None:
                    cut = _cutter(jieba_files, project_dir)
                entry = {
                    **entry,
                    "cut": [
                        {**e, "title": cut(e["title"]), "text": cut(e["text"])}
                        for e in entry["raw"]
                    ],
                    "dict": key_now,
                }
                recut += 1
        else:  # neither written nor kept: not a page of this build
            continue
        docs.extend(entry["cut"])
        if key is not None:
            pages[src] = entry
    if search_config is not None:
        index = out_dir / SEARCH_INDEX
        index.parent.mkdir(parents=True, exist_ok=True)
        data = {"config": search_config, "docs": docs}  # as Material writes it
        index.write_bytes(json.dumps(data, separators=(",", ":"), default=str).encode("utf-8"))
    _save(p, pages, jieba_dict)
    return recut


def _save(
    p: Plan, pages: dict[str, dict[str, Any]], jieba_dict: dict[str, str] | None = None
) -> None:
    """The new manifest (written whole, then moved into place) and the pages no longer
    needed removed."""
    p.folder.mkdir(parents=True, exist_ok=True)
    doc = {"version": VERSION, "surroundings": p.surroundings, "pages": pages, "jieba": jieba_dict}
    tmp = p.folder / (MANIFEST + ".new")
    tmp.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    os.replace(tmp, p.folder / MANIFEST)
    wanted = {p.html(e["key"]).name for e in pages.values()}
    html = p.folder / HTML_DIR
    if html.is_dir():
        for path in html.rglob("*.html"):
            if path.name not in wanted:
                path.unlink()
