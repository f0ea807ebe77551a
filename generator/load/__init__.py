"""The load stage: the county's files (CSV in any Chinese encoding, XLSX, YAML) → rows that
remember their file, row and column, plus every finding about them.

``reader`` reads a folder; ``tidy`` straightens messy Excel layouts first; ``cells`` turns
a cell's text into a value; ``importer`` and ``template`` are the two file tools a cadre
uses before committing (``gongshi import``, ``gongshi template``)."""

from generator.load.reader import Loaded, Row, Source, load, load_file, table_for_name

__all__ = ["Loaded", "Row", "Source", "load", "load_file", "table_for_name"]
