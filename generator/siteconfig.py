"""``site.yaml``: the portal's own settings, with Chinese keys accepted beside English ones."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from generator import findings as F
from generator.records import Origin

NATIONAL_HOTLINE = "12317"


@dataclass(frozen=True)
class Phone:
    label: str
    number: str


@dataclass(frozen=True)
class Site:
    name: str = "扶贫项目资金公告公示"
    county: str = ""
    office: str = ""
    phones: tuple[Phone, ...] = ()
    address: str = ""
    site_code: str = ""
    icp: str = ""
    base_url: str = ""
    mask_names: bool = True
    origin: Origin = field(default=Origin("", 0), compare=False)

    @property
    def all_phones(self) -> tuple[Phone, ...]:
        """The site's phones, with the national hotline 12317 added when it is missing."""
        if any(p.number.replace("-", "").strip() == NATIONAL_HOTLINE for p in self.phones):
            return self.phones
        return self.phones + (Phone("全国扶贫监督举报电话", NATIONAL_HOTLINE),)


# key → accepted spellings (help text lives in the README's site.yaml section)
KEYS: dict[str, tuple[str, ...]] = {
    "name": ("站点名称", "网站名称", "site_name"),
    "county": ("县区", "县", "county_name"),
    "office": ("主办单位",),
    "phones": ("电话", "联系电话", "监督电话", "监督举报电话"),
    "address": ("地址", "办公地址"),
    "site_code": ("网站标识码",),
    "icp": ("icp备案号", "备案号"),
    "base_url": ("网址", "网站地址", "site_url"),
    "mask_names": ("姓名脱敏", "脱敏"),
}
_LOOKUP = {unicodedata.normalize("NFKC", a).lower(): k for k, v in KEYS.items() for a in (k, *v)}


def _phones(value: Any) -> tuple[tuple[Phone, ...], str | None]:
    if value is None:
        return (), None
    if not isinstance(value, list):
        return (), "phones 应是列表，每项写 label（名称）和 number（号码）"
    out = []
    for item in value:
        if isinstance(item, dict):
            label = item.get("label") or item.get("名称") or item.get("name") or ""
            number = item.get("number") or item.get("号码") or item.get("phone") or ""
            out.append(Phone(str(label).strip(), str(number).strip()))
        elif isinstance(item, str | int):
            out.append(Phone("监督电话", str(item).strip()))
        else:
            return (), "phones 的每一项应写 label（名称）和 number（号码）"
    return tuple(p for p in out if p.number), None


def build_site(raw: dict[str, Any], origin: Origin) -> tuple[Site, list[F.Finding]]:
    """Turn the parsed ``site.yaml`` mapping into a ``Site``, reporting unknown keys."""
    found: list[F.Finding] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        k = _LOOKUP.get(unicodedata.normalize("NFKC", str(key)).strip().lower())
        if k is None:
            found.append(F.make("L005", file=origin.file, column=str(key), header=key,
                                table="site.yaml"))
            continue
        if k == "phones":
            phones, problem = _phones(value)
            if problem:
                found.append(F.make("L008", file=origin.file, column=str(key), reason=problem,
                                    severity="error"))
            values[k] = phones
        elif k == "mask_names":
            values[k] = value not in (False, "false", "否", "no", 0)
        elif value is not None:
            values[k] = str(value).strip()
    return Site(**values, origin=origin), found
