"""Preview that follows the data: ``gongshi serve`` re-renders when a data file changes.

``mkdocs serve`` already reloads the browser when ``content/`` changes, but it does not know
``data/``. A background thread polls the data folder (mtime and size of every file; no extra
dependency, works on network drives and in containers where inotify does not) and re-runs
check + render. Render rewrites only the pages whose text changed, so MkDocs rebuilds once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.check import Checked, check
from generator.render import RenderResult, render

Snapshot = dict[str, tuple[int, int]]


def snapshot(data_dir: Path) -> Snapshot:
    """Every file under ``data_dir`` (relative path) with its mtime and size."""
    out: Snapshot = {}
    for path in sorted(Path(data_dir).rglob("*")):
        if path.is_file() and not path.name.startswith(("~$", ".")):  # Excel/WPS lock files
            st = path.stat()
            out[path.relative_to(data_dir).as_posix()] = (st.st_mtime_ns, st.st_size)
    return out


@dataclass
class DataWatcher:
    """Re-renders ``project_dir/content`` from ``data_dir`` when the data changed."""

    project_dir: Path
    data_dir: Path
    on_render: Callable[[Checked, RenderResult | None], None] = lambda c, r: None
    last: Snapshot = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.last = snapshot(self.data_dir)

    def poll(self) -> RenderResult | None:
        """Check and render once if any data file changed since the last poll.

        Returns the render result, or None when nothing changed or the data is unusable
        (the findings are handed to ``on_render``; the previous pages stay)."""
        now = snapshot(self.data_dir)
        if now == self.last:
            return None
        self.last = now
        checked = check(self.data_dir)
        result = None
        if checked.dataset is not None and not checked.report.fatal:
            result = render(checked.dataset, self.project_dir, checked.report)
        self.on_render(checked, result)
        return result

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        while not stop.wait(interval):
            try:
                self.poll()
            except Exception as exc:  # a half-saved Excel file must not end the preview
                print(f"重新生成页面失败：{exc}")

    def start(self, interval: float = 1.0) -> threading.Event:
        """Poll in a daemon thread; set the returned event to stop."""
        stop = threading.Event()
        threading.Thread(target=self.run, args=(stop, interval), daemon=True,
                         name="gongshi-watch").start()
        return stop
