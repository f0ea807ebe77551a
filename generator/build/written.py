"""How far MkDocs has got, for the build's progress: the pages it has to write (one per
Markdown file of ``docs_dir``) and the pages it has written so far, counted from the files
the build's scanner has seen appear in the output folder (``scan.SiteScan.listed``,
refreshed about once a second while the MkDocs processes run, whether or not the scan has
got to them yet). No extra walk of the
output folder, and it counts across every MkDocs process at once."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from generator.progress import Progress, Task

LABEL = "MkDocs 写出页面"


def pages_to_write(docs_dir: Path) -> int:
    """The Markdown files of ``docs_dir``: MkDocs writes one HTML page for each."""
    return sum(1 for _, _, files in os.walk(docs_dir) for name in files if name.endswith(".md"))


def pages_written(rels: Iterable[str]) -> int:
    """The HTML pages among the output files ``rels`` that come from a Markdown page (the
    theme's ``404.html`` does not).

    >>> pages_written(["index.html", "404.html", "projects/A/index.html", "x.css"])
    2
    """
    return sum(1 for rel in rels if rel.endswith(".html") and rel != "404.html")


class MkDocsPages:
    """A progress task for the MkDocs stage: ``seen`` is called with the files found in
    the output folder so far."""

    def __init__(self, docs_dir: Path, progress: Progress) -> None:
        self.total = pages_to_write(docs_dir)
        self.task: Task = progress.task(LABEL, total=self.total or None, unit="页")

    def seen(self, rels: Iterable[str]) -> None:
        self.task.set(min(pages_written(rels), self.total))

    def done(self, ok: bool) -> None:
        """MkDocs has exited; ``ok``: every page is written (the last second's pages were
        too young for the scanner to have seen them yet)."""
        if ok:
            self.task.set(self.total)
        self.task.done()
