"""The pipeline: the only code that calls several stages, in order, and hands each what it
needs (the rules' "today", the project's paths, the history of the data).

    check   load → model → rules                                   (gongshi check)
    build   check → history → render → mkdocs (+ scan while it writes) → PDFs → scan → swap
    build_counties, scan_site, serve                              (gongshi build --all, scan, serve)

A stage never calls a later one and never reaches back for an earlier one: the scan does not
run the check (it is given what the check found), render does not read git (it is given the
history), the rules do not read the environment (they are given the date).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from generator import cores, watch
from generator import findings as F
from generator.build import lock as build_lock
from generator.build import (
    pagecache,
    reproducible,
    shards,
    statics,
    stylesheets,
    swap,
    theme_js,
    written,
)
from generator.build import pdf as pdf_stage
from generator.build import serve as preview
from generator.dates import parse_date
from generator.errors import BuildError
from generator.findings import Report
from generator.load import Loaded, load
from generator.memo import Digests, Memo
from generator.model import Dataset, build_model
from generator.model.dataset import privacy_inputs
from generator.model.history import CACHE_DIR, History, history
from generator.model.siteconfig import Site, build_site, read_logo
from generator.progress import SILENT, Progress
from generator.project import GENERATED_DIRS, Project, county_project, open_project
from generator.render import RenderResult, render, templates
from generator.rules import flags as risk_flags
from generator.rules import run_rules
from generator.scan import (
    ScanRules,
    SiteScan,
    audit,
    figures,
    rules_key,
    scan_rules,
    theme_template_dirs,
)

Log = Callable[[str], None]
LOAD_MEMO = "load.memo"  # under .gongshi/: each data file's rows and findings, by its bytes
MODEL_MEMO = "model.memo"  # under .gongshi/: each row's redaction, under the same private values
SCAN_MEMO = "scan.memo"  # under .gongshi/: each file's scan findings, by its bytes
PAGES_MEMO = "pages.memo"  # under .gongshi/: each page's figures and audit facts, by its bytes
SETTLE_S = 1.0  # files younger than this may still be being written: scanned later
SWEEP_S = 2.0  # a sweep beside MkDocs stops after this long, to look at MkDocs again


# --- check -------------------------------------------------------------------------------


def as_of(site: Site, data_dir: Path) -> date:
    """The rules' "today", the same for ``check``, ``build`` and ``serve``: site.yaml
    数据截止日期, else ``SOURCE_DATE_EPOCH``, else the day of the data's last git commit
    (CI builds of one commit agree), else the day it runs."""
    if site.data_date:
        parsed, _ = parse_date(site.data_date)
        if parsed:
            return parsed
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    epoch = int(given) if given.isdigit() else reproducible.git_epoch(data_dir)
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=UTC).date()
    return date.today()


@dataclass
class Checked:
    dataset: Dataset | None  # None when the input is unusable
    report: Report
    loaded: Loaded
    timings: dict[str, float] = field(default_factory=dict)  # load_s, check_s (seconds)


def check(
    data_dir: Path,
    skip: Iterable[str] = (),
    today: date | None = None,
    progress: Progress = SILENT,
    work: Path | None = None,
) -> Checked:
    """Everything ``gongshi check`` does; ``build`` starts from the same result.

    ``today`` overrides the rules' date (default ``as_of``); ``progress`` (from the CLI)
    is handed to the stages that take long (``generator.progress``). ``work``: the
    project's ``.gongshi/``, where what was read is kept by its bytes (``LOAD_MEMO``)."""
    data_dir = Path(data_dir)
    t0 = time.perf_counter()
    memo = Memo(work / LOAD_MEMO, "") if work is not None else None
    loaded = load(data_dir, memo, progress)
    if memo is not None:  # saved now: later stages must not change the rows it keeps
        with contextlib.suppress(OSError):  # read-only work folder: read again next time
            memo.save()
    timings = {"load_s": time.perf_counter() - t0}
    report = Report(list(loaded.findings), notes=list(loaded.notes))
    if report.fatal:
        return Checked(None, report, loaded, timings)
    t0 = time.perf_counter()
    site, site_findings = build_site(loaded.site, loaded.site_origin)
    report.extend(site_findings)
    ds, model_findings = build_model(loaded, site, work / MODEL_MEMO if work is not None else None)
    ds.as_of = today or as_of(site, data_dir)
    ds.logo, logo_findings = read_logo(site, data_dir)  # issue 18: a file of the data folder
    report.extend(logo_findings)
    report.extend(model_findings)
    report.extend(run_rules(ds, skip))
    # 风险提示 (issue 19): hints, not errors: notes that never change the exit code
    report.notes.extend(risk_flags.compute(ds).notes())
    timings["check_s"] = time.perf_counter() - t0
    return Checked(ds, report, loaded, timings)


