"""Bad input that used to lose a page or print a traceback is a finding naming the record:
ids that share a page (``A/1``, ``A 1``, ``A?1``, ``A-1``, zero-width, emoji, case), an id
too long for a file name, dates no record can have, a broken or absurdly nested site.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TEST_DATA

from generator.pipeline import check

HEADER = "id,year,name,category,township,villages,status\n"


def data_with(tmp_path: Path, ids: list[str] = (), site_extra: str = "", funds=None) -> Path:
    data = tmp_path / "data"
    shutil.copytree(TEST_DATA / "tiny", data, ignore=shutil.ignore_patterns("expected.json"))
    if ids:
        rows = "".join(
            f'"{i}",2020,项目{n},基础设施,青山镇,青山村,拟建\n' for n, i in enumerate(ids)
        )
        (data / "projects" / "extra.csv").write_text(HEADER + rows, "utf-8")
    if site_extra:
        site = data / "site.yaml"
        site.write_text(site.read_text("utf-8") + site_extra + "\n", "utf-8")
    if funds:
        text = (data / "funds.yaml").read_text("utf-8")
        (data / "funds.yaml").write_text(text.replace("2020-02-20", funds), "utf-8")
    return data


def codes(checked, code: str):
    return [f for f in checked.report.findings if f.code == code]


def test_ids_that_differ_only_by_symbols_or_invisible_characters_share_a_page(tmp_path):
    ids = ["A-1", "A/1", "A 1", "A?1", "A\u200b1", "A😀1"]
    found = codes(check(data_with(tmp_path, ids)), "R010")
    assert [(f.file, f.row) for f in found] == [("data/projects/extra.csv", n) for n in range(3, 8)]
    for f in found:
        assert "data/projects/extra.csv 第2行 的“A-1”" in f.message, f.message
        assert "projects/A-1/" in f.message
        assert f.severity == "error"


def test_ids_that_differ_only_by_case_collide_on_windows_and_macos(tmp_path):
    (found,) = codes(check(data_with(tmp_path, ["JL2020-A1", "jl2020-a1"])), "R010")
    assert "只差大小写" in found.message and "“JL2020-A1”" in found.message
    assert (found.file, found.row) == ("data/projects/extra.csv", 3)


def test_an_id_named_like_the_list_page_would_replace_it(tmp_path):
    """``projects/index.md`` is the list of every project: a project ``INDEX`` would be
    written over it (``index.md`` on a case-insensitive disk), silently."""
    (found,) = codes(check(data_with(tmp_path, ["INDEX", "A-1"])), "R013")
    assert (found.file, found.row, found.severity) == ("data/projects/extra.csv", 2, "error")
    assert "“INDEX”" in found.message and "项目公示的列表页" in found.message
    assert "projects/INDEX/" in found.message


def test_distinct_ids_have_no_collision(tmp_path):
    assert codes(check(data_with(tmp_path, ["A-1", "A-2", "A-10"])), "R010") == []


def test_an_id_too_long_for_a_file_name_stops_before_render(tmp_path):
    checked = check(data_with(tmp_path, ["项" * 100]))
    (found,) = codes(checked, "R011")
    assert found.severity == "fatal" and "300 字节" in found.message
    assert checked.report.fatal


@pytest.mark.parametrize(
    ("day", "code"),
    [("9999-12-31", "V"), ("1900-01-01", "R012"), ("2099-01-01", "R012"), ("0001-01-01", "V")],
)
def test_absurd_dates_are_findings_not_tracebacks(tmp_path, day, code):
    checked = check(data_with(tmp_path, site_extra="data_date: 2024-06-30", funds=day))
    hit = [f for f in checked.report.findings if f.file.endswith("funds.yaml") and day in f.message]
    assert hit and hit[0].code.startswith(code), [f.message for f in checked.report.findings]


def test_max_future_years_is_a_setting(tmp_path):
    extra = "data_date: 2024-06-30\nmax_future_years: 100"
    assert codes(check(data_with(tmp_path, site_extra=extra, funds="2099-01-01")), "R012") == []


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("data_date: 2019-02-30", "日期不存在"),
        ("data_date: 明天", "无法识别"),
        ("icp: {a: {b: 1}}", "嵌套"),
        ("links: " + "[" * 2000 + "]" * 2000, "嵌套超过 32 层"),
        ("max_future_years: -3", "1 到 100"),
    ],
)
def test_bad_site_yaml_is_a_finding(tmp_path, extra, says):
    checked = check(data_with(tmp_path, site_extra=extra))
    found = [f for f in checked.report.findings if f.code == "L008"]
    assert found and says in found[0].message, [f.message for f in checked.report.findings]
    assert found[0].file.endswith("site.yaml")
