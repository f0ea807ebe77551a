"""Benchmark runner: ``bash benchmarks/run [small county] [--province N] [--zensical WHICH]``.

For each size it writes synthetic data (``synth.py``) into a fresh project under
``$GONGSHI_BENCH_DIR`` (default ``/tmp/gongshi-bench``) and measures, each step in its own
process so that peak memory is that step's own (the largest sum of the resident sets of
its process tree, see ``run``):

- the whole ``gongshi build`` from nothing (load → check → render → mkdocs with the scan
  beside it → compact index → rest of the scan → swap), and its own stage times
  (``.gongshi/last-build.json``);
- a bare ``mkdocs build --strict`` of the same generated pages and config;
- PDFs of a sample of print pages;
- the whole ``gongshi build`` again after one project is renamed (the warm path: the
  memos and page cache the cold build left in ``.gongshi/``);
- Hugo (Debian's ``hugo``, when installed) on the same generated Markdown with a bare
  layout: the floor of what a static site generator costs per page;
- Zensical 0.0.73 on the same pages and config (its own venv, ``/tmp/zvenv``), for the
  small size unless ``--zensical all``.

It prints a Markdown table (the one in docs/benchmarks.md) and writes the figures as JSON
next to the projects. ``--province N`` builds N synthetic counties one after another with
``gongshi build --all`` and reports the time and peak memory of the whole run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import synth  # noqa: E402

from generator.project import GENERATED_CONFIG, GENERATED_DIRS, GENERATED_FILES  # noqa: E402

ZVENV = Path(os.environ.get("GONGSHI_ZVENV", "/tmp/zvenv"))
ZENSICAL = "zensical==0.0.73"
PDF_SAMPLE = 6
LAST_CPU = [0.0]  # CPU seconds of the last ``run`` (user + system, whole process tree)


def tree_rss_mb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants now, in MB (from ``/proc``)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: the parent
        rss[pid] = int(fields[21])  # resident pages
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total * os.sysconf("SC_PAGE_SIZE") // 2**20


def run(
    cmd: list[str], cwd: Path, env: dict | None = None, check: bool = True
) -> tuple[float, int, str]:
    """Run ``cmd``; wall seconds, peak RSS in MB of its process tree, and its output.

    The peak is the largest sum of the tree's resident sets, sampled four times a second
    (``gongshi build`` runs MkDocs in several processes at once), and never less than its
    largest single process (``os.wait4``)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read() if proc.stdout else ""
    done.set()
    sampler.join()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    took = time.perf_counter() - t0
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out[-3000:]}")
    return took, max(peak[0], usage.ru_maxrss // 1024), out


def make_project(root: Path) -> Path:
    """A county project as a county's repository holds it (cf. tests/conftest.py)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(
        REPO / "content",
        root / "content",
        ignore=shutil.ignore_patterns(*GENERATED_DIRS, *GENERATED_FILES),
    )
    return root


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def pdf_sample(site: Path, n: int) -> dict:
    """Run in a child process: print the first ``n`` print pages to PDF with Chromium, as
    ``gongshi build`` does for every print page, and time it."""
    from generator.build import pdf as printing

    every = printing.print_pages(site)
    printing.print_pages = lambda _site: every[:n]
    t0 = time.perf_counter()
    made = printing.make_pdfs(site, printing.available() or "chromium", 946684800)
    took = time.perf_counter() - t0
    return {
        "print_pages": len(every),
        "pdf_sample": made,
        "pdf_s_each": took / made if made else 0.0,
    }


def rename_one(project: Path) -> None:
    """Rename the first project of the first workbook (as a cadre would fix a typo)."""
    import openpyxl

    path = sorted((project / "data" / "projects").glob("*.xlsx"))[0]
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    col = [c.value for c in ws[1]].index("项目名称") + 1
    ws.cell(row=2, column=col).value = str(ws.cell(row=2, column=col).value) + "（更正）"
    wb.save(path)


def hugo(project: Path, where: Path) -> dict:
    """The floor: Hugo (Debian's package) building the same generated Markdown pages, with
    a one-line layout (no theme, no search index)."""
    shutil.rmtree(where, ignore_errors=True)
    layouts = where / "layouts" / "_default"
    layouts.mkdir(parents=True)
    page = "<!doctype html><title>{{ .Title }}</title><main>{{ .Content }}</main>\n"
    (layouts / "single.html").write_text(page, "utf-8")
    (layouts / "list.html").write_text(page, "utf-8")
    (where / "hugo.toml").write_text('baseURL = "https://example.org/"\n', "utf-8")
    shutil.copytree(project / "content", where / "content")
    pages = len(list((where / "content").rglob("*.md")))
    took, rss, _ = run(["hugo", "--quiet", "--destination", "public"], where, check=False)
    version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()
    return {
        "hugo_s": took,
        "hugo_mb": rss,
        "hugo_pages": pages,
        "hugo_version": version[1] if len(version) > 1 else "",
    }


def zensical(project: Path, py: str) -> dict:
    """Build the same generated pages with Zensical in its own venv; None if it won't install."""
    zbin = ZVENV / "bin" / "zensical"
    if not zbin.exists():
        subprocess.run([py, "-m", "venv", str(ZVENV)], check=True)
        subprocess.run([str(ZVENV / "bin" / "pip"), "install", "-q", ZENSICAL], check=True)
    # Zensical 0.0.73 reads mkdocs.yml and follows INHERIT (deep merge), so the generated
    # config is used as it is, Material overrides included; only the output folder is set
    # (it must be inside the project).
    out = project / "zsite"
    shutil.rmtree(out, ignore_errors=True)
    config = project / "zensical.bench.yml"
    config.write_text(f"INHERIT: {GENERATED_CONFIG}\nsite_dir: zsite\n", "utf-8")
    took, rss, _ = run([str(zbin), "build", "--clean", "-f", config.name], project)
    cpu = LAST_CPU[0]
    files, size = tree_size(out)
    index = out / "search.json"
    if not index.exists():
        found = sorted(out.rglob("search*.json"))
        index = found[0] if found else index
    return {
        "zensical_s": took,
        "zensical_cpu_s": cpu,
        "zensical_mb": rss,
        "zensical_files": files,
        "zensical_bytes": size,
        "zensical_index_bytes": index.stat().st_size if index.exists() else 0,
    }


def bench_size(name: str, base: Path, with_zensical: bool) -> dict:
    py = sys.executable
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    project = make_project(base / name)
    counts = synth.generate(project / "data", synth.SIZES[name])
    row: dict = {"size": name, **{k: counts[k] for k in ("projects", "benefits", "cases")}}

    # Chromium is hidden from the build (PATH holds only Python), so the PDF stage is
    # skipped here and measured on a sample below: at seconds per page it would dominate.
    nopdf = dict(env, PATH=str(Path(py).parent))
    took, rss, out = run([py, "-m", "generator", "build"], project, nopdf, check=False)
    row["build_s"], row["build_mb"], row["build_cpu_s"] = took, rss, LAST_CPU[0]
    # the build's own stage times (load, check, render, mkdocs with the scan beside it,
    # what the scan had left when mkdocs finished)
    own = json.loads((project / ".gongshi" / "last-build.json").read_text("utf-8"))
    own["mkdocs_s_in_build"] = own.pop("mkdocs_s")
    row.update(own)
    site = project / "site"
    row["published"] = site.is_dir()
    if not row["published"]:  # every stage ran, but the scan refused: say why, measure on
        row["build_log"] = out[-2000:]

    bare = project / "bare"
    took, rss, _ = run(
        [
            py,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "-f",
            "mkdocs.generated.yml",
            "-d",
            str(bare),
        ],
        project,
        env,
    )
    row["mkdocs_s"], row["mkdocs_mb"], row["mkdocs_cpu_s"] = took, rss, LAST_CPU[0]
    raw = (bare / "search" / "search_index.json").read_bytes()
    row["index_raw_bytes"], row["index_raw_gz_bytes"] = len(raw), len(gzip.compress(raw, 9))
    if not row["published"]:  # ... the bare build, with the index compacted as build does
        from generator.build.reproducible import compact_search_index

        compact_search_index(bare)
        site = bare
    pages = len(list(site.rglob("*.html")))
    row["pages"] = pages
    row["files"], row["site_bytes"] = tree_size(site)
    index = (site / "search" / "search_index.json").read_bytes()
    row["index_bytes"], row["index_gz_bytes"] = len(index), len(gzip.compress(index, 9))
    row["ratio"] = row["build_s"] / row["mkdocs_s"]
    row["pages_per_s"] = pages / row["mkdocs_s"]

    _, _, out = run([py, __file__, "--pdf-sample", str(site)], REPO, env)
    row.update(json.loads(out.strip().splitlines()[-1]))
    row["pdf_s_projected"] = row["pdf_s_each"] * row["print_pages"]
    shutil.rmtree(bare)

    # the warm path (issue 20): one record changed, the whole command again, with the
    # .gongshi/ the cold build left (memos of load and scan, the page cache)
    rename_one(project)
    took, rss, out = run([py, "-m", "generator", "build"], project, nopdf, check=False)
    warm = json.loads((project / ".gongshi" / "last-build.json").read_text("utf-8"))
    row["warm_s"], row["warm_mb"], row["warm_published"] = took, rss, warm["published"]
    row["warm"] = warm
    row["rewritten_after_rename"] = warm["pages_written"]
    row["warm_kept"] = warm.get("pages_kept", 0)
    row["warm_converted"] = warm.get("pages_converted", 0)

    if shutil.which("hugo"):
        row.update(hugo(project, base / f"{name}-hugo"))

    if with_zensical:
        try:
            row.update(zensical(project, sys.executable))
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            row["zensical_error"] = str(exc)[-500:]
    return row


def bench_province(n: int, base: Path) -> dict:
    """N synthetic counties in one repository, built one after another by ``build --all``."""
    py = sys.executable
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    project = make_project(base / f"province{n}")
    for i in range(n):
        name, region, prefix = synth.county_prefix(i)
        synth.generate(
            project / "data" / name,
            synth.SIZES["county"],
            seed=i,
            county=name,
            region=region,
            prefix=prefix,
        )
    nopdf = dict(env, PATH=str(Path(py).parent))  # PDFs: see bench_size
    took, rss, _ = run([py, "-m", "generator", "build", "--all"], project, nopdf)
    files, size = tree_size(project / "site")
    return {"counties": n, "build_s": took, "peak_mb": rss, "files": files, "site_bytes": size}


def _ms(seconds: float, pages: int) -> str:
    return f"{seconds:.1f} s · {seconds * 1000 / pages:.1f} ms/page"


def fmt_mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def table(rows: list[dict]) -> str:
    lines = [
        "| size | projects / benefit rows / cases | load · check · render | `gongshi build` "
        "(no PDFs) | of which MkDocs · scan after it | bare `mkdocs build` | ratio "
        "| HTML pages · pages/s | peak memory (build) | site "
        "| search index: Material → UTF-8 (gzip) "
        "| print pages · PDF s/page → projected |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']}{'' if r['published'] else ' *'} "
            f"| {r['projects']:,} / {r['benefits']:,} / {r['cases']} "
            f"| {r['load_s']:.1f} · {r['check_s']:.1f} · {r['render_s']:.1f} s "
            f"| {r['build_s']:.0f} s | {r['mkdocs_s_in_build']:.0f} s · "
            f"{r['scan_rest_s']:.1f} s | {r['mkdocs_s']:.0f} s | {r['ratio']:.2f}× "
            f"| {r['pages']:,} · {r['pages_per_s']:.0f} | {r['build_mb']:,} MB "
            f"| {fmt_mb(r['site_bytes'])} "
            f"| {fmt_mb(r['index_raw_bytes'])} → {fmt_mb(r['index_bytes'])} "
            f"({fmt_mb(r['index_gz_bytes'])}) "
            f"| {r['print_pages']:,} · {r['pdf_s_each']:.2f} s → {r['pdf_s_projected']:.0f} s |"
        )
    lines += [
        "",
        "| size | HTML pages | gongshi cold | gongshi warm (1 record renamed): pages converted "
        "· copied | bare `mkdocs build` (1 process) | Hugo, same Markdown, bare layout |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        n = r["pages"]
        hugo = (
            f"{_ms(r['hugo_s'], n)} (Hugo {r['hugo_version']}, {r['hugo_pages']:,} pages)"
            if "hugo_s" in r
            else "not installed"
        )
        lines.append(
            f"| {r['size']} | {n:,} | {_ms(r['build_s'], n)} "
            f"| {_ms(r['warm_s'], n)}: {r['warm_converted']:,} · {r['warm_kept']:,} "
            f"| {_ms(r['mkdocs_s'], n)} | {hugo} |"
        )
    z = [r for r in rows if "zensical_s" in r]
    if z:
        lines += [
            "",
            "| size | MkDocs + Material: wall (CPU), memory | Zensical 0.0.73: "
            "wall (CPU), memory | Zensical site | Zensical search index |",
            "|---|---|---|---|---|",
        ]
        for r in z:
            lines.append(
                f"| {r['size']} | {r['mkdocs_s']:.0f} s ({r['mkdocs_cpu_s']:.0f} s), "
                f"{r['mkdocs_mb']} MB | {r['zensical_s']:.0f} s "
                f"({r['zensical_cpu_s']:.0f} s), {r['zensical_mb']} MB "
                f"| {fmt_mb(r['zensical_bytes'])} | {fmt_mb(r['zensical_index_bytes'])} |"
            )
    if not all(r["published"] for r in rows):
        lines += [
            "",
            "\\* not published: the post-build scan refused the site (see "
            "results.json); sizes are those of the bare MkDocs build with the index "
            "compacted.",
        ]
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", default=["small", "county"])
    ap.add_argument("--province", type=int, default=0, help="build N counties (slow)")
    ap.add_argument(
        "--zensical",
        choices=["small", "all", "none"],
        default="small",
        help="which sizes Zensical also builds (default: small; the county adds minutes)",
    )
    ap.add_argument("--pdf-sample", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.pdf_sample:
        print(json.dumps(pdf_sample(Path(args.pdf_sample), PDF_SAMPLE)))
        return 0
    base = Path(os.environ.get("GONGSHI_BENCH_DIR", "/tmp/gongshi-bench"))
    base.mkdir(parents=True, exist_ok=True)
    rows = []
    t0 = time.perf_counter()
    for name in args.sizes if not args.province else []:
        print(f"… {name}", file=sys.stderr, flush=True)
        rows.append(
            bench_size(
                name, base, args.zensical == "all" or (args.zensical == "small" and name == "small")
            )
        )
        (base / "results.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    print(
        f"Measured {date.today().isoformat()} on {machine()} "
        f"({time.perf_counter() - t0:.0f} s in all).\n"
    )
    if rows:
        print(table(rows))
    if args.province:
        r = bench_province(args.province, base)
        (base / "province.json").write_text(json.dumps(r, indent=1))
        print(
            f"\nProvince: {r['counties']} counties built one after another in "
            f"{r['build_s']:.0f} s, peak memory {r['peak_mb']} MB, "
            f"{r['files']:,} files, {fmt_mb(r['site_bytes'])}."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
