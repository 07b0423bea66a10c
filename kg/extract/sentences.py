"""Sentence boundaries for title + abstract text.

One pass over the tokens, with the rules of spaCy's rule-based ``sentencizer`` (a sentence
ends after ".", "!" or "?" and any closing punctuation that follows) plus what abstracts
need: a boundary at every line break (the title ends at the blank line before the abstract)
and none after abbreviations such as "e.g." or "et al.". It records where the title ends in
``doc._.title_end``.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.tokens import tokens

PUNCT_CHARS = frozenset({".", "!", "?", "。", "！", "？", "‼", "⁇", "⁈", "⁉", "…"})
#: A period after these words does not end a sentence ("et al.", "Fig. 3").
NO_SPLIT_BEFORE_PERIOD = frozenset({"al", "etc", "vs", "cf", "fig", "figs", "eq", "eqs", "approx", "resp", "e.g",
                                    "i.e", "no", "sec", "ref", "refs", "dr", "prof", "mr", "ms"})
_NO_SPLIT_AFTER = frozenset({"e.g.", "i.e.", "al.", "etc.", "vs.", "cf.", "fig.", "eq.", "approx.", "resp."})

if not Doc.has_extension("title_end"):
    Doc.set_extension("title_end", default=0)


def sentence_starts(doc: Doc) -> tuple[list[bool], int]:
    """Sentence starts per token and the index of the token that ends the title (0: none)."""
    tk = tokens(doc)
    n = tk.n
    text, lower, punct, space = tk.text, tk.lower, tk.punct, tk.space
    starts = [False] * n
    if n:
        starts[0] = True
    title_end = 0
    seen_end = False
    for i in range(n):
        t = text[i]
        if space[i] and "\n" in t:
            if i + 1 < n:
                starts[i + 1] = True
            if not title_end and "\n\n" in t:
                title_end = i
            seen_end = False
        elif seen_end and not punct[i]:
            starts[i] = True
            seen_end = False
        elif t in PUNCT_CHARS and not (t == "." and i > 0 and lower[i - 1] in NO_SPLIT_BEFORE_PERIOD):
            seen_end = True
    for i in range(1, n):
        if starts[i] and lower[i - 1] in _NO_SPLIT_AFTER:
            starts[i] = False
    return starts, title_end


def set_sentences(doc: Doc) -> Doc:
    """Set sentence starts and ``doc._.title_end`` (see the module docstring)."""
    starts, title_end = sentence_starts(doc)
    tokens(doc).sent_start = starts
    if starts:
        arr = np.where(np.array(starts, dtype=bool), 1, -1).astype("uint64").reshape(-1, 1)
        doc.from_array([SENT_START], arr)
    doc._.title_end = title_end
    return doc


@Language.factory(
    "kg_sentences",
    assigns=["token.is_sent_start", "doc._.title_end"],
    default_config={},
)
def make_sentence_splitter(nlp: Language, name: str):
    return set_sentences
