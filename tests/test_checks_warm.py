"""The checks after MkDocs on a warm build (issue 20): a page the page cache copied is known
by the hash of its bytes, so the scan, the figure check and the audit take its results from
their memos without reading it. Nothing is trusted past a change: a kept page that is
touched in any way after the copy is read and checked again, so a value slipped into it is
still found."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from test_privacy import MOBILE

from generator import findings as F
from generator.memo import Digests, Memo, digest
from generator.scan import ScanRules, SiteScan, audit, figures

CLEAN = "<!doctype html><html><body><article><p>项目已完工</p></article></body></html>"


def _site(tmp_path: Path) -> tuple[Path, Path]:
    site = tmp_path / "site"
    page = site / "projects" / "A" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(CLEAN, "utf-8")
    return site, page


def test_a_known_page_is_taken_from_the_memo_without_being_read(tmp_path: Path) -> None:
    """The memo's result for the recorded hash is what the scan reports: proof that the
    page was not scanned again (the page itself is clean; the memo says otherwise)."""
    site, page = _site(tmp_path)
    rel = "projects/A/index.html"
    planted = F.make("S001", file=rel, row=1, column=1, kind="手机号", masked="139****0000")
    memo = Memo(None, "")
    memo.put(("scan", rel, "h" * 40), [planted])
    digests = Digests()
    digests.record(page, rel, "h" * 40)
    found = SiteScan(site, ScanRules(), memo, digests).findings()
    assert [f.message for f in found] == [planted.message]


def test_a_known_page_changed_after_the_copy_is_read_and_scanned_again(tmp_path: Path) -> None:
    site, page = _site(tmp_path)
    rel = "projects/A/index.html"
    memo = Memo(None, "")
    memo.put(("scan", rel, digest(page.read_bytes())), [])  # clean, as copied
    digests = Digests()
    digests.record(page, rel, digest(page.read_bytes()))
    page.write_text(CLEAN.replace("项目已完工", f"联系人 {MOBILE}"), "utf-8")
    found = SiteScan(site, ScanRules(), memo, digests).findings()
    assert [f.code for f in found] == ["S001"]
    assert MOBILE not in found[0].message  # shown masked


def test_a_known_hash_is_dropped_when_size_time_or_inode_move(tmp_path: Path) -> None:
    _, page = _site(tmp_path)
    digests = Digests()
    digests.record(page, "p", "x" * 40)
    assert digests.of(page, "p") == "x" * 40
    page.write_text(CLEAN, "utf-8")  # the same bytes, written again: a new time
    assert digests.of(page, "p") is None
    assert digests.of(page, "other") is None
    page.unlink()
    assert digests.of(page, "p") is None


def test_the_figure_check_and_the_audit_use_the_known_hash(tmp_path: Path) -> None:
    """Both find their memo's entry under the recorded hash; once the page changes they
    read what it says now."""
    site, page = _site(tmp_path)
    rel = "projects/A/index.html"
    digests = Digests()
    digests.record(page, rel, "k" * 40)
    memo = Memo(None, "")
    fig = figures.Figure(rel, 1, "1", "", "downloads/x.csv", "", "", "个")
    memo.put(("figures", rel, "k" * 40), [fig])
    checked, wrong = figures.verify(site, memo, digests)
    assert checked == 1 and [f.code for f in wrong] == ["S010"]  # x.csv is not there
    page.write_text(CLEAN, "utf-8")
    assert figures.verify(site, memo, digests)[0] == 0  # the page holds no figure
    page.write_text(CLEAN.replace("<p>", '<p><a href="../B/">B</a>'), "utf-8")
    digests.record(page, rel, "a" * 40)
    memo.put(("audit", rel, "a" * 40), ())  # () in the memo: a redirect page, not audited
    assert not [
        f
        for f in audit.audit(site, date(2026, 12, 1), memo=memo, digests=digests)
        if f.code == "A005"
    ]
    page.write_text(CLEAN.replace("<p>", '<p><a href="../B/">B</a> '), "utf-8")
    broken = [
        f
        for f in audit.audit(site, date(2026, 12, 1), memo=memo, digests=digests)
        if f.code == "A005"
    ]
    assert [f.file for f in broken] == [rel]


def test_a_long_texts_hits_are_kept_masked_and_found_again(tmp_path: Path) -> None:
    """The search index is written anew by every build; its long texts' hits are kept in
    the scan memo by the text's hash, so a second build finds the same leak without
    searching again, and ``.gongshi/`` never holds the number itself."""
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    text = "项目建设内容。" * 400 + f"联系人 {MOBILE}"
    index = {"docs": [{"location": "projects/A/", "title": "A", "text": text}]}
    (site / "search" / "search_index.json").write_text(json.dumps(index, ensure_ascii=False))
    kept = tmp_path / "scan.memo"
    for _ in range(2):
        memo = Memo(kept, "rules")
        found = SiteScan(site, ScanRules(), memo).findings()
        assert [f.code for f in found] == ["S001"], found
        assert MOBILE not in found[0].message
        memo.save()
        (site / "search" / "search_index.json").write_text(  # rewritten: the same texts
            json.dumps({**index, "config": {}}, ensure_ascii=False)
        )
    assert memo.hits >= 1  # the second pass took the text's hits from the memo
    assert MOBILE.encode() not in kept.read_bytes()


def test_the_scan_after_mkdocs_shares_the_files_with_a_second_process(
    tmp_path: Path, monkeypatch
) -> None:
    """What is left to scan when MkDocs is done goes to two processes; the findings are
    the ones one process finds, and the child's memo entries are kept for the next build
    (a memo holding only the parent's half would make the next build scan half again)."""
    from generator import cores

    assert cores.can_fork(), "this machine has a second core (CI does)"
    site = tmp_path / "site"
    for i in range(60):
        page = site / "projects" / f"P{i:02d}" / "index.html"
        page.parent.mkdir(parents=True)
        said = f"联系人 {MOBILE}" if i in (5, 55) else "项目已完工"
        page.write_text(CLEAN.replace("项目已完工", said), "utf-8")
    kept = tmp_path / "scan.memo"
    memo = Memo(kept, "rules")
    shared = SiteScan(site, ScanRules(), memo).findings()
    memo.save()
    assert sorted(f.file for f in shared) == ["projects/P05/index.html", "projects/P55/index.html"]
    again = Memo(kept, "rules")
    assert all(
        again.get(("scan", rel, digest(b))) is not None
        for rel, b in (
            (p.relative_to(site).as_posix(), p.read_bytes()) for p in site.rglob("*.html")
        )
    )
    monkeypatch.setattr(cores, "can_fork", lambda: False)
    alone = SiteScan(site, ScanRules()).findings()
    assert [f.message for f in alone] == [f.message for f in shared]


def test_a_workbooks_unchanged_sheets_are_not_read_again(tmp_path: Path) -> None:
    """county.xlsx changes with every record edit, but in one sheet: the others' findings
    come from the scan memo by the sheet's XML (masked, as every kept hit), and the
    findings are those of a scan without memo, in the same order."""
    from generator.render import xlsx

    def book(name: str) -> bytes:
        projects = xlsx.Sheet("项目", ["项目名称"], [[name]], ["text"], [20])
        benefits = xlsx.Sheet(
            "补助",
            ["姓名", "电话"],
            [[f"户{i}", MOBILE if i == 7 else ""] for i in range(300)],
            ["text", "text"],
            [10, 14],
        )
        return xlsx.workbook([projects, benefits])

    site = tmp_path / "site"
    (site / "downloads").mkdir(parents=True)
    path = site / "downloads" / "county.xlsx"
    kept = tmp_path / "scan.memo"
    runs = []
    for name in ("村道硬化", "村道硬化（更正）"):
        path.write_bytes(book(name))
        memo = Memo(kept, "rules")
        found = SiteScan(site, ScanRules(), memo).findings()
        memo.save()
        runs.append((found, memo.hits))
        fresh = SiteScan(site, ScanRules()).findings()
        assert [(f.file, f.row, f.column, f.message) for f in found] == [
            (f.file, f.row, f.column, f.message) for f in fresh
        ]
    (first, hits_before), (second, hits_after) = runs
    assert [f.column for f in second] == ["工作表 补助!B9"] and second[0].code == "S001"
    assert second[0].file == "downloads/county.xlsx"
    assert hits_after > hits_before  # the 补助 sheet's findings came from the memo
    assert MOBILE.encode() not in kept.read_bytes()
