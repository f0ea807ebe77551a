"""The money trail, totalled at every step (issue 19, scope 2): fund → allocations (合计,
未安排) → projects (安排 合计, 已拨付 ÷ 安排) → disbursements (合计, last date), in one table
per fund and per project. Expected values come from ``contract_county/expected.json``
(worked out by hand from ``funds.xlsx``), never from the generator; every figure of those
tables carries a recipe that ``gongshi verify`` recomputes, rates and differences too."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEST_DATA
from test_site import Page, number, yuan, zh

from generator.model import totals
from generator.pipeline import check
from generator.render.figures import Where, fig_diff, fig_rate
from generator.scan.figures import verify

TRAIL = json.loads((TEST_DATA / "contract_county" / "expected.json").read_text("utf-8"))[
    "money_trail"
]


def fen(text: str) -> int:
    return int(Decimal(text) * 100)


@pytest.fixture(scope="module")
def ds():
    return check(TEST_DATA / "contract_county").dataset


def test_fund_trails_equal_the_hand_sums(ds) -> None:
    for fid, e in TRAIL["funds"].items():
        t = totals.fund_trail(ds, fid)
        assert t.amount == fen(e["amount"]), fid
        assert t.allocated == fen(e["allocated"]), fid
        assert t.unallocated == fen(e["unallocated"]), fid
        assert t.disbursed == fen(e["disbursed"]), fid
        assert t.last_paid == date.fromisoformat(e["last_paid"]), fid
        # the lines add up to the totals, each project once
        assert sum(r.allocated for r in t.rows) == t.allocated
        assert sum(r.disbursed for r in t.rows) == t.disbursed
        assert len({r.key for r in t.rows}) == len(t.rows)


def test_project_trails_equal_the_hand_sums(ds) -> None:
    assert set(TRAIL["projects"]) == {p.id for p in ds.projects}
    for pid, e in TRAIL["projects"].items():
        t = totals.project_trail(ds, pid)
        assert (t.allocated, t.disbursed) == (fen(e["allocated"]), fen(e["disbursed"])), pid
        assert t.rate == e["rate"], pid
        assert t.last_paid == (date.fromisoformat(e["last_paid"]) if e["last_paid"] else None)


def test_rates_round_half_up_and_have_no_base_without_allocation() -> None:
    assert totals.percent_text(1, 8) == "12.5%"
    assert totals.percent_text(1, 2000) == "0.1%"  # 0.05% rounds up
    assert totals.percent_text(2, 3) == "66.7%"
    assert totals.percent_text(0, 0) == "—"
    assert fig_rate(0, 0, "disbursements.amount", None, "allocations.amount", None) == "—"


# --- the built pages ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(contract) -> Path:
    project, result = contract
    assert result.published
    return project / "site"


def test_each_fund_page_shows_its_trail_in_one_table(site) -> None:
    for fid, e in TRAIL["funds"].items():
        page = Page.of(site, f"funds/{fid}")
        table = page.table_with("安排金额", "已拨付", "拨付率", "最后拨付")
        rows = {r[0]: r for r in table.rows}
        total = rows["安排合计"]
        assert number(total[1]) == Decimal(e["allocated"]), fid
        assert number(total[2]) == Decimal(e["disbursed"]), fid
        assert total[4] == zh(date.fromisoformat(e["last_paid"])), fid
        assert rows["下达金额"][1] == yuan(e["amount"])
        assert rows["未安排到项目"][1] == yuan(e["unallocated"])
        rate = Decimal(e["disbursed"]) / Decimal(e["allocated"]) * 100
        assert total[3] == f"{rate.quantize(Decimal('0.1'))}%"
        # and the disbursements list ends with its 合计 and last date
        paid = page.table_with("拨付日期", "凭证号")
        last = paid.rows[-1]
        # one 合计 cell over two columns: 合计 N 笔，最后拨付 ……
        assert last[0].startswith("合计") and number(last[2]) == Decimal(e["disbursed"])
        assert zh(date.fromisoformat(e["last_paid"])) in last[0] + last[1]


def test_each_project_page_shows_allocated_paid_and_rate(site) -> None:
    for pid, e in TRAIL["projects"].items():
        page = Page.of(site, f"projects/{pid}")
        tables = page.tables_with("安排金额", "已拨付", "拨付率")
        if e["allocated"] == "0.00" and e["disbursed"] == "0.00":
            assert tables == [], pid  # nothing arranged, nothing paid: no empty table
            continue
        total = {r[0]: r for r in tables[0].rows}["合计"]
        assert number(total[1]) == Decimal(e["allocated"]), pid
        assert number(total[2]) == Decimal(e["disbursed"]), pid
        assert total[3] == e["rate"], pid
        if e["last_paid"]:
            assert total[4] == zh(date.fromisoformat(e["last_paid"]))
    # SX2020006 was arranged 223,500.00 and paid nothing yet
    page = Page.of(site, "projects/SX2020006")
    assert "尚未拨付。" in page.text
    assert page.row("已安排、未拨付")[1] == yuan("223500.00")


def test_the_build_verified_the_rates_and_differences(contract, site) -> None:
    _, result = contract
    html = (site / "funds/F2020-01/index.html").read_text("utf-8")
    assert 'data-unit="%"' in html and "data-per=" in html and "data-minus=" in html
    checked, wrong = verify(site)
    assert wrong == [] and checked == result.figures_checked


# --- the recipe: differences and rates, recomputed from the CSVs --------------------------


def _site(tmp_path: Path, body: str) -> Path:
    (tmp_path / "downloads").mkdir(parents=True)
    (tmp_path / "downloads/allocations.csv").write_text(
        "\ufeff资金编号,项目编号,金额(元)\r\nF1,P1,300.00\r\nF1,P2,100.00\r\n", "utf-8"
    )
    (tmp_path / "downloads/disbursements.csv").write_text(
        "\ufeff项目编号,资金编号,拨付日期,金额(元),凭证号\r\n"
        "P1,F1,2020-01-02,100.00,a\r\nP1,F1,2020-03-02,50.00,b\r\nP2,F1,2020-04-01,100.00,c\r\n",
        "utf-8",
    )
    (tmp_path / "downloads/funds.csv").write_text(
        "\ufeff资金编号,文号,金额(元)\r\nF1,x,1000.00\r\n", "utf-8"
    )
    (tmp_path / "index.html").write_text(body, "utf-8")
    return tmp_path


def test_verify_recomputes_differences_and_rates(tmp_path: Path) -> None:
    w = Where()
    p1 = w.fund_project("F1", "P1")
    p1a = w.fund_project("F1", "P1", "allocations")
    figs = [
        # 未安排 = 1,000.00 − 400.00; P1's 已拨付 ÷ 安排 = 150 ÷ 300; the fund's 250 ÷ 400
        fig_diff(60000, "funds.amount", w.fund("F1"), "allocations.amount", None),
        fig_rate(15000, 30000, "disbursements.amount", p1, "allocations.amount", p1a),
        fig_rate(25000, 40000, "disbursements.amount", None, "allocations.amount", None),
        fig_diff(15000, "allocations.amount", p1a, "disbursements.amount", p1),
    ]
    shown = ["600.00", "50.0%", "62.5%", "150.00"]
    assert [str(f).rsplit(">", 2)[-2].split("<")[0] for f in figs] == shown
    body = "".join(f"<p>{f}</p>\n" for f in figs)
    assert verify(_site(tmp_path / "ok", body)) == (4, [])
    # each figure, changed, is found, and only that one
    for i, text in enumerate(shown):
        digit = text.rstrip("%")[-1]
        wrong = text.rstrip("%")[:-1] + str((int(digit) + 1) % 10) + text[len(text.rstrip("%")) :]
        changed = body.replace(f">{text}<", f">{wrong}<")
        checked, found = verify(_site(tmp_path / str(i), changed))
        assert checked == 4 and len(found) == 1, (i, found)
        assert f"“{wrong}”" in found[0].message
    # and a changed download row changes what the rates must be
    site = _site(tmp_path / "row", body)
    csv = site / "downloads/disbursements.csv"
    csv.write_text(csv.read_text("utf-8").replace("50.00,b", "51.00,b"), "utf-8")
    _, found = verify(site)
    assert len(found) == 3  # P1's rate, the fund's rate, P1's 未拨付
    assert any("除以" in f.message for f in found) and any("减去" in f.message for f in found)


def test_a_rate_with_no_base_in_the_downloads_is_a_finding(tmp_path: Path) -> None:
    body = (
        "<span class=\"gs-fig\" data-sum='downloads/disbursements.csv:金额(元)' "
        "data-per='downloads/allocations.csv:金额(元)' "
        'data-per-where=\'{"项目编号": "P9"}\' data-unit="%">10.0%</span>'
    )
    checked, found = verify(_site(tmp_path, body))
    assert checked == 1 and len(found) == 1 and "分母不能为 0" in found[0].message
