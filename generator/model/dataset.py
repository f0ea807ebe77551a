"""The public model: typed records with exact money and cross-references resolved.

Built from loaded rows; private persons' names are masked here, so nothing after this stage
sees a household head's full name. Query methods answer what pages need (a project's
funding, a village's projects) from indexes built once.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

from generator.findings import Finding, make
from generator.load import Loaded, Row
from generator.memo import Memo, digest
from generator.model.mask import PERSON_COLUMNS, mask_name, mask_row, styles
from generator.model.siteconfig import Site
from generator.model.tables import DATASET_FIELD, RECORD_TYPES
from generator.privacy import (
    REDACTED,
    Matcher,
    official_emails,
    official_phones,
    private_names,
    site_strings,
    split_identifier,
)
from generator.records import (
    ISSUE17_TABLES,
    NO_ORIGIN,
    TABLE_BY_NAME,
    TABLES,
    Allocation,
    Asset,
    AssetIncome,
    Benefit,
    Case,
    Disbursement,
    Distribution,
    Fund,
    Funding,
    Notice,
    Objection,
    Plan,
    Project,
    Rectification,
    Table,
    Target,
    Village,
)

SUBJECT_KINDS = ("project", "fund", "distribution", "benefit", "plan")


def parse_subject(subject: str) -> tuple[str, str] | None:
    """``project:JL2018-001`` → ``('project', 'JL2018-001')``; ``None`` if not understood.

    >>> parse_subject("benefit:教育补助:2018"), parse_subject("项目JL-1")
    (('benefit', '教育补助:2018'), None)
    """
    kind, sep, key = subject.replace("：", ":").partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in SUBJECT_KINDS or not key.strip():
        return None
    return kind, key.strip()


def benefit_key(key: str) -> tuple[str, str]:
    """The programme and year of a ``benefit:`` subject's key.

    >>> benefit_key("教育补助:2018")
    ('教育补助', '2018')
    """
    program, _, year = key.rpartition(":")
    return program, year


@dataclass
class Dataset:
    site: Site
    villages: list[Village] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    funding: list[Funding] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    funds: list[Fund] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    disbursements: list[Disbursement] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)
    distributions: list[Distribution] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)
    # issue 17 (optional tables): objections to notices, the asset register
    objections: list[Objection] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    asset_income: list[AssetIncome] = field(default_factory=list)
    # The day the rules treat as "today" (overdue rectifications, dates in the future):
    # site.yaml data_date, else SOURCE_DATE_EPOCH, else the day of the build.
    as_of: date = field(default_factory=date.today)
    # site.yaml logo: the picture's bytes (siteconfig.read_logo), b"" for the built-in logo
    logo: bytes = b""

    # --- identity -------------------------------------------------------------------
    @cached_property
    def _projects(self) -> dict[str, Project]:
        return _first_by(self.projects, "id")

    @cached_property
    def _funds(self) -> dict[str, Fund]:
        return _first_by(self.funds, "id")

    @cached_property
    def _distributions(self) -> dict[str, Distribution]:
        return _first_by(self.distributions, "id")

    @cached_property
    def _plans(self) -> dict[str, Plan]:
        return _first_by(self.plans, "id")

    def project(self, pid: str) -> Project | None:
        return self._projects.get(pid)

    def fund(self, fid: str) -> Fund | None:
        return self._funds.get(fid)

    def distribution(self, did: str) -> Distribution | None:
        return self._distributions.get(did)

    def plan(self, plan_id: str) -> Plan | None:
        return self._plans.get(plan_id)

    # --- plans (annual plans and their adjustments) ------------------------------------
    @cached_property
    def _plans_by_project(self) -> dict[str, list[Plan]]:
        out: dict[str, list[Plan]] = defaultdict(list)
        for plan in self.plans_in_order:
            for pid in dict.fromkeys(plan.projects):
                out[pid].append(plan)
        return out

    @cached_property
    def plans_in_order(self) -> list[Plan]:
        """Every plan by year, approval date and id (an adjustment after what it adjusts)."""
        return sorted(self.plans, key=lambda x: (x.year or 0, x.approved_on or _MIN_DATE, x.id))

    def plans_of_project(self, pid: str) -> list[Plan]:
        """The plans (and adjustments) that list a project, earliest first."""
        return self._plans_by_project.get(pid, [])

    def plans_of_year(self, year: int) -> list[Plan]:
        return [x for x in self.plans_in_order if x.year == year]

    def adjustments_of(self, plan_id: str) -> list[Plan]:
        """The adjustments that name ``plan_id`` as the plan they replace."""
        return [x for x in self.plans_in_order if x.replaces == plan_id and x.id != plan_id]

    # --- villages -------------------------------------------------------------------
    @cached_property
    def _villages_by_code(self) -> dict[str, Village]:
        return {v.code: v for v in self.villages if v.code}

    @cached_property
    def _villages_by_name(self) -> dict[str, list[Village]]:
        out: dict[str, list[Village]] = defaultdict(list)
        for v in self.villages:
            out[v.name].append(v)
        return out

    def village(self, ref: str, township: str = "") -> Village | None:
        """A village by code, or by exact name within the township (or the county when the
        name is unique there). ``None`` when unknown or ambiguous."""
        ref = ref.strip()
        if ref in self._villages_by_code:
            return self._villages_by_code[ref]
        candidates = self._villages_by_name.get(ref, [])
        if township:
            candidates = [v for v in candidates if v.township == township]
        return candidates[0] if len(candidates) == 1 else None

    def project_villages(self, p: Project) -> list[Village]:
        return [v for ref in p.villages if (v := self.village(ref, p.township))]

    @cached_property
    def townships(self) -> list[str]:
        names = {v.township for v in self.villages} | {p.township for p in self.projects}
        return sorted(n for n in names if n)

    @cached_property
    def _projects_by_village(self) -> dict[Village, list[Project]]:
        out: dict[Village, list[Project]] = defaultdict(list)
        for p in self.projects:
            for v in self.project_villages(p):
                if p not in out[v]:
                    out[v].append(p)
        return out

    def projects_of_village(self, v: Village) -> list[Project]:
        return self._projects_by_village.get(v, [])

    @cached_property
    def _benefits_by_village(self) -> dict[Village, list[Benefit]]:
        out: dict[Village, list[Benefit]] = defaultdict(list)
        for b in self.benefits:
            v = self.village(b.village)
            if v:
                out[v].append(b)
        return out

    def benefits_of_village(self, v: Village) -> list[Benefit]:
        return self._benefits_by_village.get(v, [])

    # --- linked tables ----------------------------------------------------------------
    @cached_property
    def _funding_by_project(self) -> dict[str, list[Funding]]:
        return _group(self.funding, "project_id")

    @cached_property
    def _targets_by_project(self) -> dict[str, list[Target]]:
        return _group(self.targets, "project_id")

    @cached_property
    def _alloc_by_project(self) -> dict[str, list[Allocation]]:
        return _group(self.allocations, "project_id")

    @cached_property
    def _alloc_by_fund(self) -> dict[str, list[Allocation]]:
        return _group(self.allocations, "fund_id")

    @cached_property
    def _paid_by_project(self) -> dict[str, list[Disbursement]]:
        return _group(self.disbursements, "project_id")

    @cached_property
    def _paid_by_fund(self) -> dict[str, list[Disbursement]]:
        return _group(self.disbursements, "fund_id")

    @cached_property
    def _benefits_by_distribution(self) -> dict[str, list[Benefit]]:
        return _group(self.benefits, "distribution_id")

    @cached_property
    def _distributions_by_project(self) -> dict[str, list[Distribution]]:
        return _group(self.distributions, "project_id")

    @cached_property
    def _notices_by_subject(self) -> dict[tuple[str, str], list[Notice]]:
        out: dict[tuple[str, str], list[Notice]] = defaultdict(list)
        for n in self.notices:
            key = parse_subject(n.subject)
            if key:
                out[key].append(n)
        for items in out.values():
            items.sort(key=lambda n: (n.posted_on or _MIN_DATE, n.id))
        return out

    def funding_of(self, pid: str) -> list[Funding]:
        return self._funding_by_project.get(pid, [])

    def targets_of(self, pid: str) -> list[Target]:
        return self._targets_by_project.get(pid, [])

    def allocations_of_project(self, pid: str) -> list[Allocation]:
        return self._alloc_by_project.get(pid, [])

    def allocations_of_fund(self, fid: str) -> list[Allocation]:
        return self._alloc_by_fund.get(fid, [])

    def disbursements_of_project(self, pid: str) -> list[Disbursement]:
        return self._paid_by_project.get(pid, [])

    def disbursements_of_fund(self, fid: str) -> list[Disbursement]:
        return self._paid_by_fund.get(fid, [])

    def benefits_of_distribution(self, did: str) -> list[Benefit]:
        return self._benefits_by_distribution.get(did, [])

    def distributions_of_project(self, pid: str) -> list[Distribution]:
        return self._distributions_by_project.get(pid, [])

    def notices_of(self, kind: str, key: str) -> list[Notice]:
        return self._notices_by_subject.get((kind, key), [])

    # --- objections and assets (issue 17) ---------------------------------------------
    @cached_property
    def _notices(self) -> dict[str, Notice]:
        return _first_by(self.notices, "id")

    @cached_property
    def _objections_by_notice(self) -> dict[str, list[Objection]]:
        out = _group(self.objections, "notice")
        for items in out.values():
            items.sort(key=lambda o: (o.received_on or _MIN_DATE, o.id))
        return out

    @cached_property
    def _assets(self) -> dict[str, Asset]:
        return _first_by(self.assets, "id")

    @cached_property
    def _assets_by_project(self) -> dict[str, list[Asset]]:
        return _group(self.assets, "project_id")

    @cached_property
    def _income_by_asset(self) -> dict[str, list[AssetIncome]]:
        out = _group(self.asset_income, "asset_id")
        for items in out.values():
            items.sort(key=lambda i: (i.year or 0, i.distribution_id))
        return out

    @cached_property
    def _assets_by_village(self) -> dict[Village, list[Asset]]:
        out: dict[Village, list[Asset]] = defaultdict(list)
        for a in self.assets:
            v = self.asset_village(a)
            if v:
                out[v].append(a)
        return out

    def notice(self, nid: str) -> Notice | None:
        return self._notices.get(nid)

    def objections_of(self, nid: str) -> list[Objection]:
        """The objections raised against one notice, oldest first."""
        return self._objections_by_notice.get(nid, [])

    def asset(self, aid: str) -> Asset | None:
        return self._assets.get(aid)

    def assets_of_project(self, pid: str) -> list[Asset]:
        return self._assets_by_project.get(pid, [])

    def income_of_asset(self, aid: str) -> list[AssetIncome]:
        """An asset's income, one row per year, oldest first."""
        return self._income_by_asset.get(aid, [])

    def asset_village(self, a: Asset) -> Village | None:
        """The village an asset stands in: its own 所在村, else its project's only village."""
        p = self.project(a.project_id) if a.project_id else None
        if a.village:
            return self.village(a.village, p.township if p else "")
        if p and len(p.villages) == 1:
            return self.village(p.villages[0], p.township)
        return None

    def assets_of_village(self, v: Village) -> list[Asset]:
        return self._assets_by_village.get(v, [])

    def notice_township(self, nid: str) -> str:
        """The township a notice belongs to: its project's (or its distribution's project's);
        ``""`` for county notices (funds, benefit programmes) and unknown notices."""
        n = self.notice(nid)
        parsed = parse_subject(n.subject) if n else None
        if parsed is None:
            return ""
        kind, key = parsed
        if kind == "distribution":
            d = self.distribution(key)
            kind, key = "project", d.project_id if d else ""
        p = self.project(key) if kind == "project" else None
        return p.township if p else ""

    def project_total(self, pid: str) -> int:
        """A project's money: the sum of its funding sources, in 分."""
        return sum(f.amount or 0 for f in self.funding_of(pid))


