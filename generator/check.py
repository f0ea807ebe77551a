"""The check stage: load the data, build the public model, run the rules → ``Report``."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from generator.dates import parse_date
from generator.findings import Report
from generator.load import Loaded, load
from generator.model import Dataset, build_model
from generator.rules import run_rules
from generator.siteconfig import Site, build_site


def as_of_date(site: Site) -> date:
    """The rules' "today": site.yaml 数据截止日期, else SOURCE_DATE_EPOCH, else the build day.

    Reproducible builds set SOURCE_DATE_EPOCH, so the same data gives the same findings.
    """
    if site.data_date:
        parsed, _ = parse_date(site.data_date)
        if parsed:
            return parsed
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


@dataclass
class Checked:
    dataset: Dataset | None  # None when the input is unusable
    report: Report
    loaded: Loaded
    timings: dict[str, float] = field(default_factory=dict)  # load_s, check_s (seconds)


def check(data_dir: Path, skip: Iterable[str] = ()) -> Checked:
    """Everything ``gongshi check`` does; ``build`` starts from the same result."""
    t0 = time.perf_counter()
    loaded = load(Path(data_dir))
    timings = {"load_s": time.perf_counter() - t0}
    report = Report(list(loaded.findings), notes=list(loaded.notes))
    if report.fatal:
        return Checked(None, report, loaded, timings)
    t0 = time.perf_counter()
    site, site_findings = build_site(loaded.site, loaded.site_origin)
    report.extend(site_findings)
    ds, model_findings = build_model(loaded, site)
    ds.as_of = as_of_date(site)
    report.extend(model_findings)
    report.extend(run_rules(ds, skip))
    timings["check_s"] = time.perf_counter() - t0
    return Checked(ds, report, loaded, timings)
