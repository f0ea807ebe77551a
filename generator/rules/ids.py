"""Identity rules that protect the site's pages: two ids that name the same page, an id
too long for a file name, a date no record of these funds can have.

The page of a record is named by ``slugs.slug`` of its id — the function the renderer uses
— so ``A/1``, ``A 1``, ``A?1``, ``A-1`` and ``A\\u200b1`` all land on ``projects/A-1/``; and
``A1`` / ``a1`` are one file on Windows and macOS. Either way one record would silently
lose its page: an error naming both records. An id whose page name is longer than a file
system allows (255 bytes) stops the build before render would crash on it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any

from generator import findings as F
from generator.model import Dataset
from generator.records import columns_of
from generator.rules.registry import at, rule
from generator.slugs import benefit_slug, slug, village_slug

MAX_SLUG_BYTES = 120  # two of them and a suffix make the longest file name (print pages)
FIRST_DATE = date(1949, 10, 1)
FUTURE_YEARS = 10  # default of site.yaml max_future_years

F.declare(
    "R010",
    "error",
    "编号对应同一个页面",
    "{what}“{value}”与 {first} 的“{other}”{why}，会共用一个页面 {page}，其中一条记录将没有页面",
    "网页地址只保留字母、数字、汉字、点和连字符：空格、/、?、表情、零宽字符都变成“-”，"
    "大小写在 Windows、macOS 上也不区分。请把其中一个编号改得明显不同。",
    source="数据质量（每条记录都须有自己的公开页面）",
)
F.declare(
    "R011",
    "fatal",
    "编号太长",
    "{what}“{short}…”太长（网页文件名 {size} 字节，最多 {limit} 字节）",
    "请改用较短的编号，如 JL2018-001；说明文字请写在名称或备注栏。",
    source="文件系统：一个文件名最长 255 字节（每个记录的页面以编号命名）",
)
F.declare(
    "R013",
    "error",
    "编号与列表页同名",
    "{what}“{value}”的页面会是 {page}，那是{section}的列表页：这条记录会把列表页盖掉，"
    "或者没有自己的页面",
    "index 是每个栏目列表页的名字（不分大小写），不能用作编号。请把编号改成如 JL2018-001 的样子。",
    source="数据质量（每条记录都须有自己的公开页面）",
)
F.declare(
    "R012",
    "error",
    "日期不合理",
    "“{title}”为 {value}，{why}",
    "请核对原始凭证上的日期；年份可能打错了（如 2081 应为 2018）。",
    source="数据质量（素材004：数据信息精准率低于95%的约谈）",
)

# (what it is called, the records, their page slug, the column that holds the id)
_PAGED = (
    ("项目编号", "projects", lambda r: slug(r.id), "id"),
    ("资金编号", "funds", lambda r: slug(r.id), "id"),
    ("分配编号", "distributions", lambda r: slug(r.id), "id"),
    ("案件编号", "cases", lambda r: slug(r.id), "id"),
    ("问题编号", "rectifications", lambda r: slug(r.id), "id"),
    ("村", "villages", village_slug, "code"),
)
_FOLDER = {
    "projects": "projects",
    "funds": "funds",
    "distributions": "distributions",
    "cases": "cases",
    "rectifications": "rectifications",
    "villages": "villages",
    "benefits": "benefits",
}


def _fold(name: str) -> str:
    """One file on a case-insensitive, normalising file system (Windows, macOS)."""
    return unicodedata.normalize("NFC", name).casefold()


def _label(record, key: str) -> str:
    if key == "code" and not getattr(record, "code", ""):
        return f"{record.township}{record.name}"
    return str(getattr(record, key))


# A folder's list page: a record whose page name folds to it would take its place.
_LIST_PAGE = "index"
_SECTION = {
    "projects": "项目公示",
    "funds": "资金公告",
    "distributions": "收益分配",
    "cases": "执纪通报",
    "rectifications": "问题整改",
    "villages": "村级公开",
}


@rule("R010", "R011", "R013", tags=("integrity",))
def ids_have_their_own_page(ds: Dataset) -> Iterator[F.Finding]:
    for what, table, name_of, key in _PAGED:
        first: dict[str, tuple[str, object]] = {}
        for record in getattr(ds, table):
            if key == "id" and not record.id:
                continue
            name = name_of(record)
            yield from _too_long(what, record, key, name)
            if _fold(name) == _LIST_PAGE:
                yield F.make(
                    "R013",
                    **at(record, key),
                    what=what,
                    value=_label(record, key),
                    page=f"{_FOLDER[table]}/{name}/",
                    section=_SECTION[table],
                )
                continue
            yield from _collision(what, table, record, key, name, first)
    # benefit pages: one per programme and year
    first = {}
    seen: set[tuple[str, str]] = set()
    for b in ds.benefits:
        pair = (b.program, str(b.year))
        if not b.program or pair in seen:
            continue
        seen.add(pair)
        name = benefit_slug(b.program, b.year or "")
        yield from _too_long("补助项目", b, "program", name)
        yield from _collision("补助项目", "benefits", b, "program", name, first)


def _too_long(what: str, record, key: str, name: str) -> Iterator[F.Finding]:
    size = len(name.encode("utf-8"))
    if size > MAX_SLUG_BYTES:
        value = _label(record, key)
        yield F.make(
            "R011", **at(record, key), what=what, short=value[:20], size=size, limit=MAX_SLUG_BYTES
        )


def _collision(what, table, record, key, name, first) -> Iterator[F.Finding]:
    value = _label(record, key)
    folded = _fold(name)
    if folded not in first:
        first[folded] = (value, record, name)
        return
    other, o, other_name = first[folded]
    if other == value:
        return  # the same id twice: R002 says so
    why = "只差空格、符号或不可见字符" if other_name == name else "只差大小写"
    yield F.make(
        "R010",
        **at(record, key),
        what=what,
        value=value,
        other=other,
        first=f"{o.origin.file} 第{o.origin.row}行",
        why=why,
        page=f"{_FOLDER[table]}/{other_name}/",
    )


_DATED = (
    "projects",
    "funds",
    "disbursements",
    "notices",
    "benefits",
    "distributions",
    "cases",
    "rectifications",
    "objections",
    "assets",
)


@rule("R012", tags=("quality",))
def dates_are_plausible(ds: Dataset) -> Iterator[F.Finding]:
    years = ds.site.max_future_years or FUTURE_YEARS
    try:
        latest = ds.as_of.replace(year=ds.as_of.year + years)
    except ValueError:  # 29 February
        latest = ds.as_of.replace(year=ds.as_of.year + years, day=28)
    for table in _DATED:
        records = getattr(ds, table)
        if not records:
            continue
        kind: Any = type(records[0])  # a record class: hashable, as columns_of's cache needs
        cols = [c for c in columns_of(kind) if c.kind == "date"]
        for record in records:
            for c in cols:
                value = getattr(record, c.key)
                if value is None:
                    continue
                if value < FIRST_DATE:
                    why = f"早于 {FIRST_DATE.isoformat()}，不可能是这批记录的日期"
                elif value > latest:
                    why = (
                        f"比数据截止日期 {ds.as_of.isoformat()} 晚 {years} 年以上"
                        "（可在 site.yaml 的 max_future_years 中调整）"
                    )
                else:
                    continue
                yield F.make(
                    "R012", **at(record, c.key), title=c.title, value=value.isoformat(), why=why
                )
