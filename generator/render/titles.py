"""Human titles of records, in one place: what a page, a link to it and its printed notice
are called. Never an id or a file name: ``收益分配 D2018-01`` or ``JL2018 001 before``
tells a villager nothing (issue 18)."""

from __future__ import annotations

from generator.model import Dataset
from generator.records import Case, Distribution


def case_place(c: Case) -> str:
    """Township and unit of a case, the township once: a unit written ``金岭镇扶贫办``
    already names it.

    >>> case_place(Case(id="A", township="金岭镇", unit="金岭镇扶贫办"))
    '金岭镇扶贫办'
    >>> case_place(Case(id="A", township="金岭镇", unit="松洞村"))
    '金岭镇松洞村'
    """
    if c.township and c.unit.startswith(c.township):
        return c.unit
    return c.township + c.unit


def case_title(c: Case) -> str:
    """A case as discipline notices title it: ``××镇××村党支部书记张某某虚报冒领扶贫资金问题``.

    >>> case_title(Case(id="A", township="金岭镇", unit="金岭镇扶贫办", post="工作人员",
    ...                 name="刘某某", problem="审核把关不严"))
    '金岭镇扶贫办工作人员刘某某审核把关不严问题'
    >>> case_title(Case(id="A", township="金岭镇", unit="东山村", post="会计", name="高某某",
    ...                 problem="侵占村级扶贫项目收益问题"))
    '金岭镇东山村会计高某某侵占村级扶贫项目收益问题'
    """
    problem = c.problem
    if problem and not problem.endswith("问题"):
        problem += "问题"
    return f"{case_place(c)}{c.post}{c.name}{problem}" or c.id


def distribution_title(ds: Dataset, d: Distribution) -> str:
    """``2018年南桥村光伏扶贫电站收益分配``: the year and the project whose income it shares;
    the id only when neither is known."""
    p = ds.project(d.project_id) if d.project_id else None
    year = f"{d.year}年" if d.year else ""
    if p is not None:
        return f"{year}{p.name}收益分配"
    if year:
        return f"{year}资产收益分配（编号 {d.id}）"
    return f"资产收益分配（编号 {d.id}）"