def records(ds: Dataset, table: Table) -> list:
    """The records of one table."""
    return list(getattr(ds, DATASET_FIELD[table.name]))


def published_tables(ds: Dataset) -> tuple[Table, ...]:
    """The tables a site publishes (downloads, workbook): every table of the original
    contract, and the optional tables of issue 17 (objections, assets) only when the county
    keeps them, so data written to the old contract gives the same downloads."""
    optional = {t.name for t in ISSUE17_TABLES}
    return tuple(t for t in TABLES if t.name not in optional or getattr(ds, DATASET_FIELD[t.name]))


def _first_by(items: list, attr: str) -> dict:
    out: dict = {}
    for item in items:
        out.setdefault(getattr(item, attr), item)
    return out


def _group(items: list, attr: str) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for item in items:
        key = getattr(item, attr)
        if key:
            out[key].append(item)
    return out


_MIN_DATE = date.min

# Text columns: identifiers typed into any of them are redacted, except in the columns that
# hold keys, codes and the published supervision phone (an ID-shaped key there is left for
# the post-build scan to stop). Every column is also cleared of the exact private values.
NOT_FREE_TEXT = frozenset(
    {
        "id",
        "project_id",
        "fund_id",
        "distribution_id",
        "code",
        "subject",
        "replaces",
        "projects",
        "supervisor_phone",
        "document_no",
        "voucher",
    }
)
FREE_TEXT = (
    frozenset(
        c.key for t in TABLE_BY_NAME.values() for c in t.columns if c.kind in ("text", "list")
    )
    - NOT_FREE_TEXT
)


