"""Every figure checkable (issue 15, scope 4): each figure a page prints names the
download rows it sums, the build recomputes them all from the CSVs it publishes with an
independent implementation (``generator/scan/figures.py``), and ``gongshi verify SITE``
does the same for anyone. Plus ``--strict`` and "one cause, one finding"."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import rules_county as rc
from conftest import DEMO_DATA, TEST_DATA, build_project, make_project

from generator.memo import Memo
from generator.pipeline import check
from generator.scan.figures import figures_of, verify

GONGSHI = [sys.executable, "-m", "generator"]
FIG = re.compile(r'(<span class="gs-fig"[^>]*>)([^<]*)(</span>)')


def gongshi(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*GONGSHI, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_build_recomputes_every_figure_of_the_contract_county(contract) -> None:
    project, result = contract
    assert result.published
    assert not [f for f in result.checked.report.findings if f.code == "S010"]
    assert result.figures_checked > 300  # 387 when this was written
    checked, wrong = verify(project / "site")
    assert (checked, wrong) == (result.figures_checked, [])
    # the pages people check carry their figures: home, a village, a project, a fund
    site = project / "site"
    for page in ("index.html", "villages/371522107203/index.html", "funds/index.html"):
        assert figures_of((site / page).read_text("utf-8"), page), page


def test_the_build_recomputes_every_figure_of_the_demo(demo) -> None:
    project, result = demo
    assert result.published
    assert result.figures_checked > 900  # 966 when this was written
    assert verify(project / "site") == (result.figures_checked, [])


def test_a_village_page_says_what_its_total_includes(contract) -> None:
    project, _ = contract
    html = (project / "site/villages/371522107203/index.html").read_text("utf-8")  # 刘庄村
    text = re.sub(r"<[^>]+>", "", html)
    assert "与张寨村、苏村共建" in text  # the project's line in the village's list
    assert "不计入本村合计" in text
    planned = re.sub(
        r"<[^>]+>", "", (project / "site/villages/371522001201/index.html").read_text("utf-8")
    )
    assert "计划：" in planned  # SX2020006 is 公示中: planned, not built


def _copy_site(contract, tmp_path: Path) -> Path:
    project, _ = contract
    site = tmp_path / "site"
    shutil.copytree(project / "site", site)
    return site


def test_verify_names_the_page_and_figure_that_was_altered(contract, tmp_path: Path) -> None:
    site = _copy_site(contract, tmp_path)
    page = site / "villages/371522107203/index.html"
    html = page.read_text("utf-8")
    spans = [m for m in FIG.finditer(html) if "金额(元)" in m.group(1)]
    m = spans[0]
    shown = m.group(2)
    altered = f"{int(shown.replace(',', '').split('.')[0]) + 1:,}.{shown.split('.')[1]}"
    page.write_text(html[: m.start(2)] + altered + html[m.end(2) :], "utf-8")

    out = gongshi("verify", str(site), cwd=tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    report = out.stdout + out.stderr
    assert "S010" in report and "网站上的数字与下载数据不符" in report
    assert "villages/371522107203/index.html" in report
    assert f"“{altered}”" in report and "相差 1" in report
    assert "1 个与下载数据不符" in report


def test_verify_fails_when_a_download_row_was_changed(contract, tmp_path: Path) -> None:
    site = _copy_site(contract, tmp_path)
    path = site / "downloads/project_funding.csv"
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    head, first = rows[0], rows[1]
    col = head.index("金额(元)")
    pid = first[head.index("项目编号")]
    first[col] = str(int(first[col].split(".")[0]) + 100) + ".00"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text("\ufeff" + buf.getvalue(), "utf-8")

    checked, wrong = verify(site)
    pages = {f.file for f in wrong}
    assert f"projects/{pid}/index.html" in pages
    assert "index.html" in pages  # the county total on the home page
    assert all(f.code == "S010" for f in wrong), wrong
    project_page = [f.message for f in wrong if f.file == f"projects/{pid}/index.html"]
    # the project's 资金规模 (in 基本情况 and in 资金安排与拨付) and 合计 (sums), and its line
    # in 资金来源 (one row's value)
    assert sum("相差 -100.00" in m for m in project_page) == 3, project_page
    assert sum("中的一行" in m and "对应的行是" in m for m in project_page) == 1, project_page
    assert gongshi("verify", str(site), cwd=tmp_path).returncode == 1


def _rewrite_csv(path: Path, column: str, change) -> None:
    """Change ``column`` of the first row of a download."""
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    head, first = rows[0], rows[1]
    first[head.index(column)] = change(first[head.index(column)])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text("\ufeff" + buf.getvalue(), "utf-8")


def test_a_figure_is_computed_again_whenever_a_column_it_reads_changed(
    contract, tmp_path: Path
) -> None:
    """Each figure's value is kept between builds by the columns it reads (issue 20): a
    build after an amount changed finds exactly what a check without memory finds, and a
    change to a column no figure reads (a project's name) reuses every value."""
    site = _copy_site(contract, tmp_path)
    kept = tmp_path / "pages.memo"
    values_kept: list[int] = []  # values in the memo after each check

    def remembered() -> tuple[list, int]:
        memo = Memo(kept, "")
        found = verify(site, memo)[1]
        memo.save()
        values_kept.append(sum(1 for key in memo.entries() if key[0] == "value"))
        return [(f.file, f.row, f.message) for f in found], memo.hits

    assert remembered() == ([], 0)
    assert values_kept[0] > 50
    nothing_changed = remembered()
    assert nothing_changed[0] == [] and nothing_changed[1] > values_kept[0]

    _rewrite_csv(site / "downloads/projects.csv", "项目名称", lambda v: v + "（更正）")
    assert remembered() == nothing_changed  # every value and every page's figures reused

    _rewrite_csv(
        site / "downloads/project_funding.csv", "金额(元)", lambda v: f"{float(v) + 100:.2f}"
    )
    wrong, hits = remembered()
    fresh = [(f.file, f.row, f.message) for f in verify(site)[1]]
    assert wrong == fresh and wrong  # the same findings as with nothing remembered
    assert any(page == "index.html" for page, _, _ in wrong)  # the county total
    assert hits < nothing_changed[1]  # the figures that read that column: computed again


def test_verify_refuses_a_folder_without_figures(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>1,234.00</p>", "utf-8")
    out = gongshi("verify", str(tmp_path), cwd=tmp_path)
    assert out.returncode == 1
    assert "没有找到标明来源的数字" in out.stdout + out.stderr


def test_a_figure_the_downloads_cannot_give_stops_the_build(tmp_path: Path) -> None:
    """A county template that prints a wrong total: the build names page and figure and
    keeps the published site as it was; --strict refuses warnings before MkDocs runs."""
    project = make_project(tmp_path / "p", TEST_DATA / "tiny")
    first = build_project(project, jobs=1)
    assert first.published and first.figures_checked > 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}

    strict = build_project(project, strict=True, jobs=1)
    assert not strict.published and strict.exit_code == 1
    assert strict.checked.report.count("warning") and strict.rendered is None

    county = project / "site_templates/county"
    county.mkdir(parents=True)
    home = (project / "site_templates/pages/home.md.j2").read_text("utf-8")
    wrong = 'fig(stats.funding + 1, "project_funding.amount")'
    assert 'fig(stats.funding, "project_funding.amount")' in home
    (county / "home.md.j2").write_text(
        home.replace('fig(stats.funding, "project_funding.amount")', wrong), "utf-8"
    )
    bad = build_project(project, jobs=1)
    assert not bad.published and bad.exit_code == 1
    found = [f for f in bad.checked.report.findings if f.code == "S010"]
    assert [f.file for f in found] == ["index.html"], found
    assert "1,442,345.68" in found[0].message and "相差 0.01" in found[0].message
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before


def test_check_strict_fails_on_the_demo_warnings(tmp_path: Path) -> None:
    plain = gongshi("check", "--data", str(DEMO_DATA), cwd=tmp_path)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "提醒" in plain.stdout + plain.stderr
    strict = gongshi("check", "--strict", "--data", str(DEMO_DATA), cwd=tmp_path)
    assert strict.returncode == 1


def test_the_ci_templates_document_strict_and_verify() -> None:
    from conftest import REPO

    for path in (REPO / ".github/workflows/gongshi.yml", REPO / ".gitlab-ci.yml"):
        text = path.read_text("utf-8")
        assert "--strict" in text and "gongshi verify" in text, path


def test_an_unreadable_amount_is_one_finding_not_also_its_sums(tmp_path: Path) -> None:
    """The allocation of JL2018-001 cannot be read: the V-finding names the cell; M001
    (funding ≠ allocations) and M003 (paid more than allocated) would only repeat it."""
    tables = rc.clean()
    rc.cell(tables, "allocations", 2, "金额", "三十万")
    report = check(rc.write(tmp_path, tables)).report
    codes = {f.code for f in report.findings}
    assert not {c for c in codes if c.startswith("M")}, report.to_json()
    bad = [f for f in report.findings if f.file == "data/allocations.csv" and f.row == 2]
    assert bad and bad[0].code.startswith("V"), report.to_json()
    # fixed to a wrong but readable amount, the money rules speak again
    tables = rc.clean()
    rc.cell(tables, "allocations", 2, "金额", "290000")
    codes = {f.code for f in check(rc.write(tmp_path / "again", tables)).report.findings}
    assert {"M001", "M003"} <= codes


def test_the_checker_is_independent_of_the_aggregation_layer() -> None:
    import ast

    import generator.scan.figures as checker

    tree = ast.parse(Path(checker.__file__).read_text("utf-8"))
    imported = {
        n.module if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    }
    ours = {m for m in imported if m and m.startswith("generator")}
    assert ours == {"generator"}, ours  # only ``from generator import findings``
    assert "float" not in Path(checker.__file__).read_text("utf-8")


def _site(tmp_path: Path, body: str) -> Path:
    (tmp_path / "downloads").mkdir(parents=True)
    (tmp_path / "downloads/projects.csv").write_text(
        "\ufeff项目编号,乡镇,实施地点,受益户数\r\n"
        "P1,甲镇,东村,10\r\nP2,甲镇,东村；西村,5\r\nP3,乙镇,东村,7\r\nP4,乙镇,,1\r\n",
        "utf-8",
    )
    (tmp_path / "downloads/project_funding.csv").write_text(
        "\ufeff项目编号,资金来源,金额(元)\r\n"
        "P1,中央财政,100.50\r\nP1,自筹,0.50\r\nP2,中央财政,20000\r\nP3,县级财政,7\r\n",
        "utf-8",
    )
    (tmp_path / "index.html").write_text(body, "utf-8")
    return tmp_path


def _span(attrs: str, text: str) -> str:
    return f'<p>x <span class="gs-fig" {attrs}>{text}</span></p>\n'


def _fig(kind: str, source: str, text: str, where: dict | None = None, unit: str = "个") -> str:
    attrs = f"data-{kind}='downloads/{source}'"
    if where is not None:
        attrs += f" data-where='{json.dumps(where, ensure_ascii=False)}'"
    return _span(f'{attrs} data-unit="{unit}"', text)


def test_the_where_grammar(tmp_path: Path) -> None:
    money = "project_funding.csv:金额(元)"
    own = {"实施地点": {"within": ["东村"]}, "乡镇": "甲镇"}
    shared_west = {"实施地点": {"has": ["西村"], "not": {"within": ["西村"]}}}
    of_town = {"in": "downloads/projects.csv", "column": "项目编号", "where": {"乡镇": "甲镇"}}
    figs = [
        ("count", "projects.csv", "4", None, "个"),
        ("count", "projects.csv", "3", {"实施地点": {"has": ["东村"]}}, "个"),
        ("count", "projects.csv", "1", own, "个"),
        ("count", "projects.csv", "3", {"$not": own}, "个"),
        ("count", "projects.csv", "3", {"$or": [{"乡镇": "乙镇"}, shared_west]}, "个"),
        ("sum", money, "20,101.00", {"项目编号": of_town}, "元"),
        ("sum", money, "2.01", None, "万元"),
        ("sum", "projects.csv:受益户数", "23", None, "个"),
        ("cell", money, "0.50", {"项目编号": "P1"}, "元"),
    ]
    body = "".join(_fig(*f) for f in figs)
    assert verify(_site(tmp_path, body)) == (len(figs), [])
    # each figure, changed, is found, and only that one
    for i, (kind, source, text, where, unit) in enumerate(figs):
        wrong = text[:-1] + str((int(text[-1]) + 1) % 10)
        changed = [*figs[:i], (kind, source, wrong, where, unit), *figs[i + 1 :]]
        checked, found = verify(_site(tmp_path / str(i), "".join(_fig(*f) for f in changed)))
        assert checked == len(figs) and len(found) == 1, (i, found)
        assert f"“{wrong}”" in found[0].message and found[0].file == "index.html"


def test_a_recipe_that_names_a_missing_column_is_a_finding(tmp_path: Path) -> None:
    body = _span("data-sum='downloads/projects.csv:金额(元)' data-unit=\"元\"", "1.00")
    body += _span("data-count='downloads/nothing.csv' data-unit=\"个\"", "0")
    checked, found = verify(_site(tmp_path, body))
    assert checked == 2 and len(found) == 2
    assert "没有“金额(元)”列" in found[0].message and "找不到下载文件" in found[1].message


def test_figures_are_found_wherever_a_recipe_is_written() -> None:
    """Only elements with a recipe go to the parser, but any element, nested markup in it
    and any attribute order; the line is the page's."""
    page = (
        "<html>\n<p>a</p>\n"
        '<td><span class="gs-fig" data-count=\'downloads/x.csv\' data-unit="个">4</span></td>\n'
        "<div data-unit=\"元\" data-sum='downloads/x.csv:a'><b>1</b>.00</div> "
        "<em data-cell='downloads/x.csv:a'>9</em>"
    )
    found = [(f.line, f.text, f.sum or f.count or f.cell) for f in figures_of(page, "p")]
    assert found == [
        (3, "4", "downloads/x.csv"),
        (4, "1.00", "downloads/x.csv:a"),
        (4, "9", "downloads/x.csv:a"),
    ]


def test_a_difference_is_recomputed_from_both_sums(tmp_path: Path) -> None:
    """结余 = 下达 − 已拨付: ``data-minus`` names the sum taken away (charts, fund pages)."""
    money = "data-sum='downloads/project_funding.csv:金额(元)'"
    minus = (
        "data-minus='downloads/project_funding.csv:金额(元)' "
        'data-minus-where=\'{"资金来源": "中央财政"}\' data-unit="元"'
    )
    body = _span(f"{money} {minus}", "7.50") + _span(f"{money} {minus}", "-0.00")
    checked, found = verify(_site(tmp_path, body))
    assert checked == 2 and len(found) == 1  # 20,108.00 − 20,100.50; the second is wrong
    assert "按下载数据应为 7.50" in found[0].message and "减去" in found[0].message
