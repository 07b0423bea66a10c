"""Word clusters from unlabelled text (kg.train.clusters), on the abstracts the project carries."""

from __future__ import annotations

import numpy as np
import pytest

from kg.train import data as D
from kg.train.clusters import cooccurrence, spherical_kmeans, word_clusters, word_vectors, write_clusters
from kg.extract.recognizer import read_clusters


@pytest.fixture(scope="module")
def texts():
    return [D.record_text(r) for f in D.project_annotation_files()[:6] for r in D.read_gold(f)]


@pytest.fixture(scope="module")
def vectors(texts):
    return word_vectors(texts, n_words=1500, dim=24, window=4, seed=0)


def test_vectors_are_unit_length_and_put_like_words_together(vectors):
    words, W = vectors
    assert W.shape == (1500, 24)
    assert np.allclose(np.linalg.norm(W, axis=1), 1, atol=1e-3)
    v = dict(zip(words, W))

    def sim(a, b):
        return float(v[a] @ v[b])

    # numbers are like numbers, and a dataset name is more like another than like a verb
    assert sim("two", "three") > sim("two", "propose")
    assert sim("accuracy", "performance") > sim("accuracy", "the")


def test_vectors_are_seeded(texts, vectors):
    words, W = vectors
    again_words, again = word_vectors(texts, n_words=1500, dim=24, window=4, seed=0)
    assert again_words == words
    assert np.allclose(again, W, atol=1e-5)


def test_cooccurrence_is_symmetric_and_weighted_by_distance_in_blocks():
    rng = np.random.default_rng(3)
    V, window = 11, 3
    ids = rng.integers(-1, V, 400)  # -1: out of the vocabulary, or a break between abstracts
    naive = np.zeros((V, V))
    for i in range(len(ids)):
        for d in range(1, window + 1):
            if i + d < len(ids) and ids[i] >= 0 and ids[i + d] >= 0:
                naive[ids[i], ids[i + d]] += 1 / d
                naive[ids[i + d], ids[i]] += 1 / d
    # one block is the whole matrix at once, C += C.T as numpy adds it (a copy of the transpose)
    whole = cooccurrence(ids, V, window, step=V)
    assert np.allclose(whole, naive, atol=1e-4)
    # blocks that do not divide V, one block, and blocks of one row: the same bytes
    for step in (4, 2048, 1):
        C = cooccurrence(ids, V, window, step=step)
        assert C.shape == (V, V) and C.dtype == np.float32
        assert np.array_equal(C, whole)
        assert np.allclose(C, naive, atol=1e-4)


def test_vocabulary_is_the_most_frequent_words_first(texts, vectors):
    words, _ = vectors
    from collections import Counter

    from kg.extract.tokenizer import blank

    counts = Counter(t.lower_ for d in blank().tokenizer.pipe(texts) for t in d if not t.is_space)
    assert words == sorted(counts, key=lambda w: (-counts[w], w))[:1500]


def test_kmeans_finds_well_separated_groups():
    rng = np.random.default_rng(1)
    centres = np.eye(3, 8)
    X = np.repeat(centres, 20, axis=0) + 0.05 * rng.standard_normal((60, 8))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    labels = spherical_kmeans(X.astype(np.float32), 3)
    for g in range(3):
        assert len(set(labels[g * 20:(g + 1) * 20])) == 1
    assert len(set(labels)) == 3
    # more clusters than points: one per point
    assert len(set(spherical_kmeans(X[:5].astype(np.float32), 50))) <= 5


def test_clusters_round_trip_through_their_file(tmp_path, vectors):
    words, W = vectors
    clusters = word_clusters(words, W, levels=(4, 16))
    assert all(len(c) == 2 and c[1].startswith(c[0] + ".") for c in clusters.values())
    write_clusters(clusters, tmp_path / "clusters.tsv")
    assert read_clusters(tmp_path / "clusters.tsv") == clusters
