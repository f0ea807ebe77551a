"""Every problem of issue 16's list, planted in a copy of a built county site, is found by
the scan with its file and line: a page whose record text or override became a script, a
load from another host in any of the shapes a browser accepts, an identifier hidden by tags,
entities, ``data:`` URIs, PDFs (plain and compressed), JavaScript, SVG, YAML, XML, JSON, CSV.

One site copy holds every case, each in its own page (a copy of the county's home page,
theme chrome and all), so one scan — the same ``SiteScan`` that runs while MkDocs writes —
answers every case; the untouched pages of the copy must stay clean. Each case's URL host and
script text is unique, so the report's "one finding per URL" folding never hides a case.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import zlib

import pytest
from test_privacy import ID18

from generator.pipeline import scan_rules_for
from generator.project import open_project
from generator.scan import SiteScan

SPLIT = f"{ID18[:4]}<b>{ID18[4:6]}</b>{ID18[6:]}"
ENTITIES = "".join(f"&#{ord(c)};" for c in ID18[:6]) + ID18[6:]
B64_ID = base64.b64encode(f"身份证 {ID18}".encode()).decode()
B64_SVG_ID = base64.b64encode(f"<svg><text>{ID18}</text></svg>".encode()).decode()
B64_SVG_ONLOAD = base64.b64encode(b"<svg onload=\"alert('{c}')\"></svg>").decode()
B64_HTML = base64.b64encode(b"<script>alert('{c}')</script>").decode()

# name → (snippet planted in a page, the code the scan must report). ``{h}`` is a host and
# ``{c}`` a text unique to the case.
PAGE_CASES: dict[str, tuple[str, str]] = {
    # event handlers, any case, on any element
    "onerror": ("<img src=x onerror=\"alert('{c}')\">", "S005"),
    "onerror-upper": ("<IMG SRC=x ONERROR=alert('{c}')>", "S005"),
    "onload-svg": ("<svg onload=\"alert('{c}')\"></svg>", "S005"),
    "onclick": ('<a href="#" onclick="alert(\'{c}\')">点</a>', "S005"),
    "onmouseover-mixed": ("<div OnMouseOver=\"alert('{c}')\">x</div>", "S005"),
    "onfocus-unquoted": ("<input autofocus onfocus=alert('{c}')>", "S005"),
    "srcdoc-handler": ("<iframe srcdoc=\"<img src=x onerror=alert('{c}')>\"></iframe>", "S005"),
    # script URLs in any attribute, however written
    "javascript-href": ("<a href=\"javascript:alert('{c}')\">x</a>", "S004"),
    "javascript-case": ("<a href=\"JaVaScRiPt:alert('{c}')\">x</a>", "S004"),
    "javascript-entity": ("<a href=\"&#106;avascript:alert('{c}')\">x</a>", "S004"),
    "javascript-tab": ("<a href=\"java&#x09;script:alert('{c}')\">x</a>", "S004"),
    "javascript-space": ("<a href=\" javascript:alert('{c}')\">x</a>", "S004"),
    "javascript-unquoted": ("<a href=javascript:alert('{c}')>x</a>", "S004"),
    "vbscript": ("<a href=\"vbscript:msgbox('{c}')\">x</a>", "S004"),
    "data-html-iframe": ("<iframe src=\"data:text/html,<script>alert('{c}')</script>\">", "S004"),
    "data-html-base64": (f'<a href="data:text/html;base64,{B64_HTML}">{{c}}</a>', "S004"),
    "form-action": ("<form action=\"javascript:alert('{c}')\"><button>x</button></form>", "S004"),
    "formaction": ("<button formaction=\"javascript:alert('{c}')\">x</button>", "S004"),
    "object-data": ("<object data=\"javascript:alert('{c}')\"></object>", "S004"),
    "any-attribute": ("<div data-go=\"javascript:alert('{c}')\">x</div>", "S004"),
    "meta-refresh-js": (
        '<meta http-equiv="refresh" content="0;url=javascript:alert(\'{c}\')">',
        "S004",
    ),
    "svg-script": ("<svg><script>alert('{c}')</script></svg>", "S004"),
    "svg-a-xlink": (
        "<svg><a xlink:href=\"javascript:alert('{c}')\"><text>x</text></a></svg>",
        "S004",
    ),
    "svg-animate-href": (
        "<svg><a><animate attributeName=href to=\"javascript:alert('{c}')\"/>"
        "<text>x</text></a></svg>",
        "S004",
    ),
    "inline-script": ("<script>alert('{c}')</script>", "S004"),
    "data-svg-script": (
        "<object data=\"data:image/svg+xml,<svg><script>alert('{c}')</script></svg>\"></object>",
        "S004",
    ),
    "data-svg-onload-b64": (f'<img src="data:image/svg+xml;base64,{B64_SVG_ONLOAD}">', "S005"),
    # <base>, meta refresh
    "base-protocol-relative": ('<base href="//{h}/">', "S006"),
    "base-https": ('<base href="https://{h}/">', "S006"),
    "meta-refresh": ('<meta http-equiv="refresh" content="0;url=//{h}/">', "S002"),
    "meta-refresh-quoted": ("<meta http-equiv=Refresh content=\"0; URL='https://{h}/'\">", "S002"),
    # loads from another host
    "link-stylesheet": ("<link rel=stylesheet href=//{h}/a.css>", "S002"),
    "link-icon": ('<link rel="icon" href="https://{h}/favicon.ico">', "S002"),
    "link-preload": ('<link rel="preload" as="font" href="//{h}/f.woff2">', "S002"),
    "img-slash": ("<img/src=//{h}/a.png>", "S002"),
    "img-unquoted": ("<img src=//{h}/a.png alt=x>", "S002"),
    "img-entities": ('<img src="&#x2F;&#x2F;{h}/a.png">', "S002"),
    "img-https": ('<img src="https://{h}/a.png">', "S002"),
    "img-backslashes": ('<img src="\\\\{h}\\share\\a.png">', "S002"),
    "img-slash-backslash": ('<img src="/\\{h}/a.png">', "S002"),
    "img-newline": ('<img src="/\n/{h}/a.png">', "S002"),
    "srcset": ('<img src=a.png srcset="a.png 1x, //{h}/b.png 2x">', "S002"),
    "srcset-picture": (
        '<picture><source srcset="https://{h}/c.webp"><img src=a.png></picture>',
        "S002",
    ),
    "svg-image-href": ('<svg><image href="//{h}/i.png"/></svg>', "S002"),
    "svg-image-xlink": ('<svg><image xlink:href="//{h}/i.png"/></svg>', "S002"),
    "svg-use": ('<svg><use href="https://{h}/s.svg#i"/></svg>', "S002"),
    "image-tag-outside-svg": ('<image src="//{h}/i.png">', "S002"),
    "style-url": ('<div style="background:url(//{h}/b.png)">x</div>', "S002"),
    "style-url-quoted": (
        "<div style=\"background-image: url('https://{h}/b.png')\">x</div>",
        "S002",
    ),
    "style-url-escaped": ('<div style="background:u\\72l(//{h}/b.png)">x</div>', "S002"),
    "style-import-nospace": ('<style>@import"//{h}/a.css";</style>', "S002"),
    "style-import-url": ("<style>@import url(//{h}/a.css);</style>", "S002"),
    "style-import-single": ("<style>@import 'https://{h}/a.css';</style>", "S002"),
    "style-background": ("<style>body{background:url(//{h}/b.png)}</style>", "S002"),
    "style-font-face": (
        "<style>@font-face{font-family:x;src:url(https://{h}/f.woff2)}</style>",
        "S002",
    ),
    "style-comment": ("<style>@import/**/url(//{h}/a.css);</style>", "S002"),
    "video-poster": ('<video poster="//{h}/p.jpg"></video>', "S002"),
    "audio": ('<audio src="//{h}/a.mp3"></audio>', "S002"),
    "embed": ('<embed src="//{h}/e.swf">', "S002"),
    "iframe": ('<iframe src="https://{h}/"></iframe>', "S002"),
    "table-background": ('<table background="//{h}/t.png"><tr><td>x</td></tr></table>', "S002"),
    "input-image": ('<input type=image src="//{h}/i.png">', "S002"),
    "script-src": ('<script src="https://{h}/t.js"></script>', "S002"),
    # links a person clicks to an unlisted host
    "a-outside": ('<a href="https://{h}/">外站</a>', "S003"),
    "a-backslashes": ('<a href="\\\\{h}/">外站</a>', "S003"),
    "a-protocol-relative": ('<a href="//{h}/">外站</a>', "S003"),
    # identifiers hidden from a plain-text search
    "id-split-by-tags": (f"<p>编号 {SPLIT}</p>", "S001"),
    "id-split-by-i": (f"<p>{ID18[:9]}<i>{ID18[9:]}</i></p>", "S001"),
    "id-entities": (f"<p>{ENTITIES}</p>", "S001"),
    "id-attribute": (f'<abbr title="{ID18}">户主</abbr>', "S001"),
    "id-data-text-b64": (f'<img src="data:text/plain;base64,{B64_ID}">', "S001"),
    "id-data-svg-b64": (f'<img src="data:image/svg+xml;base64,{B64_SVG_ID}">', "S001"),
    "id-textarea": (f"<textarea>{ID18}</textarea>", "S001"),
}


def pdf(text: str, compress: bool) -> bytes:
    """A one-page PDF showing ``text`` (Helvetica), its content stream FlateDecode'd or not."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    extra = b""
    if compress:
        content, extra = zlib.compress(content), b" /Filter /FlateDecode"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# file → (content, code, line of the problem or None, what the column must say)
