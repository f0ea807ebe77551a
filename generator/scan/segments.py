"""A piece of a file's text and how to say where an offset in it is: what every extractor
of the scan (HTML, CSS, PDF, JSON, CSV, XLSX…) hands to the identifier matcher."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Segment:
    """A piece of a file's text and how to say where an offset in it is."""

    text: str
    line: int | None = 1  # line of the segment's first character (None: not line-based)
    col: int = 1
    label: str = ""  # e.g. 搜索条目 projects/X/ or 工作表 项目!B3

    def where(self, offset: int) -> tuple[int | None, str]:
        if self.line is None:
            return None, self.label
        nl = self.text.rfind("\n", 0, offset)
        line = self.line + self.text.count("\n", 0, offset)
        col = offset - nl if nl >= 0 else self.col + offset
        return line, f"{self.label} 第{col}字".strip()
