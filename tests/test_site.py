"""The built site as a reader sees it: figures, tables, links, footers and what never shows.

Two whole counties are built once per session (``contract`` and ``demo`` in conftest.py).
Expected values never come from the generator: ``contract_county/expected.json`` was worked
out independently, and demo values are read here from the files in ``data/``.

The HTML helpers at the top (``Page``, ``site_texts``) are shared with the other end-to-end
test modules.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest
import yaml
from conftest import DEMO_DATA, TEST_DATA

from generator.model.mask import mask_name

# --- reading built pages --------------------------------------------------------------

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
_BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_HIDDEN = {"script", "style", "svg", "template"}
_LOADING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "manifest",
    "mask-icon",
}


def _lines(parts: list[str]) -> str:
    """Visible text: whitespace collapsed as a browser does, one line per block."""
    lines = (re.sub(r"[ \t\f\v\r]+", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]

    def column(self, *words: str) -> int:
        """Index of the first header cell that contains one of ``words``."""
        for i, cell in enumerate(self.header):
            if any(w in cell for w in words):
                return i
        raise AssertionError(f"no column {words} in {self.header}")


class Page(HTMLParser):
    """One built HTML page, parsed with the standard library.

    ``text``: everything visible in the body (scripts, styles and icons left out);
    ``article``/``footer``: the visible text of the content and of the footer;
    ``tables``: the content's tables as header + rows of cell texts;
    ``links``: ``(href, text)`` of the content's links; ``nav``: link texts of the site
    navigation (primary nav and tabs, not the page's own table of contents);
    ``headings``: ``(tag, text)`` of the content's headings; ``loads``: every URL the page
    makes the browser fetch; ``scripts``: ``(src, code)``; ``hrefs``: every link target;
    ``handlers``: every ``on…`` attribute; ``classes``: CSS classes used in the content.
    """

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.active: Counter[str] = Counter()
        self._text: dict[str, list[str]] = {"body": [], "article": [], "footer": []}
        self.tables: list[Table] = []
        self._rows: list[tuple[bool, list[str]]] = []
        self._cell: list[str] | None = None
        self._cell_at = 0
        self._link: tuple[str, list[str]] | None = None
        self.links: list[tuple[str, str]] = []
        self.nav: list[str] = []
        self.loads: list[str] = []
        self.scripts: list[tuple[str, str]] = []
        self._script: list[str] | None = None
        self.title = ""
        self._in_title = False
        self.headings: list[tuple[str, str]] = []
        self._heading: list[str] | None = None
        self.hrefs: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.classes: Counter[str] = Counter()
        self.source = source
        self.feed(source)
        self.close()
        self.text = _lines(self._text["body"])
        self.article = _lines(self._text["article"])
        self.footer = _lines(self._text["footer"])

    @classmethod
    def of(cls, site: Path, rel: str) -> Page:
        """The page at ``rel`` (``"projects/X/"`` or a file path) of a built site."""
        path = site / rel
        if path.is_dir() or rel.endswith("/") or not rel:
            path = path / "index.html"
        return cls(path.read_text(encoding="utf-8"))

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self._record_loads(tag, a)
        self.handlers.extend((tag, k) for k in a if k.lower().startswith("on"))
        if tag in ("a", "area") and "href" in a:
            self.hrefs.append(a["href"])
        if self.active["article"]:
            self.classes.update(a.get("class", "").split())
        if tag == "title":
            self._in_title = True
        if tag in _VOID:
            if tag in ("br", "hr"):
                self._emit("\n")
            return
        classes = set(a.get("class", "").split())
        marks: set[str] = set()
        if tag == "article":
            marks.add("article")
        if tag == "footer":
            marks.add("footer")
        if tag in _HIDDEN:
            marks.add("hidden")
        if "md-nav--secondary" in classes:
            marks.add("toc")
        if (tag == "nav" and "md-nav--primary" in classes) or "md-tabs" in classes:
            marks.add("nav")
        if tag == "script":
            self.scripts.append((a.get("src", ""), ""))
            self._script = []
        self.stack.append((tag, marks))
        self.active.update(marks)
        if tag in _BLOCK:
            self._emit("\n")
        if "article" in self.active:
            if tag == "table":
                self._rows = []
            elif tag in ("td", "th"):
                # a cell spanning columns fills them, its text in the first, as a
                # browser lays it out (the 合计 row of a list)
                self._cell = []
                self._cell_at = len(self._rows[-1][1])
                span = a.get("colspan", "1")
                self._rows[-1][1].extend([""] * (int(span) if span.isdigit() else 1))
            elif tag == "tr":
                self._rows.append((any(t == "thead" for t, _ in self.stack), []))
        if tag == "a":
            self._link = (a.get("href", ""), [])
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.active["article"]:
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _VOID or not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            name, marks = self.stack.pop()
            self._close(name)
            self.active.subtract(marks)
            if name == tag:
                break

    def _close(self, tag: str) -> None:
        if tag in _BLOCK:
            self._emit("\n")
        if tag == "script" and self._script is not None:
            src, _ = self.scripts[-1]
            self.scripts[-1] = (src, "".join(self._script))
            self._script = None
        if "article" in self.active:
            if tag in ("td", "th") and self._cell is not None:
                self._rows[-1][1][self._cell_at] = _lines(self._cell)
                self._cell = None
            elif tag == "table":
                rows = [cells for _, cells in self._rows if cells]
                header_rows = [cells for is_head, cells in self._rows if is_head and cells]
                self.tables.append(
                    Table(
                        header_rows[0] if header_rows else [],
                        [r for r in rows if not header_rows or r is not header_rows[0]],
                    )
                )
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._heading is not None:
            self.headings.append((tag, _lines(self._heading)))
            self._heading = None
        if tag == "a" and self._link is not None:
            href, parts = self._link
            text = _lines(parts)
            if "article" in self.active:
                self.links.append((href, text))
            if self.active["nav"] and not self.active["toc"] and text:
                self.nav.append(text)  # (the logo link has no text)
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self.active["hidden"]:
            if self._script is not None:
                self._script.append(data)
            return
        self._emit(re.sub(r"\s+", " ", data))

    def _emit(self, text: str) -> None:
        if self.active["hidden"]:
            return
        self._text["body"].append(text)
        if self.active["article"]:
            self._text["article"].append(text)
        if self.active["footer"]:
            self._text["footer"].append(text)
        if self._cell is not None:
            self._cell.append(text)
        if self._link is not None:
            self._link[1].append(text)
        if self._heading is not None:
            self._heading.append(text)

    def _record_loads(self, tag: str, a: dict[str, str]) -> None:
        if tag in (
            "script",
            "img",
            "iframe",
            "source",
            "audio",
            "video",
            "embed",
            "track",
        ) and a.get("src"):
            self.loads.append(a["src"])
        if tag in ("img", "source") and a.get("srcset"):
            self.loads.extend(p.split()[0] for p in a["srcset"].split(",") if p.split())
        if tag == "video" and a.get("poster"):
            self.loads.append(a["poster"])
        if tag == "object" and a.get("data"):
            self.loads.append(a["data"])
        if tag == "input" and a.get("type", "").lower() == "image" and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and set(a.get("rel", "").lower().split()) & _LOADING_RELS:
            self.loads.append(a.get("href", ""))
        if a.get("style"):
            self.loads.extend(re.findall(r"url\(\s*['\"]?([^'\")\s]+)", a["style"]))

    # -- questions tests ask
    def table_with(self, *words: str) -> Table:
        """The first content table whose header holds every one of ``words``."""
        for t in self.tables:
            if all(any(w in h for h in t.header) for w in words):
                return t
        raise AssertionError(f"no table with {words}: {[t.header for t in self.tables]}")

    def tables_with(self, *words: str) -> list[Table]:
        return [t for t in self.tables if all(any(w in h for h in t.header) for w in words)]

    def row(self, first_cell: str) -> list[str]:
        """The first table row (any content table) whose first cell is ``first_cell``."""
        for t in self.tables:
            for r in t.rows:
                if r and r[0] == first_cell:
                    return r
        raise AssertionError(f"no row “{first_cell}”")

    def row_with(self, *cells: str) -> list[str]:
        """The first content table row that has every one of ``cells`` as a whole cell."""
        for t in self.tables:
            for r in t.rows:
                if all(c in r for c in cells):
                    return r
        raise AssertionError(f"no row with {cells}: {[t.rows for t in self.tables]}")

    def link_to(self, text: str) -> str:
        """The href of the content link whose text is ``text``."""
        for href, t in self.links:
            if t == text:
                return href
        raise AssertionError(f"no link “{text}” in {self.links[:40]}")


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def site_texts(site: Path):
    """Every file of ``site`` as the texts a reader or a crawler could get from it: the raw
    bytes as UTF-8, with entities and %-escapes decoded, JSON with \\uXXXX decoded and
    gzip unpacked. jieba's zero-width spaces (between words in the search index) are removed,
    so a name split into words is still found."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace")
        forms = [text, html.unescape(text), unquote(text)]
        if path.suffix == ".json" or path.name.endswith(".json.gz"):
            forms.append(json.dumps(json.loads(text), ensure_ascii=False))
        yield path.relative_to(site).as_posix(), "\n".join(forms).replace("\u200b", "")


