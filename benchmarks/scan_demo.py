"""Time the post-build scan over a built demo site; prints one line.

    python benchmarks/scan_demo.py [SITE_DIR] [DATA_DIR]

Defaults: ``site/`` and ``data/`` of this checkout (run ``gongshi build`` first). Standalone:
the benchmarks runner is separate. The scan is run three times and the best time is shown,
with CPU time (the wall time on a busy shared machine is mostly waiting), the number
of files and megabytes read.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from generator.pipeline import check, scan_rules_for
from generator.project import open_project
from generator.scan import SiteScan

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "site"
    data = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "data"
    if not (site / "index.html").exists():
        sys.exit(f"{site} 中没有网站：请先运行 gongshi build")
    checked = check(data)
    files = [p for p in site.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files) / 1e6
    best, cpu, found = float("inf"), float("inf"), []
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        found = SiteScan(site, scan_rules_for(checked, open_project(REPO))).findings()
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    print(
        f"scan_demo: {len(files)} files, {size:.1f} MB, {len(found)} findings, "
        f"best of 3 {best:.2f} s wall, {cpu:.2f} s CPU ({size / cpu:.1f} MB/s CPU)"
    )


if __name__ == "__main__":
    main()
