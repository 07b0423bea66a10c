"""The learned recognizer: a linear-chain CRF over rich token features, trained on in-guideline
annotations (``kg train``, :mod:`kg.train.recognizer`).

It runs after the rule pipeline (vocabularies, abbreviations, rules, the resolver) and reads
what they found as features (:mod:`kg.extract.features`); what it tags replaces
``doc._.kg_mentions``. It learns from annotated text what an entity phrase looks like, where it
starts and ends, and its type, and which vocabulary hits and rule findings to trust in context.

A model is a folder (the packaged one is ``kg/models/arxiv-crf``)::

    config.cfg        what the model is: labels, features, training settings and data
    model.crfsuite    the CRF weights (python-crfsuite)
    second.crfsuite   a second CRF that reads the first one's labels, confidences and what
                      it tagged elsewhere in the document (:func:`~kg.extract.features.second_pass_features`);
                      optional: a model without it tags in one pass
    proposed.crfsuite a classifier of each entity: proposed by the paper or used
                      (a maximum-entropy model: the same library, sequences of one item)
    clusters.tsv      word -> cluster ids, coarse to fine (kg.train.clusters)
    names.tsv         what the annotations name a form of a type by ("fine-tuned" a Method:
                      fine-tuning; "unsupervised": unsupervised learning; kg.train.names);
                      optional: a model without it names each span as written
    meta.json         what it was trained on and how it scored

Tagging runs the first CRF, then (when the model has one) the second over the first one's
output, whose spans are the result. From the tagged spans to mentions: a span whose confidence
(the mean marginal probability of its labels) is below ``min_confidence`` (0.7 by default:
:attr:`kg.config.ExtractConfig.recognizer_min_confidence`, ``--min-confidence``) is dropped; a span
that runs over a separator or a bracket without its partner is cut there into the names on
either side (:func:`kg.extract.features.split_at_separators`); each span
takes the concept of a vocabulary term or of a rule-found mention with exactly its extent (so
"CNNs" still joins "convolutional neural network"), else a key of its own; a span the vocabularies
do not know, of a form and type the training annotations name by another name ("fine-tuned"
by fine-tuning, "unsupervised" by unsupervised learning: ``names.tsv``), takes that name's
concept (the vocabulary's when it has one); a short form takes
its long form's concept; and all mentions of one concept in a paper take the type with the
highest total confidence. Whether the paper proposes a Method, Architecture or Dataset is the
classifier's call, from the entity's features (:func:`kg.extract.features.entity_features`);
Tasks and Metrics are not proposed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.config import PACKAGE_DIR, ExtractConfig
from kg.errors import KgError
from kg.extract.batches import pipe_batches
from kg.extract.candidates import Candidate
from kg.extract.entities import PROPOSABLE, to_mentions
from kg.extract.features import (WordFeatures, entity_features, mention_spans, second_pass_features, spans_of,
                                 split_at_separators, token_features)
from kg.extract.normalize import entity_key, name_label
from kg.extract.proposed import title_name
from kg.extract.tokens import tokens
from kg.extract.vocabulary import Vocabulary, load_vocabulary
from kg.model import ENTITY_TYPES

#: The packaged model (written by ``kg train --out kg/models/arxiv-crf``).
DEFAULT_MODEL = PACKAGE_DIR / "models" / "arxiv-crf"
RULE = "learned"

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)


def read_names(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """A names table (:func:`kg.train.names.write_names`): (form key, type) -> (name key, name
    label); empty when the file is absent (a model trained before it existed)."""
    path = Path(path)
    if not path.is_file():
        return {}
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = line.rstrip("\n").split("\t")
            if len(row) != 4 or row[1] not in ENTITY_TYPES or not all(row):
                raise KgError("not a names row (form key, type, name key, name label, tab-separated)", str(path), n)
            form, typ, key, label = row
            out[form, typ] = (key, label)
    return out


def read_clusters(path: Path) -> dict[str, tuple[str, ...]]:
    """Word clusters from a TSV file: word, then its cluster ids, coarse to fine."""
    out: dict[str, tuple[str, ...]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, *levels = line.rstrip("\n").split("\t")
            out[word] = tuple(levels)
    return out


class RecognizerModel:
    """A trained model folder, loaded: the CRF tagger and the word features.

    Parameters
    ----------
    path : Path
        The model folder.

    Raises
    ------
    KgError
        When the folder is not a trained model.
    """

    def __init__(self, path: Path):
        import pycrfsuite

        self.path = Path(path)
        files = [self.path / n for n in ("config.cfg", "model.crfsuite", "clusters.tsv", "proposed.crfsuite")]
        missing = [f.name for f in files if not f.is_file()]
        if missing:
            raise KgError(f"not a trained recognizer (missing {', '.join(missing)}); train one with `kg train`",
                          str(self.path))
        second = self.path / "second.crfsuite"
        self.tagger, self.proposal = pycrfsuite.Tagger(), pycrfsuite.Tagger()
        self.second = pycrfsuite.Tagger() if second.is_file() else None
        for tagger, f in ((self.tagger, files[1]), (self.proposal, files[3]), (self.second, second)):
            if tagger is None:
                continue
            try:
                tagger.open(str(f))
            except (OSError, ValueError) as e:
                raise KgError(f"cannot load the recognizer ({e})", str(f)) from None
        self.words = WordFeatures(read_clusters(files[2]))
        try:
            self.names = read_names(self.path / "names.tsv")
        except (OSError, UnicodeDecodeError) as e:
            raise KgError(f"cannot load the recognizer's names ({e})", str(self.path / "names.tsv")) from None

    def tag(self, features: list[list[str]], lower: list[str]) -> list[tuple[int, int, str, float]]:
        """Typed spans of one document, the second pass's when the model has one.

        Parameters
        ----------
        features : list of list of str
            Each token's features (:func:`~kg.extract.features.token_features`).
        lower : list of str
            The lower-cased words.

        Returns
        -------
        list of (start, end, type, confidence)
            Token ranges with their type and confidence (the mean marginal probability of the
            span's labels).
        """
        if not features:
            return []
        labels, spans, confidences = tag_spans(self.tagger, features)
        if self.second is not None:
            _, spans, confidences = tag_spans(self.second, second_pass_features(features, lower, labels, confidences))
        return [(s, e, t, c) for (s, e, t), c in zip(spans, confidences)]

    def proposes(self, features: list[str]) -> bool:
        """Whether an entity with these features (:func:`~kg.extract.features.entity_features`)
        is proposed by its paper."""
        return self.proposal.tag([features])[0] == "proposed"


def tag_spans(tagger, features: list[list[str]]) -> tuple[list[str], list[tuple[int, int, str]], list[float]]:
    """Tag one document with a CRF.

    Parameters
    ----------
    tagger : pycrfsuite.Tagger
        An open CRF.
    features : list of list of str
        Each token's features.

    Returns
    -------
    labels : list of str
        The BILOU labels.
    spans : list of (start, end, type)
        Their spans (:func:`~kg.extract.features.spans_of`).
    confidences : list of float
        Each span's confidence: the mean marginal probability of its labels.
    """
    labels = tagger.tag(features)
    spans = spans_of(labels)
    return labels, spans, [sum(tagger.marginal(labels[i], i) for i in range(s, e)) / (e - s) for s, e, _ in spans]


def _names_on_its_own(word: str) -> bool:
    """A capital after the first letter, or a digit ("SSA", "GPT-4", "InSAR"): a word that
    names something on its own."""
    return any(ch.isdigit() for ch in word) or any(ch.isupper() for ch in word[1:])


def model_dir(path: str | Path | None = None) -> Path:
    """The model folder ``path`` names; the packaged model when it is None."""
    return Path(path) if path else DEFAULT_MODEL


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> RecognizerModel:
    """Load (once per process) a model folder; the packaged model when ``path`` is None."""
    return RecognizerModel(model_dir(path))


def recognize(doc: Doc, model: RecognizerModel, min_confidence: float = ExtractConfig.recognizer_min_confidence,
              vocabulary: Vocabulary | None = None) -> tuple[list[Candidate], set[str]]:
    """The candidates the model tags in a Doc, with concepts and types settled, and the keys
    of those the paper proposes (see the module docstring); the candidates do not overlap.
    A tagged span whose confidence is below ``min_confidence`` is dropped; ``vocabulary``
    gives the concept of a name the model's names table gives a form."""
    tk = tokens(doc)
    vocab = [c for c in doc._.kg_candidates or () if c.rule.startswith("vocabulary")]
    rules = list(doc._.kg_mentions or ())
    rule_spans = mention_spans(tk, rules)
    abbreviations = [((long.start, long.end), (short.start, short.end)) for long, short in doc._.abbreviations or ()]
    features = token_features(tk, model.words, doc._.title_end,
                              [(c.start, c.end, c.type, c.source) for c in vocab], rule_spans, abbreviations)
    known = {(c.start, c.end): (c.key, c.label, True) for c in vocab if c.in_vocabulary}
    for (s, e, _t), m in zip(rule_spans, rules):
        known.setdefault((s, e), (m.key, m.label, m.in_vocabulary))
    text, space, names = tk.text, tk.space, model.names
    found = []
    for start, end, typ, conf in model.tag(features, tk.lower):
        if conf < min_confidence:
            continue
        parts = split_at_separators(text, start, end)
        for s, e in parts:
            while s < e and space[s]:
                s += 1
            while e > s and space[e - 1]:
                e -= 1
            if e <= s or e - s == 1 and len(parts) > 1 and not _names_on_its_own(text[s]):
                continue  # a plain word ("module", "Analysis") was tagged only as a part of the whole
            hit = known.get((s, e))
            if hit is None:
                label = name_label(tk.span_text(s, e).rstrip("."))
                if not label:
                    continue
                hit = (entity_key(label), label, False)
            if not hit[2] and (hit[0], typ) in names:  # a form the annotations name otherwise
                key, label = names[hit[0], typ]
                concept = vocabulary.lookup(label) if vocabulary is not None else None
                hit = (concept.key, concept.label, True) if concept is not None and concept.type == typ \
                    else (key, label, False)
            found.append([s, e, typ, conf, *hit])
    # a short form names its long form's concept
    by_span = {(f[0], f[1]): f for f in found}
    short_keys = {}
    for (ls, le), (ss, se) in abbreviations:
        long = by_span.get((ls, le))
        if long is not None:
            short_keys[tk.span_text(ss, se)] = long
    if short_keys:
        for f in found:
            w = text[f[0]] if f[1] - f[0] == 1 else None
            if w is not None:
                long = short_keys.get(w) or (short_keys.get(w[:-1]) if w.endswith("s") else None)
                if long is not None and long is not f:
                    f[4:7] = long[4:7]
    # one type per concept: the most confident in total
    votes: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(ENTITY_TYPES, 0.0))
    for f in found:
        votes[f[4]][f[2]] += f[3]
    chosen = [Candidate(s, e, key, label, max(votes[key], key=votes[key].get), RULE, round(conf, 3), inv)
              for s, e, _typ, conf, key, label, inv in found]
    # proposed or used, per concept
    spans: dict[str, list[Candidate]] = {}
    for c in chosen:
        spans.setdefault(c.key, []).append(c)
    title = title_name(doc, doc._.title_end)
    proposed = {key for key, cs in spans.items() if cs[0].type in PROPOSABLE and model.proposes(
        entity_features(tk, doc._.title_end, title, [(c.start, c.end) for c in cs], cs[0].type,
                        any(c.in_vocabulary for c in cs)))}
    return chosen, proposed


@Language.factory(
    "kg_recognizer",
    assigns=["doc._.kg_mentions"],
    requires=["doc._.kg_mentions", "doc._.kg_candidates", "doc._.abbreviations", "doc._.title_end"],
    default_config={"model": None, "min_confidence": ExtractConfig.recognizer_min_confidence, "vocab_dir": None,
                    "extra_vocab": []},
)
def make_recognizer(nlp: Language, name: str, model: str | None, min_confidence: float,
                    vocab_dir: str | None, extra_vocab: list[str]) -> "Recognizer":
    return Recognizer(load_model(model), min_confidence, load_vocabulary(vocab_dir, tuple(extra_vocab)))


class Recognizer:
    """Replaces ``doc._.kg_mentions`` with the mentions the learned model finds (those whose
    confidence is at least ``min_confidence``)."""

    def __init__(self, model: RecognizerModel, min_confidence: float, vocabulary: Vocabulary | None = None):
        self.model = model
        self.min_confidence = min_confidence
        self.vocabulary = vocabulary

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_mentions = to_mentions(doc, *recognize(doc, self.model, self.min_confidence, self.vocabulary))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Process a stream of Docs a batch at a time (see :mod:`kg.extract.batches`)."""
        return pipe_batches(self, docs, batch_size)