def _finding(row: Row, key: str, title: str, kind: str, masked: str) -> Finding:
    return make(
        "P001",
        file=row.origin.file,
        row=row.origin.row,
        column=row.origin.column(key),
        title=title,
        kind=kind,
        masked=masked,
    )


def _redact_row(
    table: str, row: Row, matcher: Callable[[], Matcher], found: list[Finding], memo: Memo | None
) -> dict:
    """The row's values with every private value replaced (``_redaction``), and one P001
    finding per hit, naming file, row and column. ``memo``: redactions by the row's values,
    kept between builds under the same private values (``build_model``)."""
    key = None
    if memo is not None:
        key = ("redact", table, digest(pickle.dumps(list(row.values.items()), protocol=5)))
        kept = memo.get(key)
    if memo is None or kept is None:
        kept = _redaction(table, row.values, matcher())
        if memo is not None and key is not None:
            memo.put(key, kept)
    changed, hits = kept
    titles = {c.key: c.title for c in TABLE_BY_NAME[table].columns}
    found.extend(_finding(row, k, titles.get(k, k), kind, masked) for k, kind, masked in hits)
    return {**row.values, **changed} if changed else dict(row.values)


def _redaction(
    table: str, row_values: dict, matcher: Matcher
) -> tuple[dict, list[tuple[str, str, str]]]:
    """(the values that change, the hits as (column key, kind, masked)) for one row: every
    private value replaced (``privacy.Matcher``: known values everywhere; identifiers by
    shape and private persons' names in free text; the name column itself is left to
    ``mask_row``), and an ID split across two adjacent text cells redacted in both."""
    values = dict(row_values)
    changed: dict = {}
    out: list[tuple[str, str, str]] = []
    person = PERSON_COLUMNS.get(table)
    for key, value in row_values.items():
        free, names = key in FREE_TEXT, key != person
        new: str | tuple[str, ...]
        if isinstance(value, str) and value:
            new, hits = matcher.redact(value, free, names)
        elif isinstance(value, tuple):
            parts = [
                matcher.redact(x, free, names) if isinstance(x, str) else (x, []) for x in value
            ]
            new, hits = tuple(p[0] for p in parts), [h for p in parts for h in p[1]]
        else:
            continue
        if hits:
            values[key] = changed[key] = new
            out.extend((key, k, m) for k, m in hits)
    # An ID typed across two neighbouring cells (the file's column order): the joined text.
    keys = [k for k in row_values if isinstance(values.get(k), str) and values[k]]
    for left, right in zip(keys, keys[1:], strict=False):
        a, b = values[left], values[right]
        hit = split_identifier(a, b)
        if hit is None:
            continue
        values[left] = changed[left] = a[: hit.start] + REDACTED
        values[right] = changed[right] = REDACTED + b[hit.end - len(a) :]
        out.append((left, hit.kind, hit.masked))
        out.append((right, hit.kind, hit.masked))
    return changed, out


