"""Publishing: the new site replaces ``site/`` only after every check passed, in one step.

The output folder (``site/``, or what ``--site`` names) stays a real folder that a web
server can point at. When it is a symlink (``site -> /var/www/html``, a common deployment),
the link is kept and the folder it points at is replaced: everything below happens beside
the link's *target*, in the target's parent folder. Around that folder live, all hidden:

    .<name>.lock            the lock: one build at a time per output (``build.lock``)
    .<name>.new-<pid>-<id>  the site being built, unique per build
    .<name>.swap            the journal of a swap in progress (two-rename fallback only)
    .<name>.old-<pid>-<id>  the previous site during that fallback swap

The switch is ``renameat2(RENAME_EXCHANGE)`` (Linux ≥ 3.15 on ext4, xfs, btrfs, tmpfs):
the new folder and the published one trade names in one atomic step, so a reader or a kill
sees either the old site or the new one, never none. Where the exchange is not available
(macOS, Windows, some network file systems) two renames are used with a journal written
first, and ``recover`` finishes or undoes an interrupted swap on the next run. Why this and
not ``site`` → versioned folder symlink: see docs/publishing.md.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from generator.errors import BuildError

RENAME_EXCHANGE = 2
AT_FDCWD = -100
SEARCH_INDEX = "search/search_index.json"
# Test aid (documented in docs/publishing.md): GONGSHI_TEST_PAUSE_AT=<stage> makes a build
# write the stage name into GONGSHI_TEST_PAUSE_FILE and wait there, so a test can kill it at
# an exact point (inside the swap, between its two steps, there is no other way).
PAUSE_AT = "GONGSHI_TEST_PAUSE_AT"
PAUSE_FILE = "GONGSHI_TEST_PAUSE_FILE"


def pause_point(stage: str) -> None:
    """Wait at ``stage`` when a test asked for it (see ``PAUSE_AT``); otherwise nothing."""
    if stage not in os.environ.get(PAUSE_AT, "").split(","):
        return
    Path(os.environ[PAUSE_FILE]).write_text(stage, "utf-8")
    time.sleep(600)


@dataclass(frozen=True)
class Output:
    """Where a build publishes: ``given`` as the user named it, ``target`` the real folder
    (``given`` itself, or what it links to)."""

    given: Path
    target: Path

    @property
    def parent(self) -> Path:
        return self.target.parent

    def _hidden(self, kind: str) -> Path:
        return self.parent / f".{self.target.name}.{kind}"

    @property
    def lock(self) -> Path:
        return self._hidden("lock")

    @property
    def journal(self) -> Path:
        return self._hidden("swap")

    def temp(self, kind: str) -> Path:
        """A folder name no other build uses: ``.site.new-<pid>-<random>``."""
        return self._hidden(f"{kind}-{os.getpid()}-{secrets.token_hex(4)}")

    def leftovers(self) -> list[Path]:
        """Temporary folders of earlier builds (killed, or from an older gongshi)."""
        name = self.target.name
        found: list[Path] = []
        for pattern in (f".{name}.new*", f".{name}.old*"):
            found.extend(p for p in self.parent.glob(pattern) if p.is_dir())
        return sorted(found)


def output(site_dir: Path) -> Output:
    """The output for ``site_dir``: a symlink is followed (and kept), the folder it leads
    to must be a folder or not exist yet, and its parent must exist."""
    given = Path(site_dir).absolute()
    target = given.resolve()
    if target.exists() and not target.is_dir():
        raise BuildError(
            "输出位置已存在，但不是文件夹",
            file=str(given),
            hint="请用 --site 指定一个文件夹，或先移走这个文件。",
        )
    if not target.parent.is_dir():
        raise BuildError(
            "输出文件夹的上级文件夹不存在或不是文件夹",
            file=str(target.parent),
            hint="请先创建上级文件夹，或用 --site 指定另一个位置。",
        )
    return Output(given, target)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refuse_unsafe(out: Output, protected: Iterable[tuple[str, Path]], root: Path) -> None:
    """Refuse an output that is, contains or lies inside one of ``protected`` (data,
    content, templates: publishing would delete them), or that is or contains ``root``
    (the repository). An output inside the repository, such as ``site/``, is fine."""
    for target in {out.target, out.given}:
        for what, folder in protected:
            folder = Path(folder).resolve()
            if _inside(target, folder) or _inside(folder, target):
                raise BuildError(
                    f"输出文件夹与{what}（{folder}）重叠：发布时会用生成的网站替换它，"
                    f"{what}里的文件会被删除，所以没有生成",
                    file=str(out.given),
                    hint="请用 --site 指定一个单独的文件夹，如 site 或 /var/www/fupin。",
                )
        root = Path(root).resolve()
        if _inside(root, target):
            raise BuildError(
                f"输出文件夹是项目文件夹（{root}）或包含它：发布时会删除整个项目，所以没有生成",
                file=str(out.given),
                hint="请用 --site 指定项目里的 site 或另一个单独的文件夹。",
            )


def _rmtree(path: Path) -> None:
    """Remove a folder, leaving what cannot be removed for the next run's ``recover``."""
    shutil.rmtree(path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names of two folders atomically; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # glibc < 2.28, musl without it
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False  # the file system does not support it
    raise OSError(err, os.strerror(err), str(b))


def _write_journal(out: Output, new: Path, old: Path) -> None:
    text = json.dumps({"new": new.name, "old": old.name}) + "\n"
    with open(out.journal, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def recover(out: Output, log: Callable[[str], None] = lambda _: None) -> None:
    """Finish or undo what an interrupted build left (run under the lock, before building).

    A journal means the two-rename swap was cut: its new folder had passed every check, so
    it becomes the site if the site is missing, else the old one is put back. Without a
    journal, a missing site with an older gongshi's ``.site.old`` beside it gets that back.
    Then every leftover temporary folder is removed."""
    target = out.target
    if out.journal.exists():
        try:
            names = json.loads(out.journal.read_text("utf-8"))
            new, old = out.parent / names["new"], out.parent / names["old"]
        except (OSError, ValueError, KeyError, TypeError):
            new = old = None
        if not target.exists() and new is not None:
            for candidate in (new, old):
                if candidate.is_dir():
                    candidate.rename(target)
                    log(f"上次发布被中断，已恢复网站：{target}")
                    break
        out.journal.unlink()
    legacy = out.parent / f".{target.name}.old"
    if not target.exists() and legacy.is_dir():
        legacy.rename(target)
        log(f"上次发布被中断，已恢复原网站：{target}")
    for path in out.leftovers():
        _rmtree(path)


def swap_in(new: Path, out: Output, exchange: bool = True) -> None:
    """Make ``new`` the published site; the old one is removed after the switch.

    ``exchange=False`` forces the two-rename fallback (tests)."""
    target = out.target
    if not target.exists():
        os.rename(new, target)
        return
    if exchange and _exchange(new, target):
        pause_point("swap")  # new now holds the old site
        _rmtree(new)
        return
    old = out.temp("old")
    _write_journal(out, new, old)
    os.rename(target, old)
    pause_point("swap")  # no site for a moment: recover() finishes this
    os.rename(new, target)
    out.journal.unlink()
    _rmtree(old)


def missing_pages(site: Path, docs_dir: Path, page_dirs: Iterable[str], home: bool) -> list[str]:
    """What should be in the built ``site`` and is not: the HTML of every generated
    Markdown page under ``docs_dir/<page_dirs>`` (and ``index.md`` when ``home``), every
    page the search index lists, the search index itself and ``sitemap.xml``."""
    missing: list[str] = []
    for needed in ("sitemap.xml", SEARCH_INDEX):
        if not (site / needed).is_file():
            missing.append(needed)
    sources = [docs_dir / "index.md"] if home and (docs_dir / "index.md").is_file() else []
    for name in page_dirs:
        if (docs_dir / name).is_dir():
            sources.extend(sorted((docs_dir / name).rglob("*.md")))
    for md in sources:
        rel = md.relative_to(docs_dir).with_suffix("")
        stem = rel.parent if rel.name in ("index", "README") else rel
        options = [site / stem / "index.html", site / f"{stem}.html"]
        if not any(p.is_file() for p in options):
            missing.append(f"{stem.as_posix()}/index.html".lstrip("./") or "index.html")
    index = site / SEARCH_INDEX
    if index.is_file():
        with contextlib.suppress(ValueError, OSError):
            for doc in json.loads(index.read_bytes()).get("docs", []):
                loc = unquote(str(doc.get("location", "")).split("#")[0])
                if not loc or "://" in loc:
                    continue
                path = site / loc
                if not (path.is_file() or (path / "index.html").is_file()):
                    missing.append(loc)
    return sorted(set(missing))
