"""``mkdocs.generated.yml`` and the search dictionary: what MkDocs needs from the data.

The county's own ``mkdocs.yml`` stays as it wrote it; the generated file INHERITs it and
adds the site name, address and footer data from ``site.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from generator.dates import zh_date
from generator.model import Dataset
from generator.project import Project


def jieba_words(ds: Dataset) -> list[str]:
    """Words villagers search for, so jieba keeps them whole (金岭镇松洞村 → 金岭镇 / 松洞村)."""
    words: set[str] = set()
    for vil in ds.villages:
        words.update((vil.township, vil.name))
    for p in ds.projects:
        words.update((p.township, p.name, p.contractor, p.implementer, p.supervision_firm))
    for f in ds.funds:
        words.add(f.document_no)
    words.update(b.program for b in ds.benefits)
    return sorted(w for w in words if w and not any(c.isspace() for c in w))


BUILTIN_LOGO = "assets/images/gongshi-logo.svg"  # site_templates/overrides (theme file)
LOGO_DIR = "assets/gongshi"  # the county's logo, copied from data/ into docs_dir


def write_logo(ds: Dataset, docs_dir: Path) -> str:
    """Copy site.yaml's logo (``ds.logo``, read with the data) into ``docs_dir`` and return
    its path for ``theme.logo`` and ``theme.favicon``; the built-in notice-board mark when
    the county has none (never Material's book). A logo the county removed is removed."""
    folder = docs_dir / LOGO_DIR
    rel = ""
    if ds.logo:
        rel = f"{LOGO_DIR}/logo.{ds.site.logo.rsplit('.', 1)[-1].lower()}"
        path = docs_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != ds.logo:
            path.write_bytes(ds.logo)
    if folder.is_dir():
        for old in folder.iterdir():
            if old.is_file() and old.relative_to(docs_dir).as_posix() != rel:
                old.unlink()
    return rel or BUILTIN_LOGO


def write_config(ds: Dataset, project: Project) -> Path:
    """``mkdocs.generated.yml``: INHERITs the county's ``mkdocs.yml`` and adds site data."""
    work = project.work
    work.mkdir(exist_ok=True)
    words = "".join(f"{w} 1000\n" for w in jieba_words(ds))
    _write_if_changed(work / "jieba_user.txt", words)
    s = ds.site
    logo = write_logo(ds, project.docs_dir)
    config: dict[str, Any] = {
        "INHERIT": "mkdocs.yml",
        "site_name": s.name,
        "theme": {"logo": logo, "favicon": logo},
        "extra": {
            "gongshi": {
                "name": s.name,
                "county": s.county,
                "office": s.office,
                "address": s.address,
                "site_code": s.site_code,
                "icp": s.icp,
                "base_url": s.base_url,
                "domain": urlsplit(s.base_url).hostname or "",
                "phones": [{"label": p.label, "number": p.number} for p in s.all_phones],
                # the footer's 数据截止日期 (the rules' "today", model.status), also every
                # page's update time (政府网站检查: a page without one is not updated)
                "data_date": zh_date(ds.as_of),
                "data_date_iso": ds.as_of.isoformat(),
                # footer identifiers of a government site (issue 18)
                "gov_mark": s.gov_mark,
                "police_record": s.police_record,
                "police_code": s.police_code,
                "correction": s.correction,
            }
        },
    }
    if s.base_url:
        config["site_url"] = s.base_url
    text = (
        "# Written by `gongshi build` from data/site.yaml: do not edit, edit mkdocs.yml.\n"
        + yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    )
    path = project.generated_config
    _write_if_changed(path, text)
    return path


def _write_if_changed(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
