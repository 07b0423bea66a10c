"""A per-Doc view of token attributes as plain Python lists, computed once.

Our components read token texts and flags many times; indexing a ``Doc`` from Python creates a
``Token`` object per access, which costs far more than indexing a list. The view is stored in
``doc.user_data`` (a cache of what the Doc already holds; it never changes the Doc). It is
not an extension attribute because the components fetch it a dozen times per Doc, and each
``doc._`` access makes an object and costs about a microsecond.

A token's text and flags are those of its lexeme (its word type), so a :class:`LexemeTable`
reads them once per word and the view of each Doc is assembled from it: reading five flags
per token with ``Doc.to_array`` and looking up every token's text in the string store cost
more than all sentence splitting.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from itertools import compress

from spacy.attrs import IDX, ORTH, SPACY
from spacy.tokens import Doc
from spacy.vocab import Vocab

#: The key of the token view in ``Doc.user_data``.
_VIEW_KEY = "kg_tokens"

#: What a LexemeTable holds per word: text, lower-cased text and the flags is_alpha, is_stop,
#: is_punct, like_num, is_space (0/1 ints, like ``Doc.to_array`` gives them).
LexemeRow = tuple[str, str, int, int, int, int, int]


class LexemeTable:
    """Text and flags of the words of a Vocab by orth id, read from the Vocab once per word.

    Owned by a pipeline component (see :mod:`kg.extract.sentences`), so it lives as long as the
    pipeline. It forgets everything past ``max_words`` words, which bounds its memory on corpora
    with millions of distinct tokens. Flags changed on the Vocab's lexemes after a word was
    read (``nlp.vocab["x"].is_stop = True``) are not seen until then.

    Parameters
    ----------
    vocab : Vocab
        The vocab of the Docs to read.
    max_words : int
        Words to remember at most.
    """

    def __init__(self, vocab: Vocab, max_words: int = 500_000):
        self.vocab = vocab
        self.max_words = max_words
        self._rows: dict[int, LexemeRow] = {}

    def rows(self, orths: list[int]) -> list[LexemeRow]:
        """The rows of a sequence of orth ids."""
        rows = self._rows
        out = list(map(rows.get, orths))
        if None in out:
            if len(rows) > self.max_words:
                rows.clear()
            for k in indices(out, None):  # the words not read yet
                h = orths[k]
                row = rows.get(h)
                if row is None:
                    row = rows[h] = self._read(h)
                out[k] = row
        return out  # type: ignore[return-value]

    def _read(self, orth: int) -> LexemeRow:
        lex = self.vocab[orth]
        text = lex.orth_
        return (text, text.lower(), int(lex.is_alpha), int(lex.is_stop), int(lex.is_punct), int(lex.like_num),
                int(lex.is_space))


class TokenView:
    """Token attributes of a Doc as lists (see the module docstring).

    Parameters
    ----------
    doc : Doc
        The Doc to view.
    lexemes : LexemeTable, optional
        Where to read the words' texts and flags; by default a new one for this Doc alone.
    """

    __slots__ = ("text", "lower", "ws", "alpha", "stop", "punct", "num", "space", "idx", "n", "_sent_start",
                 "_bounds", "_doc_text", "_sets")

    def __init__(self, doc: Doc, lexemes: LexemeTable | None = None):
        if len(doc):
            orth, self.idx, self.ws = doc.to_array([ORTH, IDX, SPACY]).T.tolist()
            rows = (lexemes or LexemeTable(doc.vocab)).rows(orth)
            # flags stay 0/1 ints (converting them to bools cost more than all sentence splitting)
            self.text, self.lower, self.alpha, self.stop, self.punct, self.num, self.space = map(list, zip(*rows))
        else:
            self.text, self.lower, self.alpha, self.stop, self.punct, self.num, self.space = [], [], [], [], [], [], []
            self.idx, self.ws = [], []
        # idx: character offset of each token; ws: followed by a space
        self.n = len(self.text)
        self.sent_start = []
        self._doc_text: str | None = None
        self._sets: dict[str, set[str]] = {}

    @property
    def sent_start(self) -> list[bool]:
        """Whether each token starts a sentence (set by the kg_sentences component)."""
        return self._sent_start

    @sent_start.setter
    def sent_start(self, starts: list[bool]) -> None:
        self._sent_start = starts
        self._bounds: list[tuple[int, int]] | None = None

    def sentence_bounds(self) -> list[tuple[int, int]]:
        """(start, end) token indices of each sentence (one sentence if none are set)."""
        if self._bounds is None:
            starts = list(compress(range(self.n), self._sent_start)) or [0]
            if starts[0] != 0:
                starts.insert(0, 0)
            self._bounds = list(zip(starts, starts[1:] + [self.n]))
        return list(self._bounds)

    def span_text(self, s: int, e: int) -> str:
        """Text of tokens [s, e) with their original spacing."""
        if e - s == 1:
            return self.text[s]
        if e <= s:
            return ""
        if self._doc_text is None:  # made once, then each span is a slice
            self._doc_text = "".join([t + " " if w else t for t, w in zip(self.text, self.ws)])
        return self._doc_text[self.idx[s]:self.idx[e - 1] + len(self.text[e - 1])]

    def distinct(self, lower: bool = True) -> set[str]:
        """The set of the lower-cased (or, with ``lower=False``, exact) token texts (made once)."""
        key = "lower" if lower else "text"
        words = self._sets.get(key)
        if words is None:
            words = self._sets[key] = set(self.lower if lower else self.text)
        return words

    def find(self, members: Container[str], lower: bool = True) -> list[int]:
        """Indices of the tokens whose lower-cased (or, with ``lower=False``, exact) text is in
        ``members``, in order (see :func:`indices_in`)."""
        return indices_in(self.lower if lower else self.text, members, self.distinct(lower))


def indices(words: Sequence[object], word: object) -> list[int]:
    """Indices of the words equal to ``word`` (by ``list.index``: fast for rare words)."""
    out: list[int] = []
    i = -1
    try:
        while True:
            i = words.index(word, i + 1)
            out.append(i)
    except ValueError:
        return out


def indices_in(words: Sequence[str], members: Container[str], distinct: set[str] | None = None) -> list[int]:
    """Indices of the words that are in ``members``, in order.

    Parameters
    ----------
    words : sequence of str
        The words.
    members : container of str
        The words to find.
    distinct : set of str, optional
        ``set(words)``, when the caller keeps it: the words of ``members`` that occur are then
        found first, and most often there are none or a few, whose indices ``list.index`` finds
        faster than a test of every word.
    """
    if distinct is not None:
        if isinstance(members, (set, frozenset)):
            present = distinct & members  # (iterates over the smaller set)
        else:
            present = set(filter(members.__contains__, distinct))
        if len(present) <= 3:
            return sorted(i for w in present for i in indices(words, w))
        members = present
    # test every word, in a loop in C (a list comprehension costs about twice as much)
    return list(compress(range(len(words)), map(members.__contains__, words)))


def tokens(doc: Doc, lexemes: LexemeTable | None = None) -> TokenView:
    """The cached :class:`TokenView` of a Doc (made with ``lexemes`` if it is not cached yet)."""
    view = doc.user_data.get(_VIEW_KEY)
    if view is None:
        view = doc.user_data[_VIEW_KEY] = TokenView(doc, lexemes)
    return view
