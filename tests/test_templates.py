"""Page templates as a county customises them: an override of one block (``{% extends
"default:project.md.j2" %}``) changes that section of every page and nothing else, a broken
override is a Chinese message with its file and line, and docs/templates.md names every
context field and every block (so the documentation cannot drift from the templates)."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from conftest import REPO, TEST_DATA, make_project
from jinja2 import meta, nodes

from generator.errors import TemplateError
from generator.pipeline import check
from generator.render import RenderResult, render
from generator.render.contexts import BY_TEMPLATE, PAGE_TYPES, SiteContext, field_names
from generator.render.templates import BUILTIN_TEMPLATES, COMPILED_DIR, environment

CONTRACT = TEST_DATA / "contract_county"
TINY = TEST_DATA / "tiny"
DOCS = REPO / "docs" / "templates.md"
PAGE_TEMPLATES = sorted(p.name for p in BUILTIN_TEMPLATES.glob("*.md.j2") if p.name[0] != "_")


def render_data(project: Path) -> RenderResult:
    checked = check(project / "data")
    assert checked.dataset is not None, checked.report.to_json()
    return render(checked.dataset, project, checked.report)


def content(project: Path) -> dict[str, bytes]:
    root = project / "content"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def override(project: Path, name: str, text: str) -> str:
    county = project / "site_templates" / "county"
    county.mkdir(parents=True, exist_ok=True)
    (county / name).write_text(text, "utf-8")
    return f"site_templates/county/{name}"


def sections(page: str) -> list[str]:
    """A page cut before each ``## `` heading (the first part is what precedes them)."""
    return re.split(r"(?m)^(?=## )", page)


# --- a county overrides one block ---------------------------------------------------------


FUNDING_OVERRIDE = """\
{% extends "default:project.md.j2" %}
{# Only the funding section changes; everything else comes from the built-in page. #}
{% block funding %}
## 资金来源

本项目资金来源以县财政局文件为准（项目 {{ p.id }}，合计 {{ v.total(p.id) | yuan }} 元）。
{% endblock %}
"""


def test_a_county_override_of_one_block_changes_that_section_of_every_project_page(tmp_path):
    project = make_project(tmp_path / "county", CONTRACT)
    render_data(project)
    before = content(project)
    override(project, "project.md.j2", FUNDING_OVERRIDE)

    result = render_data(project)

    after = content(project)
    project_pages = {p for p in before if re.fullmatch(r"projects/[^/]+\.md", p)} - {
        "projects/index.md"
    }
    assert len(project_pages) >= 3
    written = {p.relative_to(project / "content").as_posix() for p in result.written}
    assert written == project_pages
    assert after.keys() == before.keys()
    for rel in project_pages:
        old, new = before[rel].decode("utf-8"), after[rel].decode("utf-8")
        parts = sections(old)
        (i,) = [k for k, s in enumerate(parts) if s.startswith("## 资金来源\n")]
        pid = Path(rel).stem
        assert f"项目 {pid}，合计 " in new
        replaced = re.search(r"本项目资金来源以县财政局文件为准（.*）。\n", new)
        assert replaced is not None, rel
        blank_after = parts[i][len(parts[i].rstrip("\n")) :]  # kept: it is outside the block
        parts[i] = "## 资金来源\n\n" + replaced.group(0).rstrip("\n") + blank_after
        assert new == "".join(parts), rel
    for rel in before.keys() - project_pages:
        assert after[rel] == before[rel], rel


def test_super_keeps_the_built_in_section_and_a_plain_name_finds_the_county_first(tmp_path):
    """``{{ super() }}`` adds to a block; a county partial (``_phones.md.j2``) is used by the
    built-in pages too, and a whole-page override needs no ``extends``."""
    project = make_project(tmp_path / "county", TINY)
    render_data(project)
    before = content(project)
    override(
        project,
        "village.md.j2",
        '{% extends "default:village.md.j2" %}\n'
        "{% block phones %}\n{{ super() }}\n村务监督委员会每月第一个周一接待群众。\n"
        "{% endblock %}\n",
    )
    override(project, "_phones.md.j2", "- 县纪委监委：{{ phone('0000-1234567') }}\n")
    override(project, "cases_index.md.j2", "# 执纪通报\n\n请到县纪委监委查询。\n")

    render_data(project)

    after = content(project)
    assert after["cases/index.md"].endswith("# 执纪通报\n\n请到县纪委监委查询。\n".encode())
    villages = [p for p in after if p.startswith("villages/") and p != "villages/index.md"]
    assert villages
    for rel in villages:
        page = after[rel].decode("utf-8")
        phones = sections(page)[-1]
        assert phones.startswith("## 监督举报\n")  # a link: the phones are in the footer
        assert "[监督举报](../report/index.md)" in phones
        assert phones.endswith("\n村务监督委员会每月第一个周一接待群众。\n"), phones
        assert sections(page)[:-1] == sections(before[rel].decode("utf-8"))[:-1]
    report = after["report/index.md"].decode("utf-8")
    # the built-in 监督举报 page includes the county's partial
    assert "- 县纪委监委：[0000\\-1234567](tel:0000-1234567){ .gs-phone }" in report


