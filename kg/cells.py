"""The spreadsheet-formula guard of the CSV tables, and its inverse.

A cell that a spreadsheet would run as a formula (its text, after any leading single quotes,
starts with = + - @, a tab or a carriage return) is written with one more quote in front, the
OWASP-recommended neutralization; removing that one quote gives the text back exactly ("=x" is
written "'=x", "'=x" is written "''=x"). :mod:`kg.export.tables` writes cells with
:func:`guard`, :mod:`kg.lookup` reads ``mentions.csv`` back with :func:`unguard`: the rule and
its inverse live here together, in a module light enough for ``kg show`` to import.
"""

from __future__ import annotations

#: What a spreadsheet takes for the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(text: str | None) -> str | None:
    """The cell to write for ``text`` (text or None; None and "" pass through)."""
    # (the first test alone decides for almost every cell)
    return "'" + text if text and (text.startswith(FORMULA_START) or text[0] == "'" and text.lstrip("'").startswith(
        FORMULA_START)) else text


def unguard(cell: str) -> str:
    """The text a cell written by :func:`guard` holds."""
    return cell[1:] if cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_START else cell
