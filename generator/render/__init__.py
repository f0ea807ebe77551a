"""The render stage: the public model → Markdown pages, downloads, feeds and print pages in
MkDocs' ``docs_dir``, and ``mkdocs.generated.yml``.

``urls`` is the one path scheme; ``views`` and ``model.totals`` compute what pages show;
``templates`` holds the Jinja2 environment; ``pages.render`` writes it all."""

from generator.render.pages import RenderResult, render

__all__ = ["RenderResult", "render"]
