"""The look of the demo site, as screenshots against committed images (Chromium).

Home, the project list, one project, one village, one fund and the compliance page, each
at 360 px (a phone) and 1280 px (a desktop), first screen only. A change to the look is a
reviewed change: when a page changes on purpose, look at the images the failing test names
(the new screenshot and a difference image are written next to the test's temporary
folder), then refresh and commit the images with the change:

    python tests/test_visual.py        (writes tests/data/visual/*.png and the README's
                                        docs/screenshots/home.png, village.png)

The comparison tolerates anti-aliasing and sub-pixel font differences (grey levels, halved
resolution, a small share of changed pixels), not a moved block or a changed colour.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import require_tool

try:
    from PIL import Image
    from playwright import sync_api
except ImportError:  # a developer's machine without the test extras; CI has them
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip("needs the test extras: pip install -e '.[test]'", allow_module_level=True)

BASELINES = Path(__file__).resolve().parent / "data" / "visual"
PAGES = {
    "home": "",
    "projects": "projects/",
    "project": "projects/JL2018-001/",
    "village": "villages/371324104201/",
    "fund": "funds/F2018-01/",
    "compliance": "compliance/",
}
SCREENS = {"phone": (360, 800), "desktop": (1280, 900)}
CHANGED_LEVEL = 40  # a grey-level difference below this is anti-aliasing
CHANGED_SHARE = 0.02  # more than 2% of (halved) pixels changed is a change to the look
# Frozen for a screenshot: no transition half-way, no blinking caret, no scrollbar.
STILL = "*{transition:none!important;animation:none!important;caret-color:transparent!important}"


def shoot(browser, base: str, name: str, screen: str) -> bytes:
    width, height = SCREENS[screen]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        is_mobile=screen == "phone",
        has_touch=screen == "phone",
        locale="zh-CN",
        reduced_motion="reduce",
    )
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(base + PAGES[name], wait_until="networkidle")
        page.add_style_tag(content=STILL)
        page.evaluate("document.fonts.ready")
        return page.screenshot(full_page=False, animations="disabled")
    finally:
        context.close()


def grey(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width // 2, image.height // 2), Image.Resampling.BOX)
    return np.asarray(image, dtype=np.int16)


def changed_share(before: bytes, after: bytes) -> float:
    a, b = grey(before), grey(after)
    if a.shape != b.shape:
        return 1.0
    return float((np.abs(a - b) > CHANGED_LEVEL).mean())


@pytest.fixture(scope="module")
def browser():
    executable = require_tool("chromium")
    from test_browser import ARGS

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def base(demo):
    from test_browser import serve

    yield from serve(demo[0] / "site")


def test_the_comparison_sees_a_moved_block_but_not_anti_aliasing() -> None:
    """The tolerance is not a check that cannot fail: a shifted block and a recoloured
    band count as changes; one-level noise everywhere does not."""
    rng = np.random.default_rng(3)
    page = np.full((800, 360), 255, dtype=np.uint8)
    page[100:300, 20:340] = 30  # a dark card

    def png(a: np.ndarray) -> bytes:
        out = io.BytesIO()
        Image.fromarray(a).save(out, "PNG")
        return out.getvalue()

    noisy = np.clip(page.astype(np.int16) + rng.integers(-12, 13, page.shape), 0, 255)
    moved = np.full_like(page, 255)
    moved[140:340, 20:340] = 30
    recoloured = page.copy()
    recoloured[100:300, 20:340] = 120
    assert changed_share(png(page), png(noisy.astype(np.uint8))) <= CHANGED_SHARE
    assert changed_share(png(page), png(moved)) > CHANGED_SHARE
    assert changed_share(png(page), png(recoloured)) > CHANGED_SHARE


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", PAGES)
def test_the_page_looks_as_reviewed(browser, base, name, screen, tmp_path: Path) -> None:
    baseline = BASELINES / f"{name}-{screen}.png"
    assert baseline.is_file(), f"no reviewed image {baseline.name}: python {__file__}"
    now = shoot(browser, base, name, screen)
    share = changed_share(baseline.read_bytes(), now)
    if share > CHANGED_SHARE:
        (tmp_path / baseline.name).write_bytes(now)
        diff = np.abs(grey(baseline.read_bytes()) - grey(now)) if share < 1 else None
        if diff is not None:
            Image.fromarray((255 - np.minimum(diff * 4, 255)).astype(np.uint8)).save(
                tmp_path / f"diff-{baseline.name}"
            )
    assert share <= CHANGED_SHARE, (
        f"{name} at {SCREENS[screen][0]} px looks different ({share:.1%} of pixels changed); "
        f"new image and difference in {tmp_path}; if intended: python {__file__}"
    )


if __name__ == "__main__":  # refresh the reviewed images from a fresh demo build
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest import DEMO_DATA, build_project, make_project
    from test_browser import ARGS, serve

    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp) / "demo", DEMO_DATA)
        result = build_project(project)
        assert result.published, "needs a publishable demo"
        BASELINES.mkdir(parents=True, exist_ok=True)
        with sync_api.sync_playwright() as p:
            b = p.chromium.launch(executable_path=require_tool("chromium"), args=ARGS)
            for url in serve(project / "site"):
                for name in PAGES:
                    for screen in SCREENS:
                        png = shoot(b, url, name, screen)
                        (BASELINES / f"{name}-{screen}.png").write_bytes(png)
                        print(f"wrote {name}-{screen}.png")
            b.close()
        # the README's pictures are the phone screenshots of the home and village pages
        shots = BASELINES.parent.parent.parent / "docs" / "screenshots"
        for name in ("home", "village"):
            (shots / f"{name}.png").write_bytes((BASELINES / f"{name}-phone.png").read_bytes())
