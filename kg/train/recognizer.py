"""Train the learned recognizer (:mod:`kg.extract.recognizer`): ``kg train``.

1. Word clusters from the unlabelled arXiv abstracts of ``../shared/data/arxiv`` (the papers
   of the evaluation split left out): :mod:`kg.train.clusters`.
2. Every training paper (:func:`kg.train.data.training_records`) runs through the rule pipeline
   (``kg build --fast``), whose findings become features (:mod:`kg.extract.features`); the
   gold mentions become BILOU labels.
3. A linear-chain CRF (python-crfsuite, L-BFGS with L1 + L2 penalties) learns the labels, and
   a maximum-entropy classifier (the same library on sequences of one item) whether the paper
   proposes each of its Methods, Architectures and Datasets.

The result is a model folder: ``config.cfg`` (the settings and data below, as a spaCy
config), ``model.crfsuite``, ``proposed.crfsuite``, ``clusters.tsv`` and ``meta.json``.
Everything is seeded; the same data and settings give the same model.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.errors import KgError
from kg.train import data as D

@dataclass(frozen=True)
class TrainConfig:
    """What ``kg train`` makes a model from."""

    c1: float = 0.1  #: L1 penalty (sparsity: the model keeps the features that matter)
    c2: float = 0.02  #: L2 penalty
    max_iterations: int = 200  #: L-BFGS iterations
    n_words: int = 20000  #: words that get clusters
    dim: int = 100  #: dimensions of the word vectors the clusters are made from
    window: int = 4  #: co-occurrence window of the word vectors
    seed: int = 0
    project_annotations: bool = True  #: train on kg/train/annotations too (not only ../shared)


def _labelled(records: list[dict], words, quiet: bool = True) -> Iterator[tuple[list, list[str], list]]:
    """Per record, made through the rule pipeline: the token features, the BILOU labels, and
    the (features, label) of each Method, Architecture and Dataset for the ``proposed``
    classifier."""
    from kg.config import ExtractConfig
    from kg.extract.entities import PROPOSABLE
    from kg.extract.features import bilou, entity_features, mention_spans, token_features
    from kg.extract.pipeline import make_pipeline
    from kg.extract.proposed import title_name
    from kg.extract.tokens import tokens
    from kg.markup import strip_markup
    from kg.progress import progress

    nlp = make_pipeline(ExtractConfig(use_recognizer=False))
    docs = nlp.pipe((strip_markup(D.record_text(r))[0] for r in records), batch_size=64)
    for rec, doc in zip(records, progress(docs, "features", "papers", quiet, total=len(records))):
        tk = tokens(doc)
        vocab = [c for c in doc._.kg_candidates or () if c.rule.startswith("vocabulary")]
        abbr = [((lf.start, lf.end), (sf.start, sf.end)) for lf, sf in doc._.abbreviations or ()]
        x = token_features(tk, words, doc._.title_end, [(c.start, c.end, c.type, c.source) for c in vocab],
                           mention_spans(tk, doc._.kg_mentions or ()), abbr)
        known = {(c.start, c.end) for c in vocab}
        title = title_name(doc, doc._.title_end)
        entities = [(entity_features(tk, doc._.title_end, title, spans, ent["type"], bool(known.intersection(spans))),
                     "proposed" if ent["proposed"] else "used")
                    for ent, spans in D.gold_entities(doc, rec) if ent["type"] in PROPOSABLE]
        yield x, bilou(len(x), D.gold_spans(doc, rec)), entities


def _config_text(cfg: TrainConfig, sources: dict) -> str:
    from thinc.api import Config

    from kg.model import ENTITY_TYPES

    return Config({
        "recognizer": {"factory": "kg_recognizer", "labels": "BILOU", "types": list(ENTITY_TYPES),
                       "features": ["word", "neighbours", "vocabulary", "rules", "abbreviations", "document",
                                    "clusters"]},
        "training": asdict(cfg),
        "data": sources,
    }).to_str()


def train_recognizer(out_dir: Path, shared: Path | None = None, config: TrainConfig = TrainConfig(),
                     extra: tuple[Path, ...] = (), quiet: bool = False, log=print) -> Path:
    """Train a model and write its folder to ``out_dir`` (replacing the files it holds).

    Parameters
    ----------
    out_dir : Path
        The model folder to write.
    shared : Path, optional
        The ``shared`` folder (gold annotations and the arXiv corpus); default
        :func:`kg.train.data.shared_dir`.
    config : TrainConfig
        Training settings.
    extra : tuple of Path
        More annotation files (gold format) to train on.
    quiet : bool
        No progress bars.
    log : callable
        Where to report each step.

    Raises
    ------
    KgError
        When training data is missing.
    """
    import pycrfsuite

    from kg.extract.features import WordFeatures
    from kg.train.clusters import arxiv_texts, word_clusters, word_vectors, write_clusters

    shared = Path(shared) if shared else D.shared_dir()
    corpus = shared / "data" / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"
    if not corpus.is_file():
        raise KgError("the arXiv corpus for the word clusters is missing (pass --shared)", str(corpus))
    t0 = time.perf_counter()
    records = D.training_records(shared, extra, config.project_annotations)
    sources = ["the arXiv set without its evaluation split"] + (["the project's annotations"] if
                                                                config.project_annotations else []) + list(map(str, extra))
    log(f"training papers: {len(records)} ({', '.join(sources)})")
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-train-", dir=out_dir.parent))
    try:
        words, vectors = word_vectors(arxiv_texts(corpus, D.eval_ids()), config.n_words, config.dim,
                                      config.window, config.seed)
        clusters = word_clusters(words, vectors, seed=config.seed)
        write_clusters(clusters, staging / "clusters.tsv")
        log(f"word clusters: {len(clusters)} words ({time.perf_counter() - t0:.0f} s)")
        trainer = pycrfsuite.Trainer(verbose=False)
        n_tokens = 0
        proposal = pycrfsuite.Trainer(verbose=False)
        for x, y, entities in _labelled(records, WordFeatures(clusters), quiet):
            trainer.append(x, y)
            n_tokens += len(x)
            for fx, label in entities:
                proposal.append([fx], [label])
        proposal.set_params({"c1": config.c1, "c2": config.c2, "max_iterations": config.max_iterations})
        proposal.train(str(staging / "proposed.crfsuite"))
        trainer.set_params({"c1": config.c1, "c2": config.c2, "max_iterations": config.max_iterations,
                            "feature.possible_transitions": True})
        log(f"features: {n_tokens} tokens ({time.perf_counter() - t0:.0f} s); training the CRF ...")
        trainer.train(str(staging / "model.crfsuite"))
        info = trainer.logparser.last_iteration or {}
        sources = {"arxiv_annotated": "gold/arxiv/arxiv-annotated.jsonl (without annotations/arxiv-eval-ids.txt)",
                   "project_annotations": [p.name for p in D.project_annotation_files()]
                   if config.project_annotations else [],
                   "extra": [str(p) for p in extra], "clusters": "data/arxiv/arxiv_cs_daily_2025_2026.jsonl.gz"}
        (staging / "config.cfg").write_text(_config_text(config, sources), encoding="utf-8")
        meta = {"name": "arxiv-crf", "papers": len(records), "tokens": n_tokens,
                "seconds": round(time.perf_counter() - t0, 1), "final_loss": info.get("loss"),
                "iterations": info.get("num"), "active_features": info.get("active_features"),
                "licence": "annotations: the project's own; arXiv metadata: CC0"}
        (staging / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        out_dir.mkdir(exist_ok=True)
        for f in staging.iterdir():
            os.replace(f, out_dir / f.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"saved {out_dir} in {time.perf_counter() - t0:.0f} s")
    return out_dir
