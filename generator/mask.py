"""Masking of private persons' names: the one place where a household head becomes 张某某."""

from __future__ import annotations

COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "闻人", "澹台", "公冶", "太史",
    "端木", "申屠", "南宫", "西门", "百里", "呼延", "万俟", "独孤", "完颜", "拓跋",
    "赫连", "第五",
))


def surname(name: str) -> str:
    """The family name, knowing the common two-character ones.

    >>> surname("张三"), surname("欧阳明"), surname("")
    ('张', '欧阳', '')
    """
    name = name.strip()
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def mask_name(name: str) -> str:
    """Show a private person only by surname: ``张三 → 张某某``, ``欧阳明 → 欧阳某某``.

    Names already masked (``张某某``, ``张*``) stay as they are.

    >>> mask_name("张三"), mask_name("王小明"), mask_name("李某某"), mask_name("")
    ('张某某', '王某某', '李某某', '')
    """
    name = name.strip()
    if not name:
        return ""
    if "某" in name or "*" in name:
        return name
    return surname(name) + "某某"
