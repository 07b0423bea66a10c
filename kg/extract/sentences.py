"""Sentence boundaries for title + abstract text.

One pass over the tokens, with the rules of spaCy's rule-based ``sentencizer`` (a sentence
ends after ".", "!" or "?" and any closing punctuation that follows) plus what abstracts
need: a boundary at every line break (the title ends at the blank line before the abstract)
and none after abbreviations such as "e.g." or "et al.". It records where the title ends in
``doc._.title_end``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import compress

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.batches import pipe_batches
from kg.extract.tokens import LexemeTable, tokens

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
    # Only line breaks and sentence-final punctuation decide anything: visit those tokens only.
    breaks = [i for i in compress(range(n), space) if "\n" in text[i]]
    events = sorted(tk.find(PUNCT_CHARS, lower=False) + breaks)
    resume = 0  # tokens before this one have been read
    marked = []  # starts set after the first token
    for i in events:
        if i < resume:
            continue
        t = text[i]
        if space[i] and "\n" in t:
            if i + 1 < n:
                starts[i + 1] = True
                marked.append(i + 1)
            if not title_end and "\n\n" in t:
                title_end = i
        elif t in PUNCT_CHARS and not (t == "." and i > 0 and lower[i - 1] in NO_SPLIT_BEFORE_PERIOD):
            # The sentence ends after any punctuation that follows (closing brackets, quotes);
            # the next token starts one, unless it is a line break (which starts the next).
            j = i + 1
            while j < n and punct[j] and not (space[j] and "\n" in text[j]):
                j += 1
            if j < n and not (space[j] and "\n" in text[j]):
                starts[j] = True
                marked.append(j)
                resume = j + 1
            else:
                resume = j
    for i in marked:
        if lower[i - 1] in _NO_SPLIT_AFTER:
            starts[i] = False
    return starts, title_end


def set_sentences(doc: Doc, lexemes: LexemeTable | None = None) -> Doc:
    """Set sentence starts and ``doc._.title_end`` (see the module docstring).

    Parameters
    ----------
    doc : Doc
        The Doc.
    lexemes : LexemeTable, optional
        Where to read the words' texts and flags when the Doc's token view is made here.
    """
    tk = tokens(doc, lexemes)
    starts, title_end = sentence_starts(doc)
    tk.sent_start = starts
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
def make_sentence_splitter(nlp: Language, name: str) -> "SentenceSplitter":
    return SentenceSplitter(nlp)


class SentenceSplitter:
    """Sets sentence starts and ``doc._.title_end``; as the first of our components, it makes
    each Doc's token view, from a :class:`~kg.extract.tokens.LexemeTable` it keeps for the pipeline."""

    def __init__(self, nlp: Language):
        self.lexemes = LexemeTable(nlp.vocab)

    def __call__(self, doc: Doc) -> Doc:
        return set_sentences(doc, self.lexemes)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Process a stream of Docs a batch at a time (see :mod:`kg.extract.batches`)."""
        return pipe_batches(self, docs, batch_size)
