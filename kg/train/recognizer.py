"""Train the learned recognizer (:mod:`kg.extract.recognizer`): ``kg train``.

1. Word clusters from the unlabelled arXiv abstracts of ``../shared/data/arxiv`` (the papers
   of the evaluation split left out): :mod:`kg.train.clusters`.
2. Every training paper (:func:`kg.train.data.training_records`) runs through the rule pipeline
   (``kg build --fast``), whose findings become features (:mod:`kg.extract.features`); the
   gold mentions become BILOU labels.
3. A linear-chain CRF (python-crfsuite, L-BFGS with L1 + L2 penalties) learns the labels, and
   a maximum-entropy classifier (the same library on sequences of one item) whether the paper
   proposes each of its Methods, Architectures and Datasets.
4. With two passes (``passes=2``; the packaged model has one), a second CRF learns the labels
   again from the first one's output (:func:`kg.extract.features.second_pass_features`). So
   that it learns from output like that on unseen text, the papers are cut into seeded folds,
   a first-pass CRF is trained without each fold, and each fold's papers are tagged by the CRF
   that did not see them (stacking). The CRFs train in parallel processes (``jobs``).

5. What the annotations name each form by, where they name it otherwise in most papers
   ("fine-tuned" by fine-tuning): :mod:`kg.train.names`.

The result is a model folder: ``config.cfg`` (the settings and data below, as a spaCy
config), ``model.crfsuite``, ``proposed.crfsuite``, ``clusters.tsv``, ``names.tsv`` and
``meta.json`` (and ``second.crfsuite`` with two passes). Everything is seeded; the same data and settings give the
same files, whatever the number of processes or the hash seed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
    passes: int = 1  #: 1: one CRF; 2: a second CRF over the first one's output (stacking)
    folds: int = 2  #: folds of the training papers for the first pass's held-out output


#: The training sequences and each one's fold while :func:`train_crfs` or the second pass trains
#: (set before their pool starts, so that the forked children share them; cleared after).
_SEQUENCES: list[tuple[list, list[str]]] = []
_FOLDS: list[int] = []


def crf_params(config: TrainConfig, transitions: bool = True) -> dict:
    """python-crfsuite's training parameters for ``config``: its penalties and iterations, and
    with ``transitions`` every label transition as a feature (the CRFs; the ``proposed``
    classifier, over sequences of one item, has none)."""
    params: dict = {"c1": config.c1, "c2": config.c2, "max_iterations": config.max_iterations}
    if transitions:
        params["feature.possible_transitions"] = True
    return params


def train_crfs(sequences: list[tuple[list, list[str]]], targets: list[tuple[str, int]], params: dict,
               folds: list[int] | None = None, jobs: int = 1) -> list[dict]:
    """Train one CRF per target on the sequences of every fold but the one it leaves out.

    Parameters
    ----------
    sequences : list of (features, labels)
        The training sequences (:func:`labelled_papers` gives them).
    targets : list of (str, int)
        Where to save each CRF, and the fold it leaves out (-1: none, it trains on all).
    params : dict
        python-crfsuite's training parameters (:func:`crf_params`).
    folds : list of int, optional
        Each sequence's fold (:func:`fold_ids`); needed when a target leaves one out.
    jobs : int
        Processes (forked, so that they share the sequences; one process where fork is not
        available). The CRFs do not depend on it.

    Returns
    -------
    list of dict
        Each CRF's last iteration (loss, active features, ...), in the order of ``targets``.

    Raises
    ------
    KgError
        When a target leaves out a fold and no folds are given, or a training process dies.
    """
    if folds is None and any(k >= 0 for _, k in targets):
        raise KgError("a CRF that leaves out a fold needs each sequence's fold")
    if folds is not None and len(folds) != len(sequences):
        raise KgError(f"{len(folds)} folds for {len(sequences)} sequences")
    _SEQUENCES[:] = sequences
    _FOLDS[:] = folds or []
    jobs_list = [(path, k, params) for path, k in targets]
    try:
        if jobs > 1 and len(targets) > 1 and "fork" in multiprocessing.get_all_start_methods():
            with ProcessPoolExecutor(min(jobs, len(targets)), mp_context=multiprocessing.get_context("fork")) as pool:
                return list(pool.map(_train_crf, jobs_list))
        return [_train_crf(job) for job in jobs_list]
    except BrokenProcessPool:
        raise KgError("a training process died (out of memory?); try --jobs 1") from None
    finally:
        _SEQUENCES.clear()
        _FOLDS.clear()


def _train_crf(job: tuple[str, int, dict]) -> dict:
    """Train a CRF on the sequences of every fold but ``job[1]`` (-1: all of them) with the
    parameters ``job[2]`` and save it to ``job[0]``; its last iteration's figures."""
    import pycrfsuite

    path, left_out, params = job
    trainer = pycrfsuite.Trainer(verbose=False)
    for i, (x, y) in enumerate(_SEQUENCES):
        if left_out < 0 or _FOLDS[i] != left_out:
            trainer.append(x, y)
    trainer.set_params(params)
    trainer.train(path)
    return dict(trainer.logparser.last_iteration or {})


