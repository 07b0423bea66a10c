"""Errors that the command line reports as one clear line, never a traceback."""

from __future__ import annotations


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
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return printable(f"{where}{self.message}")


class InputError(KgError):
    """An input file cannot be read at all (missing, empty, unknown format)."""