def leaks(texts: list[tuple[str, str]], values) -> list[tuple[str, str]]:
    """``(file, value)`` for every value found in any of ``texts`` (from ``site_texts``)."""
    values = sorted({v for v in values if v}, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, values)))
    return sorted({(rel, m.group()) for rel, text in texts for m in pattern.finditer(text)})


def outside_loads(page: Page, site_url: str = "") -> list[str]:
    """URLs a page loads from any host but its own (relative URLs and data: are local)."""
    own = urlsplit(site_url).netloc
    out = []
    for url in page.loads:
        parts = urlsplit(url.strip())
        if parts.scheme in ("data", "blob"):
            continue
        same_site = own and parts.netloc == own and parts.scheme in ("http", "https")
        if (parts.netloc or parts.scheme) and not same_site:
            out.append(url)
    return out


def yuan(value: Decimal | str) -> str:
    """元 as the site prints them: ``7809671.35 → '7,809,671.35'`` (computed here, not by the
    generator)."""
    return f"{Decimal(value):,.2f}"


def zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def number(cell: str) -> Decimal:
    """The number in a table cell: ``'7,809,671.35 元'`` → ``Decimal('7809671.35')``."""
    m = re.search(r"-?[\d,]+(?:\.\d+)?", cell.replace("**", ""))
    assert m, f"no number in “{cell}”"
    return Decimal(m.group().replace(",", ""))


