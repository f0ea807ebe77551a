"""Atom feeds of new and changed notices: one for the county, one per township.

Why Atom with the standard library: the format is small and fixed (RFC 4287), and writing
it with ``xml.etree`` keeps the output byte-stable. Every date comes from the data (a
notice's start date, or the git date of its last change), never from the clock; an entry's
id and link depend only on the record's id, so a feed reader never shows a notice twice.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from generator.dates import zh_date
from generator.model import Dataset, benefit_key, parse_subject
from generator.model.history import History
from generator.render import downloads, urls

ATOM = "http://www.w3.org/2005/Atom"
_XML = "http://www.w3.org/XML/1998/namespace"
LIMIT = 200  # newest entries per feed; older notices stay on the site and in the downloads
FOLDER = "feeds"
COUNTY_FEED = "notices.xml"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str  # site path such as ``projects/JL2018-001/``
    published: date | None
    updated: date
    summary: str
    townships: tuple[str, ...]


def _stamp(d: date) -> str:
    """RFC 3339 at midnight China time: the data holds dates, not times."""
    return f"{d.isoformat()}T00:00:00+08:00"


def entry_id(site_code: str, kind: str, key: str) -> str:
    """A stable id built from the record's id only.

    >>> entry_id("3713240001", "notice", "GS2018-001")
    'urn:gongshi:3713240001:notice:GS2018-001'
    """
    scope = f"{quote(site_code, safe='')}:" if site_code else ""
    return f"urn:gongshi:{scope}{kind}:{quote(key, safe='-._~')}"


def subject_path(ds: Dataset, subject: str) -> str:
    """The site path of a notice's subject (directory URLs). A plan has no page of its own:
    its notice leads to the page of its year's plans."""
    parsed = parse_subject(subject)
    if parsed is None:
        return "notices/"
    kind, key = parsed
    if kind == "benefit":
        return urls.site_path(urls.benefit(*benefit_key(key)))
    if kind == "plan":
        plan = ds.plan(key)
        return urls.site_path(urls.plan_year(plan.year)) if plan and plan.year else "plans/"
    return urls.site_path(urls.record(kind, key))


def _subject_title(ds: Dataset, subject: str) -> str:
    parsed = parse_subject(subject)
    if parsed is None:
        return subject
    kind, key = parsed
    if kind == "project" and (p := ds.project(key)):
        return p.name
    if kind == "fund" and (f := ds.fund(key)):
        return f.document_no or key
    if kind == "benefit":
        program, year = benefit_key(key)
        return f"{year}年{program}"
    if kind == "plan" and (plan := ds.plan(key)):
        return f"{plan.year}年{plan.kind}" + (f"（{plan.document_no}）" if plan.document_no else "")
    return key


# The id of the 异议及处理 heading (``_objections.md.j2``): an answer's entry links to it.
OBJECTIONS_ANCHOR = "objections"
# Record pages that list their notices' objections (the plan pages do not: a plan
# notice's objections are on the notice list, which lists every objection).
_OBJECTION_PAGES = ("project", "fund", "distribution", "benefit")


def objection_path(ds: Dataset, subject: str) -> str:
    """Where the answer to an objection against a notice of ``subject`` is published: the
    异议及处理 section of the subject's page, else of the notice list."""
    parsed = parse_subject(subject)
    page = subject_path(ds, subject) if parsed and parsed[0] in _OBJECTION_PAGES else "notices/"
    return f"{page}#{OBJECTIONS_ANCHOR}"


def objection_entries(ds: Dataset) -> list[Entry]:
    """Each answered objection (调查结果和处理意见, which must be made public): an entry
    dated by its answer. Only the public model's fields: who raised it is never read."""
    out = []
    for o in ds.objections:
        n = ds.notice(o.notice)
        if o.replied_on is None or n is None:
            continue  # unanswered: the notice's page shows where it stands
        title = _subject_title(ds, n.subject)
        what = "咨询" if o.kind == "咨询" else "异议"  # a 咨询 is answered, not investigated
        answer = "；".join(
            x for x in (f"调查结论：{o.finding}" if o.finding else "", o.action) if x
        )
        summary = [
            f"{n.kind}：{title}（公示编号 {n.id}）",
            f"{zh_date(o.received_on)}受理的{what}：{o.summary}" if o.summary else "",
            f"{zh_date(o.replied_on)}答复：{answer or '已答复'}",
        ]
        towns = downloads.notice_township(ds, n.subject) or ([o.township] if o.township else [])
        out.append(
            Entry(
                entry_id(ds.site.site_code, "objection", o.id),
                f"{what}答复：{title}",
                objection_path(ds, n.subject),
                o.replied_on,
                o.replied_on,
                "\n".join(x for x in summary if x),
                tuple(towns),
            )
        )
    return out


