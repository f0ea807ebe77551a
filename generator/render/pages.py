"""The render stage: the public model → Markdown pages in MkDocs' ``docs_dir`` and the
generated MkDocs config.

Python computes what each page shows (``views``, ``model.totals``); the Jinja2 templates in
``site_templates/pages/`` only lay it out. Every value a template prints goes through
``mdtext.escape_md`` (the environment's ``finalize``), so record text can never become
markup. A file is rewritten only when its text changed, and files of the generated folders
that no record produces any more are removed. Paths come from ``urls`` only.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from generator import cores
from generator.errors import TemplateError
from generator.findings import CODES, Report
from generator.memo import Memo, Stamp, digest, signature
from generator.model import Dataset, totals
from generator.model.history import History
from generator.progress import SILENT, Progress
from generator.project import GENERATED_DIRS, GENERATED_FILES, Project, open_project
from generator.records import Village
from generator.render import coverage, lists, opendata, print_pages, urls
from generator.render.charts import Charts
from generator.render.config import write_config
from generator.render.contexts import (
    BenefitProgramPage,
    BenefitsIndexPage,
    CasePage,
    CasesIndexPage,
    CataloguePage,
    CompliancePage,
    DistributionPage,
    DistributionsIndexPage,
    FlagsPage,
    FlowPage,
    FundPage,
    FundsIndexPage,
    HomePage,
    NoticesIndexPage,
    PageContext,
    PlansIndexPage,
    PlanYearPage,
    ProjectPage,
    ProjectsByPage,
    ProjectsIndexPage,
    RectificationPage,
    RectificationsIndexPage,
    ReportPage,
    RulesPage,
    SiteContext,
    TownshipPage,
    TownshipsIndexPage,
    VillagePage,
    VillagesIndexPage,
    context_for,
    field_names,
)
from generator.render.templates import compiled_cache, environment
from generator.render.views import (
    Views,
    benefit_programs,
    home_stats,
    plan_years,
    project_sort_key,
    township_rows,
    township_view,
    village_view,
)
from generator.rules import flags as risk
from generator.rules.compliance import compliance

# Pages kept out of the search index: lists that repeat what record pages hold, and pages of
# figures. Material loads the whole index on a page's first load, so every page weighs on
# a villager's phone (architecture.md: "The search index is a download too").
NOT_SEARCHED = (
    "projects/index.md",
    urls.PROJECTS_BY + "/",
    "funds/index.md",
    "notices/index.md",
    "plans/index.md",
    "cases/index.md",
    "rectifications/index.md",
    "compliance/",
    "flags/",
    "townships/index.md",
    "townships/by-",
    "flow/",
    "downloads/",
    "archive/",
    "print/",
)

# List pages use the whole width: Material's left sidebar would hold one link and its table
# of contents a heading or two, and a list needs the room (issue 18: the 金额 column was
# clipped at 1280 px). Front matter ``hide``; a county's page can set its own.
FULL_WIDTH = ("navigation", "toc")
LISTS = (
    "projects/index.md",
    "funds/index.md",
    "villages/index.md",
    "benefits/index.md",
    "distributions/index.md",
    "notices/index.md",
    "rectifications/index.md",
    "cases/index.md",
)
LIST_FOLDERS = (urls.PROJECTS_BY + "/", "archive/")  # every page in them is a list


RENDER_MEMO = "render.memo"  # under .gongshi/: Excel downloads by what they hold
WRITTEN_MEMO = "written.memo"  # under .gongshi/: what each generated file was written as
CATALOGUE_LIMIT = 30  # records named per state and township on the 标准目录 page


@dataclass
class RenderResult:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)
    # each generated file's signature and hash as render left it, by its path under
    # docs_dir: the page cache knows a page's bytes from it without reading the page
    stamps: dict[str, Stamp] = field(default_factory=dict)


class _Writer:
    """Writes a file only when its bytes change, and remembers what it wrote.

    ``stamps`` (kept in ``.gongshi/``, ``WRITTEN_MEMO``): the signature and hash of each
    file as this writer last wrote or found it. A file whose signature has not moved since
    is compared by hash, without reading it (issue 20: a warm county render read 22,000
    unchanged files only to find them equal); any other file is read and compared."""

    def __init__(
        self,
        content: Path,
        result: RenderResult,
        done: Callable[[], object] = lambda: None,
        stamps: dict[str, Stamp] | None = None,
    ) -> None:
        self.content = content
        self.result = result
        self.done = done  # progress: one more file written or found unchanged
        self.seen: set[Path] = set()
        self._read: dict[str, bytes] = {}  # files ``previous`` read, until they are written
        self.known: dict[str, Stamp] = stamps or {}  # as the last render left them
        self.stamps: dict[str, Stamp] = {}  # as this render leaves them

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.content / rel
        self.seen.add(path)
        self.done()
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        hashed = digest(data)
        before = self._read.pop(rel, None)
        known = self.known.get(rel)
        if before is None and known is not None and signature(path) == known[0]:
            if known[1] == hashed:
                self.stamps[rel] = known
                self.result.unchanged += 1
                return
        elif before is None and path.exists():
            before = path.read_bytes()
        if before == data:
            self._stamp(path, rel, hashed)
            self.result.unchanged += 1
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self._stamp(path, rel, hashed)
        self.result.written.append(path)

    def _stamp(self, path: Path, rel: str, hashed: str) -> None:
        sig = signature(path)
        if sig is not None:
            self.stamps[rel] = (sig, hashed)

    def previous(self, rel: str) -> str | None:
        """A generated file as the last build left it (``None`` if there is none). The
        bytes are kept for ``write`` to compare with, so the file is read once."""
        try:
            data = (self.content / rel).read_bytes()
        except OSError:
            return None
        self._read[rel] = data
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def remove_stale(self) -> None:
        """Files of the generated folders that this render did not write: records that are
        gone (their pages are replaced by 已撤回 pages where history keeps them)."""
        for name in GENERATED_DIRS:
            folder = self.content / name
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*"), reverse=True):
                if path.is_file() and path not in self.seen:
                    path.unlink()
                    self.result.removed.append(path)
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()


def _front_matter(**meta: Any) -> str:
    """YAML front matter, each value written as JSON (which YAML reads as the same value):
    ``yaml.safe_dump`` took 9 s of a county's 9,500 pages."""
    lines = "".join(f"{k}: {json.dumps(meta[k], ensure_ascii=False)}\n" for k in sorted(meta))
    return "---\n" + lines + "---\n\n"


