"""Numbers as abstracts write them: "85.1%", "+3.1", "2.5x", "12.3 ms", "16-28%", "0.79 $\\pm$ 0.03".

:func:`find_values` finds them in a sentence with their unit; :func:`parse_value` reads a value
string back into numbers, unit and sign. Both are pure functions over strings: the result
extractor (:mod:`kg.extract.results`) and the scorer (:mod:`kg.evaluate.results`) share them, so
a value is read the same way in a prediction and in a gold file.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import NamedTuple

#: One number: thousands separators, decimals, or a leading point (".912").
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+"
#: A per cent sign as plain text or LaTeX ("%", "\%", "$\%$", "$%$").
_PCT = r"(?:\$?\\?%\$?|\$\\%\$)"
#: Units written after a number, longest first.
_UNIT = (r"(?:" + _PCT + r"|\s?percent(?:age)?\s+points?|\s?percent|\s?p\.p\.|\s?pp(?![A-Za-z])|\s?points?(?![A-Za-z])"
         r"|\s?(?:\$\\times\$|\\times|\$\\times|×|[xX](?![A-Za-z0-9])|-?fold(?![A-Za-z])|\s?times(?![A-Za-z]))"
         r"|\s?(?:\\,)?\s?(?:ms|sec|seconds|s|min|minutes|hours|h|dB|FPS|fps|GB|MB|KB|TB|mW|W|mJ|J|Hz|sq\s?km|km|cm|mm|m"
         r"|tokens/s|it/s|img/s)(?![A-Za-z0-9]))")
#: A number with its unit; a leading sign; LaTeX "$" around it ("$16.25-35.91$%").
_ONE = rf"(?:[+\-−]\s?)?\$?(?:{_NUM})\$?(?:{_UNIT}\$?)?"
#: A range ("16-28%", "6--15%", "1.4 to 3.5\%", "0.12~0.14 dB") or a value with its spread ("0.79 ± 0.03").
_SEP = r"(?:\s?(?:-{1,2}|–|—|~)\s?|\s+to\s+|\s?(?:±|\$\\pm\$|\\pm)\s?)"
#: A value; not a part of a ratio written with a colon ("a 58:42 class ratio", "an 8:1:1 split",
#: "1:10,000"), whose numbers are no results on their own, but after a name that ends in a digit
#: ("F1:0.66"). The value is matched whole or not at all (an atomic group): "5-10:1" gives no "5".
VALUE_RE = re.compile(rf"(?<![\w.@/^\-])(?<!\w[-.])(?<!(?<![A-Za-z])\d[:,])(?<![%x]:)"
                      rf"(?>(?:{_ONE})(?:{_SEP}(?:{_ONE}))?)(?![\d.,]*:\d)")
_NUMBER_RE = re.compile(_NUM)
_PCT_RE = re.compile(r"%|percent|\bpp\b|p\.p\.|points?\b")
_TIMES_RE = re.compile(r"\\times|×|(?<![A-Za-z])[xX](?![A-Za-z])|fold|times")
_UNIT_WORD_RE = re.compile(r"(ms|sec|seconds|s|min|minutes|hours|h|dB|FPS|fps|GB|MB|KB|TB|mW|W|mJ|J|Hz|sq\s?km|km|cm|mm|m"
                           r"|tokens/s|it/s|img/s)\s*$")


_PP_RE = re.compile(r"percentage points?|\bpp\b|p\.p\.")
_POINTS_RE = re.compile(r"\bpoints?\b")


class Value(NamedTuple):
    """A value read from text."""

    numbers: tuple[float, ...]  #: one number, or both ends of a range (or value and spread for "±")
    unit: str  #: "%", "pp", "points", "x" or a unit word ("ms", "dB"); "" for none
    sign: str  #: "+", "-" or ""
    decimal: bool  #: a number is written with a decimal point


@lru_cache(maxsize=1 << 14)
def parse_value(text: str) -> Value | None:
    """Read a value string: its numbers, unit and sign; None when it holds no number.

    Parameters
    ----------
    text : str
        A value as written ("+3.1", "93.7$\\%$", "2.9$\\times$ to 5.8$\\times$", "1,000 sq km").

    Examples
    --------
    >>> parse_value("-0.244 to 0.474").numbers
    (-0.244, 0.474)
    >>> parse_value("93.7$\\\\%$").unit
    '%'
    """
    t = text.strip().strip("$").strip()
    nums = list(_NUMBER_RE.finditer(t))
    if not nums:
        return None
    numbers = [float(m.group().replace(",", "")) for m in nums]
    if not all(map(math.isfinite, numbers)):
        return None  # "9999...9" past a float's range is no measured value
    head = t[:nums[0].start()].replace("$", "").strip()
    sign = "-" if head.endswith(("-", "−")) else "+" if head.endswith("+") else ""
    if sign == "-":
        numbers[0] = -numbers[0]
    tail = t[nums[-1].end():].replace("$", "").replace("\\,", " ").strip()
    if "%" in t or "percent" in t:
        unit = "pp" if _PP_RE.search(t) else "%"
    elif _POINTS_RE.search(tail):
        unit = "points"
    elif _TIMES_RE.search(t[nums[0].end():]):
        unit = "x"
    else:
        m = _UNIT_WORD_RE.search(tail)
        unit = m.group(1).replace(" ", "") if m else ""
    return Value(tuple(numbers), unit, sign, any("." in m.group() for m in nums))


def same_number(a: str, b: str, tol: float = 1e-6) -> bool:
    """Whether two value strings are equal as numbers (the gold set's matching rule: %, units,
    "+", "x" and spaces ignored; a range equal at both ends)."""
    va, vb = parse_value(a), parse_value(b)
    if va is None or vb is None:
        return False
    na, nb = list(va.numbers), list(vb.numbers)
    return len(na) == len(nb) and all(abs(x - y) <= tol * max(1.0, abs(x)) for x, y in zip(na, nb))


_FROM_RE = re.compile(r"(\w+\s+)?\bfrom\s+(?:\S+\s+)?$")
#: "ranges from X to Y" is one range; "improves from X to Y" two values.
_RANGE_VERBS = frozenset("range ranges ranged ranging vary varies varied varying spans spanning".split())
_TO_RE = re.compile(r"\s+to\s+")


def find_values(sentence: str) -> list[tuple[int, int]]:
    """Every value written in a sentence as (start, end) character spans, left to right.

    "from 61% to 75%" is two values; "1.4 to 3.5%" without "from" is one range.
    """
    out = []
    for m in VALUE_RE.finditer(sentence):
        a, b = m.span()
        to = _TO_RE.search(m.group())
        fr = _FROM_RE.search(sentence[max(0, a - 40):a]) if to else None
        if fr and (fr.group(1) or "").strip().lower() not in _RANGE_VERBS:
            out += [(a, a + to.start()), (a + to.end(), b)]
        else:
            out.append((a, b))
    return out