def fold_ids(n: int, folds: int, seed: int) -> list[int]:
    """A fold (0 .. folds-1) for each of ``n`` items: seeded, sizes differing by at most one."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    out = [0] * n
    for rank, i in enumerate(order):
        out[i] = rank % folds
    return out


def labelled_papers(records: list[dict], words, quiet: bool = True) -> Iterator[tuple[list, list[str], list, list[str]]]:
    """Per gold record, made through the rule pipeline: the token features, the BILOU labels,
    the (features, label) of each Method, Architecture and Dataset for the ``proposed``
    classifier, and the lower-cased words.

    Parameters
    ----------
    records : list of dict
        Gold records (:func:`kg.train.data.training_records`).
    words : WordFeatures
        The word features, with the word clusters (:class:`kg.extract.features.WordFeatures`).
    quiet : bool
        No progress bar.
    """
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
        yield x, bilou(len(x), D.gold_spans(doc, rec)), entities, tk.lower


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
                     extra: tuple[Path, ...] = (), quiet: bool = False, log=print, jobs: int = 2) -> Path:
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
    jobs : int
        Processes for the CRF trainings (the model does not depend on it).

    Raises
    ------
    KgError
        When training data is missing or the settings are not valid.
    """
    import pycrfsuite

    from kg.extract.features import WordFeatures
    from kg.train.clusters import arxiv_texts, word_clusters, word_vectors, write_clusters
    from kg.train.names import learn_names, write_names

    if config.passes not in (1, 2):
        raise KgError(f"passes must be 1 or 2, not {config.passes}")
    if config.passes == 2 and config.folds < 2:
        raise KgError(f"a second pass needs at least 2 folds, not {config.folds}")
    if jobs < 1:
        raise KgError(f"jobs must be at least 1, not {jobs}")
    shared = Path(shared) if shared else D.shared_dir()
    corpus = shared / "data" / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"
    if not corpus.is_file():
        raise KgError("the arXiv corpus for the word clusters is missing (pass --shared)", str(corpus))
    t0 = time.perf_counter()
    records = D.training_records(shared, extra, config.project_annotations)
    sources = ["the arXiv set without its evaluation split"] + (["the project's annotations"] if
                                                                config.project_annotations else []) + list(map(str, extra))
    log(f"training papers: {len(records)} ({', '.join(sources)})")
    if config.passes == 2 and len(records) < config.folds:
        raise KgError(f"{len(records)} training papers cannot be cut into {config.folds} folds")
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-train-", dir=out_dir.parent))
    try:
        words, vectors = word_vectors(arxiv_texts(corpus, D.eval_ids()), config.n_words, config.dim,
                                      config.window, config.seed)
        clusters = word_clusters(words, vectors, seed=config.seed)
        write_clusters(clusters, staging / "clusters.tsv")
        log(f"word clusters: {len(clusters)} words ({time.perf_counter() - t0:.0f} s)")
        n_tokens = 0
        proposal = pycrfsuite.Trainer(verbose=False)
        sequences: list[tuple[list, list[str]]] = []
        lowers: list[list[str]] = []
        for x, y, entities, lower in labelled_papers(records, WordFeatures(clusters), quiet):
            sequences.append((x, y))
            lowers.append(lower)
            n_tokens += len(x)
            for fx, label in entities:
                proposal.append([fx], [label])
        proposal.set_params(crf_params(config, transitions=False))
        proposal.train(str(staging / "proposed.crfsuite"))
        params = crf_params(config)
        log(f"features: {n_tokens} tokens ({time.perf_counter() - t0:.0f} s); training the CRF"
            + (f"s ({config.folds} held out, then the second pass beside the first; {jobs} processes) ..."
               if config.passes == 2 else " ..."))
        if config.passes == 1:
            info = train_crfs(sequences, [(str(staging / "model.crfsuite"), -1)], params)[0]
        else:
            info = _train_two_passes(staging, sequences, config.folds, config.seed, params, jobs, lowers)
        sources = {"arxiv_annotated": "gold/arxiv/arxiv-annotated.jsonl (without annotations/arxiv-eval-ids.txt)",
                   "project_annotations": [p.name for p in D.project_annotation_files()]
                   if config.project_annotations else [],
                   "extra": [str(p) for p in extra], "clusters": "data/arxiv/arxiv_cs_daily_2025_2026.jsonl.gz"}
        write_names(learn_names(records), staging / "names.tsv")
        (staging / "config.cfg").write_text(_config_text(config, sources), encoding="utf-8")
        meta = {"name": "arxiv-crf", "papers": len(records), "tokens": n_tokens, "passes": config.passes,
                "seconds": round(time.perf_counter() - t0, 1), "final_loss": info.get("loss"),
                "iterations": info.get("num"), "active_features": info.get("active_features"),
                "licence": "annotations: the project's own; arXiv metadata: CC0"}
        (staging / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        out_dir.mkdir(exist_ok=True)
        for f in staging.iterdir():
            os.replace(f, out_dir / f.name)
        if config.passes == 1:  # a second pass of an earlier model would read this one's output
            (out_dir / "second.crfsuite").unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"saved {out_dir} in {time.perf_counter() - t0:.0f} s")
    return out_dir


