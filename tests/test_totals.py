"""The aggregation layer (``generator/model/totals.py``): every total the site prints, from
one module. A project in several villages is counted once in any sum over villages; the
village page shows it with its full amount and ``（与××村共建）``; wording follows status.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rules_county as rc
from conftest import DEMO_DATA, TEST_DATA

from generator.model import totals
from generator.pipeline import check
from generator.render.views import home_stats, village_view

FIXTURES = sorted(
    [DEMO_DATA, *(p.parent for p in TEST_DATA.rglob("site.yaml"))], key=lambda p: str(p)
)


def _dataset(data: Path):
    checked = check(data)
    if checked.dataset is None:
        pytest.skip(f"{data} is unusable input (tested elsewhere)")
    return checked.dataset


@pytest.mark.parametrize("data", FIXTURES, ids=lambda p: p.relative_to(DEMO_DATA.parent).as_posix())
def test_village_totals_never_exceed_the_county_total(data: Path) -> None:
    ds = _dataset(data)
    county = totals.county_funding(ds)
    villages = sum(village_view(ds, v)["totals"]["own"] for v in ds.villages)
    assert villages <= county, (villages, county)
    # and the township totals, each project once, add up to the county's filed projects
    towns = sum(totals.township_funding(ds, t) for t in ds.townships)
    assert towns == sum(totals.project_funding(ds, p.id) for p in ds.projects if p.township)


def test_the_demo_no_longer_counts_shared_projects_in_each_village() -> None:
    """Issue 15, case 5: the village totals of the demo added up to 32,036,582.70 元
    against a county total of 19,397,982.70 元 (23,297,782.70 元 since issue 19 added six
    planned 长城镇 projects for the 风险提示 demo)."""
    ds = _dataset(DEMO_DATA)
    assert totals.county_funding(ds) == 2_329_778_270
    own = sum(totals.village_own_funding(ds, v) for v in ds.villages)
    assert own < 2_329_778_270
    # every project in a village is the village's own or shared, never lost
    for v in ds.villages:
        view = village_view(ds, v)
        assert len(view["own_projects"]) + len(view["shared_projects"]) == len(view["projects"])
        assert view["totals"]["own"] + view["totals"]["shared"] == sum(
            totals.project_funding(ds, p.id) for p in view["projects"]
        )
    # a project named in six villages is shared on each, with the other five named
    p = ds.project("JL2018-036")
    for v in ds.project_villages(p):
        view = village_view(ds, v)
        assert p in view["shared_projects"]
        assert len(view["shared_with"][p.id]) == 5 and v.name not in view["shared_with"][p.id]


def test_a_project_named_by_code_and_by_name_is_one_village() -> None:
    ds = _dataset(TEST_DATA / "contract_county")
    p = ds.project("SX2019002")  # 张寨村、371522107203、苏村
    vil = ds.village("371522107203")  # 刘庄村
    assert not totals.is_own(ds, p, vil)
    assert totals.partners(ds, p, vil) == ["张寨村", "苏村"]
    only = ds.project("SX2020001")  # named by code alone
    assert totals.is_own(ds, only, ds.village("371522107204"))


def test_wording_follows_status(tmp_path: Path) -> None:
    ds = check(rc.write(tmp_path, rc.clean())).dataset
    east = ds.village("371324002201")  # 东村: BZ2019-001 is 公示中
    view = village_view(ds, east)
    assert [p.id for p in view["planned"]] == ["BZ2019-001"] and view["built"] == []
    big = ds.village("371324001201")  # 大洼村: JL2018-001 已验收
    assert [p.id for p in village_view(ds, big)["built"]] == ["JL2018-001"]


def test_home_figures_come_from_the_totals(tmp_path: Path) -> None:
    ds = check(rc.write(tmp_path, rc.clean())).dataset
    stats = home_stats(ds)
    assert stats["funding"] == 62_000_000  # 320,000 + 200,000 + 100,000 元
    assert stats["funds"] == 60_000_000
    assert stats["disbursed"] == 49_500_000
    assert stats["by_year"][2018] == {"projects": 2, "funding": 52_000_000, "households": 50}
    assert totals.balance_by_year(ds) == {2018: (50_000_000, 49_500_000), 2019: (10_000_000, 0)}


def test_unread_amounts_are_named_not_summed_silently() -> None:
    from types import SimpleNamespace as R

    rows = [R(amount=100), R(amount=None)]
    assert totals.sum_of(rows) == 100
    assert totals.unread(rows) == [rows[1]]


# --- the charts' figures (pages issue) -------------------------------------------------------


@pytest.mark.parametrize("data", FIXTURES, ids=lambda p: p.relative_to(DEMO_DATA.parent).as_posix())
def test_each_way_of_grouping_the_funding_adds_up_to_the_county(data: Path) -> None:
    """By source, year, township, category or two of them: every row of project_funding
    once (rows of no known project only in the by-source groups)."""
    ds = _dataset(data)
    county = totals.county_funding(ds)
    of_projects = sum(f.amount or 0 for f in ds.funding if ds.project(f.project_id))
    assert sum(totals.funding_by(ds, "source").values()) == county
    for keys in (("year",), ("township",), ("category",), ("category", "source")):
        assert sum(totals.funding_by(ds, *keys).values()) == of_projects, keys
    by_year = totals.by_year(ds)  # the home page's table: years of projects, funded or not
    of_year = {k[0]: v for k, v in totals.funding_by(ds, "year").items()}
    assert {y: v["funding"] for y, v in by_year.items()} == {y: of_year.get(y, 0) for y in by_year}
    assert set(of_year) <= set(by_year)
    for (town,), amount in totals.funding_by(ds, "township").items():
        assert amount == totals.township_funding(ds, town)


@pytest.mark.parametrize("data", FIXTURES, ids=lambda p: p.relative_to(DEMO_DATA.parent).as_posix())
def test_a_villages_years_add_up_to_its_own_and_shared_totals(data: Path) -> None:
    ds = _dataset(data)
    for v in ds.villages:
        years = totals.village_by_year(ds, v)
        assert sum(y["own"] for y in years.values()) == totals.village_own_funding(ds, v)
        assert sum(y["shared"] for y in years.values()) == totals.village_shared_funding(ds, v)
        assert sum(y["benefits"] for y in years.values()) == totals.sum_of(
            ds.benefits_of_village(v)
        )
        assert list(years) == sorted(years, reverse=True)


def test_a_funds_balance_is_issued_minus_disbursed() -> None:
    ds = _dataset(DEMO_DATA)
    for f in ds.funds:
        assert totals.fund_balance(ds, f.id) == (f.amount or 0) - sum(
            d.amount or 0 for d in ds.disbursements if d.fund_id == f.id
        )
    with pytest.raises(ValueError):
        totals.funding_by(ds, "village")