# --- a broken override names its file and line ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        # an undefined name inside the replaced block: the override's line, not the page's
        (
            '{% extends "default:project.md.j2" %}\n\n{% block funding %}\n## 资金来源\n\n'
            "{{ p.funding_total }}\n{% endblock %}\n",
            6,
            "funding_total",
        ),
        (
            '{% extends "default:project.md.j2" %}\n{% block funding %}\n'
            "{{ no_such_name | yuan }}\n{% endblock %}\n",
            3,
            "no_such_name",
        ),
        # a syntax error
        (
            '{% extends "default:project.md.j2" %}\n{% block funding %}\n'
            "{% if p.id %}\n## 资金来源\n{% endblock %}\n",
            5,
            "模板语法错误",
        ),
        # the page it extends does not exist
        ('\n{% extends "default:projects.md.j2" %}\n', 2, "找不到模板 default:projects.md.j2"),
    ],
)
def test_a_broken_override_is_a_template_error_with_its_file_and_line(
    tmp_path, text, line, message
):
    project = make_project(tmp_path / "county", TINY)
    name = override(project, "project.md.j2", text)
    with pytest.raises(TemplateError) as raised:
        render_data(project)
    assert message in str(raised.value)
    assert raised.value.file == name
    assert raised.value.line == line
    assert str(raised.value).startswith(f"模板错误：{name} 第 {line} 行：")