def render(
    ds: Dataset,
    project: Project | Path,
    report: Report | None = None,
    history: History | None = None,
    pdf: bool = False,
    progress: Progress = SILENT,
) -> RenderResult:
    """Write every generated page into the project's ``docs_dir`` and the MkDocs config.

    ``history`` is the published history of the data (``model.history``), computed by the
    pipeline; ``pdf`` says whether this build prints PDFs, so print pages link to them only
    then. A county template that does not render raises ``TemplateError``. ``progress``
    counts the files written (the total is what the last render left, when there is one)."""
    if not isinstance(project, Project):
        project = open_project(project)
    with progress.task("生成页面", total=_generated_count(project.docs_dir), unit="个文件") as t:
        return _render(ds, project, report, history, pdf, t.advance)


def _generated_count(docs_dir: Path) -> int | None:
    """How many files the last render left in the generated folders (``None``: none)."""
    n = sum(1 for name in GENERATED_FILES if (docs_dir / name).is_file())
    for name in GENERATED_DIRS:
        n += sum(1 for _, _, files in os.walk(docs_dir / name) for _ in files)
    return n or None


def _render(
    ds: Dataset,
    project: Project,
    report: Report | None,
    history: History | None,
    pdf: bool,
    done: Callable[[], object],
) -> RenderResult:
    result = RenderResult()
    written_memo = Memo(project.work / WRITTEN_MEMO, str(project.docs_dir))
    out = _Writer(project.docs_dir, result, done, written_memo.get(("stamps",)))
    env = environment(project.templates, compiled_cache(project.work))
    v = Views(ds)
    od = opendata.OpenData(ds, history or History())
    rf = risk.compute(ds)
    site = SiteContext(
        site=ds.site,
        ds=ds,
        v=v,
        sums=totals.Totals(ds),
        prints=print_pages.PrintIndex(ds, pdf),
        od=od,
        rf=rf,
        charts=Charts(ds),
    )
    base = {name: getattr(site, name) for name in field_names(SiteContext)}

    def page(rel: str, ctx: PageContext, meta: dict[str, Any] | None = None) -> None:
        """Render ``ctx``'s template to ``rel``: the template sees the site's fields and
        the page's fields by name (``contexts``)."""
        meta = meta or {}
        if rel.startswith(NOT_SEARCHED):
            meta = {**meta, "search": {"exclude": True}}
        if _is_list(rel):
            meta = {**meta, "hide": list(FULL_WIDTH)}
        ctx_vars = {**base, "root": "../" * rel.count("/"), "here": rel, **ctx.fields()}
        text = _render_template(env, ctx.TEMPLATE, ctx_vars, project.root)
        out.write(rel, _front_matter(**meta) + text if meta else text)

    def named_page(template: str, rel: str, meta: dict[str, Any] | None = None, **ctx: Any) -> None:
        """``page`` for ``opendata`` and ``print_pages``, which pass the fields by keyword."""
        page(rel, context_for(template, **ctx), meta)

    # Two processes share the work when there is a second core: a forked child writes the
    # downloads, feeds and archive (a third of the time) while this one writes the record
    # pages; then both take print pages, 50 at a time, until none are left. The child
    # writes through its own copy of ``out``; what it wrote is added at the end.
    prints = site.prints
    fork = cores.can_fork()  # one decision for the counter and the child
    take = cores.shares(len(prints.items), 50, fork)

    def write_print_pages() -> None:
        print_pages.render_pages(
            prints,
            named_page,
            out.write,
            out.previous,
            (prints.items[i] for i in cores.taken(take)),
        )

    def publish() -> None:
        """The downloads, feeds and archive; the Excel workbooks by what they hold are kept
        in ``.gongshi/`` by the process that writes them (``RENDER_MEMO``)."""
        memo = Memo(project.work / RENDER_MEMO, "")
        opendata.publish(od, named_page, out.write, memo)
        with contextlib.suppress(OSError):  # a read-only work folder: made again next time
            memo.save()

    def child() -> tuple[RenderResult, set[Path], dict[str, Stamp]]:
        out.result, out.seen, out.stamps = RenderResult(), set(), {}
        publish()
        write_print_pages()
        return out.result, out.seen, out.stamps

    def record_pages() -> None:
        """Every page but the downloads, feeds, archive and print pages."""
        projects = sorted(ds.projects, key=project_sort_key)
        latest = sorted(ds.notices, key=lambda n: (n.posted_on or date.min, n.id), reverse=True)
        page("index.md", HomePage(stats=home_stats(ds), latest=latest[:10]))
        filters = lists.project_filters(ds, projects)
        page("projects/index.md", ProjectsIndexPage(projects=projects, filters=filters))
        for g in filters.pages():
            page(g.path, ProjectsByPage(g=g, filters=filters))
        for p in projects:
            pub_date = _iso(p.accepted_on or p.started_on or p.start)
            page(urls.project(p.id), ProjectPage(p=p), {"pub_date": pub_date})
        years = plan_years(ds, opendata.withdrawn_plans(od.history))
        page("plans/index.md", PlansIndexPage(years=years))
        for y in years:
            page(
                urls.plan_year(y["year"]),
                PlanYearPage(year=y["year"], plans=y["plans"], withdrawn=y["withdrawn"]),
            )
        funds = sorted(ds.funds, key=lambda f: (f.issued_on or date.min, f.id), reverse=True)
        page("funds/index.md", FundsIndexPage(funds=funds))
        page(urls.FLOW, FlowPage(total=totals.county_funding(ds)))
        for f in funds:
            page(urls.fund(f.id), FundPage(f=f), {"pub_date": _iso(f.issued_on)})
        by_township: dict[str, list[Village]] = defaultdict(list)
        for vil in sorted(ds.villages, key=lambda x: (x.township, x.code, x.name)):
            by_township[vil.township].append(vil)
        page("villages/index.md", VillagesIndexPage(townships=dict(sorted(by_township.items()))))
        for vil in ds.villages:
            page(urls.village(vil), VillagePage(village=vil, **village_view(ds, vil)))
        programs = benefit_programs(ds)
        page("benefits/index.md", BenefitsIndexPage(programs=programs))
        for prog in programs:
            page(urls.benefit(prog["program"], prog["year"]), BenefitProgramPage(prog=prog))
        dists = sorted(ds.distributions, key=lambda d: d.id)
        page("distributions/index.md", DistributionsIndexPage(distributions=dists))
        for d in dists:
            rows = sorted(
                ds.benefits_of_distribution(d.id),
                key=lambda b: (b.village, b.origin.file, b.origin.row),
            )
            page(urls.distribution(d.id), DistributionPage(d=d, rows=rows))
        notices = sorted(ds.notices, key=lambda n: (n.posted_on or date.min, n.id), reverse=True)
        page("notices/index.md", NoticesIndexPage(notices=notices))
        rect = sorted(ds.rectifications, key=lambda r: (r.found_on or date.min, r.id), reverse=True)
        page("rectifications/index.md", RectificationsIndexPage(items=rect))
        for r in rect:
            page(urls.rectification(r.id), RectificationPage(r=r), {"pub_date": _iso(r.found_on)})
        cases = sorted(ds.cases, key=lambda c: (c.published_on or date.min, c.id), reverse=True)
        page("cases/index.md", CasesIndexPage(cases=cases))
        for c in cases:
            page(urls.case(c.id), CasePage(c=c), {"pub_date": _iso(c.published_on)})
        page("report/index.md", ReportPage())
        comp = compliance(ds, report or Report())
        orders = urls.TOWNSHIP_SORTS
        for key in orders:
            town_rows = township_rows(ds, comp, key)
            page(urls.townships(key), TownshipsIndexPage(rows=town_rows, sort=key, sorts=orders))
        for town in ds.townships:
            page(urls.township(town), TownshipPage(**township_view(ds, comp, town)))
        page("compliance/index.md", CompliancePage(c=comp, codes=CODES))
        page("compliance/rules.md", RulesPage(c=comp))
        page(
            "flags/index.md",
            FlagsPage(indicators=risk.by_indicator(rf), as_of=ds.as_of.isoformat()),
        )
        page(
            "compliance/catalogue.md",
            CataloguePage(
                items=coverage.coverage(ds), states=coverage.STATES, limit=CATALOGUE_LIMIT
            ),
        )

    if fork:  # the child is killed if this process fails first (``cores.beside``)
        with cores.beside(child, fork) as child_done:
            record_pages()
            write_print_pages()
            theirs, seen, stamps = child_done()
        result.written.extend(theirs.written)
        result.unchanged += theirs.unchanged
        out.seen |= seen
        out.stamps.update(stamps)
    else:
        publish()
        record_pages()
        write_print_pages()
    out.remove_stale()
    written_memo.put(("stamps",), out.stamps)
    result.stamps = out.stamps
    with contextlib.suppress(OSError):  # a read-only work folder: files are read next time
        written_memo.save()
    write_config(ds, project)
    return result


