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
- a tie (LaTeX's unbreakable space) after a word, number, comma or full stop and before a
  parenthesis or a word, after a word or full stop and before a number, or on either side of an
  arrow (below), becomes a space: ``Chain-of-Thought~(CoT)`` -> "Chain-of-Thought (CoT)", so that
  the abbreviation is found, ``30.94~dB`` -> "30.94 dB", ``e.g.~FLUX`` -> "e.g. FLUX", ``Stable
  Diffusion~1.5`` -> "Stable Diffusion 1.5", ``Fig.~3`` -> "Fig. 3" (a "~" elsewhere stays:
  ``~10 ms``, ``16~28``);
- an escaped character becomes itself: ``\\%``, ``\\&``, ``\\_``, ``\\#``, ``\\$``, ``\\{``, ``\\}``;
- a letter or sign written as a command becomes itself: ``Bj{\\o}ntegaard`` -> "Bjøntegaard",
  ``360{\\deg}`` -> "360°", ``\\textregistered`` -> "®" (:data:`SYMBOLS`; ``\\deg`` only in
  braces, as math uses it too);
- an abbreviation that conference style files define as a command becomes what it typesets:
  ``\\eg`` -> "e.g.", ``\\etal`` -> "et al." (:data:`TEXT_MACROS`), and a tie after it a space;
- a closing brace that closes nothing and follows a letter or digit goes: a typo such as
  ``Net}work`` or ``CASME}^2``;
- math that writes a name is read as the name: ``M$^{6}$Doc`` -> "M6Doc", ``$\\pi_0$`` -> "π0",
  ``$\\ell_2$-normalization`` -> "l2-normalization", ``$F_1$`` -> "F1", ``$\\text{SaPE}^2$`` ->
  "SaPE2", ``A$^*$`` -> "A*" (names in the annotations are written so), in ``$...$`` or
  ``\\(...\\)``. Such math holds only letters, digits, ``.``, ``-``, ``*``, ``[]``, super- and
  subscripts, braces, Greek letters, ``\\ell``, ``\\circ``, ``\\circledR`` and font commands
  (``\\text{...}``, ``\\mathrm{...}``), and a letter or degree sign unless a letter is beside it
  (:func:`_name_math`); the name's span maps back to the whole math;
- math that writes only an arrow is read as the arrow: ``En$\\rightarrow$De`` -> "En→De",
  ``$\\to$`` -> "→" (:data:`ARROWS`; the tokenizer splits at an arrow);
- everything else stays as written: other math (``$\\times$``, ``$\\mathcal{O}(n^2)$``,
  ``$85.3$``; numbers and their units are read by :mod:`kg.extract.values`; math is not parsed,
  so formatting and escapes inside ``$...$`` go as anywhere else: ``$99\\%$`` -> ``$99%$``), a
  line break ``\\\\``, a paper's own macros (``\\method``), and braces that no removed command
  opened but that are closed.

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

#: Letters and signs written as a command without an argument, outside math and in it.
SYMBOLS = {
    "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł",
    "oe": "œ", "OE": "Œ", "deg": "°", "textdegree": "°",
    "textregistered": "®", "texttrademark": "™", "textcopyright": "©",
}
#: Abbreviations that conference style files (``cvpr.sty`` and its kin) define as commands:
#: ``\eg`` typesets "e.g.", and takes no period after it twice (``\etal.`` -> "et al.").
TEXT_MACROS = {
    "eg": "e.g.", "Eg": "E.g.", "ie": "i.e.", "Ie": "I.e.", "etal": "et al.", "etc": "etc.",
    "vs": "vs.", "wrt": "w.r.t.", "cf": "cf.", "Cf": "Cf.",
}
#: Math that writes only an arrow, read as the arrow: ``En$\rightarrow$De`` -> "En→De" (a
#: language pair, a domain shift). Arrows up and down, which mark a metric's direction, stay.
ARROWS = {
    "rightarrow": "→", "to": "→", "longrightarrow": "→", "leftarrow": "←", "gets": "←",
    "leftrightarrow": "↔", "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔",
}
#: Of :data:`SYMBOLS`, those read only in braces (``{\deg}``): bare, math uses them too
#: (``$\deg(f)$``, the degree of a polynomial).
BRACED_ONLY = frozenset({"deg"})
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
          "sigma tau upsilon phi chi psi omega").split()