def data_history(ds: Dataset, data_dir: Path, project: Project) -> History:
    """变更记录 and withdrawn records of ``data_dir`` (cached in ``.gongshi/history/``)."""
    return history(ds, data_dir, project.work / CACHE_DIR)


def scan_rules_for(checked: Checked, project: Project) -> ScanRules:
    """What the data says the site may hold: private values, official phones (site.yaml
    and supervision phones), allowed link hosts, and the project's theme templates."""
    site = checked.dataset.site if checked.dataset is not None else None
    hosts = list(site.linkable_hosts) if site else []
    if site and site.base_url:
        hosts.append(urlsplit(site.base_url).hostname or "")
    # privacy: the model's own inputs, so both locks match the same values and names
    if site is not None:
        known, official, names = privacy_inputs(checked.loaded, site)
    else:
        known, official, names = checked.loaded.private_values, frozenset(), frozenset()
    return scan_rules(known, official, hosts, theme_template_dirs(project.custom_dir), names)


# --- build -------------------------------------------------------------------------------


@dataclass
class BuildResult:
    checked: Checked
    published: bool = False
    rendered: RenderResult | None = None
    scan_findings: list[F.Finding] = field(default_factory=list)
    mkdocs_output: str = ""
    mkdocs_processes: int = 0
    pages_kept: int = 0  # pages copied from the page cache (build.pagecache), not converted
    pages_converted: int = 0  # Markdown pages MkDocs converted (all of them without the cache)
    figures_checked: int = 0  # figures recomputed from the downloads (scan.figures)
    audit_findings: list[F.Finding] = field(default_factory=list)  # gongshi audit, as warnings
    pdf: bool = False  # PDFs were printed (asked for, and Chromium was found)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def exit_code(self) -> int:
        if self.published:
            return 0
        return 2 if self.checked.report.fatal else 1


def mkdocs_build(
    project: Project,
    out_dir: Path,
    epoch: int | None = None,
    while_running: Callable[[], object] | None = None,
    processes: int = 1,
    plan: Path | None = None,
) -> tuple[bool, str, list]:
    """Run the real ``mkdocs build --strict`` on the generated config into ``out_dir``,
    split over ``processes`` (see ``build.shards``).

    Returns (success, MkDocs' output, the search entries to append to the index).
    ``epoch`` becomes ``SOURCE_DATE_EPOCH`` (see ``build.reproducible``), so the same data
    gives the same bytes. ``while_running`` is called about once a second until MkDocs exits
    (the build scans what MkDocs has written so far). ``plan``: the page cache's plan
    (``build.pagecache``), whose pages MkDocs does not write."""
    env = reproducible.build_env(reproducible.FALLBACK_EPOCH if epoch is None else epoch)
    return shards.run(
        project.root, project.generated_config.name, out_dir, env, processes, while_running, plan
    )


def _restore(cache: pagecache.Plan, tmp: Path, digests: Digests) -> tuple[int, float]:
    """The kept pages copied into ``tmp`` (``pagecache.restore``): how many, in how long
    (``restore_s``, a part of ``mkdocs_s`` that runs beside MkDocs)."""
    t0 = time.perf_counter()
    kept = pagecache.restore(cache, tmp, digests)
    return kept, time.perf_counter() - t0


