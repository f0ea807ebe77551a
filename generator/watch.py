"""Watching a folder without a dependency: a snapshot of every file's mtime and size, and a
daemon thread that calls a function at an interval (``gongshi serve``).

Polling works on network drives and in containers where inotify does not; a data folder is
small enough to list once a second.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

Snapshot = dict[str, tuple[int, int]]


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> Snapshot:
    """Every file under ``folder`` (relative path) with its mtime and size; Excel/WPS lock
    files (``~$…``) and hidden files are left out, and so are the top-level entries named
    in ``skip``. A file given as ``folder`` is itself the snapshot."""
    folder = Path(folder)
    if folder.is_file():
        st = folder.stat()
        return {folder.name: (st.st_mtime_ns, st.st_size)}
    out: Snapshot = {}
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        if here == folder:  # a skipped folder is not even listed (a county's 10,000 pages)
            dirs[:] = [d for d in dirs if d not in skip]
            files = [f for f in files if f not in skip]
        for name in files:
            if name.startswith(("~$", ".")):
                continue
            try:
                st = os.stat(here / name)
            except FileNotFoundError:  # removed while we looked
                continue
            out[(here / name).relative_to(folder).as_posix()] = (st.st_mtime_ns, st.st_size)
    return dict(sorted(out.items()))


def snapshot_all(folders: dict[Path, tuple[str, ...]]) -> Snapshot:
    """``snapshot`` of several folders (or files), each with what to skip in it."""
    out: Snapshot = {}
    for folder, skip in folders.items():
        out.update({f"{folder}/{k}": v for k, v in snapshot(folder, skip).items()})
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


def until_exit(proc: subprocess.Popen, interval: float, fn: Callable[[], object]) -> int:
    """Call ``fn`` every ``interval`` seconds *in this thread* until ``proc`` exits, and
    return its exit code. No second thread, so ``fn`` may fork (``cores.can_fork``: render
    uses both cores). An exception in ``fn`` is printed and the polling goes on; Ctrl-C
    stops ``proc`` too."""
    try:
        while proc.poll() is None:
            time.sleep(interval)
            try:
                fn()
            except Exception as exc:
                print(f"重新生成页面失败：{exc}")
    except KeyboardInterrupt:
        proc.terminate()
    return proc.wait()
