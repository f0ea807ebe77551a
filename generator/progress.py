"""Progress while people wait: how far a long stage has got, and how long it will take.

A stage is *handed* a ``Progress`` by the pipeline (which got it from the CLI); it never
chooses how progress is shown. It opens a ``Task`` per long step and counts::

    with progress.task("生成页面", total=len(pages), unit="页") as task:
        for page in pages:
            ...
            task.advance()

``task.set(n)`` gives an absolute count instead (the MkDocs pages found in the output
folder). ``total`` may be ``None`` when it is not known (a count without a bar or a time
left). ``SILENT`` (the default of every stage) shows nothing: library callers and tests.

How it shows, chosen once by ``for_console`` from the CLI's console:

- on a terminal, a ``rich`` bar per running task with the count, the percentage, the time
  spent and the time left; it disappears when the task is done (the stage's log line
  stays);
- anywhere else (CI logs, a pipe, a file), a plain line at most every ``GONGSHI_PROGRESS_SECONDS``
  (5) seconds while the count moves, and, for long tasks, at most one line per 30 s or per
  10 % of the work; a last line when a task that printed lines is done. Never a bar
  redrawn into a log (no cursor movement, no carriage return).

``GONGSHI_PROGRESS=bar|lines|off`` overrides the choice (``CI=true`` means lines).

No thread is started: the load and render stages fork a second process only when no other
thread runs (``cores.can_fork``). The count lives in shared memory when fork is possible,
so a forked child's ``advance`` is counted too; only the process that opened the task
draws.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol

DEFAULT_SECONDS = 5.0  # a plain line at most this often
LONG_FACTOR = 6  # after that many intervals a line is due anyway (30 s)
REFRESH_S = 0.1  # the terminal bar is redrawn at most this often


class _Count(Protocol):
    value: int


class _Local:
    def __init__(self) -> None:
        self.value = 0


def _counter(shared: bool) -> tuple[_Count, contextlib.AbstractContextManager[Any]]:
    """A count a forked child can add to (shared memory), else a plain one."""
    if shared and "fork" in mp.get_all_start_methods():
        with contextlib.suppress(OSError):  # no /dev/shm: the child's share is not shown
            value = mp.get_context("fork").Value("q", 0)
            return value, value.get_lock()
    return _Local(), contextlib.nullcontext()


class Task:
    """One long step of a stage: a label, a count and (if known) the total."""

    def __init__(self, progress: Progress, label: str, total: int | None, unit: str) -> None:
        self.progress = progress
        self.label = label
        self.total = total
        self.unit = unit
        self.started = time.monotonic()
        self.first: tuple[float, int] | None = None  # when counting began: (time, count)
        self.finished = False
        self._count, self._lock = _counter(progress.draws)
        self._owner = os.getpid()

    @property
    def completed(self) -> int:
        return self._count.value

    def advance(self, n: int = 1) -> None:
        """``n`` more done (also from a forked child, which does not draw)."""
        with self._lock:
            self._count.value += n
        self._changed()

    def set(self, completed: int, total: int | None = None) -> None:
        """The count (and the total) as measured now."""
        with self._lock:
            self._count.value = completed
        if total is not None:
            self.total = total
        self._changed()

    def _changed(self) -> None:
        if os.getpid() != self._owner or self.finished:
            return
        if self.first is None and self.completed:
            # the rate is measured from the first count seen, not from 0: counts of
            # MkDocs' processes arrive in bursts (66 pages at once after 44 s of start-up),
            # and a rate from 0 said "约还需 0 秒" at 0%
            self.first = (time.monotonic(), self.completed)
        self.progress._show(self)

    def remaining(self, now: float | None = None) -> float | None:
        """Seconds left at the rate since counting began; ``None`` when not known."""
        now = time.monotonic() if now is None else now
        if not self.total or self.first is None or self.completed <= self.first[1]:
            return None
        rate = (self.completed - self.first[1]) / max(now - self.first[0], 1e-6)
        return max(self.total - self.completed, 0) / rate

    def done(self) -> None:
        if os.getpid() != self._owner or self.finished:
            return
        self.finished = True
        self.progress._finish(self)

    def __enter__(self) -> Task:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.done()


class Progress:
    """Handed to the stages. This base class shows nothing (``SILENT``)."""

    draws = False  # a subclass that shows counts: they are kept in shared memory

    def task(self, label: str, total: int | None = None, unit: str = "个") -> Task:
        """Start counting a long step; use it as a context manager or call ``done``."""
        task = Task(self, label, total, unit)
        self._start(task)
        return task

    def _start(self, task: Task) -> None:
        pass

    def _show(self, task: Task) -> None:
        pass

    def _finish(self, task: Task) -> None:
        pass


SILENT = Progress()


# --- plain lines (CI logs, pipes) ---------------------------------------------------------


def duration(seconds: float) -> str:
    """A short Chinese duration.

    >>> duration(4.2), duration(75), duration(3725)
    ('4 秒', '1 分 15 秒', '1 小时 2 分')
    """
    s = round(seconds)
    if s < 60:
        return f"{s} 秒"
    if s < 3600:
        return f"{s // 60} 分 {s % 60} 秒"
    return f"{s // 3600} 小时 {s % 3600 // 60} 分"


def line(task: Task, now: float | None = None) -> str:
    """What a log line says about ``task``.

    >>> t = Task(SILENT, "MkDocs 写出页面", 200, "页")
    >>> t.started, t.first = 0.0, (0.0, 0)
    >>> t.set(50)
    >>> line(t, now=10.0)
    'MkDocs 写出页面：50/200 页（25%），已用 10 秒，约还需 30 秒'
    """
    now = time.monotonic() if now is None else now
    n = task.completed
    text = f"{task.label}：{n:,}"
    if task.total:
        text += f"/{task.total:,} {task.unit}（{min(100, n * 100 // task.total)}%）"
    else:
        text += f" {task.unit}"
    text += f"，已用 {duration(now - task.started)}"
    left = task.remaining(now)
    if left is not None:
        text += f"，约还需 {duration(left)}"
    return text


class Lines(Progress):
    """A plain line now and then, through ``write`` (one call per line, no newline)."""

    draws = True

    def __init__(self, write: Callable[[str], object], every: float = DEFAULT_SECONDS) -> None:
        self.write = write
        self.every = every
        self._lock = threading.Lock()
        self._last: dict[int, tuple[float, int, int]] = {}  # task → (time, count, tenth)
        self._printed: set[int] = set()

    def _start(self, task: Task) -> None:
        self._last[id(task)] = (task.started, 0, 0)

    def _show(self, task: Task) -> None:
        now = time.monotonic()
        with self._lock:
            last_t, last_n, last_tenth = self._last.get(id(task), (task.started, 0, 0))
            n = task.completed
            tenth = n * 10 // task.total if task.total else 0
            if n == last_n or now - last_t < self.every:
                return
            if now - last_t < self.every * LONG_FACTOR and task.total and tenth == last_tenth:
                return  # a long task: a line per 10 % (or per 30 s), not every 5 s
            self._last[id(task)] = (now, n, tenth)
            self._printed.add(id(task))
        self.write(line(task, now))

    def _finish(self, task: Task) -> None:
        with self._lock:
            printed = id(task) in self._printed
            self._printed.discard(id(task))
            self._last.pop(id(task), None)
        if printed:  # short tasks stay silent: the stage's own log line says it
            spent = duration(time.monotonic() - task.started)
            self.write(f"{task.label}：完成 {task.completed:,} {task.unit}，用时 {spent}")


# --- a bar on a terminal ------------------------------------------------------------------


class Bar(Progress):
    """``rich`` bars on ``console``: one per running task, gone when it is done. No refresh
    thread (see the module docstring): redrawn when a count moves, at most every 0.1 s."""

    draws = True

    def __init__(self, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self.console = console
        self.bars = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            TextColumn("还需"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            auto_refresh=False,
        )
        self._ids: dict[int, Any] = {}
        self._lock = threading.RLock()
        self._drawn = 0.0

    def _start(self, task: Task) -> None:
        with self._lock:
            if not self._ids:
                self.bars.start()
            self._ids[id(task)] = self.bars.add_task(task.label, total=task.total, unit=task.unit)
            self._draw(force=True)

    def _show(self, task: Task) -> None:
        with self._lock:
            if id(task) in self._ids:
                self.bars.update(self._ids[id(task)], completed=task.completed, total=task.total)
                self._draw()

    def _finish(self, task: Task) -> None:
        with self._lock:
            key = self._ids.pop(id(task), None)
            if key is not None:
                self.bars.remove_task(key)
            if not self._ids:
                self.bars.stop()
            else:
                self._draw(force=True)

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._drawn >= REFRESH_S:
            self._drawn = now
            self.bars.refresh()


# --- the choice ---------------------------------------------------------------------------


def for_console(console: Any) -> Progress:
    """How to show progress on ``console`` (a ``rich.console.Console``): a bar on a
    terminal, plain lines elsewhere; ``GONGSHI_PROGRESS`` (bar, lines, off) overrides."""
    mode = os.environ.get("GONGSHI_PROGRESS", "").strip().lower()
    if mode == "off":
        return SILENT
    if not mode:
        on_terminal = console.is_terminal and not console.is_dumb_terminal
        in_ci = os.environ.get("CI", "").lower() == "true"
        mode = "bar" if on_terminal and not in_ci else "lines"
    if mode == "bar":
        return Bar(console)
    try:
        every = float(os.environ.get("GONGSHI_PROGRESS_SECONDS", DEFAULT_SECONDS))
    except ValueError:
        every = DEFAULT_SECONDS

    def write(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    return Lines(write, every)