#: Commands that math names are written with (``$\pi_0$``, ``$\ell_2$``, ``$360^\circ$``).
MATH_SYMBOLS = {
    **{g: unicodedata.lookup("GREEK SMALL LETTER " + g.upper().replace("LAMB", "LAM")) for g in _GREEK},
    **{g.capitalize(): unicodedata.lookup("GREEK CAPITAL LETTER " + g.upper().replace("LAMB", "LAM")) for g in _GREEK},
    "varepsilon": "ε", "vartheta": "ϑ", "varphi": "φ", "varrho": "ϱ", "varsigma": "ς", "varpi": "ϖ",
    "ell": "l", "circ": "°", "circledR": "®",
}
#: Font commands inside math: their argument is kept (``$\text{SaPE}^2$`` -> "SaPE2").
MATH_FONTS = frozenset({
    "text", "textrm", "textbf", "textit", "texttt", "textsf", "mathrm", "mathbf", "mathit", "mathtt",
    "mathsf", "mathcal", "mathbb", "boldsymbol", "bm", "operatorname",
})

#: LaTeX accents and the combining marks they write.
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
           ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b"}

_ACCENT = re.compile(r"""\\(?:(['`^"~=.])|([cvuH])\s*(?=\{))(?:\{(\\i|[A-Za-z])\}|(\\i|[A-Za-z]))""")
_COMMAND = re.compile(r"\\([A-Za-z]+)\s*\{")
_CITATION = re.compile(r"\\([A-Za-z]+)\*?\s*(?:\[[^\]{}]*\]\s*)*\{")
_DECLARATION = re.compile(r"\{((?:\\[A-Za-z]+(?![A-Za-z])\s*)+)")
_NAME = re.compile(r"\\([A-Za-z]+)")
_OPEN = re.compile(r"\s*\{")
_SPECIAL = re.compile(r"[\\{}$~]")
_DOLLAR = re.compile(r"(?<!\\)\$")  # a "$" that is not escaped
_SYMBOL = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])(?:\{\})?")
_BRACED_SYMBOL = re.compile(r"\{\\([A-Za-z]+)\}")
#: A piece of math that writes a name: a letter, digit, ".", "-", "[", "]", a script mark, a
#: brace or a command (checked against the tables by :func:`_name_math`).
_MATH_PIECE = re.compile(r"\\([A-Za-z]+)|([^\W_]|[.\-\[\]*])|([\^_{}])")
_ARROW = re.compile(r"\$\s*\\([A-Za-z]+)\s*\$")
_ARROW_CHARS = frozenset(ARROWS.values())


def _name_math(text: str, i: int) -> tuple[int, list[tuple[str, int, int]]] | None:
    """When the ``$`` at ``i`` opens math that writes a name (module docstring): the index
    after its closing ``$`` and the characters it writes, each with where it was written."""
    close = _DOLLAR.search(text, i + 1)
    if close is None:
        return None
    return _math_name(text, i, i + 1, close.start(), close.end())


def _paren_name_math(text: str, i: int) -> tuple[int, list[tuple[str, int, int]]] | None:
    """:func:`_name_math` for math written ``\\(...\\)``, opened at ``i``."""
    end = text.find("\\)", i + 2, i + 43)  # longer math is no name (_math_name)
    if end < 0:
        return None
    return _math_name(text, i, i + 2, end, end + 2)


