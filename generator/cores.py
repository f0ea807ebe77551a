"""The second core: run a job in a forked child process while this one goes on.

A county build is single-threaded Python in three places that do not depend on each other
(loading half of the files, writing the downloads, scanning what MkDocs wrote), and the
machines it runs on (a county's CI runner, an office PC) have at least two cores.
``fork`` gives the child the parent's memory as it is, so nothing is pickled on the way
in; only the job's result comes back.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Forking is safe and useful: ``fork`` exists (not on Windows), there is a second
    core, and no other thread runs (``gongshi serve`` watches files in one)."""
    return ("fork" in mp.get_all_start_methods() and (os.cpu_count() or 1) >= 2
            and threading.active_count() == 1)


def beside(job: Callable[[], T]) -> Callable[[], T]:
    """Start ``job`` in a forked child; return the function that waits for its result.

    An exception in the child is raised again by that function (the same exception when
    it pickles, else a ``RuntimeError`` with the child's traceback). Without ``can_fork``
    the job runs here, at once."""
    if not can_fork():
        value = job()
        return lambda: value
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            send.send(("ok", job(), ""))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            text = traceback.format_exc()
            try:
                send.send(("error", exc, text))
            except Exception:  # an exception that does not pickle
                send.send(("error", None, text))

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    send.close()

    def join() -> T:
        try:
            status, value, text = receive.recv()
        except EOFError:  # the child died without a word
            status, value, text = "error", None, "子进程意外退出"
        finally:
            receive.close()
        proc.join()
        if status == "error":
            raise value if isinstance(value, BaseException) else RuntimeError(text)
        return value

    return join