def build(
    project_dir: Path,
    data_dir: Path | None = None,
    site_dir: Path | None = None,
    allow_findings: bool = False,
    log: Log = lambda _: None,
    pdf: bool = False,
    jobs: int | None = None,
    strict: bool = False,
    progress: Progress = SILENT,
) -> BuildResult:
    """Check, render, ``mkdocs build``, (PDFs when ``pdf``), scan, then swap into place.

    The site is built into a temporary folder beside ``site/`` (unique to this build) and
    swapped in atomically only when every step succeeded and every page is there, so a
    failed or killed build leaves the published site as it was. One build at a time per
    project and per output (a second one is refused with ``BuildError``); an output that
    would overwrite the data, pages or templates is refused; what an interrupted build left
    is repaired first. See ``build.swap`` and docs/publishing.md.
    ``jobs``: how many processes MkDocs may use (default: the cores, at most four).

    PDFs of the printable notices are opt-in: Chromium prints about one a second, hours for
    a county's first build (later builds reuse unchanged PDFs from ``.gongshi/pdf/``). The
    browser is looked for *before* render, so that without it the print pages carry no PDF
    links."""
    project = open_project(Path(project_dir))
    data_dir = Path(data_dir) if data_dir else project.data_dir
    out = swap.output(Path(site_dir) if site_dir else project.site_dir)
    swap.refuse_unsafe(out, _protected(project, data_dir), project.root)
    try:
        project.work.mkdir(exist_ok=True)
    except OSError as exc:
        raise BuildError(f"无法创建工作文件夹（{exc.strerror}）", file=str(project.work)) from None
    with (
        build_lock.hold(project.work / "build.lock", "这个项目的网站"),
        build_lock.hold(out.lock, f" {out.given}"),
    ):
        try:
            swap.recover(out, log)
        except OSError as exc:
            raise BuildError(
                f"无法整理上次中断留下的临时文件夹（{exc.strerror}）", file=str(out.parent)
            ) from None
        swap.pause_point("locked")
        return _build(project, data_dir, out, allow_findings, log, pdf, jobs, strict, progress)


def _protected(project: Project, data_dir: Path) -> list[tuple[str, Path]]:
    """Folders an output must not be, contain or lie inside (``swap.refuse_unsafe``)."""
    folders = [
        ("数据文件夹", data_dir),
        ("页面文件夹（docs_dir）", project.docs_dir),
        ("模板文件夹", project.templates),
        ("工作文件夹", project.work),
    ]
    if project.custom_dir is not None:
        folders.append(("主题模板文件夹（custom_dir）", project.custom_dir))
    return folders


