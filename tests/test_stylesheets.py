"""The site's copies of gongshi's stylesheets carry the same rules as the sources, without
the comments written for maintainers (a phone downloads them on its first page)."""

from __future__ import annotations

import tinycss2
from conftest import REPO

from generator.build.stylesheets import compact

SOURCES = REPO / "site_templates" / "overrides" / "assets" / "stylesheets"


def rules(css: str) -> list[tuple[str, str]]:
    """Each rule as (prelude, content) with whitespace runs as one space."""
    out = []
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        prelude = " ".join(tinycss2.serialize(node.prelude).split())
        content = " ".join(tinycss2.serialize(node.content or []).split())
        out.append((prelude, content))
    return out


def test_the_built_stylesheets_are_the_sources_without_comments(contract) -> None:
    project, result = contract
    assert result.published
    sources = sorted(SOURCES.glob("gongshi*.css"))
    assert sources
    for source in sources:
        text = source.read_text("utf-8")
        built = (project / "site" / "assets" / "stylesheets" / source.name).read_text("utf-8")
        assert "/*" in text and "/*" not in built, source.name
        assert len(built) < len(text) * 0.8, source.name
        assert rules(built) == rules(text), source.name
        assert compact(built) + "\n" == built  # compacting twice changes nothing
