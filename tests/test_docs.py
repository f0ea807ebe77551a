"""The README and ``docs/``: short enough for a newcomer, every command and rule documented,
every link leads to a file of this repository.

What a reader notices: a command missing from the README's table, a rule group missing from
``docs/rules.md``, a link that leads nowhere or to a file outside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cli import main
from generator.findings import CODES
from generator.rules.compliance import rule_table

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = REPO / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
# Written on another branch (issue 14, templates); checked like any other once it exists.
PENDING = {DOCS / "templates.md"}

_LINK = re.compile(r"\]\(([^)\s]+)\)|\bsrc=\"([^\"]+)\"")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def links(page: Path) -> list[str]:
    text = _FENCE.sub("", page.read_text("utf-8"))  # code blocks hold examples, not links
    text = re.sub(r"`[^`\n]*`", "", text)  # so does inline code: `[x](…)`
    return [a or b for a, b in _LINK.findall(text)]


def slug(heading: str) -> str:
    """The anchor GitHub (and most Markdown viewers) give a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = _FENCE.sub("", page.read_text("utf-8"))
    return {slug(m) for m in re.findall(r"^#+\s+(.+)$", text, re.M)}


def test_readme_is_short():
    assert len(README.read_text("utf-8").splitlines()) <= 150


def test_readme_gives_the_two_commands_with_a_venv_and_the_nginx_404_line():
    text = README.read_text("utf-8")
    for command in (
        "python3 -m venv .venv && . .venv/bin/activate",
        "pip install -e . && gongshi build",
        "bash tests/run",
        "error_page 404 /404.html;",
    ):
        assert command in text, command
    assert "error_page 404 /404.html;" in (DOCS / "deploy.md").read_text("utf-8")


def test_every_command_is_in_the_readme():
    text = README.read_text("utf-8")
    missing = [name for name in main.commands if f"`gongshi {name}" not in text]
    assert missing == []


def test_every_code_group_is_explained_in_docs_rules():
    """Rule codes (``gongshi rules``) and the load/value/privacy/build/scan codes: each
    letter has its row in the tables of docs/rules.md."""
    text = (DOCS / "rules.md").read_text("utf-8")
    groups = {r["code"][0] for r in rule_table()} | {code[0] for code in CODES}
    assert {"R", "N", "T", "M", "Q", "L", "V", "S"} <= groups  # the table is not empty
    missing = sorted(g for g in groups if not re.search(rf"^\| {g} \(", text, re.M))
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_link_leads_to_a_file_of_the_repository(page):
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        if re.match(r"^[a-z][a-z0-9+.-]*:", path) or path.startswith("/"):
            broken.append((target, "outside the repository"))
            continue
        file = (page.parent / path).resolve() if path else page
        if REPO not in file.parents:
            broken.append((target, "outside the repository"))
        elif file in PENDING and not file.exists():
            continue
        elif not file.is_file():
            broken.append((target, "no such file"))
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append((target, "no such heading"))
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_path_of_a_particular_machine(page):
    text = page.read_text("utf-8")
    assert re.findall(r"/(?:work|home|root|Users)/\S+", text) == []
    assert "../shared" not in text
