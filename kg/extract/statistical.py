"""The optional statistical recognizer: a small spaCy NER model trained on SciERC.

The ``kg_statistical`` component loads a pipeline trained by ``kg train``
(:mod:`kg.train.ner`; by default the packaged ``kg/models/scierc-ner``), runs its ``tok2vec``
and ``ner`` on a copy of each Doc made of the same tokens (whitespace tokens left out), and
appends what it finds to ``doc._.kg_candidates`` as
:class:`~kg.extract.candidates.Candidate` s with ``rule="statistical:scierc"``. The resolver
(``kg_entities``) then chooses among these and the other components' candidates.

Types: Method -> Method (Architecture when the head noun or a model-name suffix says so),
Task -> Task, Metric -> Metric.

Not part of the default pipeline; add it with
``nlp.add_pipe("kg_statistical", before="kg_entities")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from kg.config import PACKAGE_DIR
from kg.errors import KgError
from kg.extract.candidates import Candidate, add_candidates
from kg.extract.heads import guess_type
from kg.extract.normalize import entity_key, singular_phrase

#: The packaged model (written by ``kg train``).
DEFAULT_MODEL = PACKAGE_DIR / "models" / "scierc-ner"
RULE = "statistical:scierc"
_TYPES = {"Method": "Method", "Task": "Task", "Metric": "Metric"}

if not Doc.has_extension("kg_candidates"):
    Doc.set_extension("kg_candidates", default=None)
if not Doc.has_extension("title_end"):
    Doc.set_extension("title_end", default=0)


def model_path(model: str | Path | None = None) -> Path:
    """The model folder: ``model``, or the packaged default when None."""
    return Path(model) if model else DEFAULT_MODEL


@lru_cache(maxsize=4)
def _load(path: str) -> Language:
    import spacy

    return spacy.load(path)


def load_model(model: str | Path | None = None) -> Language:
    """Load (once per process) the trained NER pipeline.

    Raises
    ------
    KgError
        When the folder holds no trained pipeline.
    """
    path = model_path(model)
    if not (path / "config.cfg").is_file() or not (path / "meta.json").is_file():
        raise KgError("no trained statistical model here; train one with `kg train`"
                      + ("" if model else " (the default model is not packaged)"), str(path))
    try:
        nlp = _load(str(path.resolve()))
    except (OSError, ValueError) as e:
        raise KgError(f"cannot load the statistical model ({e})", str(path)) from None
    if "ner" not in nlp.pipe_names:
        raise KgError("the statistical model has no 'ner' component", str(path))
    return nlp


@Language.factory(
    "kg_statistical",
    assigns=["doc._.kg_candidates"],
    requires=["doc._.title_end"],
    default_config={"model": None, "confidence": 0.6, "fill_only": False},
)
def make_statistical(nlp: Language, name: str, model: str | None, confidence: float,
                     fill_only: bool) -> "StatisticalRecognizer":
    return StatisticalRecognizer(load_model(model), confidence, fill_only)


def entity_type(words: list[str], label: str) -> str | None:
    """Our type for a model label: Method becomes Architecture when the words say so."""
    typ = _TYPES.get(label)
    if typ == "Method":
        guess = guess_type(words)
        if guess is not None and guess[0] == "Architecture":
            return "Architecture"
    return typ


_OPEN, _CLOSE = "([{", ")]}"


def _balanced(words: list[str]) -> bool:
    depth = 0
    for w in words:
        if w in _OPEN:
            depth += 1
        elif w in _CLOSE:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def clean_bounds(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Trim punctuation from a span's edges (a closing bracket stays when the span opens it);
    None for a span across a line break, with unbalanced brackets, or of punctuation only."""
    if any(t.is_space for t in doc[start:end]):
        return None
    while start < end and doc[start].is_punct and doc[start].text not in _OPEN:
        start += 1
    while end > start and doc[end - 1].is_punct and not (
            doc[end - 1].text in _CLOSE and _balanced([t.text for t in doc[start:end]])):
        end -= 1
    if start >= end or not _balanced([t.text for t in doc[start:end]]):
        return None
    if all(t.is_punct for t in doc[start:end]):
        return None
    return start, end


class StatisticalRecognizer:
    """Adds the trained model's entities to ``doc._.kg_candidates``.

    Parameters
    ----------
    ner_nlp : Language
        The trained pipeline (``tok2vec`` + ``ner``), tokenized like ``spacy.blank("en")``.
    confidence : float
        Confidence given to every candidate (the resolver drops those below its minimum).
    fill_only : bool
        Add only entities that overlap no candidate of an earlier component (the model then
        fills gaps instead of competing with the vocabularies and rules).
    """

    def __init__(self, ner_nlp: Language, confidence: float = 0.6, fill_only: bool = False):
        self.ner_nlp = ner_nlp
        self.confidence = confidence
        self.fill_only = fill_only

    def _shadow(self, doc: Doc) -> tuple[Doc, list[int]]:
        """A Doc of the model's vocab with doc's tokens, and their indices in doc.

        Whitespace tokens are left out, except line breaks, which become a "." (the model
        has seen sentence ends but never a line break, and a title has no full stop).
        """
        index, words, spaces = [], [], []
        for t in doc:
            if t.is_space:
                if "\n" not in t.text:
                    if spaces:
                        spaces[-1] = True
                    continue
                word = "."
            else:
                word = t.text
            index.append(t.i)
            words.append(word)
            spaces.append(bool(t.whitespace_))
        return Doc(self.ner_nlp.vocab, words=words, spaces=spaces), index

    def _candidates(self, doc: Doc, shadow: Doc, index: list[int]) -> list[Candidate]:
        out = []
        taken = bytearray(len(doc))
        if self.fill_only:
            for c in doc._.kg_candidates or ():
                taken[c.start:c.end] = b"\x01" * (c.end - c.start)
        for ent in shadow.ents:
            bounds = clean_bounds(doc, index[ent.start], index[ent.end - 1] + 1)
            if bounds is None:
                continue
            start, end = bounds
            if self.fill_only and any(taken[start:end]):
                continue
            span = doc[start:end]
            typ = entity_type([t.text for t in span if not t.is_punct], ent.label_)
            if typ is None:
                continue
            text = span.text
            out.append(Candidate(start, end, key=entity_key(text), label=singular_phrase(text),
                                 type=typ, rule=RULE, confidence=self.confidence))
        return out

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            shadows = [self._shadow(d) for d in batch]
            processed = [s for s, _ in shadows]
            for _name, proc in self.ner_nlp.pipeline:
                processed = list(proc.pipe(processed, batch_size=batch_size)) if hasattr(proc, "pipe") \
                    else [proc(d) for d in processed]
            for doc, shadow, (_, index) in zip(batch, processed, shadows):
                add_candidates(doc, self._candidates(doc, shadow, index))
                yield doc
