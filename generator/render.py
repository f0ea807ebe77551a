"""The render stage: the public model → Markdown pages in ``content/`` and MkDocs config.

Python computes what each page shows (totals, links, sorted rows); the Jinja2 templates in
``site_templates/pages/`` only lay it out. Every value a template prints goes through
``mdtext.escape_md`` (the environment's ``finalize``), so record text can never become
markup. A file is rewritten only when its text changed, and files of the generated folders
that no record produces any more are removed.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import yaml
from markupsafe import Markup

from generator import cores, money, opendata, printing
from generator.compliance import compliance, percent
from generator.dates import zh_date
from generator.findings import CODES, Report
from generator.mdtext import escape_md
from generator.model import Dataset, parse_subject
from generator.records import Project, Village

GENERATED_DIRS = ("projects", "funds", "villages", "benefits", "distributions", "notices",
                  "rectifications", "cases", "report", printing.PRINT_DIR, "downloads",
                  "feeds", "archive")
GENERATED_FILES = ("index.md",)
GENERATED_CONFIG = "mkdocs.generated.yml"
WORK_DIR = ".gongshi"
BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates" / "pages"

# Pages kept out of the search index: lists that repeat what record pages hold, and pages of
# figures. Material loads the whole index on a page's first load, so every page weighs on
# a villager's phone (architecture.md: "The search index is a download too").
NOT_SEARCHED = ("projects/index.md", "funds/index.md", "notices/index.md", "cases/index.md",
                "compliance/", "downloads/", "archive/", "print/")

_UNSAFE = re.compile(r"[^\w.\-]+")


def slug(text: str) -> str:
    """A file/URL name that depends only on the id: ``JL2018-001`` stays, spaces and slashes
    become ``-``.

    >>> slug("JL2018-001"), slug("教育补助 2018/秋")
    ('JL2018-001', '教育补助-2018-秋')
    """
    return _UNSAFE.sub("-", text.strip()).strip("-.") or "-"


def village_slug(v: Village) -> str:
    return slug(v.code) if v.code else slug(f"{v.township}-{v.name}")


def link(text: object, target: str) -> Markup:
    """A Markdown link whose text is escaped; ``target`` is a path built by this module."""
    return Markup(f"[{escape_md(text)}]({target})")


def phone(number: str) -> Markup:
    """A big tappable phone link: ``tel:`` takes digits, ``+`` and ``-`` only."""
    digits = re.sub(r"[^\d+\-]", "", number)
    return Markup(f"[{escape_md(number)}](tel:{digits}){{ .gs-phone }}")


@dataclass
class RenderResult:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)


class _Writer:
    def __init__(self, content: Path, result: RenderResult) -> None:
        self.content = content
        self.result = result
        self.seen: set[Path] = set()
        self._read: dict[str, bytes] = {}  # files ``previous`` read, until they are written

    def write(self, rel: str, text: str) -> None:
        path = self.content / rel
        self.seen.add(path)
        data = text.encode("utf-8")
        before = self._read.pop(rel, None)
        if before is None and path.exists():
            before = path.read_bytes()
        if before == data:
            self.result.unchanged += 1
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.result.written.append(path)

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


def environment(project_dir: Path) -> jinja2.Environment:
    """Templates: the county's ``site_templates/county/`` first, then the built-in pages."""
    paths = [project_dir / "site_templates" / "county", project_dir / "site_templates" / "pages",
             BUILTIN_TEMPLATES]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in paths if p.is_dir()]),
        autoescape=False,
        finalize=escape_md,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(yuan=_yuan, wan=_wan, date=_date, md=escape_md, slug=slug, n=_n,
                       percent=percent,
                       total=_total)
    env.globals.update(link=link, phone=phone)
    return env


def _yuan(fen: int | None) -> Markup:
    return Markup(money.yuan(fen)) if fen is not None else Markup("")


def _wan(fen: int | None) -> Markup:
    return Markup(money.wan(fen)) if fen is not None else Markup("")


def _n(value: int | None) -> str:
    """An optional count: empty when unknown, so a missing value never prints as “None”."""
    return "" if value is None else str(value)


