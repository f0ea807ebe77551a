"""The scan stage: read every file of a built site and prove that nothing private and no
request to another host slipped through. It knows nothing of the data folder: the pipeline
hands it the values to look for (``ScanRules``)."""

from generator.scan.site import (
    ScanRules,
    SiteScan,
    rules_key,
    scan,
    scan_file,
    scan_rules,
    theme_template_dirs,
)

__all__ = [
    "ScanRules",
    "SiteScan",
    "rules_key",
    "scan",
    "scan_file",
    "scan_rules",
    "theme_template_dirs",
]
