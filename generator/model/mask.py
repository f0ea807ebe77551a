"""Masking of private persons' names: the one place where a household head becomes 张某某.

The policy comes from ``site.yaml``: ``mask_names`` (household heads, default on),
``mask_style`` (``张某某``, ``张*`` or ``张*三``) and ``case_names`` (whether discipline
notices name the person in full; default off, so case subjects are masked too).

Without a ``mask_style`` the styles follow what each list is for (docs/design.md, 姓名脱敏):
household heads of a benefit list show as ``张*三`` (``HOUSEHOLD_DEFAULT``), so a household
can find its own row among five 张某某 of one village while an outsider still learns only
the surname and one character; case subjects and names found in free text show as
``张某某`` (``OTHER_DEFAULT``), the form discipline notices are published in. A county that
writes ``mask_style`` gets that one style everywhere, as before.
"""

from __future__ import annotations

COMPOUND_SURNAMES = frozenset(
    (
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "闻人",
        "澹台",
        "公冶",
        "太史",
        "端木",
        "申屠",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "万俟",
        "独孤",
        "完颜",
        "拓跋",
        "赫连",
        "第五",
    )
)


def surname(name: str) -> str:
    """The family name, knowing the common two-character ones.

    >>> surname("张三"), surname("欧阳明"), surname("")
    ('张', '欧阳', '')
    """
    name = name.strip()
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


STYLES = ("张某某", "张*", "张*三")
HOUSEHOLD_DEFAULT = "张*三"  # benefit lists, when site.yaml names no mask_style
OTHER_DEFAULT = "张某某"  # case subjects and names in free text, likewise


def styles(mask_style: str = "") -> tuple[str, str]:
    """The (household heads', everyone else's) style for site.yaml's ``mask_style``
    (``""``: not set).

    >>> styles(""), styles("张某某"), styles("张*")
    (('张*三', '张某某'), ('张某某', '张某某'), ('张*', '张*'))
    """
    if mask_style:
        return mask_style, mask_style
    return HOUSEHOLD_DEFAULT, OTHER_DEFAULT


def mask_name(name: str, style: str = "张某某") -> str:
    """Show a private person only by surname (``style`` is one of ``STYLES``).

    ``张某某``: ``张三 → 张某某``, ``欧阳明 → 欧阳某某``; ``张*``: ``王小明 → 王*``;
    ``张*三``: ``王小明 → 王*明``, but ``张三 → 张*`` (a two-character name would show whole).
    Names already masked (``张某某``, ``张*``) stay as they are.

    >>> mask_name("张三"), mask_name("王小明"), mask_name("李某某"), mask_name("")
    ('张某某', '王某某', '李某某', '')
    >>> mask_name("王小明", "张*"), mask_name("王小明", "张*三"), mask_name("张三", "张*三")
    ('王*', '王*明', '张*')
    >>> mask_name("欧阳明华", "张*三"), mask_name("欧阳明", "张*三")
    ('欧阳*华', '欧阳*')
    """
    name = name.strip()
    if not name:
        return ""
    if "某" in name or "*" in name:
        return name
    family = surname(name)
    given = name[len(family) :]
    if style == "张*":
        return family + "*"
    if style == "张*三":
        if len(given) < 2:
            return family + "*"
        return family + "*" * (len(given) - 1) + given[-1]
    return family + "某某"


# table → column holding a private person's name
PERSON_COLUMNS = {"benefits": "household_head", "cases": "name"}


def mask_row(
    table: str,
    values: dict,
    mask_names: bool = True,
    style: str = "",
    case_names: bool = False,
) -> dict:
    """Mask the private person's name of one row in place, by the site's policy (``style``:
    site.yaml's ``mask_style``, ``""`` for the defaults of ``styles``).

    >>> mask_row("cases", {"name": "张三"}), mask_row("cases", {"name": "张三"}, case_names=True)
    ({'name': '张某某'}, {'name': '张三'})
    >>> mask_row("benefits", {"household_head": "王小明"})
    {'household_head': '王*明'}
    >>> mask_row("benefits", {"household_head": "王小明"}, style="张某某")
    {'household_head': '王某某'}
    >>> mask_row("benefits", {"household_head": "王小明"}, mask_names=False)
    {'household_head': '王小明'}
    """
    key = PERSON_COLUMNS.get(table)
    if not key or not values.get(key):
        return values
    masked = case_names is False if table == "cases" else mask_names
    household, other = styles(style)
    if masked:
        values[key] = mask_name(values[key], household if table == "benefits" else other)
    return values