# --- the contract county ---------------------------------------------------------------

EXPECTED = json.loads((TEST_DATA / "contract_county" / "expected.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def contract_site(contract) -> Path:
    project, _ = contract
    return project / "site"


@pytest.fixture(scope="module")
def contract_home(contract_site) -> Page:
    return Page.of(contract_site, "")


def _figure(home: Page, label: str) -> str:
    """The value cell of the headline table row whose label contains ``label``."""
    for t in home.tables:
        for r in t.rows:
            if len(r) >= 2 and label in r[0]:
                return r[1]
    raise AssertionError(f"no row “{label}” on the home page: {[t.rows for t in home.tables]}")


def test_contract_home_totals_to_the_fen(contract_home):
    e = EXPECTED
    assert number(_figure(contract_home, "项目个数")) == e["projects"]
    assert _figure(contract_home, "项目资金") == f"{yuan(e['project_funding_total'])} 元"
    assert _figure(contract_home, "下达资金") == f"{yuan(e['funds_total'])} 元"
    assert _figure(contract_home, "拨付") == f"{yuan(e['disbursed_total'])} 元"
    assert number(_figure(contract_home, "受益户数")) == e["project_households"]
    benefits = _figure(contract_home, "补助")
    assert yuan(e["benefits_total"]) in benefits
    assert re.search(rf"(?<!\d){e['benefit_rows']}\s*户次", benefits), benefits


def test_contract_home_per_year_table(contract_home):
    table = contract_home.table_with("年度", "资金")
    count, money = table.column("个数", "项目数"), table.column("资金")
    shown = {r[0]: (number(r[count]), r[money]) for r in table.rows}
    expected = {
        y: (Decimal(v["projects"]), yuan(v["project_funding_total"]))
        for y, v in EXPECTED["by_year"].items()
    }
    assert shown == expected


def test_contract_private_values_appear_in_no_file(contract_site):
    texts = list(site_texts(contract_site))
    assert any(rel == "search/search_index.json" for rel, _ in texts)
    assert any(rel == "sitemap.xml.gz" for rel, _ in texts)
    assert leaks(texts, EXPECTED["private_values"] + EXPECTED["masked_names"]) == []


def test_contract_search_index_has_no_private_values(contract_site):
    """The search index is the download most likely to leak: check it on its own, decoded."""
    index = json.loads((contract_site / "search" / "search_index.json").read_text("utf-8"))
    text = json.dumps(index, ensure_ascii=False).replace("\u200b", "")
    assert "张寨镇" in text  # the index is decoded: Chinese is readable here
    assert [v for v in EXPECTED["private_values"] + EXPECTED["masked_names"] if v in text] == []


def test_contract_village_pages_show_every_household_masked(contract_site):
    pages = [
        Page.of(contract_site, p.parent.relative_to(contract_site).as_posix())
        for p in (contract_site / "villages").glob("*/index.html")
    ]
    text = "\n".join(p.article for p in pages)
    # the default style (mask.styles): surname, stars, the given name's last character
    for name in EXPECTED["masked_names"]:
        assert mask_name(name, "张*三") in text, name
        assert name not in text, name
    heads = [r[t.column("户主")] for p in pages for t in p.tables_with("户主") for r in t.rows]
    assert len(heads) == EXPECTED["benefit_rows"]  # every benefit row is on its village page
    assert all(re.fullmatch(r"\w{1,2}\*+\w?", h) for h in heads), heads


def test_contract_project_pages_and_index(contract_site):
    index = Page.of(contract_site, "projects/")
    project_links = [h for h, _ in index.links if re.match(r"^(\.\./)*(projects/)?SX\d+/?$", h)]
    assert len(set(project_links)) == EXPECTED["projects"]
    assert len(list((contract_site / "projects").glob("*/index.html"))) == EXPECTED["projects"]


# --- the demo county -------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return [
        {k.strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def _read_any(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".csv":
        return _read_csv(path)
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=object)
        return [
            {str(k).strip(): _cell(v) for k, v in row.items()} for row in frame.to_dict("records")
        ]
    records = yaml.safe_load(path.read_text("utf-8")) or []
    return [{str(k): _cell(v) for k, v in r.items()} for r in records]


def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def demo_table(name: str) -> list[dict[str, str]]:
    """Rows of a demo table from ``data/<name>.*`` or ``data/<name>/*``, as text."""
    files = sorted(DEMO_DATA.glob(f"{name}.*")) + sorted(DEMO_DATA.glob(f"{name}/*"))
    rows = [
        r for f in files if f.suffix in (".csv", ".xlsx", ".yaml", ".yml") for r in _read_any(f)
    ]
    assert rows, f"no demo table {name}"
    return rows


def get(row: dict[str, str], *keys: str) -> str:
    """A value by its English key or Chinese header (with or without a unit)."""
    for key in keys:
        for k, v in row.items():
            if k == key or re.sub(r"[（(].*[)）]$", "", k) == key:
                return v
    return ""


def money(text: str, header_wan: bool = False) -> Decimal:
    """Money as the county wrote it, independently of the generator's parser."""
    s = unicodedata.normalize("NFKC", text).strip()
    wan = header_wan
    for suffix in ("万元", "万"):
        if s.endswith(suffix):
            s, wan = s[: -len(suffix)], True
    s = re.sub(r"[\s,¥元]", "", s)
    value = Decimal(s)
    return (value * 10000 if wan else value).quantize(Decimal("0.01"))


def parse_day(text: str) -> date:
    m = re.match(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})", unicodedata.normalize("NFKC", text))
    assert m, text
    return date(*map(int, m.groups()))


def _funding_amount(row: dict[str, str]) -> Decimal:
    for k, v in row.items():
        if k in ("amount", "金额", "amount_wan") or k.startswith("金额"):
            return money(v, header_wan="万" in k or k.endswith("_wan"))
    raise AssertionError(row)


SITE = yaml.safe_load((DEMO_DATA / "site.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def demo_site(demo) -> Path:
    project, _ = demo
    return project / "site"


@pytest.fixture(scope="module")
def demo_texts(demo_site) -> list[tuple[str, str]]:
    return list(site_texts(demo_site))


@pytest.fixture(scope="module")
def demo_project() -> dict[str, str]:
    """The first accepted demo project that has funding, notices and a supervisor phone."""
    funded = {get(r, "project_id", "项目编号") for r in demo_table("project_funding")}
    noticed = {get(r, "subject", "公示对象").partition(":")[2] for r in demo_table("notices")}
    for p in demo_table("projects"):
        pid = get(p, "id", "项目编号")
        if (
            get(p, "status", "项目状态") == "已验收"
            and pid in funded
            and pid in noticed
            and get(p, "supervisor_phone", "监督电话")
        ):
            return p
    raise AssertionError("no accepted demo project with funding and notices")


def test_demo_project_page(demo_site, demo_project):
    pid = get(demo_project, "id", "项目编号")
    page = Page.of(demo_site, f"projects/{pid}/")
    assert get(demo_project, "name", "项目名称") in page.article
    phone = get(demo_project, "supervisor_phone", "监督电话")
    assert phone in page.article
    assert get(demo_project, "supervisor", "项目监督人") in page.article

    funding = [r for r in demo_table("project_funding") if get(r, "project_id", "项目编号") == pid]
    table = page.table_with("资金来源")
    src, amt = table.column("资金来源"), table.column("金额")
    rows = [r for r in table.rows if "合计" not in r[src]]
    total_row = [r for r in table.rows if "合计" in r[src]]
    assert Counter((r[src], r[amt]) for r in rows) == Counter(
        (get(f, "source", "资金来源"), yuan(_funding_amount(f))) for f in funding
    )
    assert len(total_row) == 1
    assert total_row[0][amt] == yuan(sum(_funding_amount(f) for f in funding))

    notices = [
        n for n in demo_table("notices") if get(n, "subject", "公示对象") == f"project:{pid}"
    ]
    for n in notices:
        start, end = (
            parse_day(get(n, "posted_on", "公示开始日期")),
            parse_day(get(n, "until", "公示截止日期")),
        )
        assert zh(start) in page.article and zh(end) in page.article, (n, page.article)
        for place in re.split(r"[;；、\n]", get(n, "places", "公示地点")):
            assert place.strip() in page.article, place


def test_demo_fund_page_lists_where_the_money_went(demo_site):
    fund = demo_table("funds")[0]
    fid = get(fund, "id", "资金编号")
    page = Page.of(demo_site, f"funds/{fid}/")
    names = {get(p, "id", "项目编号"): get(p, "name", "项目名称") for p in demo_table("projects")}
    allocations = [a for a in demo_table("allocations") if get(a, "fund_id", "资金编号") == fid]
    assert allocations
    for a in allocations:
        pid = get(a, "project_id", "项目编号")
        href = page.link_to(names[pid])
        assert href.rstrip("/").endswith(f"projects/{pid}"), href
        assert page.row_with(names[pid], yuan(money(get(a, "amount", "金额"))))


def _village_refs(p: dict[str, str]) -> list[str]:
    refs = re.split(r"[;；、,，\n]", get(p, "villages", "实施地点"))
    return [x.strip() for x in refs if x.strip()]


def test_demo_village_page_lists_projects_and_masked_households(demo_site):
    villages = demo_table("villages")
    benefits = demo_table("benefits")
    projects = demo_table("projects")
    # the village with the most benefit rows
    counts = Counter(get(b, "village", "村") for b in benefits)
    name, _ = counts.most_common(1)[0]
    village = next(v for v in villages if get(v, "name", "村名") == name)
    code = get(village, "code", "区划代码")
    page = Page.of(demo_site, f"villages/{code}/")
    assert name in page.article

    own = [p for p in projects if name in _village_refs(p) or code in _village_refs(p)]
    assert own
    for p in own:
        href = page.link_to(get(p, "name", "项目名称"))
        assert href.rstrip("/").endswith(f"projects/{get(p, 'id', '项目编号')}")

    rows = [b for b in benefits if get(b, "village", "村") in (name, code)]
    heads = [r[t.column("户主")] for t in page.tables_with("户主") for r in t.rows]
    # a household finds its own row (张*三 by default), the full name is never printed
    expected = Counter(mask_name(get(b, "household_head", "户主姓名"), "张*三") for b in rows)
    assert Counter(heads) == expected
    for b in rows:
        assert get(b, "household_head", "户主姓名") not in page.text


def test_demo_distribution_page(demo_site):
    d = demo_table("distributions")[0]
    did = get(d, "id", "分配编号")
    page = Page.of(demo_site, f"distributions/{did}/")
    # the figures of seed 003, which the demo reproduces
    assert yuan(money(get(d, "income", "收益总额"))) == "194,792.15"
    assert (get(d, "households", "分配户数"), get(d, "persons", "分配人数")) == ("151", "314")
    assert "194,792.15 元" in page.article
    assert re.search(r"151\s*户", page.article) and re.search(r"314\s*人", page.article)
    for key, title in (("proposed_on", "村提方案"), ("reviewed_on", "审核"), ("filed_on", "备案")):
        day = zh(parse_day(get(d, key, title)))
        assert any(title in r[0] and r[1] == day for t in page.tables for r in t.rows), (
            title,
            day,
            [t.rows for t in page.tables],
        )


def test_demo_cases_page_lists_every_case(demo_site):
    cases = demo_table("cases")
    assert len(cases) == 17  # seed 000: 17 cadres dealt with
    page = Page.of(demo_site, "cases/")
    table = page.table_with("问题")
    *rows, total = table.rows
    assert len(rows) == 17 and total[0] == "合计 17 起"
    for c in cases:
        assert get(c, "problem", "问题") in page.article
        full = get(c, "name", "姓名")
        if full and "某" not in full:
            assert full not in page.text, full  # named as surname + 某某 only
    assert len(list((demo_site / "cases").glob("*/index.html"))) == 17


def test_demo_rectifications_have_their_own_pages_and_the_lists_link_to_them(demo_site):
    rects = demo_table("rectifications")
    assert len(rects) == 15
    listed = Page.of(demo_site, "rectifications/")
    for r in rects:
        rid, problem = get(r, "id", "问题编号"), get(r, "problem", "问题")
        page = Page.of(demo_site, f"rectifications/{rid}/")
        assert ("h1", problem) in page.headings
        assert page.table_with("内容").rows[0] == ["问题编号", rid]
        assert (f"../rectifications/{rid}/", problem) in listed.links  # from the county's list
    town = Page.of(demo_site, "townships/金岭镇/")
    village = Page.of(demo_site, "villages/371324108211/")  # 杨庄村: ZG2018-11
    for p in (town, village):
        assert any(h.endswith("/rectifications/ZG2018-11/") for h, _ in p.links), p.links
    late = Page.of(demo_site, "rectifications/ZG2018-11/")
    assert "整改中，已逾期 120 天" in late.article  # to the data's date, 2019-04-30


def test_no_search_entry_grows_with_the_records(demo_site):
    """Each record is searched on its own page and lists are left out of the index: one
    list of every problem was a 60 KB search entry on the synthetic county, over Zensical's
    32 KB, and a hit on it lands at the top of 150 problems. The demo's largest entry is
    a record page's (a project's 基本情况 or a village's households, a few KB)."""
    docs = json.loads((demo_site / "search" / "search_index.json").read_text("utf-8"))["docs"]
    by_location = {d["location"]: len(d["text"].replace("\u200b", "").encode()) for d in docs}
    largest = sorted(by_location.items(), key=lambda x: -x[1])[:5]
    assert largest[0][1] < 3 * 1024, largest
    for listed in ("rectifications/", "cases/", "projects/", "notices/"):
        assert listed not in by_location
    town = [loc for loc in by_location if loc.startswith("townships/%E9%87%91%E5%B2%AD%E9%95%87/")]
    sizes = [(loc, by_location[loc]) for loc in town]
    assert sizes and all(size < 1024 for _, size in sizes), sizes


def test_demo_report_page_shows_every_phone(demo_site):
    page = Page.of(demo_site, "report/")
    assert "12317" in page.article
    for ph in SITE["phones"]:
        number = str(ph["number"])
        assert number in page.article, number
        assert any(h.startswith("tel:") and number.replace(" ", "") in h for h, _ in page.links)


@pytest.mark.parametrize("kind", ["home", "list", "project", "village", "report"])
def test_demo_footer_has_government_site_data(demo_site, demo_project, kind):
    rel = {
        "home": "",
        "list": "projects/",
        "report": "report/",
        "project": f"projects/{get(demo_project, 'id', '项目编号')}/",
        "village": f"villages/{get(demo_table('villages')[0], 'code', '区划代码')}/",
    }[kind]
    footer = Page.of(demo_site, rel).footer
    assert f"主办单位：{SITE['office']}" in footer
    assert str(SITE["site_code"]) in footer and "网站标识码" in footer
    assert SITE["icp"] in footer and "ICP备案号" in footer


def demo_private_values() -> set[str]:
    out: set[str] = set()
    for b in demo_table("benefits"):
        for key in ("id_number", "身份证号", "bank_account", "银行账号", "phone", "联系电话"):
            if b.get(key):
                out.add(b[key])
    return out


def test_demo_private_values_appear_in_no_file(demo_texts):
    values = demo_private_values()
    assert len(values) > 300  # IDs, accounts and phones of every household
    assert leaks(demo_texts, values) == []


def test_demo_household_names_appear_in_no_file(demo_texts):
    """Full names of household heads never appear; officials named in the data may share a
    name with a household and are published by name, so those are left out."""
    officials: set[str] = set()
    for p in demo_table("projects"):
        officials.update(
            get(p, k) for k in ("responsible_person", "责任人", "supervisor", "项目监督人")
        )
    names = {get(b, "household_head", "户主姓名") for b in demo_table("benefits")} - officials
    names = {n for n in names if len(n) >= 2 and "某" not in n}
    assert names
    assert leaks(demo_texts, names) == []


# --- every link a reader can click leads somewhere -----------------------------------------


@pytest.mark.parametrize("county", ["contract", "demo"])
def test_every_link_on_the_site_resolves(county, request):
    project, result = request.getfixturevalue(county)
    site = project / "site"
    prefix = urlsplit(result.checked.dataset.site.base_url).path or "/"  # 404.html: absolute
    broken = []
    for path in html_pages(site):
        page = Page(path.read_text("utf-8"))
        for href in page.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # tel:, the ICP site, anchors on the same page
            if parts.path.startswith("/"):
                if not parts.path.startswith(prefix):
                    broken.append((path.relative_to(site).as_posix(), href))
                    continue
                target = (site / unquote(parts.path[len(prefix) :])).resolve()
            else:
                target = (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append((path.relative_to(site).as_posix(), href))
    assert broken == []