def file_cases() -> dict[str, tuple[bytes, str, int | None, str]]:
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss><channel><item>\n'
        f"<description>编号 {SPLIT.replace('<', '&lt;').replace('>', '&gt;')}</description>\n"
        "</item></channel></rss>\n"
    )
    return {
        "downloads/plain.pdf": (pdf(f"ID {ID18}", False), "S001", None, "PDF 第1页"),
        "downloads/compressed.pdf": (pdf(f"ID {ID18}", True), "S001", None, "PDF 第1页"),
        "assets/javascripts/extra.js": (
            f'var a = 1;\nvar who = "{ID18}";\n'.encode(),
            "S001",
            2,
            "",
        ),
        "assets/images/id.svg": (
            f'<svg xmlns="http://www.w3.org/2000/svg">\n<text>{ID18}</text>\n</svg>'.encode(),
            "S001",
            2,
            "",
        ),
        "assets/images/onload.svg": (
            b'<svg xmlns="http://www.w3.org/2000/svg"\n onload="alert(\'svgfile\')"></svg>',
            "S005",
            1,
            "",
        ),
        "assets/images/image.svg": (
            b'<svg xmlns="http://www.w3.org/2000/svg"\n xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'\n<image xlink:href="//svgfile.example/i.png"/></svg>',
            "S002",
            3,
            "",
        ),
        "downloads/meta.yaml": (f"name: x\nremark: 身份证 {ID18}\n".encode(), "S001", 2, ""),
        "downloads/extra.json": (
            json.dumps({"remark": f"身份证 {ID18}"}).encode(),
            "S001",
            None,
            "JSON",
        ),
        "downloads/extra.csv": (
            f"编号,备注\nX-1,身份证 {ID18}\n".encode(),
            "S001",
            None,
            "第2行 备注列",
        ),
        "downloads/extra.xml": (
            f"<rows>\n<row remark='{ID18}'/>\n</rows>\n".encode(),
            "S001",
            2,
            "",
        ),
        "feed-split.xml": (feed.encode(), "S001", None, "（解码后）"),
        "assets/stylesheets/extra.css": (
            b'.a{color:red}\n@import"//cssfile.example/a.css";\n',
            "S002",
            2,
            "",
        ),
    }


