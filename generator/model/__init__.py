"""The model stage: loaded rows → the public ``Dataset`` (typed records, exact money,
indexes), the site configuration, and the published history of the data.

Names of private persons are masked and identifiers in text redacted here, so no later
stage can reach them."""

from generator.model import lifecycle
from generator.model.dataset import Dataset, benefit_key, build_model, parse_subject

__all__ = ["Dataset", "benefit_key", "build_model", "lifecycle", "parse_subject"]
