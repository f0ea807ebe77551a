"""The build: check → render → ``mkdocs build`` → scan → swap into ``site/``.

One readable function. The site is built into a temporary folder beside ``site/`` and
swapped in only when every step succeeded, so a failed build leaves the published site as
it was.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator import findings as F
from generator import printing, reproducible, shards
from generator.check import Checked, check
from generator.render import GENERATED_CONFIG, WORK_DIR, RenderResult, render
from generator.scan import SiteScan, project_rules

Log = Callable[[str], None]
SETTLE_S = 1.0  # files younger than this may still be being written: scanned later


@dataclass
class BuildResult:
    checked: Checked
    published: bool = False
    rendered: RenderResult | None = None
    scan_findings: list[F.Finding] = field(default_factory=list)
    mkdocs_output: str = ""
    mkdocs_processes: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def exit_code(self) -> int:
        if self.published:
            return 0
        return 2 if self.checked.report.fatal else 1


def mkdocs_build(project_dir: Path, out_dir: Path, epoch: int | None = None,
                 while_running: Callable[[], object] | None = None,
                 processes: int = 1) -> tuple[bool, str, list[list]]:
    """Run the real ``mkdocs build --strict`` on the generated config into ``out_dir``,
    split over ``processes`` (see ``shards``).

    Returns (success, MkDocs' output, the search entries to append to the index).
    ``epoch`` becomes ``SOURCE_DATE_EPOCH`` (see ``reproducible``), so the same data gives
    the same bytes. ``while_running`` is called about once a second until MkDocs exits
    (the build scans what MkDocs has written so far)."""
    env = reproducible.build_env(reproducible.FALLBACK_EPOCH if epoch is None else epoch)
    return shards.run(project_dir, GENERATED_CONFIG, out_dir, env, processes, while_running)


def swap_in(new: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by ``new`` with two renames; the old copy is removed last."""
    old = site_dir.with_name(f".{site_dir.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    new.rename(site_dir)
    if old.exists():
        shutil.rmtree(old)


def build(project_dir: Path, data_dir: Path | None = None, site_dir: Path | None = None,
          allow_findings: bool = False, log: Log = lambda _: None,
          pdf: bool = False, jobs: int | None = None) -> BuildResult:
    """Check, render, ``mkdocs build``, (PDFs when ``pdf``), scan, then swap into place.

    ``jobs``: how many processes MkDocs may use (default: the cores, at most four).

    PDFs of the printable notices are opt-in: Chromium prints about one a second, hours for
    a county's first build (later builds reuse unchanged PDFs from ``.gongshi/pdf/``)."""
    project_dir = Path(project_dir).resolve()
    data_dir = Path(data_dir) if data_dir else project_dir / "data"
    site_dir = Path(site_dir) if site_dir else project_dir / "site"

    t0 = time.perf_counter()
    with reproducible.data_epoch(data_dir):
        checked = check(data_dir)
    result = BuildResult(checked, timings=dict(checked.timings))
    timings = result.timings
    report = checked.report
    log(f"读取并检查数据：{sum(len(r) for r in checked.loaded.tables.values())} 条记录，"
        f"错误 {report.count('error')}，提醒 {report.count('warning')}"
        f"（{time.perf_counter() - t0:.1f} 秒）")
    if checked.dataset is None or report.fatal:
        log("数据无法使用，未生成网站；原网站保持不变。")
        return result
    if report.count("error") and not allow_findings:
        log("数据有错误，未发布；原网站保持不变。改正后重新运行，或加 --allow-findings 强制发布。")
        return result

    t0 = time.perf_counter()
    result.rendered = render(checked.dataset, project_dir, report, data_dir, pdf)
    r = result.rendered
    timings["render_s"] = time.perf_counter() - t0
    log(f"生成页面：改写 {len(r.written)} 个，未变 {r.unchanged} 个，删除 {len(r.removed)} 个"
        f"（{timings['render_s']:.1f} 秒）")

    tmp = site_dir.with_name(f".{site_dir.name}.new")
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        t0 = time.perf_counter()
        n = shards.shard_count(project_dir / "content",
                               shards.default_jobs() if jobs is None else jobs)
        if n > 1 and (keep := shards.unsplittable(project_dir / GENERATED_CONFIG)):
            log(f"mkdocs.yml 用了 {'、'.join(keep)}，它可能需要在一个进程里看到全部页面，"
                "所以 MkDocs 只用一个进程。")
            n = 1
        result.mkdocs_processes = n
        log(f"MkDocs 生成网站（{n} 个进程），同时扫描已写出的文件…")
        epoch = reproducible.source_date_epoch(data_dir, checked.dataset)
        scanner = SiteScan(tmp, project_rules(checked, project_dir))
        ok, output, entries = mkdocs_build(project_dir, tmp, epoch,
                                           lambda: scanner.sweep(settle=SETTLE_S), n)
        result.mkdocs_output = output
        timings["mkdocs_s"] = time.perf_counter() - t0
        if not ok:
            report.extend([F.make("B001", reason=_last_lines(output))])
            log("MkDocs 生成失败；原网站保持不变。")
            return result
        log(f"MkDocs 生成完成（{timings['mkdocs_s']:.1f} 秒），"
            f"其间扫描了 {len(scanner.done)} 个文件")

        t0 = time.perf_counter()
        reproducible.compact_search_index(tmp, entries)
        if pdf:
            printing.make_pdfs(tmp, epoch, log, project_dir / WORK_DIR / "pdf",
                               checked.dataset.site.base_url)
        timings["after_mkdocs_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        result.scan_findings = scanner.findings()
        report.extend(result.scan_findings)
        timings["scan_rest_s"] = time.perf_counter() - t0
        log(f"扫描网站：发现 {len(result.scan_findings)} 个问题"
            f"（MkDocs 完成后又用 {timings['scan_rest_s']:.1f} 秒）")
        if result.scan_findings:
            log("扫描发现问题，未发布；原网站保持不变。")
            return result

        t0 = time.perf_counter()
        swap_in(tmp, site_dir)
        timings["swap_s"] = time.perf_counter() - t0
        result.published = True
        log(f"已发布到 {site_dir}")
        return result
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
        _write_timings(project_dir, result)


def _write_timings(project_dir: Path, result: BuildResult) -> None:
    """``.gongshi/last-build.json``: how long each stage of the last build took, for the
    webmaster (is it getting slow?) and for ``benchmarks/``."""
    work = project_dir / WORK_DIR
    work.mkdir(exist_ok=True)
    doc = {"published": result.published,
           "pages_written": len(result.rendered.written) if result.rendered else 0,
           "mkdocs_processes": result.mkdocs_processes,
           **{k: round(v, 3) for k, v in result.timings.items()}}
    (work / "last-build.json").write_text(json.dumps(doc, indent=1) + "\n", "utf-8")


def _last_lines(text: str, n: int = 8) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-n:]) or "（没有输出）"
