"""The second core: run a job in a forked child process while this one goes on.

A county build is single-threaded Python in three places that do not depend on each other
(loading half of the files, writing the downloads, scanning what MkDocs wrote), and the
machines it runs on (a county's CI runner, an office PC) have at least two cores.
``fork`` gives the child the parent's memory as it is, so nothing is pickled on the way
in; only the job's result comes back.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import threading
import traceback
import types
from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Forking is safe and useful: ``fork`` exists (not on Windows), there is a second
    core, and no other thread runs (``gongshi serve`` watches files in one)."""
    return (
        "fork" in mp.get_all_start_methods()
        and (os.cpu_count() or 1) >= 2
        and threading.active_count() == 1
    )


@contextlib.contextmanager
def beside(job: Callable[[], T], fork: bool | None = None) -> Iterator[Callable[[], T]]:
    """Start ``job`` in a forked child; the block gets the function that waits for its
    result::

        with cores.beside(job) as theirs:
            mine = work()
            both = mine + theirs()

    An exception in the child is raised again by that function (the same exception when
    it pickles, else a ``RuntimeError`` with the child's traceback). Without a fork
    (``fork``, default ``can_fork()``) the job runs here, at once.

    A child whose result was not asked for when the block ends (this process failed
    first) is killed: left running, it went on writing files, and on taking pieces from a
    ``shares`` counter whose shared memory the next build in this process was handed for
    its own counter. A county template error followed by a second build in the same
    process (tests, ``serve``) published that build without its print pages."""
    if not (can_fork() if fork is None else fork):
        value = job()
        yield lambda: value
        return
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
        proc.join()
        if status == "error":
            raise value if isinstance(value, BaseException) else RuntimeError(text)
        return value

    try:
        yield join
    finally:
        if proc.exitcode is None:  # not joined: stop it before anything reuses its memory
            proc.kill()
            proc.join()
        receive.close()


class _Counter(Protocol):
    value: int


def shares(total: int, size: int = 1, fork: bool | None = None) -> Callable[[], range | None]:
    """Hand out ``range(total)`` in pieces of ``size`` to whichever process asks first.

    Made before ``beside`` forks, it is shared by the parent and the child, so each takes
    the next piece when it is free and both finish together however the work is spread
    (a workbook reads slower per byte than a CSV; a print page costs more than a list
    page). ``None`` when all is handed out. ``fork`` (default ``can_fork()``) must be the
    decision ``beside`` is given: one decision, so that a thread starting in between
    cannot give the child a private counter (and both processes every piece)."""
    counter: _Counter
    lock: contextlib.AbstractContextManager[object]
    if can_fork() if fork is None else fork:  # shared memory: the child takes from it too
        counter = mp.get_context("fork").Value("q", 0)
        lock = counter.get_lock()
    else:
        counter, lock = types.SimpleNamespace(value=0), contextlib.nullcontext()

    def take() -> range | None:
        with lock:
            start = counter.value
            counter.value = end = min(start + size, total)
        return range(start, end) if start < total else None

    return take


def taken(take: Callable[[], range | None]) -> Iterator[int]:
    """Every index ``take`` hands to this process, one after another."""
    while (piece := take()) is not None:
        yield from piece
