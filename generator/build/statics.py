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
- A kept file is used only while it has the size, time and inode it had when the build
  that made it ended (``MANIFEST``), or is a copy that no site shares (``unchanged``: a
  ``.gongshi/`` restored from a CI cache has new inodes): a file of the published site
  edited in place on the server is an edit of the kept file too, and it is then copied
  again from ``docs_dir``, never published unscanned.
- Where a link cannot be made (the site on another file system, ``--site /var/www``), the
  file is copied.

Files a county writes by hand into ``docs_dir`` are never linked: someone may edit one in
place, and the published site must not change without a build.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from generator.memo import Digests, signature
from generator.project import GENERATED_DIRS

STORE = "static"  # under the project's .gongshi/
MANIFEST = "signatures.json"  # in the store: each kept file's size, time and inode


def kept(store: Path, sha: str) -> Path:
    """Where the file whose bytes hash to ``sha`` is kept."""
    return store / sha[:2] / sha


def plan(docs_dir: Path, sources: Digests, rels: list[str], store: Path) -> dict[str, dict]:
    """The generated files among ``rels`` (paths under ``docs_dir``) that can be linked:
    not Markdown, in a generated folder, with the hash render knows and the signature they
    have now (the shard checks it again before it copies one into the store); ``kept``:
    whether the store's copy is there and unchanged since it was made."""
    signatures: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        signatures = json.loads((store / MANIFEST).read_text("utf-8"))
    found: dict[str, dict] = {}
    for rel in rels:
        if rel.endswith(".md") or rel.split("/", 1)[0] not in GENERATED_DIRS:
            continue
        stamp = sources.stamp(docs_dir / rel, rel)
        if stamp is not None:
            sig, sha = stamp
            ok = unchanged(kept(store, sha), signatures.get(sha))
            found[rel] = {"sha": sha, "sig": list(sig), "kept": ok}
    return found


def unchanged(path: Path, made: list[int] | None) -> bool:
    """Whether the kept file ``path`` holds the bytes it was kept with: it has the size,
    time and inode the build that made it left (``made``), or it is another file, a copy
    (another inode, or none recorded) that no site links to, so that no edit of a site
    can have reached it (a restored CI cache, a copied project)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    if made is not None and (st.st_size, st.st_mtime_ns, st.st_ino) == tuple(made):
        return True
    return st.st_nlink == 1 and (made is None or st.st_ino != made[2])


def expect(store: Path, static: dict[str, dict], digests: Digests) -> None:
    """Tell ``digests`` the hash of each file that will be a link to a kept file (a link
    has the kept file's size, time and inode): the scan then does not read them."""
    for rel, entry in static.items():
        if entry["kept"]:
            with contextlib.suppress(OSError):
                digests.record(kept(store, entry["sha"]), rel, entry["sha"])


def link(src: str, dest: str, store: Path, entry: dict, added: set[str]) -> bool:
    """Put the file ``src`` (of ``docs_dir``) at ``dest`` in the new site as a link to its
    kept copy, keeping it first if it is new or not as it was made (``added``: the hashes
    this process kept already). False when ``src`` is not what the plan saw (MkDocs then
    copies it, as any other file)."""
    sha = entry["sha"]
    path = kept(store, sha)
    if not entry["kept"] and sha not in added:
        if signature(src) != tuple(entry["sig"]):
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.new")
        shutil.copyfile(src, tmp)
        os.replace(tmp, path)  # a changed copy is replaced, not written into
        added.add(sha)
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


def prune(store: Path, static: dict[str, dict]) -> None:
    """Remove the kept files no page of this build uses any more (the sites that link to
    one keep its bytes), and write down the signature of the others (``MANIFEST``)."""
    if not store.is_dir():
        return
    used = {entry["sha"] for entry in static.values()}
    signatures: dict[str, list[int]] = {}
    for folder in store.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            sig = signature(path) if path.name in used else None
            if sig is not None:
                signatures[path.name] = list(sig)
                continue
            with contextlib.suppress(OSError):
                path.unlink()
    with contextlib.suppress(OSError):
        rewrite(store / MANIFEST, json.dumps(signatures, sort_keys=True).encode("utf-8"))


def rewrite(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` with ``data``: a new file moved to its name, never a
    write into the old one, which may be a link shared with the published site."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    tmp.write_bytes(data)
    os.replace(tmp, path)
