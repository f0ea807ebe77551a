"""Same data, same bytes: the build date MkDocs stamps into the site comes from the data.

MkDocs writes the build date into ``sitemap.xml`` (``<lastmod>``) and the gzip header of
``sitemap.xml.gz``; it takes it from ``SOURCE_DATE_EPOCH`` when that is set, else from the
clock. So two builds of the same data made a minute apart would differ. When the user has not
set ``SOURCE_DATE_EPOCH``, the build sets it, in this order, to

1. the time of the latest git commit that touched the data folder (CI builds a commit), else
2. the newest date found in the records (a folder outside git), else
3. ``FALLBACK_EPOCH`` (2000-01-01), so even an empty data set builds reproducibly.

The search index is rewritten after the build as UTF-8 JSON: Material escapes every Chinese
character as ``\\uXXXX`` (6 bytes for 3), which doubles the download for a villager's phone.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from pathlib import Path

from generator.build import statics

FALLBACK_EPOCH = 946684800  # 2000-01-01T00:00:00Z
SEARCH_INDEX = Path("search") / "search_index.json"


def git_epoch(data_dir: Path) -> int | None:
    """Commit time of the last commit touching ``data_dir``; None outside git or uncommitted."""
    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        return None
    try:
        proc = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "."],
            cwd=data_dir,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    out = proc.stdout.strip()
    return int(out) if proc.returncode == 0 and out.isdigit() else None


def newest_record_date(dataset: object) -> date | None:
    """The latest date held by any record of the dataset (any table, any date column)."""
    newest: date | None = None
    for f in dataclasses.fields(dataset):  # type: ignore[arg-type]
        rows = getattr(dataset, f.name)
        if not isinstance(rows, list):
            continue
        for row in rows:
            if not dataclasses.is_dataclass(row):
                continue
            for value in vars(row).values():
                if isinstance(value, date) and (newest is None or value > newest):
                    newest = value
    return newest


def source_date_epoch(data_dir: Path, dataset: object | None) -> int:
    """The build's timestamp: ``SOURCE_DATE_EPOCH`` if set, else derived from the data."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if given.isdigit():
        return int(given)
    if (epoch := git_epoch(data_dir)) is not None:
        return epoch
    if dataset is not None and (newest := newest_record_date(dataset)) is not None:
        return int(datetime.combine(newest, time(), tzinfo=UTC).timestamp())
    return FALLBACK_EPOCH


def build_env(epoch: int) -> dict[str, str]:
    """The environment for the ``mkdocs`` subprocess."""
    return dict(
        os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=str(epoch), PYTHONHASHSEED="0"
    )


def compact_search_index(site_dir: Path, more: Iterable[list] = ()) -> tuple[int, int]:
    """Rewrite ``search/search_index.json`` as UTF-8 without changing its content.

    ``more``: lists of entries to append, in order (the pages MkDocs built in other
    processes, see ``shards``). Returns the sizes in bytes before and after (0, 0 when
    the site has no index).
    """
    path = Path(site_dir) / SEARCH_INDEX
    if not path.is_file():
        return 0, 0
    raw = path.read_bytes()
    data = json.loads(raw)
    for entries in more:
        data["docs"].extend(entries)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    new = text.encode("utf-8")
    if new != raw:
        statics.rewrite(path, new)  # never into the file: it may be a link
    return len(raw), len(new)
