"""gongshi (公示): turn a county's poverty-alleviation records into a public notice website.

The pipeline runs in one direction: load → check → render → build → scan. Each stage is a
module with one entry function; ``cli`` only wires them together.
"""

__version__ = "0.1.0"
