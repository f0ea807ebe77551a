"""The generated files that are not pages (downloads, QR codes, feeds), kept by their bytes
in ``.gongshi/static/`` and hard-linked into each new site instead of copied.

Issue 20: a county has 12,000 of them (Excel, CSV and JSON downloads, print QR codes), and
a warm build after one rename changes a few dozen. MkDocs copied all of them into the new
site on every build (5–6 s of system time on a warm county build), the scan read them all
again, and publishing deleted the previous site's 22,000 files, whose freed blocks are most
of that cost. A hard link is one system call; the same bytes are shared by the cache, the
site being built and the published site, so deleting the old site frees almost nothing.

How it stays right:

- A file is kept under the hash render computed when it wrote it (``Digests.stamped``),
  trusted only while the file in ``docs_dir`` has the size, time and inode render left it
  with; it is checked again by the shard that links it, just before the copy.
- A kept file is never changed: it is written once under a temporary name and moved to
  its name (its hash), and nothing writes into a linked file: every step after MkDocs that
  rewrites a file of the new site replaces it (``rewrite``) instead of writing into it, so
  the published site and the cache are never touched through a link.
- Only files MkDocs itself would copy are linked: the shard decides, from MkDocs' own file
  collection (exclusions included); the others are copied by MkDocs as before.
- Where a link cannot be made (the site on another file system, ``--site /var/www``), the
  file is copied.

Files a county writes by hand into ``docs_dir`` are never linked: someone may edit one in
place, and the published site must not change without a build.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from generator.memo import Digests, signature
from generator.project import GENERATED_DIRS

STORE = "static"  # under the project's .gongshi/


def kept(store: Path, sha: str) -> Path:
    """Where the file whose bytes hash to ``sha`` is kept."""
    return store / sha[:2] / sha


def plan(docs_dir: Path, sources: Digests, rels: list[str]) -> dict[str, list]:
    """The generated files among ``rels`` (paths under ``docs_dir``) that can be linked:
    not Markdown, in a generated folder, with the hash render knows, and the signature
    they have now (the shard checks it again before it copies one into the store)."""
    found: dict[str, list] = {}
    for rel in rels:
        if rel.endswith(".md") or rel.split("/", 1)[0] not in GENERATED_DIRS:
            continue
        path = docs_dir / rel
        sha = sources.of(path, rel)
        sig = signature(path) if sha else None
        if sha and sig:
            found[rel] = [sha, *sig]
    return found


def expect(store: Path, static: dict[str, list], digests: Digests) -> None:
    """Tell ``digests`` the hash of each file that will be a link to a kept file (a link
    has the kept file's size, time and inode): the scan then does not read them."""
    for rel, (sha, *_) in static.items():
        path = kept(store, sha)
        with contextlib.suppress(OSError):
            digests.record(path, rel, sha)


def link(src: str, dest: str, store: Path, entry: list) -> bool:
    """Put the file ``src`` (of ``docs_dir``) at ``dest`` in the new site as a link to its
    kept copy, keeping it first if it is new. False when ``src`` is not what the plan saw
    (MkDocs then copies it, as any other file)."""
    sha, *sig = entry
    path = kept(store, sha)
    if not path.is_file():
        if signature(src) != tuple(sig):
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.new")
        shutil.copyfile(src, tmp)
        os.replace(tmp, path)
    place(path, Path(dest))
    return True


def place(source: Path, dest: Path) -> None:
    """``dest`` as a hard link to ``source``, or a copy where links cannot be made."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        dest.unlink()
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def prune(store: Path, used: set[str]) -> None:
    """Remove the kept files no page of this build uses any more (the sites that link to
    one keep its bytes)."""
    if not store.is_dir():
        return
    for folder in store.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name not in used:
                with contextlib.suppress(OSError):
                    path.unlink()


def rewrite(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` with ``data``: a new file moved to its name, never a
    write into the old one, which may be a link shared with the published site."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    tmp.write_bytes(data)
    os.replace(tmp, path)
