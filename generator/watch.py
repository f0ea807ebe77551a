"""Watching a folder without a dependency: a snapshot of every file's mtime and size, and a
daemon thread that calls a function at an interval (``gongshi serve``).

Polling works on network drives and in containers where inotify does not; a data folder is
small enough to list once a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

Snapshot = dict[str, tuple[int, int]]


def snapshot(folder: Path) -> Snapshot:
    """Every file under ``folder`` (relative path) with its mtime and size; Excel/WPS lock
    files (``~$…``) and hidden files are left out."""
    out: Snapshot = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and not path.name.startswith(("~$", ".")):
            st = path.stat()
            out[path.relative_to(folder).as_posix()] = (st.st_mtime_ns, st.st_size)
    return out


def every(interval: float, fn: Callable[[], object]) -> threading.Event:
    """Call ``fn`` every ``interval`` seconds in a daemon thread until the returned event
    is set. An exception in ``fn`` is printed and the polling goes on: a half-saved Excel
    file must not end the preview."""
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(interval):
            try:
                fn()
            except Exception as exc:
                print(f"重新生成页面失败：{exc}")

    threading.Thread(target=run, daemon=True, name="gongshi-watch").start()
    return stop
