"""The demo county's generated pages, byte for byte, against a committed manifest.

A restructure must change no output; a change that does change it is a reviewed change.
When a page changes on purpose, look at the difference (the test prints which files), then
refresh the manifest and commit it with the change:

    python tests/test_demo_output.py        (writes tests/data/demo_content.sha256)

Only what gongshi writes (MkDocs' ``docs_dir``) is compared: the HTML around it comes from
MkDocs and Material, whose versions are not gongshi's to pin to the byte.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "data" / "demo_content.sha256"


def tree_hashes(content: Path) -> dict[str, str]:
    return {
        p.relative_to(content).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(content.rglob("*"))
        if p.is_file()
    }


def read_manifest() -> dict[str, str]:
    out = {}
    for line in MANIFEST.read_text("utf-8").splitlines():
        digest, _, name = line.partition("  ")
        out[name] = digest
    return out


def test_the_demo_pages_are_the_reviewed_ones(demo):
    project, _ = demo
    now = tree_hashes(project / "content")
    before = read_manifest()
    changed = sorted(n for n in now.keys() & before.keys() if now[n] != before[n])
    added, gone = sorted(now.keys() - before.keys()), sorted(before.keys() - now.keys())
    assert not (changed or added or gone), (
        f"changed {changed[:20]}, added {added[:20]}, gone {gone[:20]} "
        f"({len(changed)}, {len(added)}, {len(gone)}); if intended: python {__file__}"
    )


if __name__ == "__main__":  # refresh the manifest from a fresh demo build
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest import DEMO_DATA, build_project, make_project

    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp) / "demo", DEMO_DATA)
        result = build_project(project, pdf=True)
        assert result.published and result.pdf, "needs a publishable demo and Chromium"
        lines = [f"{d}  {n}" for n, d in tree_hashes(project / "content").items()]
        MANIFEST.write_text("\n".join(lines) + "\n", "utf-8")
        print(f"{MANIFEST}: {len(lines)} files")
