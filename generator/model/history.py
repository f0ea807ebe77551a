"""变更记录 and withdrawn records, from the git history of the data folder.

Why: a notice must never silently disappear, and a supervisor must see when a published
figure changed. When ``data/`` is in a git repository, every commit that touched it is a
published version: each version is loaded with the normal loader and model (so YAML, CSV
and Excel are compared by their *values*, with names already masked and private columns
already dropped) and consecutive versions are compared record by record, by id.

Uses the git CLI through ``subprocess`` (git is on every machine that has the repository).
Without git, outside a repository or with no commit, the history is empty and says why; the
build goes on. Loaded versions are cached in ``.gongshi/history/`` by the git tree id of the
data folder, so a rebuild loads only new versions.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.load import load
from generator.model import status, tables
from generator.model.dataset import Dataset, build_model, records
from generator.model.siteconfig import Site, build_site
from generator.records import TABLE_BY_NAME

# Tables whose records have pages or lists that must keep them; the linked tables shown on
# a record's page count as one field of that record each.
TRACKED: dict[str, dict[str, tuple[str, str]]] = {
    "projects": {
        "资金来源": ("project_funding", "project_id"),
        "绩效目标": ("project_targets", "project_id"),
        "资金安排": ("allocations", "project_id"),
        "资金拨付": ("disbursements", "project_id"),
    },
    "funds": {"资金去向": ("allocations", "fund_id"), "拨付情况": ("disbursements", "fund_id")},
    "cases": {},
    "notices": {},
    "distributions": {},
    "rectifications": {},
    # issue 17: 长期公开 — a withdrawn plan stays on its year's page as 已废止, a withdrawn
    # objection's answer beside its notice, an asset in the register
    "plans": {},
    "objections": {},
    "assets": {"年度收益": ("asset_income", "asset_id")},
}
CACHE_DIR = "history"  # under the project's .gongshi/
# 2: masked by today's policy, one matcher; 3: with the data's date; 4: plans, objections
# and assets tracked (a version-3 snapshot lacks them: every plan would read as new)
_CACHE_VERSION = "4"

Snapshot = dict[str, dict[str, dict[str, str]]]  # table → id → {Chinese field title: text}


@dataclass(frozen=True)
class Version:
    commit: str
    day: date
    tree: str


@dataclass(frozen=True)
class Change:
    """One line of 变更记录. ``day`` is the commit's day (提交于), None for changes not
    committed yet; ``data_day`` the date the data of that version speaks for (its 数据截止日期,
    else its newest record date, ``model.status.data_day``): a 2018 record is dated by its
    data, not by the day somebody committed it."""

    day: date | None
    commit: str
    action: str  # 首次公布 / 修改 / 撤回 / 恢复
    fields: tuple[str, ...] = ()
    data_day: date | None = None


@dataclass
class Removed:
    """A record that was published and is no longer in the data: its page stays."""

    table: str
    key: str
    values: dict[str, str]  # the last published version
    last_seen: date | None
    removed_on: date | None


@dataclass
class History:
    available: bool = False
    note: str = ""  # why there is no history, in Chinese
    versions: list[Version] = field(default_factory=list)
    changes: dict[tuple[str, str], list[Change]] = field(default_factory=dict)
    removed: list[Removed] = field(default_factory=list)

    def of(self, table: str, key: str) -> list[Change]:
        return self.changes.get((table, key), [])

    def removed_in(self, table: str) -> list[Removed]:
        return [r for r in self.removed if r.table == table]


# --- snapshots: a data set reduced to comparable text ---------------------------------------


def snapshot(ds: Dataset) -> Snapshot:
    """Every tracked record as ``{field title: text}``, linked rows folded into one field."""
    out: Snapshot = {}
    for name, linked in TRACKED.items():
        table = TABLE_BY_NAME[name]
        rows: dict[str, dict[str, str]] = {}
        for r in records(ds, table):
            key = getattr(r, table.key or "id")
            if not key or key in rows:
                continue
            rows[key] = {
                c.title: tables.cell_text(getattr(r, c.key), c.kind) for c in table.columns
            }
        for title, (child, fk) in linked.items():
            ctable = TABLE_BY_NAME[child]
            lines: dict[str, list[str]] = {}
            for r in records(ds, ctable):
                parts = [
                    f"{c.title} {tables.cell_text(getattr(r, c.key), c.kind)}"
                    for c in ctable.columns
                    if c.key != fk and getattr(r, c.key)
                ]
                lines.setdefault(getattr(r, fk), []).append("，".join(parts))
            for key, values in rows.items():
                values[title] = "；".join(sorted(lines.get(key, [])))
        out[name] = rows
    return out


def diff_fields(old: dict[str, str], new: dict[str, str]) -> tuple[str, ...]:
    """Titles of the fields whose text differs, in column order.

    >>> diff_fields({"金额": "1.00", "文号": "A"}, {"金额": "2.00", "文号": "A"})
    ('金额',)
    """
    return tuple(k for k in {**old, **new} if old.get(k, "") != new.get(k, ""))


# --- git ----------------------------------------------------------------------------------


def _git(cwd: Path, *args: str, binary: bool = False) -> Any:
    proc = subprocess.run(
        ["git", "-c", "core.quotepath=off", *args],
        cwd=cwd,
        capture_output=True,
        text=not binary,
        timeout=120,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr if not binary else proc.stderr.decode(errors="replace"))
    return proc.stdout


def versions(data_dir: Path) -> tuple[Path | None, list[Version], str]:
    """The repository root and the commits that touched ``data_dir``, oldest first; or a
    note saying why there are none."""
    if shutil.which("git") is None:
        return None, [], "本机没有安装 git，无法显示变更记录，也无法保留已撤回记录的页面。"
    try:
        top = Path(_git(data_dir, "rev-parse", "--show-toplevel").strip())
        prefix = _git(data_dir, "rev-parse", "--show-prefix").strip()
        log = _git(data_dir, "log", "--reverse", "--format=%H %cI", "--", ".")
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return None, [], "数据文件夹不在 git 仓库中，无法显示变更记录，也无法保留已撤回记录的页面。"
    out: list[Version] = []
    for line in log.splitlines():
        commit, _, when = line.partition(" ")
        tree = _git(top, "rev-parse", f"{commit}:{prefix}" if prefix else f"{commit}^{{tree}}")
        tree = tree.strip()
        if out and out[-1].tree == tree:
            continue
        out.append(Version(commit, date.fromisoformat(when[:10]), tree))
    if not out:
        return top, [], "数据文件夹还没有提交到 git，暂无变更记录。"
    return top, out, ""


def _policy(site: Site | None) -> str:
    """What of today's site.yaml a snapshot depends on: the masking policy and the
    official phones (kept, not redacted, in free text)."""
    if site is None:
        return ""
    phones = sorted(p.number for p in site.all_phones)
    return json.dumps([site.mask_names, site.mask_style, site.case_names, phones])


def _cache_key(tree: str, site: Site | None = None) -> str:
    cols = json.dumps({n: [c.key for c in TABLE_BY_NAME[n].columns] for n in TABLE_BY_NAME})
    salt = hashlib.sha256((_CACHE_VERSION + cols + _policy(site)).encode()).hexdigest()[:12]
    return f"{salt}-{tree}.json"


def load_version(
    top: Path, version: Version, cache: Path | None, site: Site | None = None
) -> tuple[Snapshot, date | None] | None:
    """The snapshot of one committed version and the date its data speaks for
    (``status.data_day`` by that version's own 数据截止日期); ``None`` when that version
    cannot be read.

    ``site``: today's site configuration. Its privacy policy (``mask_names``,
    ``mask_style``, ``case_names``) masks the old version, not the policy that version was
    committed with: a county that switches to masked names must not keep publishing the
    full names on 已撤回 pages and in 变更记录. Only without ``site`` (nothing to compare
    with) is the version's own site.yaml used."""
    path = cache / _cache_key(version.tree, site) if cache else None
    if path and path.exists():
        cached = json.loads(path.read_text(encoding="utf-8"))
        day = cached["data_day"]
        return cached["snapshot"], date.fromisoformat(day) if day else None
    with tempfile.TemporaryDirectory(prefix="gongshi-history-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        tar = _git(top, "archive", "--format=tar", version.tree, binary=True)
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            try:
                archive.extractall(data, filter="data")
            except (tarfile.FilterError, OSError):
                # a version that held a link out of the folder (an absolute symlink) or a
                # file that cannot be written here: that version is left out of the history
                return None
        loaded = load(data)
        if any(f.severity == "fatal" for f in loaded.findings):
            return None
        own, _ = build_site(loaded.site, loaded.site_origin)
        ds, _ = build_model(loaded, site or own)
        snap = snapshot(ds)
        data_day = status.data_day(ds, own.data_date)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        day = data_day.isoformat() if data_day else ""
        text = json.dumps({"snapshot": snap, "data_day": day}, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
    return snap, data_day


def history(ds: Dataset, data_dir: Path, cache_dir: Path | None = None) -> History:
    """Changes per record and withdrawn records, from the committed versions of
    ``data_dir`` followed by the data being built now (uncommitted edits show undated).
    Every version is masked by today's policy (``ds.site``), see ``load_version``."""
    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        return History(note="找不到数据文件夹。")
    top, found, note = versions(data_dir)
    if top is None or not found:
        return History(note=note)
    cache = Path(cache_dir) if cache_dir else None
    steps: list[Step] = []
    for ver in found:
        loaded = load_version(top, ver, cache, ds.site)
        if loaded is not None:
            steps.append((ver.day, ver.commit[:7], loaded[0], loaded[1]))
    steps.append((None, "", snapshot(ds), status.data_day(ds)))
    return _compare(steps, found)


# (commit day or None, short commit, snapshot, the date its data speaks for)
Step = tuple[date | None, str, Snapshot, date | None]


def _compare(steps: list[Step], found: list[Version]) -> History:
    hist = History(available=True, versions=found)
    last: dict[tuple[str, str], tuple[dict[str, str], date | None]] = {}
    gone: dict[tuple[str, str], date | None] = {}
    prev: Snapshot = {}
    for day, commit, snap, data_day in steps:
        for table in TRACKED:
            old_rows, new_rows = prev.get(table, {}), snap.get(table, {})
            for key, values in new_rows.items():
                old = old_rows.get(key)
                if old is None:
                    action = "恢复" if (table, key) in gone else "首次公布"
                    gone.pop((table, key), None)
                    change = Change(day, commit, action, data_day=data_day)
                elif fields := diff_fields(old, values):
                    change = Change(day, commit, "修改", fields, data_day)
                else:
                    change = None
                if change:
                    hist.changes.setdefault((table, key), []).append(change)
                last[(table, key)] = (values, day)
            for key in old_rows.keys() - new_rows.keys():
                gone[(table, key)] = day
                withdrawn = Change(day, commit, "撤回", data_day=data_day)
                hist.changes.setdefault((table, key), []).append(withdrawn)
        prev = snap
    for (table, key), removed_on in sorted(gone.items()):
        values, seen = last[(table, key)]
        hist.removed.append(Removed(table, key, values, seen, removed_on))
    return hist
