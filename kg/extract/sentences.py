"""Sentence boundaries for title + abstract text.

spaCy's rule-based ``sentencizer`` splits on end punctuation; this component runs after it and
adds what abstracts need: a boundary at every line break (the title ends at the blank line
before the abstract), and none after abbreviations such as "e.g." or "et al.". It records
where the title ends in ``doc._.title_end``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_NO_SPLIT_AFTER = frozenset({"e.g.", "i.e.", "al.", "etc.", "vs.", "cf.", "fig.", "eq.", "approx.", "resp."})

if not Doc.has_extension("title_end"):
    Doc.set_extension("title_end", default=0)


def fix_boundaries(doc: Doc) -> Doc:
    """Adjust sentence starts in place; see the module docstring."""
    title_end = 0
    for i, t in enumerate(doc):
        if i == 0:
            continue
        prev = doc[i - 1]
        if prev.is_space and "\n" in prev.text:
            t.is_sent_start = True
            if not title_end and "\n\n" in prev.text:
                title_end = i - 1
        elif t.is_sent_start and prev.lower_ in _NO_SPLIT_AFTER:
            t.is_sent_start = False
    doc._.title_end = title_end
    return doc


@Language.factory(
    "kg_sentences",
    assigns=["token.is_sent_start", "doc._.title_end"],
    requires=["token.is_sent_start"],
    default_config={},
)
def make_sentence_fixer(nlp: Language, name: str):
    return fix_boundaries