def _build(
    project: Project,
    data_dir: Path,
    out: swap.Output,
    allow_findings: bool,
    log: Log,
    pdf: bool,
    jobs: int | None,
    strict: bool = False,
    progress: Progress = SILENT,
) -> BuildResult:
    site_dir = out.given
    t0 = time.perf_counter()
    checked = check(data_dir, progress=progress, work=project.work)
    result = BuildResult(checked, timings=dict(checked.timings))
    timings = result.timings
    report = checked.report
    log(
        f"读取并检查数据：{sum(len(r) for r in checked.loaded.tables.values())} 条记录，"
        f"错误 {report.count('error')}，提醒 {report.count('warning')}"
        f"（{time.perf_counter() - t0:.1f} 秒）"
    )
    if checked.dataset is None or report.fatal:
        log("数据无法使用，未生成网站；原网站保持不变。")
        return result
    if (report.count("error") or (strict and report.count("warning"))) and not allow_findings:
        what = "错误" if report.count("error") else "提醒（--strict）"
        log(f"数据有{what}，未发布；原网站保持不变。改正后重新运行，或加 --allow-findings 发布。")
        return result

    chromium = None
    if pdf:
        chromium = pdf_stage.available()
        if chromium is None:
            log(pdf_stage.MISSING)
    result.pdf = chromium is not None

    t0 = time.perf_counter()
    hist = data_history(checked.dataset, data_dir, project)
    result.rendered = render(checked.dataset, project, report, hist, result.pdf, progress)
    r = result.rendered
    timings["render_s"] = time.perf_counter() - t0
    # after render: a note for the webmaster, not a finding of the data's 合规情况 page
    report.extend(templates.stale_copies(project.templates))
    log(
        f"生成页面：改写 {len(r.written)} 个，未变 {r.unchanged} 个，删除 {len(r.removed)} 个"
        f"（{timings['render_s']:.1f} 秒）"
    )

    tmp = out.temp("new")
    try:
        tmp.mkdir()
    except OSError as exc:
        raise BuildError(
            f"无法在输出位置旁创建临时文件夹（{exc.strerror}）",
            file=str(tmp),
            hint="请确认运行 gongshi 的用户对这个文件夹有写权限，或用 --site 指定另一个位置。",
        ) from None
    try:
        t0 = time.perf_counter()
        epoch = reproducible.source_date_epoch(data_dir, checked.dataset)
        keep = shards.unsplittable(project.generated_config)
        untested = shards.untested_mkdocs()  # shards and the page cache rely on MkDocs 1.6
        cache = None
        sources = Digests.stamped(r.stamps)  # render's hash of each file it wrote
        if not keep and not untested:
            key = pagecache.surroundings(
                project.generated_config, project.docs_dir, project.custom_dir, epoch
            )
            cache = pagecache.plan(project.work, project.docs_dir, key, sources)
        timings["plan_s"] = time.perf_counter() - t0  # of mkdocs_s: finding the kept pages
        jobs = shards.default_jobs() if jobs is None else jobs
        n = shards.shard_count(project.docs_dir, jobs, cache.to_write if cache else None)
        if n > 1 and keep:
            log(
                f"mkdocs.yml 用了 {'、'.join(keep)}，它可能需要在一个进程里看到全部页面，"
                "所以 MkDocs 只用一个进程，也不重用上次生成的页面。"
            )
            n = 1
        if n > 1 and untested:
            log(untested)
            n = 1
        result.mkdocs_processes = n
        plan_file = None
        digests = Digests()  # the pages copied from the page cache, by the hash of their bytes
        store = project.work / statics.STORE
        static: dict[str, dict] = {}
        if cache is not None:
            # the generated downloads and QR codes: linked from .gongshi/static/ by shard 0
            static = statics.plan(project.docs_dir, sources, list(r.stamps), store)
            statics.expect(store, static, digests)
            plan_file = pagecache.write_plan(cache, project.work, static, store)
            result.pages_converted = cache.to_write
            log(
                f"MkDocs 生成网站（{n} 个进程；重用上次生成的 {len(cache.kept)} 个页面，"
                f"重新生成 {cache.to_write} 个），同时扫描已写出的文件…"
            )
        else:
            log(f"MkDocs 生成网站（{n} 个进程），同时扫描已写出的文件…")
        rules = scan_rules_for(checked, project)
        scanner = SiteScan(tmp, rules, Memo(project.work / SCAN_MEMO, rules_key(rules)), digests)
        pages = written.MkDocsPages(project.docs_dir, progress)  # progress: pages on disk

        def while_running() -> None:
            scanner.sweep(settle=SETTLE_S, seconds=SWEEP_S)
            pages.seen(scanner.listed)

        ok = False
        # The kept pages are copied while MkDocs runs (a thread: the copy is system calls,
        # and MkDocs' process spends seconds starting before its first page): 7 s of a warm
        # county build, no longer before it. MkDocs writes none of them and reads none.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            restoring = pool.submit(_restore, cache, tmp, digests) if cache else None
            try:
                ok, output, entries = mkdocs_build(project, tmp, epoch, while_running, n, plan_file)
            finally:
                pages.done(ok)
            if restoring is not None:
                result.pages_kept, timings["restore_s"] = restoring.result()
        result.mkdocs_output = output
        timings["mkdocs_s"] = time.perf_counter() - t0
        if not ok:
            report.extend([F.make("B001", reason=_last_lines(output))])
            log("MkDocs 生成失败；原网站保持不变。")
            return result
        log(
            f"MkDocs 生成完成（{timings['mkdocs_s']:.1f} 秒），"
            f"其间扫描了 {len(scanner.done)} 个文件"
        )

        t0 = time.perf_counter()
        if cache is not None:
            pagecache.finish(cache, tmp, project.root, entries)
            statics.prune(store, static)
            timings["finish_s"] = time.perf_counter() - t0  # of after_mkdocs_s: index, manifest
            entries = []
        reproducible.compact_search_index(tmp, entries)
        theme_js.patch_bundle(tmp)  # the theme's unpkg.com scripts → local files; tooltips: text
        stylesheets.compact_site(tmp)  # gongshi*.css without comments: fewer bytes per phone
        if chromium is not None:
            pdf_stage.make_pdfs(
                tmp,
                chromium,
                epoch,
                log,
                project.work / "pdf",
                checked.dataset.site.base_url,
                progress,
            )
        timings["after_mkdocs_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with progress.task("扫描网站（其余文件）", unit="个文件") as scanning:
            scanner.on_file = scanning.advance
            result.scan_findings = scanner.findings()
        if scanner.memo is not None:
            scanner.memo.save()
        timings["scan_files_s"] = time.perf_counter() - t0  # of which: the rest of the scan
        # issue 15 (verify): every figure recomputed from the CSV downloads, independently
        pages_memo = Memo(project.work / PAGES_MEMO, "")
        html_pages = sum(1 for rel in scanner.present if rel.endswith(".html"))
        as_of = checked.dataset.as_of
        # The figure check and the audit read the same pages for different things: with a
        # second core the audit runs in a forked child beside the figure check (13 s of a
        # cold county build's 80 s after MkDocs), and hands back its memo entries.
        # issue 18 (audit): an inspector's pre-flight. A broken link keeps the old site like
        # any scan error; the rest is reported for the webmaster (publishing is what
        # cures a stale section, and a long list page is still better published than not).
        with (
            progress.task("核对网站上的数字", total=html_pages, unit="页") as verifying,
            progress.task("网站预检", total=html_pages, unit="页") as auditing,
        ):

            def audit_site() -> tuple[list[F.Finding], dict, float]:
                t1 = time.perf_counter()
                found = audit.audit(
                    tmp,
                    as_of,
                    memo=pages_memo,
                    digests=digests,
                    on_page=auditing.advance,
                )
                return found, pages_memo.entries(), time.perf_counter() - t1

            with cores.beside(audit_site) as audited_site:
                t1 = time.perf_counter()
                result.figures_checked, wrong = figures.verify(
                    tmp, pages_memo, digests, verifying.advance
                )
                timings["verify_s"] = time.perf_counter() - t1
                audited, audit_memo, timings["audit_s"] = audited_site()
        pages_memo.merge(audit_memo)  # the child's entries (its own, without a fork: no-op)
        pages_memo.save()
        result.scan_findings += wrong
        result.scan_findings += [f for f in audited if f.code in audit.BLOCKING]
        report.extend(result.scan_findings)
        result.audit_findings = [
            replace(f, severity="warning") for f in audited if f.code not in audit.BLOCKING
        ]
        timings["scan_rest_s"] = time.perf_counter() - t0
        log(
            f"扫描网站：发现 {len(result.scan_findings)} 个问题"
            f"（MkDocs 完成后又用 {timings['scan_rest_s']:.1f} 秒）"
        )
        if result.scan_findings:
            log("扫描发现问题，未发布；原网站保持不变。")
            return result

        missing = swap.missing_pages(tmp, project.docs_dir, GENERATED_DIRS, home=True)
        if missing:
            raise BuildError(
                f"生成的网站不完整，缺少 {len(missing)} 个文件（{'、'.join(missing[:5])}"
                f"{' 等' if len(missing) > 5 else ''}），未发布；原网站保持不变",
                file=str(tmp),
                hint="请重新运行；如果仍然缺少，请把这条信息报告给 gongshi 的维护者。",
            )
        swap.pause_point("checked")
        t0 = time.perf_counter()
        try:
            swap.swap_in(tmp, out)
        except OSError as exc:
            raise BuildError(
                f"无法发布网站（{exc.strerror}）；下次运行时会恢复原网站",
                file=str(out.target),
                hint="请确认运行 gongshi 的用户对这个文件夹和它的上级文件夹有写权限。",
            ) from None
        timings["swap_s"] = time.perf_counter() - t0
        result.published = True
        log(f"已发布到 {site_dir}")
        swap.pause_point("published")
        return result
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        _write_timings(project, result)


def _write_timings(project: Project, result: BuildResult) -> None:
    """``.gongshi/last-build.json``: how long each stage of the last build took, for the
    webmaster (is it getting slow?) and for ``benchmarks/``."""
    project.work.mkdir(exist_ok=True)
    doc = {
        "published": result.published,
        "pages_written": len(result.rendered.written) if result.rendered else 0,
        "mkdocs_processes": result.mkdocs_processes,
        "pages_kept": result.pages_kept,
        "pages_converted": result.pages_converted,
        **{k: round(v, 3) for k, v in result.timings.items()},
    }
    (project.work / "last-build.json").write_text(json.dumps(doc, indent=1) + "\n", "utf-8")


def _last_lines(text: str, n: int = 8) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-n:]) or "（没有输出）"