def _is_list(rel: str) -> bool:
    return rel in LISTS or rel.startswith(LIST_FOLDERS)


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _render_template(
    env: jinja2.Environment, name: str, ctx: dict[str, Any], project_root: Path | None = None
) -> str:
    """One page; a template that does not render (most often a county's override) becomes a
    ``TemplateError`` naming its file and line instead of a traceback. The file is the one
    the error is in: the override, the page it extends or a partial it includes, shown
    relative to ``project_root`` when it lies inside it."""

    def where(exc: BaseException) -> tuple[str, int | None]:
        file, line = _template_position(exc, name)
        return _shown_path(file, project_root), line

    try:
        return env.get_template(name).render(**ctx)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"模板语法错误：{exc.message}",
            file=_shown_path(exc.filename or name, project_root),
            line=exc.lineno,
            hint="对照 site_templates/pages/ 中的同名模板检查这一行。",
        ) from None
    except jinja2.TemplateNotFound as exc:
        file, line = where(exc)
        raise TemplateError(
            f"找不到模板 {exc.name}",
            file=file,
            line=line,
            hint="模板文件名要和 site_templates/pages/ 中的一致；"
            '继承内置页面写 {% extends "default:' + name + '" %}。',
        ) from None
    except jinja2.UndefinedError as exc:
        file, line = where(exc)
        raise TemplateError(
            f"模板用到了没有的名称：{exc.message}",
            file=file,
            line=line,
            hint="名称拼错了，或这一页的模板没有这个变量"
            "（每类页面可用的变量见 docs/templates.md）。",
        ) from None
    except RecursionError:
        # An override that extends (or includes) its own name: {% extends "project.md.j2" %}
        # in county/project.md.j2 finds itself again, without end.
        raise TemplateError(
            f"模板 {name} 继承或包含了它自己",
            file=_shown_path(env.get_template(name).filename or name, project_root),
            hint=f'县里的模板要继承内置页面，请写 {{% extends "default:{name}" %}}'
            "（带 default: 前缀）。",
        ) from None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        file, line = where(exc)
        raise TemplateError(f"模板出错：{exc}", file=file, line=line) from None


def _shown_path(file: str, project_root: Path | None) -> str:
    """A template's path as a county cadre finds it: relative to the project's folder."""
    if project_root is None:
        return file
    for path, root in ((Path(file), project_root), (Path(file).resolve(), project_root.resolve())):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return file


def _template_position(exc: BaseException, name: str) -> tuple[str, int | None]:
    """The template file and line a render error happened at, from the traceback (Jinja2
    rewrites template frames so that they carry the template's file and line). The last
    template frame is where it happened: inside a block of an override that extends a
    page, it is the override's file, since Jinja2 compiles each block into the template
    that defines it."""
    tb = exc.__traceback__
    found: tuple[str, int | None] = (name, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
