"""An objection's published answer (调查结果和处理意见) is itself a disclosure (issue 17): the
demo's feeds carry it, linking to the 异议及处理 section of the notice's page, and the
printable notice it concerns has a short 异议及处理 block. Who raised it never appears:
the loader drops those columns, and neither the feed nor the print page has such a field.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import DEMO_DATA, make_project

from generator.pipeline import check
from generator.render import render

ATOM = "{http://www.w3.org/2005/Atom}"
# data/objections.csv: the complainant columns hold these (fictitious) details
COMPLAINANT = ("刘桂芝", "13953912468", "陈德明", "0539-5627731", "赵明远", "15865390217")
FIELDS = ("反映人", "异议人", "投诉人", "身份证号", "家庭住址")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    checked = check(DEMO_DATA)
    assert checked.dataset is not None, checked.report.to_json()
    # the complainant columns are in the data the county keeps …
    raw = (DEMO_DATA / "objections.csv").read_text("utf-8-sig")
    assert all(x in raw for x in COMPLAINANT)
    project = make_project(tmp_path_factory.mktemp("objections"))
    render(checked.dataset, project)
    return project / "content"


def _entries(feed: Path) -> dict[str, ET.Element]:
    root = ET.parse(feed).getroot()
    return {e.findtext(f"{ATOM}id", ""): e for e in root.iter(f"{ATOM}entry")}


def test_the_feed_carries_each_answer_and_links_to_the_objections(rendered: Path) -> None:
    entries = _entries(rendered / "feeds" / "notices.xml")
    answers = {k: e for k, e in entries.items() if ":objection:" in k}
    # the five answered objections of 2018; YY2019-01/02 are not answered yet
    assert sorted(k.rsplit(":", 1)[1] for k in answers) == [
        "YY2018-01",
        "YY2018-02",
        "YY2018-03",
        "YY2018-04",
        "YY2018-05",
    ]
    e = next(e for k, e in answers.items() if k.endswith(":YY2018-01"))
    assert e.findtext(f"{ATOM}title", "").startswith("异议答复：")
    summary = e.findtext(f"{ATOM}summary", "")
    assert "公示编号 GS2018-010" in summary
    assert "2018年3月16日答复：调查结论：不属实；经镇村入户核查" in summary
    link = e.find(f"{ATOM}link")
    assert link is not None and link.get("href", "").endswith("projects/JL2018-039/#objections")
    assert e.findtext(f"{ATOM}updated", "").startswith("2018-03-16")
    # the township feed of the project has it too
    towns = [p for p in (rendered / "feeds").rglob("*.xml") if p.name != "notices.xml"]
    assert any(any(k.endswith(":objection:YY2018-01") for k in _entries(p)) for p in towns), towns


def test_the_page_the_feed_links_to_has_the_anchor(rendered: Path) -> None:
    page = (rendered / "projects" / "JL2018-039.md").read_text("utf-8")
    assert "### 异议及处理 { #objections }" in page


def test_the_print_notice_shows_the_objections_and_their_answers(rendered: Path) -> None:
    text = (rendered / "print" / "projects" / "JL2018-039-before.md").read_text("utf-8")
    block = text.split("## 异议及处理", 1)[1].split("## 监督举报", 1)[0]
    assert "对危房改造户名单提出异议，要求将本户列入" in block
    assert "调查结论：**不属实**" in block and "已当面解释答复" in block
    # not answered yet: the print notice says where it stands
    pending = (rendered / "print" / "projects" / "JL2019-004-before.md").read_text("utf-8")
    assert "反映养殖大棚距离住户较近" in pending.split("## 异议及处理", 1)[1]
    # a notice without objections has no such block
    assert "异议及处理" not in (rendered / "print" / "projects" / "JL2018-001-before.md").read_text(
        "utf-8"
    )


def test_no_complainant_detail_in_feeds_or_print_pages(rendered: Path) -> None:
    files = [*(rendered / "feeds").rglob("*.xml"), *(rendered / "print").rglob("*.md")]
    assert len(files) > 10
    for path in files:
        text = path.read_text("utf-8")
        for value in (*COMPLAINANT, *FIELDS):
            assert value not in text, (path, value)
