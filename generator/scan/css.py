"""The URLs a piece of CSS loads, read with a CSS tokenizer (tinycss2), as a browser reads
them: ``url(x)``, ``url("x")``, ``@import "x"`` (with or without a space),
``@import url(x)``, ``image-set("x" 1x)``, through comments and CSS escapes (``\\75 rl(``).

>>> [u for u, _ in css_urls('@import"//a.example/x.css";b{background:u\\\\72l(//b.example/y)}')]
['//a.example/x.css', '//b.example/y']
"""

from __future__ import annotations

from functools import lru_cache

import tinycss2
from tinycss2 import ast

_IMAGE_SETS = {"image-set", "-webkit-image-set", "cross-fade", "-webkit-cross-fade"}
_BLOCKS = (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)
_HINTS = ("url", "@import", "image-set", "\\", "src")  # CSS with none of these loads nothing


def _walk(nodes, out: list[tuple[str, int]], in_set: bool = False) -> None:
    for node in nodes or ():
        if isinstance(node, ast.URLToken):
            out.append((node.value, node.source_line))
        elif isinstance(node, ast.FunctionBlock):
            name = node.lower_name
            if name == "url" or name == "src":
                strings = [a for a in node.arguments if isinstance(a, ast.StringToken)]
                out.extend((s.value, s.source_line) for s in strings[:1])
            _walk(node.arguments, out, in_set or name in _IMAGE_SETS)
        elif isinstance(node, ast.StringToken) and in_set:
            out.append((node.value, node.source_line))
        elif isinstance(node, ast.AtRule):
            if node.lower_at_keyword == "import":
                for tok in node.prelude:
                    if isinstance(tok, ast.StringToken):
                        out.append((tok.value, tok.source_line))
                        break
            _walk(node.prelude, out, in_set)
            _walk(node.content, out, in_set)
        elif isinstance(node, (ast.QualifiedRule,)):
            _walk(node.prelude, out, in_set)
            _walk(node.content, out, in_set)
        elif isinstance(node, (ast.Declaration,)):
            _walk(node.value, out, in_set)
        elif isinstance(node, _BLOCKS):
            _walk(node.content, out, in_set)


@lru_cache(maxsize=4096)
def css_urls(text: str, declarations: bool = False) -> tuple[tuple[str, int], ...]:
    """``(url, line)`` of every URL the CSS loads; ``declarations``: the text of a ``style``
    attribute (a declaration list, not a stylesheet). Cached: table cells repeat
    ``style="text-align: left;"`` on every page."""
    low = text.lower()
    if not any(h in low for h in _HINTS):
        return ()
    out: list[tuple[str, int]] = []
    if declarations:
        _walk(tinycss2.parse_blocks_contents(text), out)
    else:
        _walk(tinycss2.parse_stylesheet(text), out)
    return tuple(out)
