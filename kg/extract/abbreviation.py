"""Abbreviation detection: long form <-> short form, as in "Graph Neural Networks (GNNs)".

The pure algorithm (:func:`find_long_form`, after Schwartz & Hearst 2003, "A simple algorithm
for identifying abbreviation definitions in biomedical text") is kept apart from the spaCy
component that applies it to a Doc and stores pairs in ``doc._.abbreviations``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.batches import pipe_batches
from kg.extract.tokens import tokens

_OPENERS = {"(": ")", "[": "]"}
_INTRO = {"i.e.", "i.e", "ie", "namely", "called", "dubbed", "termed", "aka", "or"}


#: Quotation marks (and the "$" of math) around a long form, which are not part of it.
_QUOTES = "\"'`$\u201c\u201d\u2018\u2019"
#: A word of a long form: the parts of a hyphenated compound are words of their own.
_WORD = re.compile(r"[^\s-]+")


def find_long_form(short: str, candidate: str) -> int | None:
    """Start offset in ``candidate`` of the long form that ``short`` abbreviates, or None.

    When the last words of ``candidate`` (split at spaces and hyphens) begin with the letters
    of ``short``, one word per letter (a plural "s" left out), they are the long form (from the
    start of the first one's hyphenated compound).
    Otherwise every alphanumeric character of ``short`` must appear in ``candidate`` in order,
    matched from the right, the first one at the start of a word (Schwartz and Hearst), which
    takes the shortest such form: for "SSA" in "Structured Sparse Attention" it would be
    "Sparse Attention", whose "s" is inside a word.

    >>> find_long_form("GNNs", "a high-efficiency Graph Neural Networks")
    18
    >>> find_long_form("SSA", "we study Structured Sparse Attention")
    9
    """
    start = _initials_start(short, candidate)
    if start is not None:
        return start
    s_i, l_i = len(short) - 1, len(candidate) - 1
    while s_i >= 0:
        c = short[s_i].lower()
        if not c.isalnum():
            s_i -= 1
            continue
        while l_i >= 0 and (candidate[l_i].lower() != c or
                            (s_i == 0 and l_i > 0 and candidate[l_i - 1].isalnum())):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s_i -= 1
    return candidate.rfind(" ", 0, l_i + 1) + 1


def _initials_start(short: str, candidate: str) -> int | None:
    """Start offset of the last words of ``candidate`` whose first letters spell ``short``."""
    letters = [c.lower() for c in short if c.isalnum()]
    if short[-1:] == "s" and len(letters) > 2 and short[-2:-1].isupper():
        letters.pop()  # "GNNs"
    if len(letters) < 2 or not all(c.isalpha() for c in letters):
        return None
    words = list(_WORD.finditer(candidate))
    if len(words) < len(letters):
        return None
    last = words[len(words) - len(letters):]
    if all(w.group().lstrip(_QUOTES)[:1].lower() == c for w, c in zip(last, letters)):
        # from the start of the whole word: "Multi-Modal Large Language Models (MLLMs)"
        return candidate.rfind(" ", 0, last[0].start()) + 1
    return None


def is_short_form(text: str) -> bool:
    """Plausible abbreviation: 2-10 characters, starts alphanumeric, has an upper-case letter."""
    return (2 <= len(text) <= 10 and text[0].isalnum() and any(c.isupper() for c in text)
            and any(c.isalpha() for c in text) and " " not in text)


#: Punctuation that ends a clause: a long form does not reach back past it.
_CLAUSE_ENDS = frozenset({",", ";", ":", "(", ")", ".", "[", "]"})
#: Words (in small letters) that start or join clauses, a subject or a finite verb: a long form does
#: not reach back past them either ("layers in LLMs and propose a layer-wise expert allocation
#: algorithm (LayerMoE)", "RARE is a knowledge-graph-driven synthesis pipeline (RARE-Get)").
_CLAUSE_WORDS = frozenset("""we is are was were propose proposes introduce introduces presents develop
    develops devise devises""".split())
_LEADING_WORDS = frozenset({"the", "a", "an", "of", "and", "or", "in", "for", "with", "to", "by", "on"})


def _long_form_span(doc: Doc, short: str, window_end: int, sent_start: int) -> tuple[int, int] | None:
    """Token range of the long form of ``short`` that ends at token ``window_end``, or None."""
    tk = tokens(doc)
    text = tk.text
    n_chars = sum(c.isalnum() for c in short)
    max_words = min(n_chars + 5, n_chars * 2)
    start = max(sent_start, window_end - max_words * 3)  # hyphens and punctuation are tokens
    # Stop at punctuation or a word that ends a clause.
    for i in range(window_end - 1, start - 1, -1):
        if text[i] in _CLAUSE_ENDS or text[i] in _CLAUSE_WORDS:
            start = i + 1
            break
    if start >= window_end:
        return None
    off = find_long_form(short, tk.span_text(start, window_end))
    if off is None:
        return None
    end_char = tk.idx[window_end - 1] + len(text[window_end - 1])
    span = doc.char_span(tk.idx[start] + off, end_char, alignment_mode="expand")
    if span is None or len(span) < 1:
        return None
    s, e = span.start, span.end
    if tk.span_text(s, e) == short or sum(tk.alpha[s:e]) > max_words:
        return None
    ws = [i for i in range(s, e) if tk.space[i] or "\n" in text[i]]
    if ws:  # never cross a line break (title / abstract boundary)
        s = ws[-1] + 1
        if s >= e:
            return None
    if tk.lower[s] in _LEADING_WORDS and not (text[s + 1:s + 2] == ["-"] and not tk.ws[s]) \
            and not (text[s][0].isupper() and text[s][0] == short[0]):
        # "the", "of"; not the first word of a compound ("In-Context Learning (ICL)") or a capital
        # the short form spells ("In Situ Hybridization (ISH)", "The Cancer Genome Atlas (TCGA)")
        s += 1
    while s < e and not any(ch.isalnum() for ch in text[s]):
        s += 1  # "(LLM)-Guided Evolution (GE)": not "-Guided Evolution"
    while e > s and not text[e - 1].strip(_QUOTES):
        e -= 1  # the closing quotation mark of a quoted long form ('the "Out-Of-Distribution" (OOD)')
    return (s, e) if s < e and not tk.span_text(s, e).lower() == short.lower() else None


def find_abbreviations(doc: Doc) -> list[tuple[Span, Span]]:
    """Find ``long form (SHORT)`` and ``SHORT (long form)`` definitions in a Doc.

    Returns
    -------
    list of (Span, Span)
        (long form, short form) pairs in document order.
    """
    pairs: list[tuple[Span, Span]] = []
    tk = tokens(doc)
    text, lower, n = tk.text, tk.lower, tk.n
    sent_starts = [s for s, _ in tk.sentence_bounds()]
    for i in tk.find(_OPENERS, lower=False):
        close = _OPENERS[text[i]]
        j = i + 1
        while j < n and j - i <= 12 and text[j] != close and not tk.sent_start[j] and text[j] not in _OPENERS:
            j += 1  # (not into the next sentence or another bracket: "ICD (International ... Disease)-10 ...")
        if j >= n or text[j] != close or j == i + 1:
            continue
        k = i + 1
        while k < j and (lower[k] in _INTRO or text[k] == ","):
            k += 1
        if k >= j:
            continue
        inner = tk.span_text(k, j)
        sent_start = sent_starts[bisect_right(sent_starts, i) - 1]
        if j - k == 1 or (j - k <= 3 and "-" in inner and is_short_form(inner.replace(" ", ""))):
            if is_short_form(inner):
                long = _long_form_span(doc, inner, i, sent_start)
                if long is not None:
                    pairs.append((doc[long[0]:long[1]], doc[k:j]))
        elif j - k >= 2 and i > 0:
            # SHORT (long form); the short form may be hyphenated ("TI-CNN (Text and Image ...)")
            s0 = i - 1
            while s0 >= 2 and text[s0 - 1] == "-" and not tk.ws[s0 - 2] and not tk.ws[s0 - 1]:
                s0 -= 2
            short = tk.span_text(s0, i)
            if is_short_form(short) and find_long_form(short, inner) == 0:
                pairs.append((doc[k:j], doc[s0:i]))
    return pairs


if not Doc.has_extension("abbreviations"):
    Doc.set_extension("abbreviations", default=[])


@Language.factory(
    "kg_abbreviations",
    assigns=["doc._.abbreviations"],
    requires=["token.is_sent_start"],
    default_config={},
)
def make_abbreviation_detector(nlp: Language, name: str) -> "AbbreviationDetector":
    return AbbreviationDetector()


class AbbreviationDetector:
    """Stores (long form, short form) span pairs in ``doc._.abbreviations``."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.abbreviations = find_abbreviations(doc)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Process a stream of Docs a batch at a time (see :mod:`kg.extract.batches`)."""
        return pipe_batches(self, docs, batch_size)