def matcher_for(loaded: Loaded, site: Site) -> Matcher:
    """The one private-value matcher of a data set (the scan builds the same from
    ``privacy_inputs``)."""
    return _matcher(site, *privacy_inputs(loaded, site))


def _matcher(
    site: Site, known: Iterable[str], official: frozenset[str], names: frozenset[str]
) -> Matcher:
    text_style = styles(site.mask_style)[1]  # a name in free text: no row to recognise
    return Matcher(known, official, names, lambda n: mask_name(n, text_style))


def _matcher_key(
    site: Site, known: Iterable[str], official: frozenset[str], names: frozenset[str]
) -> str:
    """What a redaction depends on besides the row: the values, phones and names looked
    for and how a name in free text is masked."""
    h = hashlib.sha256(repr(styles(site.mask_style)).encode())
    for values in (known, official, names):
        h.update("\0".join(sorted(values)).encode("utf-8", "surrogatepass") + b"\1")
    return h.hexdigest()


def privacy_inputs(loaded: Loaded, site: Site) -> tuple[set[str], frozenset[str], frozenset[str]]:
    """What both locks look for: the never-published values, the official phones and
    e-mail addresses that may be printed, and private persons' names under the site's
    masking policy."""
    official = official_phones(
        [p.number for p in site.all_phones], loaded.tables
    ) | official_emails(loaded.site)
    names = private_names(
        loaded.tables, site.mask_names, site.case_names, site_strings(loaded.site)
    )
    if loaded.private_names:
        # complainants of objections (a never-published name column), under the same
        # policy as household heads: a name the site publishes elsewhere (a responsible
        # person, a village) is not private
        complainants = [Row({"household_head": n}, NO_ORIGIN) for n in loaded.private_names]
        public = {k: loaded.tables.get(k, []) for k in ("projects", "villages")}
        names |= private_names(
            {"benefits": complainants, **public}, True, True, site_strings(loaded.site)
        )
    return loaded.private_values, official, names


