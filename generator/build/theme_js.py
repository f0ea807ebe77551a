"""The built copy of Material's JavaScript bundle, made safe: every request stays on the
site (issue 16.8), and tooltips show text as text (issue 16.5).

**Tooltips.** With the ``content.tooltips`` feature (on in gongshi's mkdocs.yml) Material
turns ``title`` attributes into tooltips by assigning them to ``innerHTML``: the header's
``[title]`` elements, and every ``.md-ellipsis`` text that overflows (the site name and the
page title in the header on a phone) get their *text* re-parsed as HTML on hover, so an
escaped ``<img onerror>`` in site.yaml's name or a record's title ran on hover. The two
assignments are rewritten to ``textContent`` / a text node. The patterns are those of
Material 9.x's minified bundle; ``tests/test_browser.py`` hovers the hostile name and fails
when an upgrade changes them (``patch_bundle`` also returns what it changed).

Material's bundle loads two scripts from ``unpkg.com`` when it needs them: a ResizeObserver
polyfill on browsers without ``ResizeObserver`` (Chrome < 64, Safari < 13.1, the old Android
WebViews of cheap phones) and Mermaid on pages with a diagram. An outside request is what the
site promises never to make (China's networks block many foreign hosts; a government page
must not tell another host who reads it).

So after ``mkdocs build`` the *built copy* of the bundle is rewritten: each of those URLs
becomes the same file name beside the bundle (``assets/javascripts/…``), resolved against
the bundle's own address so that it works from any page depth and under a path prefix.
``resize-observer.js`` is written there too: a small polyfill written for gongshi (no
third-party code, so no licence to carry), enough for what Material measures (header,
sidebars, tabs). Mermaid is not shipped (3 MB): a diagram page fetches
``assets/javascripts/mermaid.min.js`` from the site, which a county may add to
``site_templates/overrides/assets/javascripts/`` (MIT licence); without it the diagram shows
as text. Nothing goes to another host either way. See docs/publishing.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.build import statics

JS_DIR = "assets/javascripts"
POLYFILL = "resize-observer.js"
# the outside scripts of Material 9.x's bundle → the local file name that replaces each
LOCAL_NAMES = {
    "https://unpkg.com/resize-observer-polyfill": POLYFILL,
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js": "mermaid.min.js",
}
_LITERAL = re.compile(r"""(["'`])(https://unpkg\.com/[^"'`\s]*)\1""")
_BUNDLE_SRC = (
    "(document.querySelector('script[src*=\"javascripts/bundle.\"]')||{}).src||location.href"
)

RESIZE_OBSERVER_JS = """\
/* gongshi: ResizeObserver for browsers without one (old Android WebViews), written for
   gongshi instead of loading a polyfill from unpkg.com. It reports an observed element
   when its size has changed after a window resize, an orientation change, the load event
   or a change of the page, checked at most every 50 ms. */
(function () {
  if (window.ResizeObserver) return;
  var observers = [];
  var pending = false;
  function rect(w, h) {
    return { x: 0, y: 0, top: 0, left: 0, width: w, height: h, right: w, bottom: h };
  }
  function check() {
    pending = false;
    for (var i = 0; i < observers.length; i++) {
      var o = observers[i], changed = [];
      for (var j = 0; j < o.els.length; j++) {
        var x = o.els[j], w = x.el.offsetWidth, h = x.el.offsetHeight;
        if (w !== x.w || h !== x.h) {
          x.w = w; x.h = h;
          changed.push({ target: x.el, contentRect: rect(w, h) });
        }
      }
      if (changed.length) o.cb(changed, o);
    }
  }
  function schedule() {
    if (!pending) { pending = true; setTimeout(check, 50); }
  }
  function ResizeObserver(cb) { this.cb = cb; this.els = []; observers.push(this); }
  ResizeObserver.prototype.observe = function (el) {
    for (var j = 0; j < this.els.length; j++) if (this.els[j].el === el) return;
    this.els.push({ el: el, w: -1, h: -1 });
    schedule();
  };
  ResizeObserver.prototype.unobserve = function (el) {
    this.els = this.els.filter(function (x) { return x.el !== el; });
  };
  ResizeObserver.prototype.disconnect = function () { this.els = []; };
  window.addEventListener("resize", schedule);
  window.addEventListener("orientationchange", schedule);
  window.addEventListener("load", schedule);
  if (window.MutationObserver) {
    new MutationObserver(schedule).observe(document.documentElement,
      { childList: true, subtree: true, attributes: true, characterData: true });
  }
  window.ResizeObserver = ResizeObserver;
})();
"""


_TOOLTIP_NODE = re.compile(r"let (\w+)=(\w+)\.title,(\w+)=(\w+)\(\1\);")
_TOOLTIP_HTML = re.compile(
    r"(let (\w+)=\w+\.title;if\(!\2\.length\)return \w+;[^;]{0,200}?;(?:return )?\w+)"
    r"\.innerHTML=\2"
)


def text_tooltips(text: str) -> tuple[str, int]:
    """Material's tooltips from ``title`` attributes, as text instead of HTML."""
    text, a = _TOOLTIP_NODE.subn(r"let \1=\2.title,\3=\4(document.createTextNode(\1));", text)
    text, b = _TOOLTIP_HTML.subn(r"\1.textContent=\2", text)
    return text, a + b


def _local(match: re.Match[str]) -> str:
    url = match.group(2)
    name = LOCAL_NAMES.get(url) or url.rstrip("/").rsplit("/", 1)[-1] or "missing.js"
    return f'new URL("{name}",{_BUNDLE_SRC}).href'


def patch_bundle(site: Path) -> tuple[list[str], int]:
    """Rewrite the built theme bundle(s) under ``site``: unpkg.com URLs → files of the site
    (the ResizeObserver polyfill is written beside them), tooltips → text. Returns the URLs
    replaced and the number of tooltip assignments made text."""
    replaced: list[str] = []
    tooltips = 0
    folder = Path(site) / JS_DIR
    for bundle in sorted(folder.glob("bundle.*.js")):
        before = bundle.read_text("utf-8")
        replaced.extend(m.group(2) for m in _LITERAL.finditer(before))
        text, n = text_tooltips(_LITERAL.sub(_local, before))
        tooltips += n
        if text != before:
            statics.rewrite(bundle, text.encode("utf-8"))
    if folder.is_dir():
        path = folder / POLYFILL
        if not path.exists() or path.read_text("utf-8") != RESIZE_OBSERVER_JS:
            statics.rewrite(path, RESIZE_OBSERVER_JS.encode("utf-8"))
    return replaced, tooltips