def entries(ds: Dataset, hist: History) -> list[Entry]:
    """Current notices (dated by start or last change), withdrawn ones (dated by their
    withdrawal) and the answers to objections (dated by the answer), newest first."""
    out = []
    site_code = ds.site.site_code
    for n in ds.notices:
        changes = [c for c in hist.of("notices", n.id) if c.day and c.action == "修改"]
        parsed = parse_subject(n.subject)
        if parsed and parsed[0] in ("project", "fund"):
            table = "projects" if parsed[0] == "project" else "funds"
            changes += [c for c in hist.of(table, parsed[1]) if c.day and c.action == "修改"]
        days = [d for d in (n.posted_on, *(c.day for c in changes)) if d]
        if not days:
            continue
        until = f" 至 {zh_date(n.until)}" if n.until else ""
        summary = [
            f"{n.kind}：{_subject_title(ds, n.subject)}",
            f"公示期：{zh_date(n.posted_on)}{until}",
        ]
        if n.places:
            summary.append("公示地点：" + "、".join(n.places))
        if n.objections:
            summary.append(f"异议及处理情况：{n.objections}")
        latest = max(changes, key=lambda c: c.day or date.min, default=None)
        if latest and latest.day and latest.day >= (n.posted_on or date.min):
            summary.append(f"{zh_date(latest.day)} 有变更：" + "、".join(latest.fields))
        out.append(
            Entry(
                entry_id(site_code, "notice", n.id),
                f"{n.kind}：{_subject_title(ds, n.subject)}",
                subject_path(ds, n.subject),
                n.posted_on,
                max(days),
                "\n".join(summary),
                tuple(downloads.notice_township(ds, n.subject)),
            )
        )
    for r in hist.removed_in("notices"):
        if r.removed_on is None:
            continue
        kind = r.values.get("公示类型", "")
        out.append(
            Entry(
                entry_id(site_code, "notice", r.key),
                f"已撤回：{kind} {r.key}",
                "notices/",
                None,
                r.removed_on,
                f"公示 {r.key} 已于 {zh_date(r.removed_on)} 撤回。",
                (),
            )
        )
    out += objection_entries(ds)
    return sorted(out, key=lambda e: (e.updated, e.id), reverse=True)


def atom(ds: Dataset, items: list[Entry], feed_name: str, title: str, self_path: str) -> str:
    """One Atom document. Links are absolute when ``site.yaml`` gives ``base_url``, else
    relative to the feed's own address (``feeds/…``)."""
    base = ds.site.base_url.rstrip("/") + "/" if ds.site.base_url else ""
    depth = self_path.count("/")

    def url(path: str) -> str:
        return base + path if base else "../" * depth + path

    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {f"{{{_XML}}}lang": "zh-CN"})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = entry_id(ds.site.site_code, "feed", feed_name)
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    items = items[:LIMIT]
    newest = (
        items[0].updated if items else date.fromisoformat(downloads.data_date(ds) or "2000-01-01")
    )
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = ds.site.office or ds.site.name
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {
            "rel": "self",
            "type": "application/atom+xml",
            "href": url(self_path) if base else self_path.rsplit("/", 1)[-1],
        },
    )
    ET.SubElement(
        feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": url("notices/")}
    )
    for e in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = e.id
        ET.SubElement(entry, f"{{{ATOM}}}title").text = e.title
        ET.SubElement(
            entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": url(e.link)}
        )
        if e.published:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(e.published)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(e.updated)
        ET.SubElement(entry, f"{{{ATOM}}}summary", {"type": "text"}).text = e.summary
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "unicode") + "\n"


def write_feeds(ds: Dataset, hist: History, write: downloads.Write) -> dict[str, str]:
    """Write the county feed and one per township; returns ``{township or "": path}``."""
    items = entries(ds, hist)
    paths = {"": f"{FOLDER}/{COUNTY_FEED}"}
    write(paths[""], atom(ds, items, "notices", f"{ds.site.name}：最新公示", paths[""]))
    for town in ds.townships:
        path = urls.feed_township(town)
        paths[town] = path
        mine = [e for e in items if town in e.townships]
        write(path, atom(ds, mine, f"township:{town}", f"{town}：最新公示", path))
    return paths