def test_compiled_templates_are_kept_and_an_edit_of_the_same_size_is_seen(tmp_path):
    """Templates are compiled once and kept in ``.gongshi/jinja/`` (issue 20: compiling
    was half of each render ``gongshi serve`` does); an edit must still show at once,
    even one that keeps the file's size and time."""
    project = make_project(tmp_path / "county", TINY)
    text = (
        '{% extends "default:project.md.j2" %}\n'
        "{% block funding %}\n## 资金来源\n\n第一版\n{% endblock %}\n"
    )
    name = override(project, "project.md.j2", text)
    render_data(project)
    compiled = list((project / ".gongshi" / COMPILED_DIR).rglob("*.cache"))
    assert len(compiled) > 10  # the built-in pages and the county's override
    page = project / "content" / "projects" / "TY2020-001.md"
    assert "第一版" in page.read_text("utf-8")
    source = project / name
    stat = source.stat()
    source.write_text(text.replace("第一版", "第二版"), "utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    render_data(project)
    assert "第二版" in page.read_text("utf-8") and "第一版" not in page.read_text("utf-8")


def test_an_error_in_a_template_compiled_by_an_earlier_render_names_its_line(tmp_path):
    project = make_project(tmp_path / "county", TINY)
    text = (
        '{% extends "default:project.md.j2" %}\n'
        "{% block funding %}\n\n{{ p.no_such_name + 1 }}\n{% endblock %}\n"
    )
    name = override(project, "project.md.j2", text)
    for _ in range(2):  # compiled, then read back from .gongshi/jinja/
        with pytest.raises(TemplateError) as raised:
            render_data(project)
        assert (raised.value.file, raised.value.line) == (name, 4)
    assert list((project / ".gongshi" / COMPILED_DIR).rglob("*.cache"))


def test_an_override_that_extends_its_own_name_says_to_use_default(tmp_path):
    project = make_project(tmp_path / "county", TINY)
    text = '{% extends "project.md.j2" %}\n{% block funding %}{% endblock %}\n'
    name = override(project, "project.md.j2", text)
    with pytest.raises(TemplateError) as raised:
        render_data(project)
    assert raised.value.file == name
    assert 'extends "default:project.md.j2"' in raised.value.hint


def test_gongshi_build_with_a_broken_override_prints_its_file_and_line_and_exits_2(tmp_path):
    project = make_project(tmp_path / "county", TINY)
    name = override(
        project,
        "project.md.j2",
        '{% extends "default:project.md.j2" %}\n{% block funding %}\n{{ p.fundng }}\n'
        "{% endblock %}\n",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR", "TERM")}
    run = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--allow-findings"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    out = (run.stdout + run.stderr).replace("\n", "")  # rich wraps lines at 80 columns
    assert run.returncode == 2, out
    assert f"模板错误：{name} 第 3 行：模板用到了没有的名称" in out
    assert "fundng" in out and "怎么改" in out
    assert "Traceback" not in out
    assert not (project / "site").exists()


# --- the contexts and the blocks are documented -----------------------------------------------


def doc_section(template: str) -> str:
    """The part of docs/templates.md about one page template: from its ``### `` heading
    (which names the file) to the next heading of that level."""
    text = DOCS.read_text("utf-8")
    found = re.search(rf"(?ms)^(### [^\n]*`{re.escape(template)}`.*?)(?=^### |^## |\Z)", text)
    assert found, f"docs/templates.md has no section “### … `{template}` …”"
    return found.group(1)


def blocks(template: str) -> list[str]:
    env = environment(REPO / "site_templates")
    source = (BUILTIN_TEMPLATES / template).read_text("utf-8")
    return [b.name for b in env.parse(source).find_all(nodes.Block)]


def used_names(template: str) -> set[str]:
    """Names a template reads from its context, with those of the partials it includes."""
    env = environment(REPO / "site_templates")
    names: set[str] = set()
    todo, seen = [template], set()
    while todo:
        name = todo.pop()
        seen.add(name)
        ast = env.parse((BUILTIN_TEMPLATES / name).read_text("utf-8"))
        names |= meta.find_undeclared_variables(ast)
        todo += [t for t in meta.find_referenced_templates(ast) if t and t not in seen]
    return names


def test_every_page_template_has_a_context_class_and_the_other_way_round():
    assert sorted(BY_TEMPLATE) == PAGE_TEMPLATES
    assert len(PAGE_TYPES) == len(BY_TEMPLATE)


@pytest.mark.parametrize("template", PAGE_TEMPLATES)
def test_every_field_and_block_of_a_page_is_documented_and_every_field_is_used(template):
    section = doc_section(template)
    cls = BY_TEMPLATE[template]
    assert f"`{cls.__name__}`" in section
    for name in field_names(cls):
        assert f"`{name}`" in section, f"{template}: field {name} is not in docs/templates.md"
    page_blocks = blocks(template)
    assert page_blocks, f"{template} has no block a county could replace"
    for name in page_blocks:
        assert f"`{name}`" in section, f"{template}: block {name} is not in docs/templates.md"
    unused = set(field_names(cls)) - used_names(template)
    assert not unused, f"{template} is given {unused} but never reads them"


def test_the_site_context_filters_and_globals_are_documented_and_used():
    text = DOCS.read_text("utf-8")
    everywhere = set().union(*(used_names(t) for t in PAGE_TEMPLATES))
    for name in field_names(SiteContext):
        assert f"`{name}`" in text, name
        assert name in everywhere, f"no template reads {name}"
    env = environment(REPO / "site_templates")
    ours = set(env.filters) - set(jinja2.Environment().filters)
    assert ours == {"yuan", "wan", "date", "n", "fen", "percent", "md", "h", "slug", "measures"}
    for name in ours | (set(env.globals) - set(jinja2.Environment().globals)):
        assert f"`{name}`" in text, f"filter or global {name} is not in docs/templates.md"


def test_a_context_field_is_checked_when_a_page_is_made():
    """opendata and print_pages pass fields by keyword: a misspelt one is an error in
    Python, before any template could print an empty figure."""
    cls = BY_TEMPLATE["downloads_verify.md.j2"]
    with pytest.raises(TypeError):
        cls(dl=None, extra=1)  # type: ignore[call-arg]
    assert [f.name for f in dataclasses.fields(cls)] == ["dl", "stats"]


# --- templates never sum money -------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(BUILTIN_TEMPLATES.glob("*.md.j2")), ids=lambda p: p.name)
def test_no_template_adds_figures_itself(path):
    """Totals come from ``model.totals`` and ``render.views`` (architecture.md: "never summed
    in a template"): no ``+``, no ``sum`` filter, no ``namespace`` accumulator in a loop."""
    env = environment(REPO / "site_templates")
    source = path.read_text("utf-8")
    tokens = list(env.lex(source))
    adds = [line for line, kind, value in tokens if (kind, value) == ("operator", "+")]
    assert not adds, f"{path.name} adds with + on line {adds}"
    names = [value for _, kind, value in tokens if kind == "name"]
    assert "sum" not in names and "namespace" not in names, path.name


def test_the_money_check_sees_a_plus_in_a_template():
    """The check above can fail: ``+`` in an expression is an operator token, the ``+`` of
    ``{% endif +%}`` (whitespace control) is not."""
    env = environment(REPO / "site_templates")
    tokens = env.lex("{{ a.amount + b.amount }}{% if x %}{% endif +%}")
    assert [v for _, k, v in tokens if k == "operator" and v == "+"] == ["+"]


# --- an old copy of the page templates after an upgrade (B002) ----------------------------


def test_an_old_copy_of_the_page_templates_is_named_in_a_warning(tmp_path: Path) -> None:
    """A county repository kept apart from gongshi copied ``site_templates/pages/`` once;
    after an upgrade its old copy comes first on the search path. The build says which
    files differ and what to do, and publishes (a warning: the figure check still refuses
    a wrong number)."""
    from conftest import build_project

    from generator.render.templates import stale_copies

    project = make_project(tmp_path / "county", CONTRACT)
    pages = project / "site_templates" / "pages"
    assert stale_copies(project / "site_templates") == []  # a fresh copy: the same files
    old = pages / "report.md.j2"
    old.write_text(old.read_text("utf-8") + "\n旧版本的一行\n", "utf-8")
    (pages / "mine.md.j2").write_text("一个县自己加的模板\n", "utf-8")  # not a built-in one
    result = build_project(project, jobs=1)
    found = [f for f in result.checked.report.findings if f.code == "B002"]
    assert [f.severity for f in found] == ["warning"] and result.published
    assert "report.md.j2" in found[0].message and "mine.md.j2" not in found[0].message
    assert "site_templates/county/" in found[0].hint
    assert stale_copies(REPO / "site_templates") == []  # the repository's own: built-in
