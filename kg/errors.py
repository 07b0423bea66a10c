"""Errors that the command line reports as one clear line, never a traceback, and the helpers
that word its messages and reports."""

from __future__ import annotations

import os


def printable(text: str) -> str:
    """``text`` safe to print on a terminal as one line: every character that is not
    printable (control characters such as ESC or NUL, line and paragraph breaks, bidi
    controls, lone surrogates from undecodable file names) becomes its escape (``\\x1b``,
    ``\\n``, ``\\u202e``, ``\\udcff``), as :func:`repr` writes it. Printable text is returned
    as it is.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def counted(n: int, noun: str, plural: str | None = None, sep: str = "") -> str:
    """A count and its noun, singular for one: ``counted(1, "entry", "entries")`` is ``1 entry``,
    ``counted(2, "record")`` is ``2 records`` (``plural`` defaults to ``noun + "s"``); ``sep``
    groups the digits (``","``: ``1,234 records``)."""
    return f"{n:{sep}} {noun if n == 1 else plural or noun + 's'}"


def path_text(path: object) -> str:
    """A file's name as text that every output can hold: bytes of the name that are not UTF-8
    (kept by Python as lone surrogates) written as ``\\xff``. Sources (``file:line``) and
    messages use it; a name that is text is returned as it is."""
    s = str(path)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        try:
            return os.fsencode(s).decode("utf-8", "backslashreplace")
        except UnicodeError:
            return s.encode("utf-8", "backslashreplace").decode("utf-8")


class KgError(Exception):
    """A fatal, user-facing error (exit code 2).

    Parameters
    ----------
    message : str
        What went wrong, phrased for the user.
    path : str, optional
        The file it concerns.
    line : int, optional
        The 1-based line in that file.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        """``PATH:LINE: message`` with control characters escaped (see :func:`printable`)."""
        where = ""
        if self.path is not None:
            path = path_text(self.path)
            where = f"{path}:{self.line}: " if self.line is not None else f"{path}: "
        return printable(f"{where}{self.message}")


class InputError(KgError):
    """An input file cannot be read at all (missing, empty, unknown format)."""
