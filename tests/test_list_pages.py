"""The pre-built project lists (``render/lists.py``): which pages the filter scheme writes,
what each holds, and that two names never write one page. The browser side (no-JS clicks,
cards, sums against the downloads) is in ``test_lists.py``."""

from __future__ import annotations

import dataclasses

from conftest import DEMO_DATA

from generator.model import totals
from generator.pipeline import check
from generator.render import lists, urls
from generator.render.views import project_sort_key


def _demo():
    ds = check(DEMO_DATA).dataset
    assert ds is not None
    return ds, sorted(ds.projects, key=project_sort_key)


def test_each_filter_page_holds_exactly_the_projects_it_names_and_its_sum() -> None:
    ds, projects = _demo()
    f = lists.project_filters(ds, projects)
    for g in f.pages():
        want = [
            p
            for p in projects
            if (not g.township or p.township == g.township)
            and (not g.year or p.year == g.year)
            and (not g.category or p.category == g.category)
            and (not g.status or p.status == g.status)
        ]
        assert sorted(p.id for p in g.projects) == sorted(p.id for p in want), g.title
        assert g.count == len(want) and g.amount == totals.projects_funding(ds, want), g.title
    # a category page per category that occurs, a status page per status, each year by amount
    assert [g.category for g in f.categories] == sorted({p.category for p in projects} - {""})
    assert {g.status for g in f.statuses} == {p.status for p in projects} - {""}
    assert [g.year for g in f.by_amount] == [g.year for g in f.years]
    for g in f.by_amount:
        amounts = [totals.project_funding(ds, p.id) for p in g.projects]
        assert amounts == sorted(amounts, reverse=True) and len(set(amounts)) > 1
        assert g.path == urls.projects_year_by_amount(g.year or 0)
    # the count the docs give: townships + their years + years + categories + statuses + years
    pairs = {(p.township, p.year) for p in projects if p.township and p.year}
    towns, years = {t for t, _ in pairs}, {p.year for p in projects if p.year}
    expected = len(towns) + len(pairs) + 2 * len(years) + len(f.categories) + len(f.statuses)
    assert len(f.pages()) == expected == len({g.path for g in f.pages()})


def test_a_townships_pages_link_each_of_its_villages_with_projects_to_its_own_page() -> None:
    ds, projects = _demo()
    f = lists.project_filters(ds, projects)
    for t in f.townships:
        want = [v for v in ds.villages if v.township == t.township and ds.projects_of_village(v)]
        assert {vl.village for vl in t.villages} == set(want)
        for vl in t.villages:
            assert vl.path == urls.village(vl.village)
            assert vl.count == len(ds.projects_of_village(vl.village)) > 0
        assert all(y.villages == t.villages for y in t.years)
    assert all(not g.villages for g in f.years + f.categories + f.statuses + f.by_amount)


def test_two_categories_with_one_file_name_get_two_pages() -> None:
    ds, projects = _demo()
    a, b = projects[0], projects[1]
    renamed = [
        dataclasses.replace(a, category="产业 发展"),
        dataclasses.replace(b, category="产业/发展"),
        *projects[2:],
    ]
    f = lists.project_filters(ds, renamed)
    pages = {g.category: g.path for g in f.categories if g.category in ("产业 发展", "产业/发展")}
    assert pages == {
        "产业 发展": "projects/by/类别/产业-发展.md",
        "产业/发展": "projects/by/类别/产业-发展-2.md",
    }
    assert [p.id for g in f.categories if g.category == "产业/发展" for p in g.projects] == [b.id]
