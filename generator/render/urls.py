"""The one URL and path scheme of the site: where every page, print page and data slice
lives, built from the record's id only (never from its position or its name).

Paths are *content paths* (``projects/JL2018-001.md``, relative to MkDocs' ``docs_dir``),
which templates join to ``root`` (the way up from the page being written) for a Markdown
link; ``site_path`` turns one into the folder URL MkDocs publishes it at. Everything else in
the generator and every template asks this module, so a page can never be written at one
path and linked at another.
"""

from __future__ import annotations

from generator.records import Village
from generator.slugs import benefit_slug, slug, village_slug

__all__ = ["benefit_slug", "slug", "village_slug"]  # and the path functions below

PRINT_DIR = "print"
FLOW = "flow/index.md"  # the county's 资金流向 (sources → categories → townships)
DOWNLOADS_DIR = "downloads"

# Folder of each kind of record page (a notice subject's kind → its folder).
FOLDERS = {
    "project": "projects",
    "fund": "funds",
    "village": "villages",
    "distribution": "distributions",
    "case": "cases",
    "rectification": "rectifications",
    "benefit": "benefits",
    "plan": "plans",
}


# The slugs themselves live in a foundation module, so that the rules can check that no two
# ids share a page (rules.ids) with the very function that names the pages.
def record(kind: str, key: str) -> str:
    """The page of a record by its kind (``project``, ``fund``, ``distribution``, ``case``)
    and id.

    >>> record("project", "JL2018-001")
    'projects/JL2018-001.md'
    """
    return f"{FOLDERS[kind]}/{slug(key)}.md"


def project(pid: str) -> str:
    return record("project", pid)


def fund(fid: str) -> str:
    return record("fund", fid)


def distribution(did: str) -> str:
    return record("distribution", did)


def case(cid: str) -> str:
    return record("case", cid)


def rectification(rid: str) -> str:
    return record("rectification", rid)


def plan_year(year: int | str) -> str:
    """The page of a year's plan and its adjustments: ``plans/2018.md``."""
    return f"plans/{year}.md"


def village(v: Village) -> str:
    return f"villages/{village_slug(v)}.md"


def benefit(program: str, year: int | str) -> str:
    return f"benefits/{benefit_slug(program, year)}.md"


def index(kind: str) -> str:
    """The list page of a kind: ``index("project")`` → ``projects/index.md``."""
    return f"{FOLDERS.get(kind, kind)}/index.md"


# Project lists filtered without JavaScript: one page per township and one per township
# and year that has projects (a county of 15 townships over 8 years writes at most 135),
# and one per year. ``by`` cannot be a project's page: that would be a project with the
# id ``by`` (``projects/by.md``), and ids are codes such as JL2018-001.
PROJECTS_BY = "projects/by"


def projects_township(town: str) -> str:
    """``projects_township("金岭镇")`` → ``projects/by/金岭镇/index.md``."""
    return f"{PROJECTS_BY}/{slug(town)}/index.md"


def projects_township_year(town: str, year: int) -> str:
    """``projects_township_year("金岭镇", 2018)`` → ``projects/by/金岭镇/2018.md``."""
    return f"{PROJECTS_BY}/{slug(town)}/{year}.md"


def projects_year(year: int) -> str:
    """``projects_year(2018)`` → ``projects/by/2018年.md`` (a township's slug never ends
    in 年 and a 4-digit number: it is its name)."""
    return f"{PROJECTS_BY}/{year}年.md"


# More lists without JavaScript (issue 18): one page per category and per status that has
# projects, county-wide, and each year's list once more in order of amount. Their folders
# 类别 and 状态 sit beside the townships' (a township named 类别 or 状态 would share its
# folder; its pages would be ``index`` and years, theirs a category's or status's name).


def projects_category(category: str) -> str:
    """``projects_category("产业发展")`` → ``projects/by/类别/产业发展.md``."""
    return f"{PROJECTS_BY}/类别/{slug(category)}.md"


