"""Keeping CSV cells inert when a spreadsheet opens them (transcripts, reports, rosters)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula
(OWASP, "CSV injection"): ``=``, ``+``, ``-`` and ``@``, and tab and carriage return,
which some of them skip before looking."""


def defused(value: object) -> object:
    """``value``, with a leading apostrophe when it is text a spreadsheet would run as a
    formula (a module title such as ``=HYPERLINK(…)``); the apostrophe shows the text as
    it was, and runs nothing. Other values are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
