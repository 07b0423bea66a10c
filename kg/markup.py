"""LaTeX formatting in abstracts, removed before extraction, with a map back to the text as written.

arXiv abstracts are written in LaTeX, and about 6% of them set names in bold or italics:
"we introduce \\textbf{MoniRefer}, ...", "\\emph{Sparse Autoencoders}", "{\\em CoT}". The
tokenizer keeps ``\\textbf{MoniRefer`` as one token, so such names were missed or came out with
markup; the same goes for ``\\%`` after a number and ``\\&`` in a name. :func:`strip_markup`
gives the text a reader sees, and for each of its characters the characters of the text as
written it comes from (a :class:`CharMap`), so every offset extraction reports still points
into the abstract as the input gave it (:func:`original_span`, and back: :func:`clean_span`).

What goes, and what stays:

- a formatting command keeps its argument: ``\\textbf{X}``, ``\\textit``, ``\\emph``,
  ``\\texttt``, ``\\textsc``, ``\\underline``, ... (:data:`FORMATTING`); ``\\href{url}{X}`` and
  ``\\textcolor{red}{X}`` keep their last argument (:data:`FORMATTING_AFTER_ONE`), and a link
  without a text its address;
- a citation goes with its key and the space or tie before it: ``DeepSeek-R1~\\cite{guo2025}``,
  ``\\citep[e.g.][]{a}``;
- a font declaration in a group keeps the group's text: ``{\\bf X}``, ``{\\em X}``
  (:data:`DECLARATIONS`);
- an accented letter becomes the letter it writes: ``Fr\\'echet`` and ``Fr{\\'e}chet`` ->
  "Fréchet", ``Schr\\"odinger``, ``\\c{c}``;
- an escaped character becomes itself: ``\\%``, ``\\&``, ``\\_``, ``\\#``, ``\\$``, ``\\{``, ``\\}``;
- everything else stays as written: math commands (``$\\times$``, read by
  :mod:`kg.extract.values`; math is not parsed, so formatting and escapes inside ``$...$`` go
  as anywhere else: ``$99\\%$`` -> ``$99%$``), a line break ``\\\\``, a paper's own macros
  (``\\method``), and braces that no removed command opened.

Unbalanced markup never fails: a formatting command whose argument does not close loses only
the command, and a citation that does not close stays.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from typing import NamedTuple

#: Commands that typeset their one argument: the argument is kept, the command goes.
FORMATTING = frozenset({
    "textbf", "textit", "emph", "texttt", "textsc", "textsf", "textrm", "textmd", "textup", "textsl",
    "textnormal", "underline", "uline", "mbox", "textsuperscript", "textsubscript", "url",
})
#: Commands whose first argument is not text (a link, a colour): their last argument is kept.
FORMATTING_AFTER_ONE = frozenset({"href", "textcolor", "colorbox"})
#: Commands whose argument is no text of the abstract: a citation goes whole, with the "~" before it.
CITATIONS = frozenset({"cite", "citep", "citet", "citealp", "citeauthor", "citeyear"})
#: Font declarations that typeset the rest of their group: ``{\bf X}`` -> ``X``.
DECLARATIONS = frozenset({
    "bf", "it", "em", "sc", "tt", "sf", "rm", "sl", "bfseries", "itshape", "scshape", "ttfamily",
    "sffamily", "rmfamily", "mdseries", "upshape", "normalfont",
})
#: Characters LaTeX escapes with a backslash.
ESCAPED = frozenset("%&_#${}")

#: LaTeX accents and the combining marks they write.
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
           ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b"}

_ACCENT = re.compile(r"""\\(?:(['`^"~=.])|([cvuH])\s*(?=\{))(?:\{(\\i|[A-Za-z])\}|(\\i|[A-Za-z]))""")
_COMMAND = re.compile(r"\\([A-Za-z]+)\s*\{")
_CITATION = re.compile(r"\\([A-Za-z]+)\*?\s*(?:\[[^\]{}]*\]\s*)*\{")
_DECLARATION = re.compile(r"\{((?:\\[A-Za-z]+(?![A-Za-z])\s*)+)")
_NAME = re.compile(r"\\([A-Za-z]+)")
_OPEN = re.compile(r"\s*\{")
_SPECIAL = re.compile(r"[\\{}]")


def _closing_brace(text: str, i: int) -> int:
    """The index of the brace that closes the one at ``i``, or -1."""
    depth, j = 0, i
    while j < len(text):
        ch = text[j]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if not depth:
                return j
        elif ch == "\\":
            j += 1  # an escaped brace does not count
        j += 1
    return -1


class CharMap(NamedTuple):
    """Where each character of a clean text comes from in the text as written: ``clean[i]``
    was written as ``text[starts[i]:ends[i]]`` ("é" as ``\\'e``, "%" as ``\\%``, most
    characters as themselves). Both lists are non-decreasing."""

    starts: list[int]
    ends: list[int]


def strip_markup(text: str) -> tuple[str, CharMap | None]:
    """The text without LaTeX formatting, and where each of its characters is in ``text``.

    Parameters
    ----------
    text : str
        A title and abstract as written.

    Returns
    -------
    clean : str
        The text without formatting commands (see the module docstring).
    chars : CharMap or None
        Where each character of ``clean`` was written in ``text``; None when nothing was
        removed (``clean`` is ``text``).

    Examples
    --------
    >>> clean, chars = strip_markup(r"We propose \\textbf{MoniRefer}, 3\\% better.")
    >>> clean
    'We propose MoniRefer, 3% better.'
    >>> original_span(chars, 11, 20)
    (19, 28)
    """
    if "\\" not in text:
        return text, None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    closes: list[bool] = []  # per open brace: whether its closing brace goes
    pos = 0  # text before this is handled

    def keep(a: int, b: int) -> None:
        if b > a:
            out.append(text[a:b])
            starts.extend(range(a, b))
            ends.extend(range(a + 1, b + 1))

    def write(chars: str, a: int, b: int) -> None:
        """``chars`` written as ``text[a:b]``."""
        out.append(chars)
        starts.extend([a] * len(chars))
        ends.extend([b] * len(chars))

    def accent(a: int, i: int, close: bool) -> int:
        """Write the accented letter whose command starts at ``i`` (its markup from ``a``, and
        up to a closing brace when ``close``); the index after it, or -1 when there is none."""
        m = _ACCENT.match(text, i)
        if m is None or close and not text.startswith("}", m.end()):
            return -1
        b = m.end() + close
        letter = m.group(3) or m.group(4)
        write(unicodedata.normalize("NFC", ("i" if letter == "\\i" else letter) + ACCENTS[m.group(1) or m.group(2)]),
              a, b)
        return b

    def drop_space_before() -> None:
        """Drop the space or tie just written (before a citation that goes)."""
        if out and out[-1][-1:] in (" ", "~"):
            out[-1] = out[-1][:-1]
            starts.pop()
            ends.pop()

    for m in _SPECIAL.finditer(text):
        i = m.start()
        if i < pos:
            continue
        keep(pos, i)
        pos = i + 1
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1:i + 2]
            if nxt in ESCAPED:
                write(nxt, i, i + 2)
                pos = i + 2
                continue
            if nxt == "\\":  # a line break "\\\\" stays as written
                keep(i, i + 2)
                pos = i + 2
                continue
            end = accent(i, i, False)
            if end >= 0:
                pos = end
                continue
            cite = _CITATION.match(text, i)
            if cite is not None and cite.group(1) in CITATIONS:
                end = _closing_brace(text, cite.end() - 1)
                if end >= 0:
                    drop_space_before()
                    pos = end + 1
                    continue
            cmd = _COMMAND.match(text, i)
            if cmd is not None:
                name = cmd.group(1)
                if name in FORMATTING:
                    closes.append(True)
                    pos = cmd.end()
                    continue
                if name in FORMATTING_AFTER_ONE:
                    end = _closing_brace(text, cmd.end() - 1)
                    second = _OPEN.match(text, end + 1) if end >= 0 else None
                    if second is not None:
                        closes.append(True)
                        pos = second.end()
                        continue
                    if name == "href":  # a link without its text: the address is the text
                        closes.append(True)
                        pos = cmd.end()
                        continue
            keep(i, i + 1)
        elif ch == "{":
            end = accent(i, i + 1, True)  # "{\\'e}"
            if end >= 0:
                pos = end
                continue
            decl = _DECLARATION.match(text, i)
            if decl is not None and all(n in DECLARATIONS for n in _NAME.findall(decl.group(1))):
                closes.append(True)  # "{\\bf X}", "{\\bf\\em X}"
                pos = decl.end()
                continue
            closes.append(False)
            keep(i, i + 1)
        else:  # "}"
            if closes and closes.pop():
                continue
            keep(i, i + 1)
    keep(pos, len(text))
    clean = "".join(out)
    if clean == text:  # a backslash that wrote nothing away
        return text, None
    return clean, CharMap(starts, ends)


def original_span(chars: CharMap | None, start: int, end: int) -> tuple[int, int]:
    """The characters of ``text`` that ``clean[start:end]`` was written as (see
    :func:`strip_markup`). Markup inside the span stays inside it (``\\textbf{E}dge`` for
    "Edge"), and an accented letter or escape at either end is included whole (``Caf\\'e``)."""
    if chars is None:
        return start, end
    if end <= start:
        at = chars.starts[start] if start < len(chars.starts) else (chars.ends[-1] if chars.ends else 0)
        return at, at
    return chars.starts[start], chars.ends[end - 1]


def clean_span(chars: CharMap | None, start: int, end: int) -> tuple[int, int]:
    """The characters of the clean text written within ``text[start:end]``: the inverse of
    :func:`original_span`."""
    if chars is None:
        return start, end
    a = bisect_left(chars.starts, start)
    return a, max(a, bisect_right(chars.ends, end))