def _total(items: Iterable[Any], attr: str) -> int:
    """Sum an optional money attribute over records (unparsed amounts count as 0)."""
    return sum(getattr(i, attr) or 0 for i in items)


def _date(d: date | None) -> Markup:
    """A date that never breaks inside on a phone (2019年3月 / 5日)."""
    return Markup(f'<span class="gs-nw">{zh_date(d)}</span>') if d else Markup("")


# --- view helpers: what pages show, computed once ---------------------------------------


def _sum(values: Iterable[int | None]) -> int:
    return sum(v or 0 for v in values)


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{zh_date(start)} 至 {zh_date(end)}"
    return zh_date(start or end)


class Views:
    """Query helpers passed to templates as ``v``: links and derived values."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds

    def project_link(self, pid: str, root: str) -> Markup:
        p = self.ds.project(pid)
        return link(p.name if p else pid, f"{root}projects/{slug(pid)}.md")

    def village_link(self, v: Village, root: str) -> Markup:
        return link(v.name, f"{root}villages/{village_slug(v)}.md")

    def villages_of(self, p: Project, root: str) -> Markup:
        """Village names of a project as links; unknown references as plain text."""
        parts = []
        for ref in p.villages:
            v = self.ds.village(ref, p.township)
            parts.append(self.village_link(v, root) if v else escape_md(ref))
        return Markup("、").join(parts)

    def subject_link(self, subject: str, root: str) -> Markup:
        parsed = parse_subject(subject)
        if parsed is None:
            return escape_md(subject)
        kind, key = parsed
        if kind == "project" and self.ds.project(key):
            return self.project_link(key, root)
        if kind == "fund" and (f := self.ds.fund(key)):
            return link(f.document_no or key, f"{root}funds/{slug(key)}.md")
        if kind == "distribution" and self.ds.distribution(key):
            return link(f"收益分配 {key}", f"{root}distributions/{slug(key)}.md")
        if kind == "benefit":
            program, _, year = key.rpartition(":")
            return link(f"{year}年{program}", f"{root}benefits/{slug(f'{program}-{year}')}.md")
        return escape_md(key)

    def period(self, start: date | None, end: date | None) -> Markup:
        if start and end:
            return Markup("{} 至 {}").format(_date(start), _date(end))
        return _date(start or end)

    def total(self, pid: str) -> int:
        return self.ds.project_total(pid)


def _front_matter(**meta: Any) -> str:
    """YAML front matter, each value written as JSON (which YAML reads as the same value):
    ``yaml.safe_dump`` took 9 s of a county's 9,500 pages."""
    lines = "".join(f"{k}: {json.dumps(meta[k], ensure_ascii=False)}\n" for k in sorted(meta))
    return "---\n" + lines + "---\n\n"


def _project_sort_key(p: Project) -> tuple:
    return (-(p.year or 0), p.township, p.id)


