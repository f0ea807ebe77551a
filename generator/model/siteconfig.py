"""``site.yaml``: the portal's own settings, with Chinese keys accepted beside English ones."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import findings as F
from generator.dates import parse_date
from generator.model import catalogue as cat
from generator.model.flagconfig import DEFAULT as DEFAULT_FLAGS
from generator.model.flagconfig import FlagSettings, build_flags
from generator.records import NOTICE_KINDS, Origin

# 我为政府网站找错 (the State Council's platform; a site is named by its 网站标识码)
CORRECTION_PLATFORM = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code="
POLICE_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch?code="  # 公安机关备案查询
LOGO_SUFFIXES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
}

NATIONAL_HOTLINE = "12317"
HOTLINE_LABEL = "全国扶贫监督举报电话"


def _is_hotline(number: str) -> bool:
    return "".join(number.replace("-", "").split()) == NATIONAL_HOTLINE


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
    # 张某某, 张* or 张*三 (mask.STYLES); "": household heads 张*三, case subjects and names
    # in free text 张某某 (mask.styles)
    mask_style: str = ""
    case_names: bool = False  # discipline notices name the person in full
    links: tuple[str, ...] = ()  # outside hosts a page may link to (<a href>)
    data_date: str = ""  # 数据截止日期: “today” for rules such as overdue rectifications
    max_amount: str = ""  # 单笔金额上限 (元): read and checked by the loader (load/reader.py)
    max_future_years: int = 0  # rules.ids R012: a date this far past data_date is a typo (0: 10)
    objection_reply_days: int = 20  # 异议答复期限（天）: rules.objections Y003, issue 17
    flags: FlagSettings = DEFAULT_FLAGS  # 风险提示 thresholds (model.flagconfig, rules.flags)
    # --- a credible government site (issue 18): header logo and footer identifiers ------
    logo: str = ""  # 网站标志: a PNG/JPEG/GIF/WebP/ICO file in data/, also the favicon
    gov_mark: str = ""  # 党政机关网站标识: the address its mark links to (bszs.conac.cn …)
    police_record: str = ""  # 公安机关备案号: 鲁公网安备 37132402000123号
    correction_url: str = ""  # 我为政府网站找错: the 纠错 page (default: by site_code)
    # Publication clocks of the disclosure lifecycle, in working days (rules.lifecycle):
    plan_days: int = 20  # 年度计划 → its 年度计划公告
    adjustment_days: int = 20  # 调整方案 → its 调整公告 (some provinces: 10)
    allocation_days: int = 15  # a fund issued → its 分配结果公告
    # issue 17 (status): notice periods, 信息公开 metadata, the 标准目录
    notice_days: int = 10  # 公示天数: a board posting without an end date lasts this long
    index_format: str = "{site_code}/{year}-{id}"  # 索引号格式 (render.views.notice_meta)
    catalogue: tuple[cat.Item, ...] = cat.DEFAULT_ITEMS  # 标准目录 (model.catalogue)
    origin: Origin = field(default=Origin("", 0), compare=False)

    @property
    def police_code(self) -> str:
        """The number of the 公安机关备案号, for its link (``""`` without one)."""
        return "".join(re.findall(r"[0-9]+", self.police_record))

    @property
    def correction(self) -> str:
        """Where 我为政府网站找错 links to: ``correction_url``, else the national platform
        for the site's 网站标识码, else nothing."""
        if self.correction_url:
            return self.correction_url
        if self.site_code:
            return CORRECTION_PLATFORM + self.site_code
        return ""

    @property
    def linkable_hosts(self) -> tuple[str, ...]:
        """The outside hosts a page may link to: ``links`` and the hosts of the footer's
        own links (党政机关网站标识, 纠错, 公安备案)."""
        own = [self.gov_mark, self.correction, POLICE_RECORD_URL if self.police_record else ""]
        hosts = [urlsplit(u).hostname or "" for u in own if u]
        return self.links + tuple(h.lower() for h in hosts if h and h not in self.links)

    @property
    def all_phones(self) -> tuple[Phone, ...]:
        """The site's phones, with the national hotline 12317 added when it is missing (and
        named when it is listed without a label). The one place this rule lives: the footer
        prints this list as it is."""
        phones = tuple(
            Phone(p.label or HOTLINE_LABEL, p.number) if _is_hotline(p.number) else p
            for p in self.phones
        )
        if any(_is_hotline(p.number) for p in phones):
            return phones
        return phones + (Phone(HOTLINE_LABEL, NATIONAL_HOTLINE),)


