"""Train the optional statistical entity recognizer (the ``kg_statistical`` component).

SciERC (and optionally the title + abstract part of SciREX) become spaCy ``DocBin`` s: the
tokens are kept exactly as the corpora give them (``Doc(vocab, words=..., spaces=True)``) and
only Method, Task and Metric spans are labelled. A small CPU model (hash-embedding CNN
``tok2vec`` + transition-based ``ner``) is trained with spaCy's own training loop; the SciERC
dev split serves only to pick the best checkpoint (early stopping).

Entry point: :func:`train_ner`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.config import PACKAGE_DIR
from kg.errors import KgError
from kg.evaluate.scierc import scierc_documents

#: The labels the model learns; every other SciERC / SciREX type is left unlabelled.
LABELS: tuple[str, ...] = ("Method", "Task", "Metric")

#: Where ``kg train`` writes the model by default and where ``kg_statistical`` looks for it.
DEFAULT_MODEL_DIR = PACKAGE_DIR / "models" / "scierc-ner"

#: Training updates by default (training also stops after ``patience`` steps without progress).
DEFAULT_STEPS = 3000

#: Files of a saved spaCy pipeline (replaced on retraining; anything else, e.g. README.md, is kept).
_PIPELINE_FILES = ("config.cfg", "meta.json", "tokenizer", "vocab", "tok2vec", "ner")

log = logging.getLogger(__name__)

Spans = list[tuple[int, int, str]]  # (start token, end token exclusive, label)


def shared_data_dir() -> Path:
    """``../shared/data`` beside the source checkout, or ``$KG_SHARED_DATA``."""
    env = os.environ.get("KG_SHARED_DATA")
    return Path(env) if env else PACKAGE_DIR.parent.parent / "shared" / "data"


# -- corpora ---------------------------------------------------------------------------------------

def read_scierc(path: Path) -> Iterator[tuple[str, list[str], Spans]]:
    """Yield ``(doc_key, words, spans)`` per SciERC document (DyGIE JSON lines).

    Spans use document-level token offsets with exclusive ends; only :data:`LABELS` are kept.
    """
    return scierc_documents(path, LABELS)


def _scirex_abstract_range(words: list[str], sections: list[list[int]]) -> tuple[int, int, set[int]]:
    """Token range of title + abstract in a SciREX paper, and the header tokens to drop.

    ``sections[0]`` is ``document : TITLE ABSTRACT`` for most papers; some have only the title
    there and the abstract in ``sections[1]`` (``section : Abstract ...``).
    """
    start, end = sections[0]
    drop: set[int] = set()
    if words[start:start + 2] == ["document", ":"]:
        drop.update((start, start + 1))
    if len(sections) > 1:
        s1, e1 = sections[1]
        if words[s1:s1 + 2] == ["section", ":"] and s1 + 2 < e1 and words[s1 + 2].lower() == "abstract":
            drop.update((s1, s1 + 1, s1 + 2))
            end = e1
    return start, end, drop


def read_scirex_abstracts(path: Path, max_tokens: int = 600) -> Iterator[tuple[str, list[str], Spans]]:
    """Yield ``(doc_id, words, spans)`` for the title + abstract of each SciREX paper.

    Papers whose first section is not a plausible abstract (longer than ``max_tokens``) are
    skipped. Spans covering a dropped header token are skipped.
    """
    path = Path(path)
    if not path.is_file():
        raise KgError("no such SciREX file", str(path))
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            words = d["words"]
            start, end, drop = _scirex_abstract_range(words, d["sections"])
            if end - start > max_tokens:
                continue
            new_index = {}
            kept: list[str] = []
            for i in range(start, end):
                if i not in drop:
                    new_index[i] = len(kept)
                    kept.append(words[i])
            spans = []
            for s, e, t in d["ner"]:
                if t not in LABELS or s < start or e > end or any(i in drop for i in range(s, e)):
                    continue
                spans.append((new_index[s], new_index[e - 1] + 1, t))
            yield d["doc_id"], kept, sorted(set(spans))


# -- DocBins ---------------------------------------------------------------------------------------

def make_doc(vocab, words: list[str], spans: Spans):
    """A Doc with the given tokens (one space after each) and the spans as entities.

    Overlapping spans (rare in SciERC) are resolved by :func:`spacy.util.filter_spans`
    (longest first).
    """
    from spacy.tokens import Doc, Span
    from spacy.util import filter_spans

    doc = Doc(vocab, words=words, spaces=[True] * len(words))
    doc.ents = filter_spans([Span(doc, s, e, label=t) for s, e, t in spans])
    return doc


@dataclass
class CorpusStats:
    docs: int = 0
    tokens: int = 0
    spans: int = 0
    dropped_overlaps: int = 0

    def __str__(self) -> str:
        return (f"{self.docs} docs, {self.tokens} tokens, {self.spans} entities"
                f" ({self.dropped_overlaps} overlapping spans dropped)")


def write_docbin(records: Iterable[tuple[str, list[str], Spans]], path: Path, vocab=None) -> CorpusStats:
    """Write records as a ``.spacy`` DocBin; return counts."""
    import spacy
    from spacy.tokens import DocBin

    vocab = vocab or spacy.blank("en").vocab
    db = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    st = CorpusStats()
    for _key, words, spans in records:
        if not words:
            continue
        doc = make_doc(vocab, words, spans)
        db.add(doc)
        st.docs += 1
        st.tokens += len(doc)
        st.spans += len(doc.ents)
        st.dropped_overlaps += len(spans) - len(doc.ents)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return st


# -- static word vectors ------------------------------------------------------------------------

def _unlabelled_texts(data: Path, n_arxiv: int) -> Iterator[str]:
    """Raw text for the word vectors: the last ``n_arxiv`` arXiv abstracts, SciERC train, and
    the full SciREX train papers (never SciERC dev)."""
    import gzip

    arxiv = data / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"
    if n_arxiv and arxiv.is_file():
        from collections import deque

        with gzip.open(arxiv, "rt", encoding="utf-8") as f:
            tail = deque(f, maxlen=n_arxiv)
        for line in tail:
            r = json.loads(line)
            yield f"{r.get('title') or ''}\n\n{r.get('abstract') or ''}"
    for _k, words, _s in read_scierc(data / "scierc" / "train.json"):
        yield " ".join(words)
    scirex = data / "scirex" / "train.jsonl"
    if scirex.is_file():
        with open(scirex, encoding="utf-8") as f:
            for line in f:
                yield " ".join(json.loads(line)["words"])


def build_vectors(out_dir: Path, data_dir: Path | None = None, n_arxiv: int = 40000,
                  n_words: int = 12000, dim: int = 64, window: int = 4, seed: int = 0) -> Path:
    """Train small static word vectors (PPMI + truncated SVD of a co-occurrence matrix, keyed
    by lower-case form) on unlabelled scientific text, and save them as a spaCy pipeline
    folder that ``[initialize] vectors`` can load.
    """
    import numpy as np
    import spacy
    from spacy.vectors import Vectors

    data = Path(data_dir) if data_dir else shared_data_dir()
    nlp = spacy.blank("en")
    rng = np.random.default_rng(seed)
    # 1. token streams, lower-cased
    docs: list[list[str]] = []
    counts: dict[str, int] = {}
    for doc in nlp.tokenizer.pipe(_unlabelled_texts(data, n_arxiv), batch_size=256):
        toks = [t.lower_ for t in doc if not t.is_space]
        docs.append(toks)
        for w in toks:
            counts[w] = counts.get(w, 0) + 1
    vocab = sorted(counts, key=lambda w: (-counts[w], w))[:n_words]
    index = {w: i for i, w in enumerate(vocab)}
    V = len(vocab)
    # 2. weighted co-occurrence counts (1/distance within the window)
    pad = [-1] * window
    ids = np.array([i for toks in docs for i in pad + [index.get(w, -1) for w in toks]] + pad, dtype=np.int64)
    C = np.zeros(V * V, dtype=np.float32)
    for d in range(1, window + 1):
        a, b = ids[:-d], ids[d:]
        ok = (a >= 0) & (b >= 0)
        codes = a[ok] * V + b[ok]
        C += np.bincount(codes, minlength=V * V).astype(np.float32) / d
    C = C.reshape(V, V)
    C += C.T
    # 3. positive PMI with context-distribution smoothing
    total = C.sum()
    row = C.sum(1, keepdims=True)
    col = C.sum(0, keepdims=True) ** 0.75
    col = col / col.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        M = np.log(C / total) - np.log(row / total) - np.log(col)
    M = np.nan_to_num(np.maximum(M, 0), nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)
    del C
    # 4. randomized truncated SVD
    k = dim + 16
    Q = M @ rng.standard_normal((V, k)).astype(np.float32)
    for _ in range(3):
        Q, _r = np.linalg.qr(Q)
        Q = M @ (M.T @ Q)
    Q, _r = np.linalg.qr(Q)
    U, S, _vt = np.linalg.svd(Q.T @ M, full_matrices=False)
    W = (Q @ U[:, :dim]) * np.sqrt(S[:dim])
    W /= np.linalg.norm(W, axis=1, keepdims=True) + 1e-8
    nlp = spacy.blank("en")  # a fresh vocab: only the vector words end up in the model's strings
    nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings, data=W.astype(np.float32),
                                keys=[nlp.vocab.strings.add(w) for w in vocab],
                                attr="LOWER", name="kg_sci_ppmi")
    out_dir = Path(out_dir)
    nlp.to_disk(out_dir)
    return out_dir


# -- config ----------------------------------------------------------------------------------------

def training_config(max_steps: int = DEFAULT_STEPS, seed: int = 0, width: int = 96, depth: int = 4,
                    rows: tuple[int, int, int, int] = (5000, 1000, 2500, 2500),
                    eval_frequency: int = 200, patience: int = 2000, dropout: float = 0.3,
                    learn_rate: float = 0.001, lr_decay: bool = False, window_size: int = 1,
                    batch_stop: int = 1000, static_vectors: bool = False):
    """The spaCy training config: blank ``en``, ``tok2vec`` (hash embeddings of NORM, PREFIX,
    SUFFIX, SHAPE + a maxout CNN) and ``ner``, as ``spacy init config --optimize efficiency``
    writes it, with a few sizes and schedule settings changed.
    """
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
    enc = config["components"]["tok2vec"]["model"]["encode"]
    enc["width"] = width
    enc["depth"] = depth
    config["components"]["tok2vec"]["model"]["embed"]["rows"] = list(rows)
    tr = config["training"]
    tr["max_steps"] = max_steps
    tr["max_epochs"] = 0
    tr["eval_frequency"] = eval_frequency
    tr["patience"] = patience
    tr["dropout"] = dropout
    tr["seed"] = seed
    if lr_decay:  # linear warm-up, then linear decay to 0 at max_steps
        tr["optimizer"]["learn_rate"] = {"@schedules": "warmup_linear.v1", "warmup_steps": 250,
                                         "total_steps": max_steps, "initial_rate": learn_rate}
    else:
        tr["optimizer"]["learn_rate"] = learn_rate
    enc["window_size"] = window_size
    config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = static_vectors
    tr["batcher"]["size"]["stop"] = batch_stop
    tr["logger"]["progress_bar"] = False
    config["system"]["seed"] = seed
    return config


# -- training --------------------------------------------------------------------------------------

def prepare_corpora(work_dir: Path, data_dir: Path | None = None, use_scirex: bool = True,
                    ) -> tuple[Path, Path, dict[str, CorpusStats]]:
    """Write train.spacy (SciERC train [+ SciREX abstracts]) and dev.spacy (SciERC dev)."""
    import spacy

    data = Path(data_dir) if data_dir else shared_data_dir()
    scierc = data / "scierc"
    if not (scierc / "train.json").is_file():
        raise KgError("SciERC train.json not found (pass --data or set KG_SHARED_DATA)", str(scierc))
    vocab = spacy.blank("en").vocab
    records = list(read_scierc(scierc / "train.json"))
    stats: dict[str, CorpusStats] = {}
    if use_scirex:
        sx = list(read_scirex_abstracts(data / "scirex" / "train.jsonl"))
        stats["scirex"] = CorpusStats(docs=len(sx), tokens=sum(len(w) for _, w, _ in sx),
                                      spans=sum(len(s) for _, _, s in sx))
        records += sx
    train_path, dev_path = Path(work_dir) / "train.spacy", Path(work_dir) / "dev.spacy"
    stats["train"] = write_docbin(records, train_path, vocab)
    stats["dev"] = write_docbin(read_scierc(scierc / "dev.json"), dev_path, vocab)
    return train_path, dev_path, stats


def _install(best: Path, out_dir: Path) -> None:
    """Replace the pipeline files in out_dir by those of ``best`` (other files are kept)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        for name in _PIPELINE_FILES:
            src = best / name
            if src.is_dir():
                shutil.copytree(src, staging / name)
            elif src.is_file():
                shutil.copy2(src, staging / name)
        for name in _PIPELINE_FILES:
            old = out_dir / name
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
        for p in staging.iterdir():
            os.replace(p, out_dir / p.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def train_ner(out_dir: Path = DEFAULT_MODEL_DIR, max_steps: int = DEFAULT_STEPS, seed: int = 0,
              use_scirex: bool = True, data_dir: Path | None = None, work_dir: Path | None = None,
              vectors: bool = True, vector_options: dict | None = None, **config_options) -> Path:
    """Train the recognizer on CPU and save the best checkpoint (by SciERC dev F1) to out_dir.

    Parameters
    ----------
    out_dir : Path
        Where the spaCy pipeline is written (``spacy.load`` -able).
    max_steps : int
        Training updates; training also stops after ``patience`` steps without improvement.
    seed : int
        Random seed (spaCy, thinc, numpy).
    use_scirex : bool
        Also train on the title + abstract part of SciREX train.
    vectors : bool
        Build small static word vectors from unlabelled text first (:func:`build_vectors`:
        arXiv abstracts, SciERC train, SciREX train papers) and feed them to ``tok2vec``.
    vector_options : dict, optional
        Passed to :func:`build_vectors` (n_arxiv, n_words, dim, window).
    data_dir : Path, optional
        Folder holding ``scierc/`` and ``scirex/``; default :func:`shared_data_dir`.
    work_dir : Path, optional
        Keep DocBins, config and checkpoints here (default: a temporary folder, removed).
    **config_options
        Passed to :func:`training_config` (width, depth, rows, dropout, patience, ...).

    Returns
    -------
    Path
        ``out_dir``.
    """
    from spacy.cli.train import train as spacy_train

    out_dir = Path(out_dir)
    tmp = None
    if work_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="kg-train-")
        work = Path(tmp.name)
    else:
        work = Path(work_dir)
        work.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        train_path, dev_path, stats = prepare_corpora(work, data_dir, use_scirex)
        for name, st in stats.items():
            log.info("%s: %s", name, st)
        config = training_config(max_steps=max_steps, seed=seed, static_vectors=vectors, **config_options)
        config["paths"]["train"] = str(train_path)
        config["paths"]["dev"] = str(dev_path)
        if vectors:
            vec_dir = build_vectors(work / "vectors", data_dir, seed=seed, **(vector_options or {}))
            config["paths"]["vectors"] = str(vec_dir)
        cfg_path = work / "config.cfg"
        config.to_disk(cfg_path)
        spacy_train(cfg_path, work / "output", use_gpu=-1)
        best = work / "output" / "model-best"
        if not (best / "meta.json").is_file():
            raise KgError("training produced no model", str(best))
        meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
        meta["name"] = "scierc_ner"
        meta["description"] = ("paper-kg statistical recognizer of Method, Task and Metric mentions; trained on "
                               "SciERC train" + (" + SciREX train abstracts" if use_scirex else ""))
        meta["sources"] = [{"name": "SciERC", "url": "http://nlp.cs.washington.edu/sciIE/",
                            "license": "research use"}] + (
            [{"name": "SciREX", "url": "https://github.com/allenai/SciREX", "license": "Apache-2.0"}]
            if use_scirex else []) + (
            [{"name": "arXiv metadata (word vectors only)", "license": "CC0-1.0"}] if vectors else [])
        meta["kg_training"] = {"max_steps": max_steps, "seed": seed, "use_scirex": use_scirex,
                               "vectors": vectors, "vector_options": vector_options or {},
                               "seconds": round(time.perf_counter() - t0, 1),
                               "corpora": {k: str(v) for k, v in stats.items()},
                               "options": {k: list(v) if isinstance(v, tuple) else v
                                           for k, v in config_options.items()}}
        (best / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        _install(best, out_dir)
        return out_dir
    finally:
        if tmp is not None:
            tmp.cleanup()