def render(ds: Dataset, project_dir: Path, report: Report | None = None,
           data_dir: Path | None = None, pdf: bool = False) -> RenderResult:
    """Write every generated page into ``project_dir/content`` and the MkDocs config."""
    project_dir = Path(project_dir)
    content = project_dir / "content"
    result = RenderResult()
    out = _Writer(content, result)
    env = environment(project_dir)
    v = Views(ds)
    env.globals["od"] = opendata.prepare(ds, project_dir, data_dir)  # downloads, history
    base = {"site": ds.site, "ds": ds, "v": v, "prints": printing.PrintIndex(ds, pdf)}

    def page(template: str, rel: str, **ctx: Any) -> None:
        root = "../" * rel.count("/")
        meta = ctx.pop("meta", {})
        if rel.startswith(NOT_SEARCHED):
            meta = {**meta, "search": {"exclude": True}}
        text = env.get_template(template).render(**base, root=root, **ctx)
        out.write(rel, _front_matter(**meta) + text if meta else text)

    # Two processes share the work when there is a second core: a forked child writes the
    # downloads, feeds and archive (a third of the time) while this one writes the record
    # pages; then both take print pages, 50 at a time, until none are left. The child
    # writes through its own copy of ``out``; what it wrote is added at the end.
    prints = base["prints"]
    take = cores.shares(len(prints.items), 50)

    def print_pages() -> None:
        printing.render_pages(prints, page, out.write, out.previous,
                              (prints.items[i] for i in cores.taken(take)))

    def child() -> tuple[RenderResult, set[Path]]:
        out.result, out.seen = RenderResult(), set()
        opendata.publish(env.globals["od"], page, out.write)
        print_pages()
        return out.result, out.seen

    if cores.can_fork():
        child_done = cores.beside(child)
    else:
        opendata.publish(env.globals["od"], page, out.write)
        child_done = None

    projects = sorted(ds.projects, key=_project_sort_key)
    page("home.md.j2", "index.md", stats=home_stats(ds),
         latest=sorted(ds.notices, key=lambda n: (n.posted_on or date.min, n.id),
                       reverse=True)[:10])
    page("projects_index.md.j2", "projects/index.md", projects=projects)
    for p in projects:
        page("project.md.j2", f"projects/{slug(p.id)}.md", p=p,
             meta={"pub_date": _iso(p.accepted_on or p.started_on or p.start)})
    funds = sorted(ds.funds, key=lambda f: (f.issued_on or date.min, f.id), reverse=True)
    page("funds_index.md.j2", "funds/index.md", funds=funds)
    for f in funds:
        page("fund.md.j2", f"funds/{slug(f.id)}.md", f=f, meta={"pub_date": _iso(f.issued_on)})
    by_township: dict[str, list[Village]] = defaultdict(list)
    for vil in sorted(ds.villages, key=lambda x: (x.township, x.code, x.name)):
        by_township[vil.township].append(vil)
    page("villages_index.md.j2", "villages/index.md", townships=dict(sorted(by_township.items())))
    for vil in ds.villages:
        page("village.md.j2", f"villages/{village_slug(vil)}.md", village=vil,
             **village_view(ds, vil))
    programs = benefit_programs(ds)
    page("benefits_index.md.j2", "benefits/index.md", programs=programs)
    for prog in programs:
        page("benefit_program.md.j2", f"benefits/{prog['slug']}.md", prog=prog)
    dists = sorted(ds.distributions, key=lambda d: d.id)
    page("distributions_index.md.j2", "distributions/index.md", distributions=dists)
    for d in dists:
        page("distribution.md.j2", f"distributions/{slug(d.id)}.md", d=d,
             rows=sorted(ds.benefits_of_distribution(d.id),
                         key=lambda b: (b.village, b.origin.file, b.origin.row)))
    notices = sorted(ds.notices, key=lambda n: (n.posted_on or date.min, n.id), reverse=True)
    page("notices_index.md.j2", "notices/index.md", notices=notices)
    rect = sorted(ds.rectifications, key=lambda r: (r.found_on or date.min, r.id), reverse=True)
    page("rectifications_index.md.j2", "rectifications/index.md", items=rect)
    cases = sorted(ds.cases, key=lambda c: (c.published_on or date.min, c.id), reverse=True)
    page("cases_index.md.j2", "cases/index.md", cases=cases)
    for c in cases:
        page("case.md.j2", f"cases/{slug(c.id)}.md", c=c, meta={"pub_date": _iso(c.published_on)})
    page("report.md.j2", "report/index.md")
    c = compliance(ds, report or Report())
    page("compliance.md.j2", "compliance/index.md", c=c, codes=CODES)
    page("rules.md.j2", "compliance/rules.md", c=c)
    print_pages()
    if child_done:
        theirs, seen = child_done()
        result.written.extend(theirs.written)
        result.unchanged += theirs.unchanged
        out.seen |= seen
    out.remove_stale()
    write_config(ds, project_dir)
    return result


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def home_stats(ds: Dataset) -> dict[str, Any]:
    """Headline figures; every money figure is an exact sum of records in 分."""
    years: dict[int, dict[str, int]] = defaultdict(lambda: {"projects": 0, "funding": 0,
                                                            "households": 0})
    for p in ds.projects:
        y = years[p.year or 0]
        y["projects"] += 1
        y["funding"] += ds.project_total(p.id)
        y["households"] += p.households or 0
    return {
        "projects": len(ds.projects),
        "funding": _sum(f.amount for f in ds.funding),
        "funds": _sum(f.amount for f in ds.funds),
        "disbursed": _sum(d.amount for d in ds.disbursements),
        "households": _sum(p.households for p in ds.projects),
        "benefits": _sum(b.amount for b in ds.benefits),
        "benefit_rows": len(ds.benefits),
        "villages": len(ds.villages),
        "cases": len(ds.cases),
        "by_year": dict(sorted(years.items(), reverse=True)),
    }


