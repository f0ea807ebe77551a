"""What the compliance page shows: which rules the county meets, per township and project.

Computed from the check ``Report`` and the model; ``render`` lays it out with the
``compliance.md.j2`` template. Only rule findings are published (their messages name
records and rule texts); load-level notes and privacy findings stay in ``gongshi check``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from generator.findings import CODES, Finding, Report
from generator.model import Dataset
from generator.model.tables import DATASET_FIELD
from generator.model.totals import balance_by_year, objection_counts, overdue_cutoff
from generator.rules import all_rules
from generator.rules.money import MAX_BALANCE_RATE, balance_rate
from generator.rules.notices import notice_days, project_start, required_fields

# issue 17: J the lifecycle (plans), Y 异议, Z 资产
PUBLIC_PREFIXES = ("N", "T", "M", "Q", "R", "V", "J", "Y", "Z")
DATA_ACCURACY_MIN = Decimal("0.95")  # seed 004: 数据信息精准率低于95%的，约谈


@dataclass
class Area:
    """One township's (or the county's) scores."""

    name: str
    projects: int = 0
    compliant: int = 0
    fields_required: int = 0
    fields_filled: int = 0
    notices_due: int = 0
    notices_on_time: int = 0
    findings: int = 0

    @property
    def compliant_rate(self) -> Decimal:
        return _rate(self.compliant, self.projects)

    @property
    def completeness(self) -> Decimal:
        return _rate(self.fields_filled, self.fields_required)

    @property
    def timeliness(self) -> Decimal:
        return _rate(self.notices_on_time, self.notices_due)


@dataclass
class Compliance:
    as_of: str
    rules: list[dict]
    county: Area
    townships: list[Area]
    projects: list[dict]
    findings: list[Finding]
    balance: list[dict]
    records: int
    records_with_findings: int
    by_rule: list[dict] = field(default_factory=list)
    # issue 17: objections per township (``totals.objection_counts``) and the day before
    # which an unanswered one is overdue (``totals.overdue_cutoff``)
    objections: list[dict] = field(default_factory=list)
    objection_cutoff: date | None = None

    @property
    def accuracy(self) -> Decimal:
        return Decimal(1) - _rate(self.records_with_findings, self.records)

    @property
    def accuracy_ok(self) -> bool:
        return self.accuracy >= DATA_ACCURACY_MIN


def _rate(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(1)


def percent(value: Decimal) -> str:
    """``Decimal('0.9536') → '95.4%'`` (rounded half up, one decimal).

    >>> percent(Decimal("0.9536")), percent(Decimal(1))
    ('95.4%', '100.0%')
    """
    return f"{(value * 100).quantize(Decimal('0.1'), rounding='ROUND_HALF_UP')}%"


def is_public(f: Finding) -> bool:
    return f.code.startswith(PUBLIC_PREFIXES) and f.severity in ("error", "warning")


_FIELD = re.compile(r"\{\w+\}")


def general_hint(hint: str) -> str:
    """A hint template without a record: fields become ××, as printed forms write them.

    >>> general_hint("请补上 fund:{id} 的资金公告。"), general_hint("{hint}")
    ('请补上 fund:×× 的资金公告。', '请检查所写的编号或名称，或在对应的表中补上这条记录。')
    """
    text = _FIELD.sub("××", hint).strip()
    return text if text.strip("×") else "请检查所写的编号或名称，或在对应的表中补上这条记录。"


def rule_table() -> list[dict]:
    """Every rule with its codes' titles, severities and sources (for ``gongshi rules``)."""
    rows = []
    for r in all_rules():
        for code in r.codes:
            c = CODES[code]
            rows.append(
                {
                    "code": code,
                    "severity": c.severity,
                    "title": c.title,
                    "source": c.source,
                    "hint": general_hint(c.hint),
                    "tags": r.tags,
                }
            )
    return sorted(rows, key=lambda row: row["code"])


def _on_time(ds: Dataset, p) -> tuple[int, int]:
    """(notices due, notices on time) for a project's 事前公示: posted ≥ 10 days, before start."""
    prior = [n for n in ds.notices_of("project", p.id) if n.kind == "事前公示"]
    if p.status not in ("公示中", "实施中", "已完工", "已验收"):
        return 0, 0
    if not prior:
        return 1, 0
    start = project_start(p)
    ok = any(
        (notice_days(n) or 0) >= ds.site.notice_days
        and (start is None or (n.posted_on and n.posted_on < start))
        for n in prior
    )
    return 1, int(ok)


def compliance(ds: Dataset, report: Report) -> Compliance:
    public = [f for f in report.sorted() if is_public(f)]
    by_subject: dict[str, list[Finding]] = defaultdict(list)
    for f in public:
        if f.subject:
            by_subject[f.subject].append(f)
    county = Area("全县")
    areas: dict[str, Area] = {}
    projects = []
    for p in sorted(ds.projects, key=lambda p: (p.township, p.id)):
        area = areas.setdefault(p.township, Area(p.township))
        found = by_subject.get(f"project:{p.id}", [])
        required = required_fields(p)
        filled = sum(1 for k in required if getattr(p, k) not in (None, "", ()))
        due, on_time = _on_time(ds, p)
        for a in (area, county):
            a.projects += 1
            a.compliant += int(not found)
            a.fields_required += len(required)
            a.fields_filled += filled
            a.notices_due += due
            a.notices_on_time += on_time
            a.findings += len(found)
        projects.append({"p": p, "findings": found, "completeness": _rate(filled, len(required))})
    counts: dict[str, int] = defaultdict(int)
    for f in public:
        counts[f.code] += 1
    rules = rule_table()
    by_rule = [dict(r, count=counts.get(r["code"], 0)) for r in rules]
    balance = []
    for year, (funds, paid) in balance_by_year(ds).items():
        rate = balance_rate(funds, paid)
        balance.append(
            {
                "year": year,
                "funds": funds,
                "paid": paid,
                "rate": rate,
                "ok": rate < MAX_BALANCE_RATE,
                "judged": year < ds.as_of.year,
            }
        )
    records = sum(len(getattr(ds, name)) for name in DATASET_FIELD.values())
    flagged = {
        (f.file, f.row)
        for f in report.findings
        if f.row is not None and f.code.startswith(PUBLIC_PREFIXES)
    }
    return Compliance(
        as_of=ds.as_of.isoformat(),
        rules=rules,
        county=county,
        townships=[areas[k] for k in sorted(areas)],
        projects=projects,
        findings=public,
        balance=balance,
        records=records,
        records_with_findings=len(flagged),
        by_rule=by_rule,
        objections=objection_counts(ds),
        objection_cutoff=overdue_cutoff(ds),
    )