@pytest.fixture(scope="module")
def planted(contract, tmp_path_factory):
    """A copy of the built contract county with every case planted, and the scan of it."""
    project, result = contract
    site = tmp_path_factory.mktemp("planted") / "site"
    shutil.copytree(project / "site", site)
    home = (site / "index.html").read_text("utf-8")
    cut = home.index("</article>")
    lines = {}
    for name, (snippet, _code) in PAGE_CASES.items():
        text = snippet.replace("{h}", f"{name}.example").replace("{c}", name)
        page = site / "planted" / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(home[:cut] + "\n" + text + "\n" + home[cut:], "utf-8")
        lines[name] = home.count("\n", 0, cut) + 2
    for rel, (content, *_rest) in file_cases().items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    rules = scan_rules_for(result.checked, open_project(project))
    return project, site, lines, SiteScan(site, rules).findings()


@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_each_planted_page_problem_is_found_at_its_line(planted, name):
    _project, _site, lines, found = planted
    code = PAGE_CASES[name][1]
    rel = f"planted/{name}/index.html"
    got = [(f.code, f.row) for f in found if f.file == rel]
    assert (code, lines[name]) in got, (name, got)


@pytest.mark.parametrize("rel", sorted(file_cases()))
def test_each_planted_file_problem_is_found(planted, rel):
    _project, _site, _lines, found = planted
    _content, code, line, column = file_cases()[rel]
    got = [(f.code, f.row, f.column) for f in found if f.file == rel]
    assert any(c == code and r == line and column in col for c, r, col in got), (rel, got)


def test_nothing_else_is_reported(planted):
    """The county's own pages and theme files stay clean: every finding is a planted one."""
    _project, _site, _lines, found = planted
    planted_files = {f"planted/{n}/index.html" for n in PAGE_CASES} | set(file_cases())
    assert {f.file for f in found} <= planted_files
    assert {f.file for f in found} == planted_files  # and every planted file is reported
    assert ID18 not in "\n".join(f.message + f.column for f in found)  # reported masked


def test_gongshi_scan_reports_the_planted_copy(planted):
    project, site, _lines, _found = planted
    run = subprocess.run(
        [sys.executable, "-m", "generator", "scan", str(site), "--data", str(project / "data")]
        + ["--format", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    files = {f["file"] for f in json.loads(run.stdout)["findings"]}
    assert files == {f"planted/{n}/index.html" for n in PAGE_CASES} | set(file_cases())
    assert ID18 not in run.stdout
