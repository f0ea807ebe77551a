"""The build stage: the generated pages → ``mkdocs build`` (split over processes by
``shards``) → PDFs of the print pages (``pdf``) → the reproducible search index
(``reproducible``) → the new site swapped into place (``swap``)."""