def _train_two_passes(staging: Path, sequences: list[tuple[list, list[str]]], folds: int, seed: int, params: dict,
                      jobs: int, lowers: list[list[str]]) -> dict:
    """Train ``model.crfsuite`` and ``second.crfsuite`` on ``sequences``.

    Parameters
    ----------
    staging : Path
        The folder to write them to (and the held-out CRFs, which are removed).
    sequences : list of (features, labels)
        The training sequences.
    folds : int
        Parts of the papers: each is tagged for the second CRF by a first-pass CRF trained
        without it.
    seed : int
        Seed of the cut (:func:`fold_ids`).
    params : dict
        The CRFs' training parameters.
    jobs : int
        Processes (forked, so that they share the sequences; one process where fork is not
        available).
    lowers : list of list of str
        Each paper's lower-cased words.

    Returns
    -------
    dict
        The first-pass CRF's last iteration (loss, features, ...).
    """
    import pycrfsuite

    from kg.extract.features import second_pass_features
    from kg.extract.recognizer import tag_spans

    _SEQUENCES[:] = sequences
    _FOLDS[:] = fold_ids(len(sequences), folds, seed)
    first = (str(staging / "model.crfsuite"), -1, params)
    held = [(str(staging / f".fold-{k}.crfsuite"), k, params) for k in range(folds)]
    fork = jobs > 1 and "fork" in multiprocessing.get_all_start_methods()
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) if fork else None
    try:
        # the held-out CRFs first; then the pool trains the first pass while this process
        # trains the second (a worker that dies raises BrokenProcessPool here)
        for _ in (pool.map(_train_crf, held) if pool else map(_train_crf, held)):
            pass
        pending = pool.submit(_train_crf, first) if pool else None
        second = pycrfsuite.Trainer(verbose=False)
        for k, (path, _, _) in enumerate(held):
            tagger = pycrfsuite.Tagger()
            tagger.open(path)
            try:
                for (x, y), lower, fold in zip(_SEQUENCES, lowers, _FOLDS):
                    if fold == k:
                        labels, _, confidences = tag_spans(tagger, x)
                        second.append(second_pass_features(x, lower, labels, confidences), y)
            finally:
                tagger.close()
            os.unlink(path)
        second.set_params(params)
        second.train(str(staging / "second.crfsuite"))
        return pending.result() if pending is not None else _train_crf(first)
    except BrokenProcessPool:
        raise KgError("a training process died (out of memory?); try --jobs 1") from None
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        _SEQUENCES.clear()
        _FOLDS.clear()
