"""Atom feeds of notices: well-formed Atom read with ``xml.etree``, one per township, and
entry ids and links that depend only on record ids."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pandas as pd
from conftest import TEST_DATA

from generator.model import Dataset
from generator.model.history import History
from generator.pipeline import check
from generator.render.feeds import atom, entries

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def _check_atom(root: ET.Element) -> list[ET.Element]:
    """RFC 4287's required structure; returns the entries."""
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{tag}")) == 1, tag
    assert RFC3339.match(root.findtext(f"{A}updated"))
    assert root.find(f"{A}author/{A}name").text
    assert root.find(f"{A}link[@rel='self']") is not None
    items = root.findall(f"{A}entry")
    for e in items:
        for tag in ("id", "title", "updated"):
            assert len(e.findall(f"{A}{tag}")) == 1 and e.findtext(f"{A}{tag}"), tag
        assert RFC3339.match(e.findtext(f"{A}updated"))
        assert e.find(f"{A}link[@rel='alternate']").get("href")
    ids = [e.findtext(f"{A}id") for e in items]
    assert len(ids) == len(set(ids))
    stamps = [e.findtext(f"{A}updated") for e in items]
    assert stamps == sorted(stamps, reverse=True)
    if items:
        assert root.findtext(f"{A}updated") == stamps[0]
    return items


def test_county_feed_lists_every_notice_with_absolute_links(demo) -> None:
    site = demo[0] / "site"
    root = ET.parse(site / "feeds" / "notices.xml").getroot()
    items = _check_atom(root)
    notices = pd.read_csv(site / "downloads" / "notices.csv", dtype=str, encoding="utf-8-sig")
    # every notice, and every answered objection (its answer is a disclosure of its own)
    objections = pd.read_csv(site / "downloads" / "objections.csv", dtype=str, encoding="utf-8-sig")
    answered = objections[objections["答复日期"].notna()]
    assert len(answered) == 5
    assert len(items) == len(notices) + len(answered)
    answers = [e for e in items if ":objection:" in e.findtext(f"{A}id")]
    assert sorted(e.findtext(f"{A}id").rsplit(":", 1)[1] for e in answers) == sorted(
        answered["异议编号"]
    )
    newest = items[0]
    assert newest.findtext(f"{A}updated").startswith(max(notices["公示开始日期"]))
    for e in items:
        href = e.find(f"{A}link").get("href")
        assert href.startswith("https://fupin.lanling.gov.cn/")
        path, _, anchor = href.removeprefix("https://fupin.lanling.gov.cn/").partition("#")
        local = site / path / "index.html"
        assert local.is_file(), href  # every entry leads to a page that exists
        if anchor:  # … and to a section of it that exists
            assert f'id="{anchor}"' in local.read_text("utf-8"), href


def test_township_feeds_hold_only_their_townships_projects(demo) -> None:
    site = demo[0] / "site"
    projects = pd.read_csv(
        site / "downloads" / "projects.csv", dtype=str, encoding="utf-8-sig"
    ).set_index("项目编号")["乡镇"]
    feeds = sorted((site / "feeds" / "townships").glob("*.xml"))
    assert {f.stem for f in feeds} == {"金岭镇", "长城镇"}
    seen = 0
    for feed in feeds:
        items = _check_atom(ET.parse(feed).getroot())
        assert items
        for e in items:
            m = re.search(r"/projects/([^/]+)/$", e.find(f"{A}link").get("href"))
            if m:
                assert projects[m.group(1)] == feed.stem
                seen += 1
    assert seen


def _tiny() -> Dataset:
    ds = check(TEST_DATA / "tiny").dataset
    assert ds is not None
    return ds


def test_feed_ids_and_links_depend_only_on_record_ids() -> None:
    ds = _tiny()
    before = {e.id: e.link for e in entries(ds, History())}
    # Same ids, everything else different: names, kinds, dates, order.
    renamed = [
        dataclasses.replace(p, name=p.name + "（调整）", township="红旗镇")
        for p in reversed(ds.projects)
    ]
    notices = [
        dataclasses.replace(
            n, kind="事后公告", posted_on=date(2021, 1, 2), objections="有异议，已处理"
        )
        for n in reversed(ds.notices)
    ]
    other = Dataset(
        site=ds.site,
        villages=ds.villages,
        projects=renamed,
        funding=ds.funding,
        funds=ds.funds,
        allocations=ds.allocations,
        notices=notices,
    )
    after = {e.id: e.link for e in entries(other, History())}
    assert after == before
    assert set(before) == {f"urn:gongshi:9900000001:notice:{n.id}" for n in ds.notices}
    assert before["urn:gongshi:9900000001:notice:TY-GS-001"] == "projects/TY2020-001/"
    assert before["urn:gongshi:9900000001:notice:TY-GS-004"] == "funds/TYF2020-01/"
    # and the feed written for the changed data parses and carries the new dates
    root = ET.fromstring(
        atom(other, entries(other, History()), "notices", "最新公示", "feeds/notices.xml").encode(
            "utf-8"
        )
    )
    assert {e.findtext(f"{A}updated") for e in _check_atom(root)} == {"2021-01-02T00:00:00+08:00"}


def test_feed_without_base_url_links_relative_to_itself(tmp_path: Path) -> None:
    ds = _tiny()
    assert not ds.site.base_url
    root = ET.fromstring(
        atom(ds, entries(ds, History()), "notices", "最新公示", "feeds/notices.xml").encode("utf-8")
    )
    hrefs = [e.find(f"{A}link").get("href") for e in _check_atom(root)]
    assert hrefs and all(h.startswith("../") and "//" not in h for h in hrefs)