# key → accepted spellings (help text lives in docs/data.md, section site.yaml)
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
    "mask_style": ("脱敏方式", "姓名脱敏方式", "脱敏样式"),
    "case_names": ("执纪通报公开姓名", "通报公开姓名", "cases_publish_names"),
    "links": ("外部链接", "允许的外部链接", "external_links"),
    "data_date": ("数据截止日期", "截止日期"),
    "max_amount": ("单笔金额上限", "金额上限"),
    "max_future_years": ("最远年数",),
    "objection_reply_days": ("异议答复期限", "异议答复天数"),
    "flags": ("风险提示", "risk_flags"),
    "logo": ("网站标志", "标志", "县徽", "网站logo"),
    "gov_mark": ("党政机关网站标识", "党政机关标识"),
    "police_record": ("公安机关备案号", "公安备案号", "公网安备"),
    "correction_url": ("纠错", "我为政府网站找错", "纠错网址"),
    "plan_days": ("年度计划公告时限", "计划公告时限"),
    "adjustment_days": ("调整方案公告时限", "调整公告时限"),
    "allocation_days": ("分配结果公告时限",),
    "notice_days": ("公示天数", "公示期天数"),
    "index_format": ("索引号格式",),
    "catalogue": ("标准目录", "公开目录"),
}
# Settings counted in working days (the lifecycle clocks): key → what the clock is for.
WORKDAY_SETTINGS = {
    "plan_days": "年度计划批复后公告",
    "adjustment_days": "调整方案批复后公告",
    "allocation_days": "资金下达后公告分配结果",
}
MASK_STYLES = {
    "张某某": "张某某",
    "某某": "张某某",
    "张*": "张*",
    "*": "张*",
    "张*三": "张*三",
    "*三": "张*三",
}
_NO = (False, "false", "否", "no", "不脱敏", 0)
_YES = (True, "true", "是", "yes", "公开", 1)
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


def _hosts(value: Any) -> tuple[tuple[str, ...], str | None]:
    """``links``: outside sites a page may link to, as host names or URLs.

    >>> _hosts(["https://www.12317.gov.cn/x", "WWW.GOV.CN"])
    (('www.12317.gov.cn', 'www.gov.cn'), None)
    """
    if value is None:
        return (), None
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            return (), "links 应是网址或域名的列表，如 - https://www.12317.gov.cn/"
        text = item.strip()
        scheme = text.split(":", 1)[0].lower() if ":" in text.split("/", 1)[0] else ""
        if text.split(":", 1)[-1][:1].isdigit():  # host:8080, a port
            scheme = ""
        if scheme and not (scheme in ("http", "https") and "//" in text):
            return (), f"links 只能写 http:// 或 https:// 网址或域名，而不是“{text[:80]}”"
        try:
            host = urlsplit(text if "//" in text else "//" + text).hostname
        except ValueError:
            host = None
        if host:
            out.append(host.lower())
    return tuple(out), None


def _url(value: Any) -> tuple[str, str | None]:
    """``base_url``: the address the site is served at, http or https only (a
    ``javascript:`` or ``file:`` address would end in every page's links and meta tags).

    >>> _url("https://fupin.example.gov.cn/")
    ('https://fupin.example.gov.cn/', None)
    >>> _url("javascript:alert(1)")[1]
    'base_url 应以 http:// 或 https:// 开头，如 https://fupin.example.gov.cn/，而不是“javascript:alert(1)”'
    """
    text = str(value).strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    shown = text if len(text) <= 80 else text[:80] + "…"
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        return "", (
            f"base_url 应以 http:// 或 https:// 开头，如 https://fupin.example.gov.cn/，"
            f"而不是“{shown}”"
        )
    if any(c.isspace() or c in "<>\"'`" for c in text) or any(ord(c) < 32 for c in text):
        return "", f"base_url 里不能有空格、引号或尖括号：“{shown}”"
    return text, None


