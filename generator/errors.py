"""Exceptions for "cannot continue", under one base, each rendered as a Chinese message that
names the file (and line, where there is one).

Bad *data* is never an exception: it is a finding (``findings.py``), collected with all the
others. These are for what stops a command: a county template that does not render, a
config file that cannot be read, an output folder that cannot be written. The CLI prints
``str(error)`` and exits 2, never a traceback.
"""

from __future__ import annotations


class GongshiError(Exception):
    """Base of every error the CLI reports as a message instead of a traceback."""

    kind = "错误"

    def __init__(
        self, message: str, file: str = "", line: int | None = None, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = self.file + (f" 第 {self.line} 行" if self.line else "")
        text = f"{self.kind}：{where}：{self.message}" if where else f"{self.kind}：{self.message}"
        return text + (f"\n怎么改：{self.hint}" if self.hint else "")


class InputError(GongshiError):
    """A file the command needs cannot be used as it is (mkdocs.yml, a path given)."""

    kind = "输入错误"


class TemplateError(GongshiError):
    """A page template (most often a county's override) does not render."""

    kind = "模板错误"


class BuildError(GongshiError):
    """The site cannot be built or published (an output folder, MkDocs, Chromium)."""

    kind = "生成错误"