# --- several counties --------------------------------------------------------------------


def counties(data_dir: Path) -> list[str]:
    """Names of the county folders under ``data_dir`` (each holds a ``site.yaml``), sorted."""
    return sorted(p.parent.name for p in Path(data_dir).glob("*/site.yaml"))


def is_province(data_dir: Path) -> bool:
    return not (Path(data_dir) / "site.yaml").exists() and bool(counties(data_dir))


def build_counties(
    project_dir: Path,
    data_dir: Path,
    site_dir: Path,
    names: list[str] | None = None,
    allow_findings: bool = False,
    log: Log = lambda _: None,
    pdf: bool = False,
    jobs: int | None = None,
    strict: bool = False,
    progress: Progress = SILENT,
) -> Iterator[tuple[str, BuildResult]]:
    """Build each county of ``data_dir`` into ``site_dir/<county>``, one after another
    (memory stays that of one county; CI builds them in parallel, one job each).

    Each county is published (swapped in) on its own: one county's bad data leaves its old
    site in place and does not stop the others."""
    project = open_project(Path(project_dir))
    data_dir, site_dir = Path(data_dir).resolve(), Path(site_dir).resolve()
    names = names or counties(data_dir)
    for county in names:  # a name is one folder: "../data" would publish over the data
        if county in ("", ".", "..") or any(sep in county for sep in ("/", "\\")):
            raise BuildError(f"县名“{county}”不是一个文件夹名", hint="--county 只写县的文件夹名。")
    swap.refuse_unsafe(swap.Output(site_dir, site_dir), _protected(project, data_dir), project.root)
    try:
        site_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"无法创建输出文件夹（{exc.strerror}）", file=str(site_dir)) from None
    for county in names:
        log(f"== {county} ==")
        work = county_project(project, county)
        yield (
            county,
            build(
                work.root,
                data_dir / county,
                site_dir / county,
                allow_findings,
                log,
                pdf=pdf,
                jobs=jobs,
                strict=strict,
                progress=progress,
            ),
        )


