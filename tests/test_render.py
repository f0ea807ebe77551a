"""Rendering as a county's CI sees it (a rebuild touches only the pages whose text changed,
a removed record's page goes) and as a reader sees it (record text shows exactly as typed:
never markup, never a script, never a broken table)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import TEST_DATA, build_project, make_project
from test_site import Page

from generator import cores
from generator.errors import TemplateError
from generator.model import lifecycle
from generator.pipeline import check
from generator.records import NOTICE_KINDS
from generator.render import RenderResult, render

CONTRACT = TEST_DATA / "contract_county"
TINY = TEST_DATA / "tiny"


def render_data(project: Path) -> RenderResult:
    checked = check(project / "data")
    assert checked.dataset is not None, checked.report.to_json()
    return render(checked.dataset, project)


def rel(project: Path, paths) -> set[str]:
    return {Path(p).relative_to(project / "content").as_posix() for p in paths}


def generated_pages(project: Path) -> set[str]:
    return {
        p.relative_to(project / "content").as_posix() for p in (project / "content").rglob("*.md")
    }


def generated_files(project: Path) -> set[str]:
    """Pages and the downloads, feeds and QR codes written beside them."""
    return {
        p.relative_to(project / "content").as_posix()
        for p in (project / "content").rglob("*")
        if p.is_file()
    }


# Files that list a digest of every download: they change whenever any download does.
DIGESTS = {"downloads/SHA256SUMS", "downloads/manifest.json"}
# The county workbook holds every record (zipped, so no text search finds a name in it).
WORKBOOK = {"downloads/county.xlsx"}


# --- a rebuild touches only what changed ---------------------------------------------------


@pytest.fixture
def rendered(tmp_path) -> Path:
    """The contract county rendered once into ``content/``."""
    project = make_project(tmp_path / "county", CONTRACT)
    first = render_data(project)
    assert len(first.written) > 30
    return project


def test_rendering_again_without_changes_writes_nothing(rendered):
    before = {p: p.stat().st_mtime_ns for p in (rendered / "content").rglob("*.md")}
    again = render_data(rendered)
    assert again.written == []
    assert again.removed == []
    assert again.unchanged > 30
    assert {p: p.stat().st_mtime_ns for p in (rendered / "content").rglob("*.md")} == before


def test_a_generated_page_edited_by_hand_is_put_back(rendered):
    """Unchanged files are found by the stamp the last render kept (size, time, inode,
    hash) without reading them; a file edited since, even to the same size, is read,
    compared and written again."""
    page = rendered / "content" / "projects" / "SX2019001.md"
    text = page.read_text("utf-8")
    edited = text.replace("项目", "工程", 1)
    assert edited != text and len(edited.encode()) == len(text.encode())
    page.write_text(edited, "utf-8")
    again = render_data(rendered)
    assert rel(rendered, again.written) == {"projects/SX2019001.md"}
    assert page.read_text("utf-8") == text
    assert render_data(rendered).written == []


def test_renaming_a_project_rewrites_only_the_pages_that_show_it(rendered):
    old, new = "张寨镇东节村扶贫养驴场建设项目", "张寨镇东节村扶贫养驴场改扩建项目"
    showing = {
        p
        for p in generated_files(rendered)
        if old in (rendered / "content" / p).read_bytes().decode("utf-8", "replace")
    }
    assert {"projects/SX2019001.md", "projects/index.md"} <= showing
    source = rendered / "data" / "projects" / "2019.csv"
    text = source.read_text("utf-8-sig")
    assert text.count(old) == 1
    source.write_text("\ufeff" + text.replace(old, new), "utf-8")

    result = render_data(rendered)

    written = rel(rendered, result.written)
    # a page's Excel slice holds what its JSON slice holds (compressed, so not searched above)
    xlsx_slices = {
        p.removesuffix(".json") + ".xlsx"
        for p in showing
        if p.startswith("downloads/slices/") and p.endswith(".json")
    }
    assert written == showing | DIGESTS | WORKBOOK | xlsx_slices
    assert len(written) < len(generated_files(rendered)) // 3
    assert not any(
        re.fullmatch(r"projects/SX\d+\.md", p) for p in written if p != "projects/SX2019001.md"
    )
    assert result.removed == []
    for p in written - DIGESTS - WORKBOOK - xlsx_slices:
        page = (rendered / "content" / p).read_text("utf-8")
        assert new in page and old not in page, p
    for p in xlsx_slices:
        with zipfile.ZipFile(rendered / "content" / p) as z:
            cells = "".join(z.read(n).decode("utf-8") for n in z.namelist() if "worksheets" in n)
        assert new in cells and old not in cells, p


def test_render_on_two_cores_writes_what_one_core_writes(tmp_path, monkeypatch):
    """Downloads, feeds and the archive are written by a forked child on the second core;
    the pages, and what render reports, must be those of a single-process render."""
    two = make_project(tmp_path / "two", CONTRACT)
    on_two = render_data(two)
    monkeypatch.setattr(cores, "can_fork", lambda: False)
    one = make_project(tmp_path / "one", CONTRACT)
    on_one = render_data(one)

    assert sorted(rel(two, on_two.written)) == sorted(rel(one, on_one.written))
    assert any(p.startswith("downloads/") for p in rel(two, on_two.written))
    assert generated_files(two) == generated_files(one)
    for p in generated_files(one):
        assert (two / "content" / p).read_bytes() == (one / "content" / p).read_bytes(), p


def test_an_error_in_a_download_page_template_stops_the_render(tmp_path):
    """A county's broken override of a page the child writes fails the render as it
    would in one process: the error reaches the build, nothing is published."""
    project = make_project(tmp_path / "county", CONTRACT)
    county = project / "site_templates" / "county"
    county.mkdir(parents=True)
    (county / "downloads_index.md.j2").write_text("# 下载\n\n{{ no_such_value }}\n", "utf-8")
    with pytest.raises(TemplateError, match="no_such_value") as raised:
        render_data(project)
    assert raised.value.file.endswith("county/downloads_index.md.j2")
    assert raised.value.line == 3


def test_a_removed_project_loses_its_page(tmp_path):
    project = make_project(tmp_path / "county", TINY)
    render_data(project)
    page = project / "content" / "projects" / "TY2020-003.md"
    assert page.exists()
    own = {p for p in generated_files(project) if "TY2020-003" in p}  # page, print, data slice
    assert {"projects/TY2020-003.md", "downloads/slices/projects/TY2020-003.json"} <= own

    data = project / "data"
    projects = yaml.safe_load((data / "projects" / "tiny.yaml").read_text("utf-8"))
    (data / "projects" / "tiny.yaml").write_text(
        yaml.safe_dump([p for p in projects if p["id"] != "TY2020-003"], allow_unicode=True),
        "utf-8",
    )
    for name in ("project_funding/tiny.csv",):
        lines = (data / name).read_text("utf-8").splitlines(keepends=True)
        (data / name).write_text("".join(x for x in lines if "TY2020-003" not in x), "utf-8")
    notices = yaml.safe_load((data / "notices" / "tiny.yaml").read_text("utf-8"))
    (data / "notices" / "tiny.yaml").write_text(
        yaml.safe_dump(
            [n for n in notices if "TY2020-003" not in n["subject"]], allow_unicode=True
        ),
        "utf-8",
    )

    result = render_data(project)

    assert not page.exists()
    # it was 白水镇's only project: the township's filtered lists go with it
    town = {"projects/by/白水镇/index.md", "projects/by/白水镇/2020.md"}
    assert rel(project, result.removed) == own | town
    assert "projects/index.md" in rel(project, result.written)
    assert "白水村饮水安全巩固提升工程" not in (
        project / "content" / "projects" / "index.md"
    ).read_text("utf-8")


# --- hostile text renders literally -------------------------------------------------------

NAME = "# 标题 </title><script>alert(1)</script> | broken | table | {{ 7*7 }} `反引号`"
CONTENT_LINES = [
    "[点我](javascript:alert(1))",
    "---",
    "# 标题",
    "| broken | table |",
    "```",
    "<img src=x onerror=alert(2)> {% raw %}{{ 7*7 }}",
    "***粗斜*** _下划线_ ~~删除~~ \\反斜杠 &amp; <!-- 注释 -->",
]
REMARKS = (
    '{{ 7*7 }} {: .md-button } <a href="javascript:alert(3)">链接</a> <https://x.example/> ==='
)
SUPERVISOR = "周二 [点我](javascript:alert(4))"


def squash(text: str) -> str:
    """Whitespace as a browser shows it."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The tiny county plus one project whose texts are Markdown, HTML and Jinja."""
    project = make_project(tmp_path_factory.mktemp("hostile"), TINY)
    data = project / "data"
    record = {
        "id": "TY2020-666",
        "year": 2020,
        "name": NAME,
        "category": "其他",
        "township": "青山镇",
        "villages": "青山村",
        "content": "\n".join(CONTENT_LINES),
        "implementer": "青山镇人民政府",
        "responsible_person": "林一",
        "status": "实施中",
        "households": 12,
        "persons": 34,
        "supervisor": SUPERVISOR,
        "supervisor_phone": "0531-7000101",
        "remarks": REMARKS,
        "start": "2020-05-01",
        "end": "2020-09-30",
    }
    (data / "projects" / "hostile.yaml").write_text(
        yaml.safe_dump([record], allow_unicode=True, sort_keys=False), "utf-8"
    )
    (data / "project_funding" / "hostile.csv").write_text(
        "project_id,source,amount\nTY2020-666,县级财政,9999.99\n", "utf-8"
    )
    (data / "notices" / "hostile.yaml").write_text(
        yaml.safe_dump(
            [
                {
                    "id": "TY-GS-666",
                    "subject": "project:TY2020-666",
                    "kind": "事前公示",
                    "posted_on": "2020-04-01",
                    "until": "2020-04-12",
                    "places": "门户网站、青山村公开栏",
                    "objections": "| 有 | 异议 | [x](javascript:alert(5))",
                }
            ],
            allow_unicode=True,
        ),
        "utf-8",
    )
    result = build_project(project)
    assert result.published, result.checked.report.to_json() + result.mkdocs_output
    return project / "site"