def _logo(value: Any) -> tuple[str, str | None]:
    """``logo``: a picture file inside the data folder, named relative to it.

    >>> _logo("logo.png"), _logo("images/县标.JPG")
    (('logo.png', None), ('images/县标.JPG', None))
    >>> _logo("../logo.png")[1]
    'logo 应是 data 文件夹里的图片文件名，如 logo.png，而不是“../logo.png”'
    >>> _logo("logo.svg")[1].startswith("logo 只能是 PNG、JPEG、GIF、WebP 或 ICO 图片")
    True
    """
    text = str(value).strip().replace("\\", "/")
    parts = text.split("/")
    if text.startswith("/") or ":" in text or any(p in ("", ".", "..") for p in parts):
        return "", f"logo 应是 data 文件夹里的图片文件名，如 logo.png，而不是“{text[:80]}”"
    suffix = "." + text.rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
    if suffix not in LOGO_SUFFIXES:
        return "", (
            "logo 只能是 PNG、JPEG、GIF、WebP 或 ICO 图片（SVG 里可以藏脚本，请另存为 PNG），"
            f"而不是“{text[:80]}”"
        )
    return text, None


def build_site(raw: dict[str, Any], origin: Origin) -> tuple[Site, list[F.Finding]]:
    """Turn the parsed ``site.yaml`` mapping into a ``Site``, reporting unknown keys."""
    found: list[F.Finding] = []
    values: dict[str, Any] = {}

    def wrong(key: object, reason: str) -> None:
        """A setting that cannot be used as written: an error at its key."""
        found.append(
            F.make("L008", file=origin.file, column=str(key), severity="error", reason=reason)
        )

    for key, value in raw.items():
        k = _LOOKUP.get(unicodedata.normalize("NFKC", str(key)).strip().lower())
        if k is None:
            found.append(
                F.make("L005", file=origin.file, column=str(key), header=key, table="site.yaml")
            )
            continue
        if k == "phones":
            phones, problem = _phones(value)
            if problem:
                wrong(key, problem)
            values[k] = phones
        elif k == "mask_names":
            values[k] = value not in _NO
        elif k == "case_names":
            values[k] = value in _YES
        elif k == "mask_style":
            style = MASK_STYLES.get(unicodedata.normalize("NFKC", str(value)).strip())
            if style is None:
                wrong(key, f"{key} 应是 张某某、张* 或 张*三 之一，而不是“{value}”")
            else:
                values[k] = style
        elif k == "links":
            hosts, problem = _hosts(value)
            if problem:
                wrong(key, problem)
            values[k] = hosts
        elif (
            k in ("base_url", "gov_mark", "correction_url")
            and value is not None
            and str(value).strip()
        ):
            url, problem = _url(value)
            if problem:
                wrong(key, problem.replace("base_url", str(key), 1))
            values[k] = url
        elif k == "flags":
            values[k] = build_flags(value, wrong, str(key))
        elif k == "logo" and value is not None and str(value).strip():
            name, problem = _logo(value)
            if problem:
                wrong(key, problem)
            values[k] = name
        elif k == "police_record" and value is not None and str(value).strip():
            text = str(value).strip()
            if len("".join(re.findall(r"[0-9]+", text))) < 10:
                wrong(
                    key,
                    f"{key} 应写成“鲁公网安备 37132402000123号”（含备案编号），而不是“{text[:80]}”",
                )
            else:
                values[k] = text
        elif k == "catalogue":
            items, problems = catalogue_items(value)
            for problem in problems:
                wrong(key, problem)
            values[k] = items
        elif isinstance(value, dict | list):  # scanbad: a nested value is not a setting
            wrong(key, f"{key} 应是一行文字，而不是嵌套的列表或键值")
        elif k == "max_future_years":
            n = str(value).strip()
            if n.isdigit() and 0 < int(n) <= 100:
                values[k] = int(n)
            else:
                wrong(key, f"{key} 应是 1 到 100 之间的整数（年），而不是“{value}”")
        elif k == "objection_reply_days":
            n = str(value).strip()
            if n.isdigit() and 0 < int(n) <= 365:
                values[k] = int(n)
            else:
                wrong(key, f"{key}（异议答复期限）应是 1 到 365 之间的整数（天），而不是“{value}”")
        elif k in WORKDAY_SETTINGS:
            n = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("个工作日")
            if n.isdigit() and 0 < int(n) <= 60:
                values[k] = int(n)
            else:
                wrong(
                    key,
                    f"{key}（{WORKDAY_SETTINGS[k]}的时限）应是 1 到 60 之间的工作日天数，"
                    f"如 20，而不是“{value}”",
                )
        elif k == "notice_days":
            n = str(value).strip()
            if n.isdigit() and 1 <= int(n) <= 90:
                values[k] = int(n)
            else:
                wrong(key, f"{key}（公示天数）应是 1 到 90 之间的整数，而不是“{value}”")
        elif k == "index_format":
            problem = index_format_problem(str(value))
            if problem:
                wrong(key, problem)
            else:
                values[k] = str(value).strip()
        elif k == "data_date" and value is not None:
            parsed, problem = parse_date(str(value))
            if parsed is None:
                wrong(key, f"{key}（数据截止日期）“{value}”：{problem}，应写成 2024-12-31")
            else:
                values[k] = parsed.isoformat()
        elif value is not None:
            values[k] = str(value).strip()
    return Site(**values, origin=origin), found