# --- scan an existing site ---------------------------------------------------------------


def scan_site(
    site_dir: Path,
    data_dir: Path | None = None,
    project_dir: Path | None = None,
    progress: Progress = SILENT,
) -> tuple[Report, bool]:
    """``gongshi scan``: the scan of an already built site, as a report.

    With the data folder it knows the private values, the official phones and the allowed
    link hosts; without it (``False`` is returned) every landline counts as private."""
    project = open_project(Path(project_dir) if project_dir else Path.cwd())
    if data_dir is not None and Path(data_dir).is_dir():
        checked = check(Path(data_dir), progress=progress)
        rules = scan_rules_for(checked, project)
    else:
        rules = scan_rules([], [], [], theme_template_dirs(project.custom_dir))
    scanner = SiteScan(Path(site_dir), rules)
    total = sum(len(files) for _, _, files in os.walk(site_dir))
    with progress.task("扫描网站", total=total, unit="个文件") as scanning:
        scanner.on_file = scanning.advance
        found = scanner.findings()
    return Report(found), data_dir is not None and Path(data_dir).is_dir()


# --- serve -------------------------------------------------------------------------------


@dataclass
class DataWatcher:
    """Re-renders the project's pages from ``data_dir`` when the data changed (``gongshi
    serve``; ``mkdocs serve`` reloads the browser when the pages change).

    The data folder is polled (mtime and size of every file, ``watch.snapshot``): no extra
    dependency, and it works on network drives and in containers where inotify does not.
    Render rewrites only the pages whose text changed; ``on_change`` is called once each
    render is complete (``serve``: one MkDocs rebuild, see ``build.serve``). ``also``: more
    folders or files to poll, each with the top-level names to skip in it."""

    project_dir: Path
    data_dir: Path
    on_render: Callable[[Checked, RenderResult | None], None] = lambda c, r: None
    last: watch.Snapshot = field(default_factory=dict)
    also: dict[Path, tuple[str, ...]] = field(default_factory=dict)
    on_change: Callable[[], object] = lambda: None

    def __post_init__(self) -> None:
        self.last = self._snapshot()

    def _snapshot(self) -> watch.Snapshot:
        return watch.snapshot_all({Path(self.data_dir): (), **self.also})

    def poll(self) -> RenderResult | None:
        """Check and render once if any data file changed since the last poll.

        Returns the render result, or None when nothing changed or the data is unusable
        (the findings are handed to ``on_render``; the previous pages stay)."""
        now = self._snapshot()
        if now == self.last:
            return None
        self.last = now
        checked, result = rerender(Path(self.project_dir), Path(self.data_dir))
        self.on_render(checked, result)
        if result is not None:
            self.on_change()
        return result

    def start(self, interval: float = 1.0) -> threading.Event:
        """Poll in a daemon thread; set the returned event to stop."""
        return watch.every(interval, self.poll)


