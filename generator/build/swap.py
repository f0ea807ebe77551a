"""Publishing: the new site replaces ``site/`` only after every check passed."""

from __future__ import annotations

import shutil
from pathlib import Path


def swap_in(new: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by ``new`` with two renames; the old copy is removed last."""
    old = site_dir.with_name(f".{site_dir.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    new.rename(site_dir)
    if old.exists():
        shutil.rmtree(old)