LOGO_MAX_BYTES = 200_000  # on every page of a villager's phone (cached after the first)
_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "image/x-icon": (b"\x00\x00\x01\x00",),
}


def read_logo(site: Site, data_dir: Path) -> tuple[bytes, list[F.Finding]]:
    """The bytes of ``site.logo`` (``b""`` without one), checked to be the picture its name
    says, inside ``data_dir`` and at most ``LOGO_MAX_BYTES``; a problem is an L008 error at
    the ``logo`` key, and the site keeps the built-in logo."""
    if not site.logo:
        return b"", []

    def wrong(reason: str) -> tuple[bytes, list[F.Finding]]:
        where = site.origin.file or "site.yaml"
        return b"", [F.make("L008", file=where, column="logo", severity="error", reason=reason)]

    data_dir = Path(data_dir).resolve()
    path = (data_dir / site.logo).resolve()
    if not path.is_relative_to(data_dir) or not path.is_file():
        return wrong(
            f"找不到 logo 图片“{site.logo}”：请把图片放进 data 文件夹，文件名写对（含扩展名）"
        )
    size = path.stat().st_size
    if size > LOGO_MAX_BYTES:
        return wrong(
            f"logo 图片“{site.logo}”有 {size // 1000} KB，太大（每页都要加载）："
            f"请缩小到 {LOGO_MAX_BYTES // 1000} KB 以内，如 200×200 像素的 PNG"
        )
    data = path.read_bytes()
    kind = LOGO_SUFFIXES["." + site.logo.rsplit(".", 1)[-1].lower()]
    if not data.startswith(_MAGIC[kind]) or (kind == "image/webp" and data[8:12] != b"WEBP"):
        return wrong(f"logo 文件“{site.logo}”不是它扩展名所说的图片：请用图片软件另存为 PNG 再试")
    return data, []


# --- issue 17 (status): 索引号格式 and 标准目录 ---------------------------------------------

INDEX_FIELDS = {
    "site_code": "3713240001",
    "year": 2024,
    "id": "GS2024-001",
    "seq": 1,
    "kind": "事前公示",
}


def index_format_problem(text: str) -> str | None:
    """Why a 索引号格式 cannot be used, or ``None``.

    >>> index_format_problem("{site_code}/{year}-{seq:05d}") is None
    True
    >>> index_format_problem("{县}-{id}")[:31]
    '索引号格式“{县}-{id}”里只能用 {site_code}'
    """
    try:
        text.format(**INDEX_FIELDS)
    except (KeyError, IndexError, ValueError, AttributeError):
        names = "、".join("{" + k + "}" for k in INDEX_FIELDS)
        return f"索引号格式“{text}”里只能用 {names}（如 {{site_code}}/{{year}}-{{seq:05d}}）"
    return None


