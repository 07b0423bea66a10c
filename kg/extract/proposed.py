"""Does the paper *propose* an entity, or only *use* it?

Pure functions over token sequences; the resolver calls them per mention.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.heads import NAMING_CUES, PROPOSAL_VERBS
from kg.extract.tokens import tokens

_FIRST_PERSON = frozenset({"we", "our", "this", "here", "paper", "work", "article", "study"})


def title_name(doc: Doc, title_end: int) -> tuple[int, int] | None:
    """Token range of the name a title leads with ("UDC: A Unified ..."), if any."""
    text = tokens(doc).text
    for i in range(min(title_end, 8)):
        if text[i] == ":":
            return (0, i) if i > 0 else None
    return None


#: Prepositions of what a contribution is built with or tested on, and the counts after them.
_USE_PREPOSITIONS = frozenset("with on across using over against from in".split())
_COUNTS = frozenset("two three four five six seven eight nine ten several multiple various diverse".split())


def _among_counted(words: list[str]) -> bool:
    """Words between a proposal verb and a mention that put the mention among a counted set the
    work uses: "we build evaluation environments *with four* datasets, i.e., ... nuScenes",
    "we evaluate X *on three* benchmarks"."""
    return any(w in _USE_PREPOSITIONS and (nxt in _COUNTS or nxt.isdigit()) for w, nxt in zip(words, words[1:]))


def is_proposal(lower: list[str], sent_start: int, start: int) -> bool:
    """True if the mention starting at token ``start`` is introduced as the paper's contribution.

    Parameters
    ----------
    lower : list of str
        The lower-cased tokens of the document.
    sent_start : int
        Index of the first token of the mention's sentence.
    start : int
        Index of the mention's first token.

    The sentence must speak in the first person or of "this paper" and use a proposal verb
    ("we propose", "this article develops") before the mention, or name it ("dubbed X",
    "called X", "named X") right before it; a mention among a counted set after the verb ("with
    four datasets, i.e., ...") is used, not proposed.
    """
    before = lower[sent_start:start]
    if not NAMING_CUES.isdisjoint(before[-3:]):
        return True
    if PROPOSAL_VERBS.isdisjoint(before):
        return False
    if _among_counted(before[max(i for i, w in enumerate(before) if w in PROPOSAL_VERBS) + 1:]):
        return False
    if "our" in before[-4:]:
        return True
    return not _FIRST_PERSON.isdisjoint(before)