def _math_name(text: str, i: int, a: int, end: int, after: int) -> tuple[int, list[tuple[str, int, int]]] | None:
    """The name that the math opened at ``i`` writes, its inside ``text[a:end]`` and its
    closing delimiter ``text[end:after]``: ``after`` and the name's characters, or None.
    Math with no letter (or Greek letter, or degree sign) writes a name only beside a letter."""
    if end == a or end - i > 40:
        return None
    b = end
    while a < b and text[a] == " ":
        a += 1
    while b > a and text[b - 1] == " ":
        b -= 1
    out: list[tuple[str, int, int]] = []
    letter = False
    j = a
    while j < b:
        m = _MATH_PIECE.match(text, j)
        if m is None or m.end() > b:
            return None
        name, char = m.group(1), m.group(2)
        if name is not None:
            if name in MATH_SYMBOLS:
                out.append((MATH_SYMBOLS[name], m.start(), m.end()))
                letter = True
            elif name in MATH_FONTS and text.startswith("{", m.end()):
                pass
            else:
                return None
        elif char is not None:
            out.append((char, m.start(), m.end()))
            letter = letter or char.isalpha()
        j = m.end()
    # digits alone are a name only beside a letter ("M$^{6}$Doc", "M3$^2$Diagram"); elsewhere a
    # number or its power ("$85.3$", "10$^{-15}$", "10$^6$ images")
    named = i > 0 and text[i - 1].isalpha() or after < len(text) and text[after].isalpha()
    if not out or not (letter or named):
        return None
    # the name's first and last characters take the delimiters with them, so that its span maps
    # back to whole math ("$F_1$-score", not "F_1$-score")
    first, last = out[0], out[-1]
    out[0] = (first[0], i, first[2])
    out[-1] = (last[0], out[-1][1], after)
    return after, out


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
    characters as themselves; the four characters of "e.g." all as ``\\eg``). Both lists are
    non-decreasing."""

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
    if "\\" not in text and "$" not in text and "~" not in text and "}" not in text:
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

    math_close = -1  # the "$" that closes math left as written
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
            if nxt == "(":  # inline math "\\(...\\)", read as "$...$" is
                math = _paren_name_math(text, i)
                if math is not None:
                    pos, chars = math
                    for c, a, b in chars:
                        write(c, a, b)
                    continue
            end = accent(i, i, False)
            if end >= 0:
                pos = end
                continue
            sym = _SYMBOL.match(text, i)
            if sym is not None and sym.group(1) in SYMBOLS and sym.group(1) not in BRACED_ONLY:
                write(SYMBOLS[sym.group(1)], i, sym.end())
                pos = sym.end()
                continue
            if sym is not None and sym.group(1) in TEXT_MACROS:
                words = TEXT_MACROS[sym.group(1)]
                if text.startswith(".", sym.end()):  # "\\etal." is "et al.", not "et al.."
                    words = words[:-1]
                write(words, i, sym.end())
                pos = sym.end()
                if text.startswith("~", pos):  # "\\eg~light": the tie is a space
                    write(" ", pos, pos + 1)
                    pos += 1
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
            sym = _BRACED_SYMBOL.match(text, i)  # "{\\o}"
            if sym is not None and sym.group(1) in SYMBOLS:
                write(SYMBOLS[sym.group(1)], i, sym.end())
                pos = sym.end()
                continue
            decl = _DECLARATION.match(text, i)
            if decl is not None and all(n in DECLARATIONS for n in _NAME.findall(decl.group(1))):
                closes.append(True)  # "{\\bf X}", "{\\bf\\em X}"
                pos = decl.end()
                continue
            closes.append(False)
            keep(i, i + 1)
        elif ch == "~":
            before, after = (out[-1][-1:] if out else ""), text[i + 1:i + 2]
            arrow = _ARROW.match(text, i + 1)
            if ((before.isalnum() or before in "),.") and (after == "(" or after.isalpha())
                    or (before.isalpha() or before == ".") and after.isdigit()
                    or arrow is not None and arrow.group(1) in ARROWS and before.strip()
                    or before in _ARROW_CHARS and after.strip()):
                write(" ", i, i + 1)
            else:
                keep(i, i + 1)
        elif ch == "$":
            if i == math_close:
                keep(i, i + 1)
                continue
            if text.startswith("$$", i):  # display math stays as written
                keep(i, i + 2)
                pos = i + 2
                continue
            arrow = _ARROW.match(text, i)
            if arrow is not None and arrow.group(1) in ARROWS:
                write(ARROWS[arrow.group(1)], i, arrow.end())
                pos = arrow.end()
                continue
            math = _name_math(text, i)
            if math is None:  # other math stays as written (what is inside goes as anywhere)
                keep(i, i + 1)
                close = _DOLLAR.search(text, i + 1)
                if close is not None:  # its closing "$" opens nothing
                    math_close = close.start()
                continue
            pos, chars = math
            for c, a, b in chars:
                write(c, a, b)
        else:  # "}"
            if closes:
                if closes.pop():
                    continue
            elif text[i - 1:i].isalnum():  # it closes nothing, after a letter or digit: a typo
                continue  # ("Net}work", "CASME}^2"), which goes
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
    :func:`original_span`, but inside what one command writes as several characters ("e.g."
    for ``\\eg``), which maps back only whole."""
    if chars is None:
        return start, end
    a = bisect_left(chars.starts, start)
    return a, max(a, bisect_right(chars.ends, end))
