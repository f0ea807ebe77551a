"""``gongshi audit SITE``: an inspector's pre-flight of a built site, with the checks that
government-website inspections apply (国办秘函〔2019〕19号, see docs/rules.md): empty
sections, a home page or sections not updated, pages without an update time, broken
internal links and downloads, missing footer identifiers, pages over the size budget.

It reads only the built site, as an inspector would: no data folder, no configuration.
A page's update time is the latest ``<time class="gs-updated" datetime="…">`` it carries
(the footer prints the data date on every page); a section is a top-level entry of the
site's navigation, and its update time is the latest of its pages.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import json
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from generator import findings as F
from generator.memo import Digests, Memo, digest_of

# Thresholds as the inspection indicators state them; each can be changed on the command line.
HOME_DAYS = 14  # 首页两周未更新 is a single-veto item
SECTION_DAYS = 180  # 通知公告、政策文件类栏目六个月未更新
PAGE_KB = 150  # a record page on a phone: ≤ 150 KB transferred (docs/design.md budgets)
SEARCH_KB = 2048  # the county's search index: ≤ 2 MB compressed
# One search entry (a page's section): a hit lands at the section's top, and Zensical stops
# at a text field over 32 KB ("exceeds the search index limit"). Every record has a page of
# its own and lists are left out of the index, so no entry grows with the data.
SEARCH_ENTRY_KB = 32

# The identifiers the footer must show, each with the text that proves it is there.
FOOTER_ITEMS = (
    ("主办单位", ("主办单位",)),
    ("网站标识码", ("网站标识码",)),
    ("ICP备案号", ("ICP备",)),
    ("公安机关备案号", ("公网安备", "公安机关备案")),
    ("党政机关网站标识", ("党政机关",)),
    ("我为政府网站找错", ("找错", "纠错")),
)

_A = "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》"
F.declare(
    "A001",
    "error",
    "空白栏目",
    "栏目“{section}”（{page}）没有任何内容",
    "空白栏目是政府网站检查的扣分项（5 个以上为单项否决）。"
    "请补充该栏目的数据，或在导航中去掉该栏目。",
    _A,
)
F.declare(
    "A002",
    "error",
    "首页长期未更新",
    "首页的更新时间是 {updated}，到 {today} 已有 {days} 天未更新（要求 {limit} 天内）",
    "首页两周未更新是政府网站检查的单项否决项。请更新数据（site.yaml 的数据截止日期 data_date）"
    "并重新生成网站，或设置每天自动生成。",
    _A,
)
F.declare(
    "A003",
    "error",
    "栏目长期未更新",
    "栏目“{section}”最近更新于 {updated}，到 {today} 已有 {days} 天（要求 {limit} 天内）",
    "通知公告类栏目六个月未更新会被扣分。请更新该栏目的数据并重新生成网站。",
    _A,
)
F.declare(
    "A004",
    "error",
    "页面没有更新时间",
    "页面 {page} 没有标明发布或更新时间",
    "没有发布或更新时间的页面视为未更新。页脚的“数据更新”时间来自主题模板；"
    "请检查 site_templates/overrides/ 中是否改掉了页脚。",
    _A,
)
F.declare(
    "A005",
    "error",
    "链接打不开",
    "页面 {page} 链接的 {url} 在网站中不存在",
    "错链和打不开的附件是政府网站检查的扣分项。请检查手写页面和模板中的链接；"
    "如果是自动生成的页面，请把这条信息报告给 gongshi 的维护者。",
    _A,
)
F.declare(
    "A006",
    "error",
    "页脚缺少网站标识",
    "页脚缺少：{missing}",
    "政府网站页脚应有主办单位、网站标识码、ICP备案号、公安机关备案号、党政机关网站标识和"
    "“我为政府网站找错”入口。请在 site.yaml 中填写 office（主办单位）、site_code（网站标识码）、"
    "icp、police_record（公安机关备案号）和 gov_mark（党政机关网站标识）。",
    _A,
)
F.declare(
    "A007",
    "error",
    "页面太大",
    "页面 {page} 传输约 {kb} KB（压缩后，含本页图片），超过 {limit} KB",
    "农村手机网络慢、流量贵：一个页面应在 {limit} KB 以内。"
    "请把很长的表格分页，或把大图片换成较小的文件。",
)
F.declare(
    "A008",
    "error",
    "搜索索引太大",
    "搜索索引 {index} 压缩后约 {kb} KB，超过 {limit} KB",
    "第一次搜索时要下载整个索引。请检查是否有很长的页面（如全县名单）被整页收入搜索。",
)
F.declare(
    "A009",
    "warning",
    "搜索条目太长",
    "页面 {page} 的“{title}”一节在搜索索引中有约 {kb} KB 文字，超过 {limit} KB",
    "搜到这一节的人要在一长段里自己找，Zensical 也不接受这样的索引。"
    "名单应只链接到各条记录自己的页面，并在模板中用 data-search-exclude 排除出搜索"
    "（见 docs/templates.md）。",
)

_NOT_PAGES = ("404.html",)
BLOCKING = ("A005",)  # the build keeps the old site on these; the rest it reports
_LINK_ATTRS = (
    ("a", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("source", "src"),
)


@dataclass(frozen=True)
class Limits:
    """The thresholds of one audit (defaults as the inspection indicators state them)."""

    home_days: int = HOME_DAYS
    section_days: int = SECTION_DAYS
    page_kb: int = PAGE_KB
    search_kb: int = SEARCH_KB
    search_entry_kb: int = SEARCH_ENTRY_KB


@dataclass
class _Page:
    path: str  # site-relative, e.g. ``projects/JL2018-001/index.html``
    updated: date | None
    links: list[str]  # internal targets, site-relative file paths
    empty: bool
    kb: float


def audit(
    site: Path,
    today: date,
    limits: Limits = Limits(),
    memo: Memo | None = None,
    digests: Digests | None = None,
    on_page: Callable[[], object] = lambda: None,
) -> list[F.Finding]:
    """Every audit finding for the built site at ``site``, as of ``today``.

    ``memo``: what a page says (dates, links, emptiness, compressed size) by its path and
    bytes, kept between builds; the sizes of the images it shows are looked up each time.
    ``digests``: the pages whose hash is known without reading them (the page cache's).
    ``on_page`` is called after each page (progress)."""
    site = Path(site)
    files = _files(site)
    pages: dict[str, _Page] = {}
    for rel in sorted(r for r in files if r.endswith(".html")):
        on_page()
        if rel in _NOT_PAGES:
            continue
        page = _read(site, rel, memo, files, digests)
        if page is not None:
            pages[rel] = page
    found: list[F.Finding] = []
    found += _broken_links(files, pages)
    found += _sizes(pages, limits)
    found += _undated(pages)
    home = pages.get("index.html")
    if home is not None:
        found += _home(home, today, limits)
        found += _sections(site, pages, today, limits)
        found += _footer(site)
    found += _search(site, limits)
    return found


def _files(site: Path) -> dict[str, int]:
    """Every file of the site, site-relative, with its size: one walk, instead of a
    ``stat`` for each of a county's 600,000 links and images."""
    out: dict[str, int] = {}
    for folder, _, names in os.walk(site):
        rel = Path(folder).relative_to(site).as_posix()
        prefix = "" if rel == "." else rel + "/"
        for name in names:
            with contextlib.suppress(OSError):
                out[prefix + name] = os.stat(os.path.join(folder, name)).st_size
    return out


def _read(
    site: Path,
    rel: str,
    memo: Memo | None,
    files: dict[str, int],
    digests: Digests | None = None,
) -> _Page | None:
    hashed, raw = digest_of(site / rel, rel, digests) if memo is not None else ("", None)
    key = ("audit", rel, hashed)
    read = memo.get(key) if memo is not None else None
    if read is None:
        raw = (site / rel).read_bytes() if raw is None else raw
        read = _parse(rel, raw) or ()  # (): a redirect page, also kept
        if memo is not None:
            memo.put(key, read)
    if not read:
        return None
    page, images = read
    local_bytes = sum(files.get(target, 0) for target in images)
    return dataclasses.replace(page, kb=page.kb + local_bytes / 1024)


def _parse(rel: str, raw: bytes) -> tuple[_Page, list[str]] | None:
    """What one page says, without the images it shows (``None``: a redirect page)."""
    tree = LexborHTMLParser(raw.decode("utf-8", errors="replace"))
    if tree.css_first('meta[http-equiv="refresh"]') is not None:
        return None  # a redirect page: nothing to read, nothing to date
    dates = [_date(t.attributes.get("datetime")) for t in tree.css("time.gs-updated")]
    known = [d for d in dates if d is not None]
    links: list[str] = []
    images: list[str] = []
    for tag, attr in _LINK_ATTRS:
        for node in tree.css(f"{tag}[{attr}]"):
            target = _target(rel, node.attributes.get(attr) or "")
            if target is None:
                continue
            links.append(target)
            if tag == "img" and not target.startswith("assets/"):
                images.append(target)
    page = _Page(
        path=rel,
        updated=max(known) if known else None,
        links=links,
        empty=_empty(tree),
        kb=len(gzip.compress(raw, 6, mtime=0)) / 1024,
    )
    return page, images


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _target(page: str, url: str) -> str | None:
    """The site file an internal URL of ``page`` points to; ``None`` for outside URLs,
    anchors on the same page and ``tel:``/``mailto:`` links."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    base = posixpath.dirname(page)
    joined = posixpath.normpath(posixpath.join(base, path)) if not path.startswith("/") else path
    joined = joined.lstrip("/")
    if joined in ("", "."):
        return "index.html"
    if path.endswith("/"):
        return f"{joined}/index.html"
    return joined


def _empty(tree: LexborHTMLParser) -> bool:
    """A page whose article holds nothing but its title: no row, no list entry, no link,
    no paragraph of its own."""
    article = tree.css_first("article")
    if article is None:
        return False
    for node in article.css("h1, a.headerlink, .gs-updated, script, style"):
        node.decompose()
    text = article.text(strip=True)
    has_items = article.css_first("tbody tr, li, a[href], img, svg") is not None
    return not has_items and len(text) < 20


def _broken_links(files: dict[str, int], pages: dict[str, _Page]) -> list[F.Finding]:
    found = []
    for page in pages.values():
        for target in sorted(set(page.links)):
            if target in files or f"{target.rstrip('/')}/index.html" in files:
                continue
            found.append(F.make("A005", file=page.path, page=page.path, url=target))
    return found


def _sizes(pages: dict[str, _Page], limits: Limits) -> list[F.Finding]:
    return [
        F.make("A007", file=p.path, page=p.path, kb=round(p.kb), limit=limits.page_kb)
        for p in pages.values()
        if p.kb > limits.page_kb
    ]


def _undated(pages: dict[str, _Page]) -> list[F.Finding]:
    return [F.make("A004", file=p.path, page=p.path) for p in pages.values() if p.updated is None]


def _home(home: _Page, today: date, limits: Limits) -> list[F.Finding]:
    if home.updated is None:
        return []  # A004 already says it
    days = (today - home.updated).days
    if days <= limits.home_days:
        return []
    return [
        F.make(
            "A002",
            file=home.path,
            updated=home.updated.isoformat(),
            today=today.isoformat(),
            days=days,
            limit=limits.home_days,
        )
    ]


def _sections(site: Path, pages: dict[str, _Page], today: date, limits: Limits) -> list[F.Finding]:
    """The top-level navigation entries of the home page: each must have content and a
    page updated within the window."""
    tree = LexborHTMLParser((site / "index.html").read_text("utf-8", errors="replace"))
    found = []
    for link in tree.css("nav.md-nav--primary > ul > li > a[href]"):
        target = _target("index.html", link.attributes.get("href") or "")
        if target is None or target == "index.html":
            continue
        name = link.text(strip=True)
        index = pages.get(target)
        if index is None:
            continue  # a broken nav link is A005
        if index.empty:
            found.append(F.make("A001", file=target, section=name, page=target))
            continue
        prefix = posixpath.dirname(target) + "/"
        dated = [p.updated for p in pages.values() if p.path.startswith(prefix) and p.updated]
        if not dated:
            continue
        newest = max(dated)
        days = (today - newest).days
        if days > limits.section_days:
            found.append(
                F.make(
                    "A003",
                    file=target,
                    section=name,
                    updated=newest.isoformat(),
                    today=today.isoformat(),
                    days=days,
                    limit=limits.section_days,
                )
            )
    return found


def _footer(site: Path) -> list[F.Finding]:
    tree = LexborHTMLParser((site / "index.html").read_text("utf-8", errors="replace"))
    footer = tree.css_first("footer")
    if footer is None:
        return [F.make("A006", file="index.html", missing="整个页脚")]
    text = footer.text(separator=" ")
    alts = " ".join(
        (n.attributes.get("alt") or "") + " " + (n.attributes.get("title") or "")
        for n in footer.css("img, a")
    )
    seen = text + " " + alts
    missing = [label for label, proofs in FOOTER_ITEMS if not any(p in seen for p in proofs)]
    if not missing:
        return []
    return [F.make("A006", file="index.html", missing="、".join(missing))]


def _search(site: Path, limits: Limits) -> list[F.Finding]:
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return []
    data = index.read_bytes()
    found = _search_entries(data, limits)
    kb = len(gzip.compress(data, 6, mtime=0)) / 1024
    if kb <= limits.search_kb:
        return found
    return found + [
        F.make(
            "A008",
            file="search/search_index.json",
            index="search/search_index.json",
            kb=round(kb),
            limit=limits.search_kb,
        )
    ]


def _search_entries(data: bytes, limits: Limits) -> list[F.Finding]:
    """A009 for each entry of Material's index whose text is over the limit. The zero-width
    spaces jieba's segmentation puts between words are not counted: other indexes (Zensical)
    do not hold them."""
    try:
        docs = json.loads(data)["docs"]
    except (ValueError, KeyError, TypeError):
        return []  # not Material's index: nothing to measure
    found = []
    for d in docs:
        size = len(str(d.get("text", "")).replace("\u200b", "").encode("utf-8")) / 1024
        if size > limits.search_entry_kb:
            page = unquote(str(d.get("location", "")))
            title = str(d.get("title", "")).replace("\u200b", "")
            folder = page.split("#")[0]  # Material's locations are folder URLs
            found.append(
                F.make(
                    "A009",
                    file=folder + "index.html",
                    page=page or "/",
                    title=title,
                    kb=round(size),
                    limit=limits.search_entry_kb,
                )
            )
    return found