_ITEM_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("事项", "名称"),
    "basis": ("依据", "公开依据"),
    "deadline": ("时限", "公开时限"),
    "channel": ("渠道", "公开渠道", "公开方式"),
    "kinds": ("公示类型", "类型"),
    "subject": ("对象", "公示对象"),
    "when": ("适用", "适用范围"),
    "due_from": ("起算日期", "起算"),
    "due_workdays": ("工作日", "工作日数"),
    "off": ("不适用", "停用"),
}
_ITEM_LOOKUP = {a: k for k, v in _ITEM_KEYS.items() for a in (k, *v)}


def catalogue_items(value: Any) -> tuple[tuple[cat.Item, ...], list[str]]:
    """``catalogue`` of site.yaml: a list of items, each changing a default item by its
    ``name`` (事项), switching it off (``off: true`` / 不适用: 是) or adding a new one.
    Returns the items to use and the problems found (Chinese, one per problem)."""
    if value is None:
        return cat.DEFAULT_ITEMS, []
    if not isinstance(value, list):
        return cat.DEFAULT_ITEMS, ["标准目录应是列表，每项写 事项（name）和要改的内容"]
    problems: list[str] = []
    changes: list[tuple[str, dict, bool]] = []
    for i, raw in enumerate(value, 1):
        if not isinstance(raw, dict):
            problems.append(f"标准目录第 {i} 项应是键值（事项: …，依据: …），而不是“{raw}”")
            continue
        fields: dict[str, Any] = {}
        name, off = "", False
        for key, v in raw.items():
            k = _ITEM_LOOKUP.get(str(key).strip())
            if k is None:
                names = "、".join(v[0] for v in _ITEM_KEYS.values())
                problems.append(f"标准目录第 {i} 项的“{key}”不认识，可用：{names}")
            elif k == "name":
                name = str(v or "").strip()
            elif k == "off":
                off = v in _YES
            elif k == "kinds":
                kinds = tuple(
                    x.strip()
                    for x in (
                        v if isinstance(v, list) else str(v or "").replace("；", "、").split("、")
                    )
                    if str(x).strip()
                )
                bad = [x for x in kinds if x not in NOTICE_KINDS]
                if bad:
                    problems.append(
                        f"标准目录第 {i} 项的公示类型“{'、'.join(bad)}”不认识，"
                        f"可用：{'、'.join(NOTICE_KINDS)}"
                    )
                fields[k] = kinds
            elif k == "subject":
                s = str(v or "").strip()
                s = cat.SUBJECT_NAMES.get(s, s)
                if s not in cat.SUBJECTS:
                    problems.append(
                        f"标准目录第 {i} 项的对象“{v}”应是 {'、'.join(cat.SUBJECT_NAMES)} 之一"
                    )
                fields[k] = s
            elif k == "when":
                s = str(v or "").strip()
                s = cat.WHEN_NAMES.get(s, s)
                if s not in cat.WHEN:
                    problems.append(
                        f"标准目录第 {i} 项的适用“{v}”应是 {'、'.join(cat.WHEN_NAMES)} 之一"
                    )
                fields[k] = s
            elif k == "due_from":
                s = str(v or "").strip()
                s = cat.DUE_FROM_NAMES.get(s, s)
                if s not in cat.DUE_FROM:
                    problems.append(
                        f"标准目录第 {i} 项的起算日期“{v}”应是 {'、'.join(cat.DUE_FROM_NAMES)} 之一"
                    )
                fields[k] = s
            elif k == "due_workdays":
                n = str(v).strip()
                if not (n.isdigit() and int(n) <= 365):
                    problems.append(f"标准目录第 {i} 项的工作日“{v}”应是 0 到 365 的整数")
                else:
                    fields[k] = int(n)
            else:
                fields[k] = str(v or "").strip()
        if not name:
            problems.append(f"标准目录第 {i} 项没有写 事项（name）")
            continue
        known = any(it.name == name for it in cat.DEFAULT_ITEMS)
        if not known and not off and not fields.get("kinds"):
            problems.append(f"标准目录新增的“{name}”要写 公示类型（kinds），才能核对是否公开")
        changes.append((name, fields, off))
    if problems:
        return cat.DEFAULT_ITEMS, problems
    return cat.merge(cat.DEFAULT_ITEMS, changes), []
