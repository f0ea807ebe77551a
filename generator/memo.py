"""Results kept between builds in ``.gongshi/``, found again by the content they came from
(issue 20: a one-cell commit re-read, re-scanned and re-audited the whole county).

A ``Memo`` maps a key (a tuple of strings: a file's path and the hash of its bytes, and
whatever else the result depends on) to a result. It is opened with a *salt*: the hash of
gongshi's own code (``code_key``) plus what the stage says its results depend on (the
scan's rules, the loader's amount limit); another salt finds nothing, so a new gongshi or
new rules start from empty. Only the entries asked for or added by this build are saved,
so the file holds one build's worth.

The file is a pickle: it is as trusted as the repository whose CI writes it (a CI cache
is written by the same workflow that builds the site). A file that cannot be read is
ignored, never an error: the build then does the work.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT = 1


@lru_cache(maxsize=1)
def code_key() -> str:
    """The hash of every Python file of the ``generator`` package: results made by other
    code are never reused."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def digest(data: bytes) -> str:
    """The hash that names a file's bytes in a memo's keys."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class Memo:
    """Results by key, read from and saved to one file (``None``: kept in memory only)."""

    def __init__(self, path: Path | None, salt: str) -> None:
        self.path = path
        self.salt = f"{FORMAT}:{code_key()}:{salt}"
        self._old: dict[tuple[str, ...], Any] = {}
        self._now: dict[tuple[str, ...], Any] = {}
        self.hits = 0
        self._changed = False  # something was added: else the file already says it all
        if path is not None:
            with contextlib.suppress(Exception):  # a damaged or foreign file: start empty
                with open(path, "rb") as f:
                    salt_read, entries = pickle.load(f)
                if salt_read == self.salt:
                    self._old = entries

    def get(self, key: tuple[str, ...]) -> Any:
        """The result kept for ``key``, or ``None``."""
        if key in self._now:
            return self._now[key]
        if key in self._old:
            self.hits += 1
            self._now[key] = value = self._old[key]
            return value
        return None

    def put(self, key: tuple[str, ...], value: Any) -> Any:
        self._now[key] = value
        self._changed = True
        return value

    def entries(self) -> dict[tuple[str, ...], Any]:
        """This build's entries (asked for or added): what a forked child hands back."""
        return dict(self._now)

    def merge(self, entries: dict[tuple[str, ...], Any]) -> None:
        """Add what a forked child asked for or added (``entries``), so it is saved too."""
        for key, value in entries.items():
            if key not in self._now:
                self._now[key] = value
                if key not in self._old:
                    self._changed = True

    def save(self) -> None:
        """Write this build's entries (whole, then moved into place); nothing when the
        file holds exactly them already."""
        if self.path is None or (not self._changed and len(self._now) == len(self._old)):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.new")
        with open(tmp, "wb") as f:
            pickle.dump((self.salt, self._now), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)


Signature = tuple[int, int, int]  # a file's size, modification time (ns) and inode
Stamp = tuple[Signature, str]  # a file's signature when its bytes had this digest


def signature(path: str | os.PathLike[str]) -> Signature | None:
    """``None`` for a file that is not there; any other error is raised (the scan must not
    pass over a file it cannot look at)."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class Digests:
    """Files whose digest is known without reading them, by their path relative to the
    site: the page cache copies a page whose bytes it hashed when MkDocs wrote it (issue
    20: a warm county build read its 500 MB of unchanged pages once for the scan, once for
    the figure check and once for the audit, only to find each in a memo).

    A digest is trusted only while the file has the size, time and inode it had when the
    digest was recorded; a file changed since, in any way, is read and hashed again."""

    def __init__(self) -> None:
        self._known: dict[str, Stamp] = {}

    @classmethod
    def stamped(cls, stamps: dict[str, Stamp]) -> Digests:
        """The digests of files whose signature and hash a writer kept as it wrote them
        (render's stamps), by their relative path."""
        known = cls()
        known._known = dict(stamps)
        return known

    def record(self, path: Path, rel: str, hashed: str) -> None:
        sig = signature(path)
        if sig is not None:
            self._known[rel] = (sig, hashed)

    def of(self, path: str | os.PathLike[str], rel: str) -> str | None:
        """The digest of ``path`` if it is known and the file is as it was, else ``None``."""
        known = self.stamp(path, rel)
        return known[1] if known is not None else None

    def stamp(self, path: str | os.PathLike[str], rel: str) -> Stamp | None:
        """The signature and digest of ``path`` if they are known and the file is as it
        was (its signature now is the one returned), else ``None``."""
        known = self._known.get(rel)
        if known is None or signature(path) != known[0]:
            return None
        return known


def digest_of(path: Path, rel: str, digests: Digests | None) -> tuple[str, bytes | None]:
    """``(digest, bytes)`` of a file: the bytes are ``None`` when the digest was known
    (``digests``) and the file was not read."""
    known = digests.of(path, rel) if digests is not None else None
    if known is not None:
        return known, None
    data = path.read_bytes()
    return digest(data), data