def rerender(project_dir: Path, data_dir: Path) -> tuple[Checked, RenderResult | None]:
    """Check and render (no MkDocs): what ``serve`` does on start and on every change
    (with the build's memos in ``.gongshi/``: an edited cell reads and redacts one file)."""
    project = open_project(project_dir)
    checked = check(data_dir, work=project.work)
    result = None
    if checked.dataset is not None and not checked.report.fatal:
        result = render(
            checked.dataset,
            project,
            checked.report,
            data_history(checked.dataset, data_dir, project),
        )
    return checked, result


def serve(
    project_dir: Path,
    data_dir: Path,
    port: int,
    on_render: Callable[[Checked, RenderResult | None], None],
) -> int:
    """``gongshi serve``: render, then MkDocs' live-reload server (``build.serve``) while the
    data folder, the hand-written pages, the templates and ``mkdocs.yml`` are watched: each
    change is rendered, then rebuilt once, only its pages. Returns the server's exit code
    (2 when the data is unusable)."""
    checked, result = rerender(project_dir, data_dir)
    on_render(checked, result)
    if result is None:
        return 2
    project = open_project(project_dir)
    trigger = preview.trigger(project)
    also = preview.watched(project)
    watcher = DataWatcher(
        project_dir, data_dir, on_render, also=also, on_change=lambda: preview.touch(trigger)
    )
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(preview.command(project, port, trigger), env=env, cwd=project.root)
    return watch.until_exit(server, preview.POLL_S, watcher.poll)  # polled here: render forks