@pytest.fixture(scope="module")
def hostile_page(hostile) -> Page:
    return Page.of(hostile, "projects/TY2020-666/")


def test_hostile_texts_show_as_typed(hostile_page):
    page = hostile_page
    assert page.headings[0] == ("h1", squash(NAME))
    assert squash(page.title).startswith(squash(NAME)), (
        f"the browser tab (<title>) is not the name as typed: {page.title!r}"
    )
    assert not [h for h in page.headings if "标题" in h[1] and h[0] != "h1"]
    assert page.row("项目名称")[1] == squash(NAME)
    assert page.row("建设内容及规模")[1].split("\n") == [squash(x) for x in CONTENT_LINES]
    assert page.row("备注")[1] == squash(REMARKS)
    assert squash(SUPERVISOR) in page.article
    assert "| 有 | 异议 | [x](javascript:alert(5))" in page.article
    cells = [page.row(k)[1] for k in ("项目名称", "建设内容及规模", "备注")]
    assert not [c for c in cells if "49" in c], "{{ 7*7 }} was evaluated"


def test_hostile_texts_run_no_script_and_link_nowhere(hostile_page):
    page = hostile_page
    from_data = [code for _, code in page.scripts if "alert(" in code]
    assert from_data == [], "a <script> from the data is in the page"
    assert not [src for src, _ in page.scripts if src and "assets/" not in src]
    assert page.handlers == []
    assert not [
        h for h in page.hrefs if h.strip().lower().startswith("javascript:") or "x.example" in h
    ]
    assert not [u for u in page.loads if u.strip() == "x"]  # no <img src=x>
    # “{: .md-button }” in the remarks is no attribute list: the only buttons are the
    # template's “打印本页公示” links to the print pages
    print_links = [h for h in page.hrefs if "print/" in h]
    assert print_links and page.classes["md-button"] == len(print_links)
    html = article_html(page)
    made = {"del", "em", "code", "pre", "hr", "img", "iframe", "script", "h3", "h4"}
    assert not made & set(re.findall(r"<(\w+)", html)), "record text became markup"
    # only the template's bold: the 合计 row, the kind of each notice posted, and the
    # lifecycle's stages and states (项目全过程)
    # (a figure is the template's <span class="gs-fig"> around the number: scan/figures.py)
    fig = re.compile(r'<span class="gs-fig"[^<>]*>([\d,.]+)</span>')
    bold = [fig.sub(r"\1", b) for b in re.findall(r"<strong>(.*?)</strong>", html)]
    lifecycle_words = {*lifecycle.STAGES, *lifecycle.STATE_ZH.values(), "尚未入库"}
    assert all(
        b == "合计" or b in NOTICE_KINDS or b in lifecycle_words or re.fullmatch(r"[\d,.]+", b)
        for b in bold
    ), bold


def article_html(page: Page) -> str:
    return page.source.split("<article", 1)[1].split("</article>", 1)[0]


def test_hostile_texts_break_no_table(hostile, hostile_page):
    pages = [
        hostile_page,
        *(Page.of(hostile, rel) for rel in ("projects/", "villages/990000101201/", "notices/", "")),
    ]
    for page in pages:
        assert page.tables
        for table in page.tables:
            assert table.header, table
            assert all(len(r) == len(table.header) for r in table.rows), table
    basics = hostile_page.table_with("内容")
    assert [r[0] for r in basics.rows][:3] == ["项目编号", "项目名称", "年度"]
    assert len(hostile_page.table_with("资金来源").rows) == 2  # the source and 合计


def test_hostile_name_is_plain_text_in_lists(hostile):
    for where in ("projects/", "villages/990000101201/"):
        page = Page.of(hostile, where)
        href = page.link_to(squash(NAME))
        assert href.rstrip("/").endswith("TY2020-666"), (where, href)
        assert "</title><script>alert(1)</script>" in page.article
