"""A per-Doc view of token attributes as plain Python lists, computed once.

Our components read token texts and flags many times; indexing a ``Doc`` from Python creates a
``Token`` object per access, which costs far more than indexing a list. The view is stored in
the ``doc._.kg_tokens`` extension (a cache of what the Doc already holds; it never changes
the Doc).
"""

from __future__ import annotations

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LIKE_NUM, ORTH, SPACY
from spacy.tokens import Doc

if not Doc.has_extension("kg_tokens"):
    Doc.set_extension("kg_tokens", default=None)


class TokenView:
    """Token attributes of a Doc as lists (see the module docstring)."""

    __slots__ = ("text", "lower", "ws", "alpha", "stop", "punct", "num", "space", "idx", "sent_start", "n")

    def __init__(self, doc: Doc):
        arr = doc.to_array([IS_ALPHA, IS_STOP, IS_PUNCT, LIKE_NUM, IS_SPACE, IDX, SPACY, ORTH]) if len(doc) else None
        cols = arr.T.tolist() if arr is not None else [[]] * 8
        # flags stay 0/1 ints (converting them to bools cost more than all sentence splitting)
        self.alpha, self.stop, self.punct, self.num, self.space = cols[:5]
        self.idx = cols[5]  #: character offset of each token
        self.ws = cols[6]  #: followed by a space
        strings = doc.vocab.strings
        # the string store gives each token's text far more cheaply than Token objects (or
        # Doc.text, which joins them) do
        self.text = [strings[h] for h in cols[7]]
        self.lower = [t.lower() for t in self.text]
        self.sent_start: list[bool] = []  # set by the kg_sentences component
        self.n = len(self.text)

    def sentence_bounds(self) -> list[tuple[int, int]]:
        """(start, end) token indices of each sentence (one sentence if none are set)."""
        starts = [i for i, b in enumerate(self.sent_start) if b] or [0]
        if starts[0] != 0:
            starts.insert(0, 0)
        return list(zip(starts, starts[1:] + [self.n]))

    def span_text(self, s: int, e: int) -> str:
        """Text of tokens [s, e) with their original spacing."""
        text, ws = self.text, self.ws
        return "".join(text[i] + (" " if ws[i] and i < e - 1 else "") for i in range(s, e))


def tokens(doc: Doc) -> TokenView:
    """The cached :class:`TokenView` of a Doc."""
    view = doc._.kg_tokens
    if view is None:
        view = doc._.kg_tokens = TokenView(doc)
    return view
