"""The built copies of gongshi's own stylesheets, without their comments.

``site_templates/overrides/assets/stylesheets/gongshi*.css`` explain every rule for the next
maintainer (about a third of their bytes); a villager's phone downloads them on the first
page it opens, on a slow and metered connection (the page-weight budget in
docs/design.md counts them). After ``mkdocs build`` the copies in the site are parsed with
tinycss2 (the CSS parser the scan uses) and written back without comments and with each
run of whitespace as one space: the same rules, byte for byte the same on every build.
The sources in the repository keep their comments.
"""

from __future__ import annotations

from pathlib import Path

import tinycss2
from tinycss2.ast import Node, WhitespaceToken

from generator.build import statics

CSS_DIR = "assets/stylesheets"
OWN = "gongshi*.css"


def compact(css: str) -> str:
    """``css`` without comments, whitespace runs as one space.

    >>> compact("/* why */\\n.a  {\\n  color: red; /* red */\\n}\\n")
    '.a { color: red; }'
    """
    nodes = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(_squeeze(node).strip() for node in nodes)


def _squeeze(node: Node) -> str:
    """Serialize ``node`` with each run of whitespace tokens (a comment between two spaces
    left two) as one space."""
    for name in ("prelude", "content", "arguments"):
        tokens = getattr(node, name, None)
        if not isinstance(tokens, list):
            continue
        kept: list[Node] = []
        for token in tokens:
            if isinstance(token, WhitespaceToken):
                if kept and isinstance(kept[-1], WhitespaceToken):
                    continue
                token.value = " "
            elif isinstance(token, Node):
                _squeeze(token)
            kept.append(token)
        setattr(node, name, kept)
    return node.serialize()


def compact_site(site: Path) -> int:
    """Compact the site's copies of gongshi's stylesheets; returns the bytes saved."""
    saved = 0
    for path in sorted((Path(site) / CSS_DIR).glob(OWN)):
        before = path.read_text("utf-8")
        after = compact(before) + "\n"
        if after != before:
            statics.rewrite(path, after.encode("utf-8"))
            saved += len(before.encode("utf-8")) - len(after.encode("utf-8"))
    return saved
