"""``gongshi audit``: the government-website inspection pre-flight of a built site.

Each check is planted into a copy of the built demo site, with a clean counter-example
next to it (just inside the threshold), and the build runs it: a broken link in a
hand-written page keeps the old site online.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TEST_DATA, build_project, make_project
from test_import import gongshi

from generator.dates import zh_date
from generator.scan.audit import Limits, audit


@pytest.fixture()
def site(demo, tmp_path: Path) -> Path:
    """A copy of the built demo site that a test may spoil."""
    project, result = demo
    assert result.published, result.report.findings
    copy = tmp_path / "site"
    shutil.copytree(project / "site", copy)
    return copy


def updated(site: Path) -> date:
    m = re.search(r'class="gs-updated" datetime="([0-9-]{10})"', (site / "index.html").read_text())
    assert m, "the home page footer prints no update time"
    return date.fromisoformat(m.group(1))


def codes(found) -> list[str]:
    return sorted({f.code for f in found})


def test_the_demo_site_passes_the_audit_on_its_data_date(site: Path) -> None:
    found = audit(site, updated(site))
    assert found == [], [f"{f.code} {f.message}" for f in found]


def test_every_page_prints_its_update_time_in_the_footer(site: Path) -> None:
    day = updated(site)
    shown = f'数据截止日期：<time class="gs-updated" datetime="{day}">{zh_date(day)}</time>'

    for page in ("index.html", "projects/index.html", "about/index.html"):
        assert shown in (site / page).read_text(), page


def test_a_home_page_older_than_two_weeks_fails(site: Path) -> None:
    day = updated(site)
    assert "A002" not in codes(audit(site, day + timedelta(days=14)))
    late = audit(site, day + timedelta(days=15))
    home = [f for f in late if f.code == "A002"]
    assert home and "15 天未更新" in home[0].message, late


def test_a_section_not_updated_for_six_months_fails(site: Path) -> None:
    day = updated(site)
    for page in (site / "cases").rglob("*.html"):
        text = page.read_text().replace(f'datetime="{day}"', 'datetime="2018-01-01"')
        page.write_text(text)
    found = audit(site, day, Limits(section_days=180))
    stale = [f for f in found if f.code == "A003"]
    assert [f.file for f in stale] == ["cases/index.html"], found
    assert "执纪通报" in stale[0].message
    assert not [f for f in audit(site, day, Limits(section_days=500)) if f.code == "A003"]


def test_a_page_without_an_update_time_fails(site: Path) -> None:
    page = site / "about" / "index.html"
    page.write_text(re.sub(r'<time class="gs-updated"[^>]*>[^<]*</time>', "", page.read_text()))
    found = audit(site, updated(site))
    assert [f.file for f in found if f.code == "A004"] == ["about/index.html"], found


def test_an_empty_section_fails(site: Path) -> None:
    page = site / "cases" / "index.html"
    text = page.read_text()
    start, end = text.index("<article"), text.index("</article>")
    article = text[start:end]
    title = re.search(r"<h1.*?</h1>", article, re.S)
    assert title
    opening = article[: article.index(">") + 1]
    page.write_text(text[:start] + opening + title.group(0) + text[end:])
    found = [f for f in audit(site, updated(site)) if f.code == "A001"]
    assert [f.file for f in found] == ["cases/index.html"], found
    assert "执纪通报" in found[0].message


def test_a_missing_download_or_page_is_a_broken_link(site: Path) -> None:
    (site / "downloads" / "projects.csv").unlink()
    shutil.rmtree(
        site / "villages" / next(p.name for p in (site / "villages").iterdir() if p.is_dir())
    )
    found = [f for f in audit(site, updated(site)) if f.code == "A005"]
    urls = {f.message.split("链接的 ")[1].split(" ")[0] for f in found}
    assert "downloads/projects.csv" in urls, found
    assert any(u.startswith("villages/") for u in urls), urls
    assert all(f.file.endswith(".html") for f in found)


def test_an_outside_or_phone_link_is_not_followed(site: Path) -> None:
    page = site / "about" / "index.html"
    extra = '<a href="tel:12317">12317</a><a href="#top">上</a><a href="https://www.gov.cn/">国</a>'
    page.write_text(page.read_text().replace("</article>", extra + "</article>"))
    assert [f for f in audit(site, updated(site)) if f.code == "A005"] == []


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("ICP备案号", "ICP备案号"),
        ("网站标识码", "网站标识码"),
        ("主办单位", "主办单位"),
    ],
)
def test_a_footer_without_an_identifier_fails(site: Path, line: str, label: str) -> None:
    page = site / "index.html"
    page.write_text(re.sub(rf"<li>{line}.*?</li>", "", page.read_text(), flags=re.S))
    found = [f for f in audit(site, updated(site)) if f.code == "A006"]
    assert found and label in found[0].message, found


def test_a_page_over_the_size_budget_fails(site: Path) -> None:
    noise = base64.b64encode(random.Random(7).randbytes(200_000)).decode()  # incompressible
    page = site / "about" / "index.html"
    page.write_text(page.read_text().replace("</article>", f"<p>{noise}</p></article>"))
    found = [f for f in audit(site, updated(site)) if f.code == "A007"]
    assert [f.file for f in found] == ["about/index.html"], found
    kb = int(re.search(r"约 (\d+) KB", found[0].message).group(1))
    assert kb > 150
    assert not [f for f in audit(site, updated(site), Limits(page_kb=kb + 1)) if f.code == "A007"]


def test_a_search_index_over_two_megabytes_fails(site: Path) -> None:
    index = site / "search" / "search_index.json"
    assert not [f for f in audit(site, updated(site)) if f.code == "A008"]
    index.write_bytes(os.urandom(2_200_000))
    assert [f.code for f in audit(site, updated(site)) if f.code == "A008"] == ["A008"]


def test_a_search_entry_that_grew_with_the_records_is_named(site: Path) -> None:
    """A list of every problem of a county was one 60 KB search entry (Zensical stops at
    32 KB); jieba's zero-width spaces between words do not count."""
    index = site / "search" / "search_index.json"
    data = json.loads(index.read_text("utf-8"))
    assert data["docs"] and not [f for f in audit(site, updated(site)) if f.code == "A009"]
    words = "\u200b".join(["村级光伏电站未按期完工"] * 900)  # 29,700 bytes without the spaces
    data["docs"].append({"location": "townships/%E9%87%91/#_3", "title": "问题整改", "text": words})
    index.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert not [f for f in audit(site, updated(site)) if f.code == "A009"]
    data["docs"][-1]["text"] = words + "\u200b" + "扶贫项目" * 400  # 34,500 bytes
    index.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    found = [f for f in audit(site, updated(site)) if f.code == "A009"]
    assert [(f.file, f.severity) for f in found] == [("townships/金/index.html", "warning")]
    assert "townships/金/#_3" in found[0].message and "问题整改" in found[0].message
    assert "约 34 KB" in found[0].message