def build_model(
    loaded: Loaded, site: Site, memo_path: Path | None = None
) -> tuple[Dataset, list[Finding]]:
    """Typed records from loaded rows. Identifiers in text are redacted (with findings);
    household heads' and case subjects' names are masked by the site's policy
    (``mask.mask_row``).

    ``memo_path``: where each row's redaction is kept between builds, under the same
    private values (``generator.memo``; the matcher is then built only if a row is new:
    a county's 70,000 rows took most of the check)."""
    ds = Dataset(site=site)
    found: list[Finding] = []
    inputs = privacy_inputs(loaded, site)
    memo = Memo(memo_path, _matcher_key(site, *inputs)) if memo_path is not None else None
    made: list[Matcher] = []

    def matcher() -> Matcher:
        if not made:
            made.append(_matcher(site, *inputs))
        return made[0]

    for table, cls in RECORD_TYPES.items():
        records = getattr(ds, DATASET_FIELD[table])
        for row in loaded.tables.get(table, []):
            values = _redact_row(table, row, matcher, found, memo)
            mask_row(table, values, site.mask_names, site.mask_style, site.case_names)
            records.append(cls(**values, origin=row.origin))
    # an objection without 乡镇 takes its notice's (the download then names it too)
    ds.objections = [
        o if o.township else replace(o, township=ds.notice_township(o.notice))
        for o in ds.objections
    ]
    if memo is not None:
        with contextlib.suppress(OSError):  # a read-only work folder: redacted again next time
            memo.save()
    return ds, found