def village_view(ds: Dataset, vil: Village) -> dict[str, Any]:
    """Everything that touches a village, grouped for its page."""
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for b in ds.benefits_of_village(vil):
        groups[(b.year or 0, b.program)].append(b)
    benefit_groups = [
        {"year": y, "program": prog, "rows": rows, "amount": _sum(b.amount for b in rows)}
        for (y, prog), rows in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1]))
    ]
    unit_match = (vil.name, f"{vil.township}{vil.name}")
    return {
        "projects": sorted(ds.projects_of_village(vil), key=_project_sort_key),
        "benefit_groups": benefit_groups,
        "rectifications": [r for r in ds.rectifications if r.unit in unit_match],
        "cases": [c for c in ds.cases if c.unit in unit_match
                  or (c.unit.endswith(vil.name) and c.township in ("", vil.township))],
    }


def benefit_programs(ds: Dataset) -> list[dict[str, Any]]:
    """Household aid per programme and year, with per-village totals."""
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for b in ds.benefits:
        groups[(b.year or 0, b.program)].append(b)
    out = []
    for (year, prog), rows in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        per_village: dict[str, list] = defaultdict(list)
        for b in rows:
            per_village[b.village].append(b)
        villages = []
        for name, items in sorted(per_village.items()):
            vil = ds.village(name)
            villages.append({"name": vil.name if vil else name, "village": vil,
                             "township": vil.township if vil else "",
                             "households": len(items), "amount": _sum(b.amount for b in items)})
        out.append({"year": year, "program": prog, "slug": slug(f"{prog}-{year}"),
                    "households": len(rows), "persons": _sum(b.persons for b in rows),
                    "amount": _sum(b.amount for b in rows), "villages": villages,
                    "notices": ds.notices_of("benefit", f"{prog}:{year}")})
    return out


def jieba_words(ds: Dataset) -> list[str]:
    """Words villagers search for, so jieba keeps them whole (金岭镇松洞村 → 金岭镇 / 松洞村)."""
    words: set[str] = set()
    for vil in ds.villages:
        words.update((vil.township, vil.name))
    for p in ds.projects:
        words.update((p.township, p.name, p.contractor, p.implementer, p.supervision_firm))
    for f in ds.funds:
        words.add(f.document_no)
    words.update(b.program for b in ds.benefits)
    return sorted(w for w in words if w and not any(c.isspace() for c in w))


def write_config(ds: Dataset, project_dir: Path) -> Path:
    """``mkdocs.generated.yml``: INHERITs the county's ``mkdocs.yml`` and adds site data."""
    work = project_dir / WORK_DIR
    work.mkdir(exist_ok=True)
    words = "".join(f"{w} 1000\n" for w in jieba_words(ds))
    _write_if_changed(work / "jieba_user.txt", words)
    s = ds.site
    config: dict[str, Any] = {
        "INHERIT": "mkdocs.yml",
        "site_name": s.name,
        "extra": {"gongshi": {
            "name": s.name, "county": s.county, "office": s.office, "address": s.address,
            "site_code": s.site_code, "icp": s.icp, "base_url": s.base_url,
            "domain": urlsplit(s.base_url).hostname or "",
            "phones": [{"label": p.label, "number": p.number} for p in s.all_phones],
        }},
    }
    if s.base_url:
        config["site_url"] = s.base_url
    text = ("# Written by `gongshi build` from data/site.yaml: do not edit, edit mkdocs.yml.\n"
            + yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    path = project_dir / GENERATED_CONFIG
    _write_if_changed(path, text)
    return path


def _write_if_changed(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
