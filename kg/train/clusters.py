"""Word clusters from unlabelled abstracts: what the recognizer knows of words it was not
trained on.

Words that occur in the same contexts land in the same cluster ("imagenet", "coco",
"cifar-10"; "psnr", "fid", "bleu"), so a dataset or metric name the annotations never show
still looks like its kind. Made in three steps, with numpy only:

1. weighted co-occurrence counts of the ``n_words`` most frequent lower-cased words within a
   window (1/distance);
2. positive PMI with context-distribution smoothing, and a randomized truncated SVD: one
   ``dim``-dimensional vector per word;
3. spherical k-means of the vectors at several granularities (32, 128 and 512 clusters):
   each word gets one cluster id per granularity, coarse to fine.

The matrix products run on one BLAS thread: float32 sums rounded in another order (OpenBLAS
splits a product among its threads) gave other vectors, and so other clusters and another
model, on a machine with another number of cores or ``OMP_NUM_THREADS``.
"""

from __future__ import annotations

import gzip
import json
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

#: Cluster counts, coarse to fine.
LEVELS = (32, 128, 512)


def arxiv_texts(path: Path, skip_ids: frozenset[str] = frozenset()) -> Iterator[str]:
    """Title and abstract of each paper of the arXiv corpus, but those in ``skip_ids``, as
    extraction reads them (without LaTeX formatting: :mod:`kg.markup`)."""
    from kg.markup import strip_markup

    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("id") not in skip_ids:
                yield strip_markup(f"{r.get('title') or ''}\n\n{r.get('abstract') or ''}")[0]


@threadpool_limits.wrap(limits=1, user_api="blas")
def word_vectors(texts: Iterable[str], n_words: int = 20000, dim: int = 100, window: int = 4,
                 seed: int = 0) -> tuple[list[str], np.ndarray]:
    """PPMI + SVD vectors (unit length) of the most frequent lower-cased words of ``texts``.

    Returns
    -------
    words : list of str
        The words, most frequent first.
    vectors : ndarray of shape (len(words), dim)
    """
    from kg.extract.tokenizer import blank

    tokenizer = blank().tokenizer
    # every word as an int (a list of strings per abstract would hold ~1 GB for the 75k corpus),
    # the abstracts one after another with ``window`` -1s between them
    ids_of: dict[str, int] = {}
    stream = array("i", [-1] * window)
    for doc in tokenizer.pipe(texts, batch_size=512):
        for t in doc:
            if not t.is_space:
                stream.append(ids_of.setdefault(t.lower_, len(ids_of)))
        stream.extend([-1] * window)
    all_ids = np.frombuffer(stream, dtype=np.int32)
    counts = np.bincount(all_ids[all_ids >= 0], minlength=len(ids_of))
    names = list(ids_of)
    del ids_of
    vocab = sorted(range(len(names)), key=lambda i: (-counts[i], names[i]))[:n_words]
    V = len(vocab)
    remap = np.full(len(names) + 1, -1, dtype=np.int64)  # the last entry maps the -1s
    remap[vocab] = np.arange(V)
    ids = remap[all_ids]
    vocab = [names[i] for i in vocab]
    del stream, all_ids, remap, names, counts
    C = cooccurrence(ids, V, window)
    del ids
    total = float(C.sum())
    row = C.sum(1, keepdims=True)
    col = C.sum(0, keepdims=True) ** 0.75
    col /= col.sum()
    # PPMI in place, a block of rows at a time (the matrix is the one big array)
    for s in range(0, V, 2048):
        block = C[s:s + 2048]
        with np.errstate(divide="ignore"):
            np.log(block * (1.0 / total) / (row[s:s + 2048] / total) / col, out=block)
        np.maximum(block, 0, out=block)
        block[~np.isfinite(block)] = 0
    rng = np.random.default_rng(seed)
    k = dim + 16
    Q = C @ rng.standard_normal((V, k)).astype(np.float32)
    for _ in range(3):
        Q, _r = np.linalg.qr(Q)
        Q = C @ (C.T @ Q)
    Q, _r = np.linalg.qr(Q)
    U, S, _vt = np.linalg.svd(Q.T @ C, full_matrices=False)
    W = (Q @ U[:, :dim]) * np.sqrt(S[:dim])
    W /= np.linalg.norm(W, axis=1, keepdims=True) + 1e-8
    return vocab, W.astype(np.float32)


def cooccurrence(ids: np.ndarray, V: int, window: int, step: int = 2048) -> np.ndarray:
    """Symmetric co-occurrence counts of the words ``ids`` (ints below ``V``; -1 for a word
    outside the vocabulary or a break), each pair within ``window`` words weighted 1/distance.

    Returns
    -------
    ndarray of shape (V, V), float32
        The one big array of :func:`word_vectors`; made in place (``step`` rows at a time where
        numpy would copy it).
    """
    C = np.zeros(V * V, dtype=np.float32)
    for d in range(1, window + 1):
        a, b = ids[:-d], ids[d:]
        ok = (a >= 0) & (b >= 0)
        pairs, n = np.unique(a[ok] * V + b[ok], return_counts=True)
        C[pairs] += n.astype(np.float32) / d
    C = C.reshape(V, V)
    # C += C.T, a block at a time
    for s in range(0, V, step):
        for t in range(s, V, step):
            if s == t:
                C[s:s + step, s:s + step] += C[s:s + step, s:s + step].T.copy()
            else:
                both = C[s:s + step, t:t + step] + C[t:t + step, s:s + step].T
                C[s:s + step, t:t + step] = both
                C[t:t + step, s:s + step] = both.T
    return C


@threadpool_limits.wrap(limits=1, user_api="blas")
def spherical_kmeans(X: np.ndarray, k: int, iterations: int = 25, seed: int = 0) -> np.ndarray:
    """Cluster of each row of ``X`` (unit vectors) among ``k`` by cosine similarity."""
    rng = np.random.default_rng(seed)
    k = min(k, len(X))
    centres = X[rng.choice(len(X), k, replace=False)].copy()
    for _ in range(iterations):
        labels = np.argmax(X @ centres.T, axis=1)
        for j in range(k):
            members = X[labels == j]
            if len(members):
                c = members.mean(0)
                centres[j] = c / (np.linalg.norm(c) + 1e-8)
    return np.argmax(X @ centres.T, axis=1)


def word_clusters(words: list[str], vectors: np.ndarray, levels: Iterable[int] = LEVELS,
                  seed: int = 0) -> dict[str, tuple[str, ...]]:
    """Word -> its cluster ids at each granularity, coarse to fine ("12", "12.071", ...)."""
    labels = [spherical_kmeans(vectors, k, seed=seed) for k in levels]
    out = {}
    for i, w in enumerate(words):
        ids = [str(int(lab[i])) for lab in labels]
        out[w] = tuple(".".join(ids[:j + 1]) for j in range(len(ids)))
    return out


def write_clusters(clusters: dict[str, tuple[str, ...]], path: Path) -> None:
    """Write the TSV that :func:`kg.extract.recognizer.read_clusters` reads."""
    with open(path, "w", encoding="utf-8") as f:
        for w, levels in clusters.items():
            if "\t" not in w and "\n" not in w:
                f.write(w + "\t" + "\t".join(levels) + "\n")