def projects_status(status: str) -> str:
    """``projects_status("实施中")`` → ``projects/by/状态/实施中.md``."""
    return f"{PROJECTS_BY}/状态/{slug(status)}.md"


def projects_year_by_amount(year: int) -> str:
    """``projects_year_by_amount(2018)`` → ``projects/by/2018年-按金额.md``: the year's
    projects, the largest amount first."""
    return f"{PROJECTS_BY}/{year}年-按金额.md"


def print_project(pid: str, after: bool) -> str:
    return f"{PRINT_DIR}/projects/{slug(pid)}-{'after' if after else 'before'}.md"


def print_fund(fid: str) -> str:
    return f"{PRINT_DIR}/funds/{slug(fid)}.md"


def print_benefits(program: str, year: int | str, v: Village) -> str:
    return f"{PRINT_DIR}/benefits/{benefit_slug(program, year)}-{village_slug(v)}.md"


def print_distribution(did: str) -> str:
    return f"{PRINT_DIR}/distributions/{slug(did)}.md"


def data_slice(kind: str, key: str) -> str:
    """Where the data of one project/fund/village page lives, relative to ``downloads/``."""
    return f"slices/{kind}/{slug(key)}.json"


def data_slice_xlsx(kind: str, key: str) -> str:
    """The same slice as an Excel workbook, next to the JSON.

    >>> data_slice_xlsx("projects", "JL2018-001")
    'slices/projects/JL2018-001.xlsx'
    """
    return f"slices/{kind}/{slug(key)}.xlsx"


# Townships side by side (issue 19): one page per township, and the comparison table once
# per sort key, pre-built, so it sorts without JavaScript. Key → (column, its page).
TOWNSHIP_SORTS = {
    "name": ("乡镇名称", "townships/index.md"),
    "funding": ("项目资金", "townships/by-funding.md"),
    "rate": ("拨付率", "townships/by-rate.md"),
    "balance": ("结余", "townships/by-balance.md"),
}


def township(name: str) -> str:
    """A township's page.

    >>> township("张寨镇")
    'townships/张寨镇.md'
    """
    return f"townships/{slug(name)}.md"


def townships(sort: str = "name") -> str:
    """The comparison of all townships, sorted by ``sort`` (a key of ``TOWNSHIP_SORTS``)."""
    return TOWNSHIP_SORTS[sort][1]


def feed_township(town: str) -> str:
    return f"feeds/townships/{slug(town)}.xml"


def site_path(content_path: str) -> str:
    """The folder URL MkDocs publishes a content path at (``use_directory_urls``).

    >>> site_path("projects/JL2018-001.md"), site_path("villages/index.md"), site_path("index.md")
    ('projects/JL2018-001/', 'villages/', '')
    """
    path = content_path[:-3] if content_path.endswith(".md") else content_path
    if path == "index":
        return ""
    return path[: -len("index")] if path.endswith("/index") else path + "/"


def href(here: str, content_path: str) -> str:
    """A link from the page at content path ``here`` to ``content_path`` as the browser
    follows it (MkDocs rewrites ``.md`` links in Markdown, never inside raw HTML).

    >>> href("projects/index.md", "projects/JL2018-001.md")
    '../projects/JL2018-001/'
    >>> href("projects/by/金岭镇/2018.md", "villages/1.md"), href("index.md", "index.md")
    ('../../../../villages/1/', './')
    """
    up = "../" * site_path(here).count("/")
    return (up + site_path(content_path)) or "./"


def absolute(base_url: str, content_path: str) -> str:
    """The address of a page as a phone opens it; the site path when ``base_url`` is unknown.

    >>> absolute("https://fupin.example.gov.cn/", "projects/JL2018-001.md")
    'https://fupin.example.gov.cn/projects/JL2018-001/'
    >>> absolute("", "villages/index.md")
    'villages/'
    """
    path = site_path(content_path)
    return base_url.rstrip("/") + "/" + path if base_url else path
