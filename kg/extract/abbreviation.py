"""Abbreviation detection: long form <-> short form, as in "Graph Neural Networks (GNNs)".

The pure algorithm (:func:`find_long_form`, after Schwartz & Hearst 2003, "A simple algorithm
for identifying abbreviation definitions in biomedical text") is kept apart from the spaCy
component that applies it to a Doc and stores pairs in ``doc._.abbreviations``.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.tokens import tokens

_OPENERS = {"(": ")", "[": "]"}
_INTRO = {"i.e.", "i.e", "ie", "namely", "called", "dubbed", "termed", "aka", "or"}


def find_long_form(short: str, candidate: str) -> int | None:
    """Start offset in ``candidate`` of the long form that ``short`` abbreviates, or None.

    Every alphanumeric character of ``short`` must appear in ``candidate`` in order, matched
    from the right; the first one must start a word.

    >>> find_long_form("GNNs", "a high-efficiency Graph Neural Networks")
    18
    """
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


def is_short_form(text: str) -> bool:
    """Plausible abbreviation: 2-10 characters, starts alphanumeric, has an upper-case letter."""
    return (2 <= len(text) <= 10 and text[0].isalnum() and any(c.isupper() for c in text)
            and any(c.isalpha() for c in text) and " " not in text)


def _long_form_span(doc: Doc, short: Span, window_end: int, sent_start: int) -> Span | None:
    n_chars = sum(c.isalnum() for c in short.text)
    max_words = min(n_chars + 5, n_chars * 2)
    start = max(sent_start, window_end - max_words * 3)  # hyphens and punctuation are tokens
    cand = doc[start:window_end]
    # Stop at punctuation that ends a clause.
    for i in range(len(cand) - 1, -1, -1):
        if cand[i].text in {",", ";", ":", "(", ")", ".", "[", "]"} and i < len(cand):
            cand = cand[i + 1:]
            break
    if not len(cand):
        return None
    off = find_long_form(short.text, cand.text)
    if off is None:
        return None
    span = doc.char_span(cand.start_char + off, cand.end_char, alignment_mode="expand")
    if span is None or len(span) < 1 or span.text == short.text:
        return None
    if len([t for t in span if t.is_alpha]) > max_words:
        return None
    ws = [t.i for t in span if t.is_space or "\n" in t.text]
    if ws:  # never cross a line break (title / abstract boundary)
        span = doc[ws[-1] + 1:span.end]
        if not len(span):
            return None
    if span[0].lower_ in {"the", "a", "an", "of", "and", "or", "in", "for", "with", "to", "by", "on"}:
        span = doc[span.start + 1:span.end]
    return span if len(span) and not span.text.lower() == short.text.lower() else None


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
    for i in (i for i, t in enumerate(text) if t in _OPENERS):
        close = _OPENERS[text[i]]
        j = i + 1
        while j < n and j - i <= 12 and text[j] != close:
            j += 1
        if j >= n or text[j] != close or j == i + 1:
            continue
        k = i + 1
        while k < j and (lower[k] in _INTRO or text[k] == ","):
            k += 1
        if k >= j:
            continue
        inner = doc[k:j]
        sent_start = sent_starts[bisect_right(sent_starts, i) - 1]
        if j - k == 1 or (j - k <= 3 and "-" in inner.text and is_short_form(inner.text.replace(" ", ""))):
            if is_short_form(inner.text):
                long = _long_form_span(doc, inner, i, sent_start)
                if long is not None:
                    pairs.append((long, inner))
        elif j - k >= 2 and i > 0:
            # SHORT (long form); the short form may be hyphenated ("TI-CNN (Text and Image ...)")
            s0 = i - 1
            while s0 >= 2 and text[s0 - 1] == "-" and not tk.ws[s0 - 2] and not tk.ws[s0 - 1]:
                s0 -= 2
            short = doc[s0:i]
            if is_short_form(short.text) and find_long_form(short.text, inner.text) == 0:
                pairs.append((inner, short))
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
