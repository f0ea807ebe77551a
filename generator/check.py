"""The check stage: load the data, build the public model, run the rules → ``Report``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.findings import Report
from generator.load import Loaded, load
from generator.model import Dataset, build_model
from generator.rules import run_rules
from generator.siteconfig import build_site


@dataclass
class Checked:
    dataset: Dataset | None  # None when the input is unusable
    report: Report
    loaded: Loaded


def check(data_dir: Path, skip: Iterable[str] = ()) -> Checked:
    """Everything ``gongshi check`` does; ``build`` starts from the same result."""
    loaded = load(Path(data_dir))
    report = Report(list(loaded.findings))
    if report.fatal:
        return Checked(None, report, loaded)
    site, site_findings = build_site(loaded.site, loaded.site_origin)
    report.extend(site_findings)
    ds, model_findings = build_model(loaded, site)
    report.extend(model_findings)
    report.extend(run_rules(ds, skip))
    return Checked(ds, report, loaded)