def test_the_command_reports_in_chinese_and_exits_one(site: Path) -> None:
    day = updated(site)
    ok = gongshi(site.parent, "audit", str(site), "--today", str(day))
    assert ok.returncode == 0, ok.stderr
    assert "没有发现问题" in ok.stderr
    late = gongshi(site.parent, "audit", str(site), "--today", str(day + timedelta(days=30)))
    assert late.returncode == 1
    assert "首页长期未更新" in late.stderr and "30 天未更新" in late.stderr
    bad = gongshi(site.parent, "audit", str(site), "--today", "明天")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_a_build_with_a_broken_link_keeps_the_old_site(tmp_path: Path) -> None:
    project = make_project(tmp_path / "county", TEST_DATA / "tiny")
    first = build_project(project)
    assert first.published, first.scan_findings
    # the tiny county's footer lacks 公安机关备案号 and 党政机关网站标识: said, still published
    missing = [f for f in first.audit_findings if f.code == "A006"]
    assert missing and missing[0].severity == "warning", first.audit_findings
    assert "A006" not in {f.code for f in first.checked.report.findings}
    before = (project / "site" / "index.html").read_bytes()
    guide = project / "content" / "about.md"
    # raw HTML: MkDocs' own link validation reads only Markdown links
    link = '<a href="guide/办事指南.pdf">办事指南</a>'
    guide.write_text(guide.read_text("utf-8") + f"\n\n{link}\n", "utf-8")
    second = build_project(project)
    assert not second.published
    broken = [f for f in second.scan_findings if f.code == "A005"]
    assert broken and "guide/办事指南.pdf" in broken[0].message, second.scan_findings
    assert (project / "site" / "index.html").read_bytes() == before
