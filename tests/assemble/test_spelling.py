"""Keys that spell the same name without their spaces merge (:mod:`kg.assemble.spelling`); the
names and paper counts are those the packaged recognizer gives on the first 5,000 arXiv
abstracts of ``../shared/data/arxiv/``."""

from __future__ import annotations

import pytest

from kg.assemble.spelling import one_per_spelling, rekey, spelling, spelling_merges
from kg.config import sample_corpus_dir
from kg.extract import extract, make_pipeline
from kg.read import Corpus


def test_spelling_is_the_key_without_spaces_and_none_when_short():
    assert spelling("gpt 4o") == spelling("gpt4o") == spelling("gpt4 o") == "gpt4o"
    assert spelling("rein forcement learning") == spelling("reinforcement learning")
    assert spelling("llama 3 8b") == spelling("llama3 8b") == "llama3 8b"
    assert spelling("qwen3 4b") != spelling("qwen 34b")  # a space between two digits stays
    assert spelling("r 2") is None and spelling("a1") is None  # "R 2" and "R2" may be two things


def test_the_key_most_papers_use_wins():
    merges = spelling_merges({"gpt 4o": 125, "gpt4o": 4, "gpt4 o": 1, "gpt 4": 80, "gpt4": 12})
    assert merges == {"gpt4o": "gpt 4o", "gpt4 o": "gpt 4o", "gpt4": "gpt 4"}
    assert spelling_merges({"fine tuned": 70, "finetuned": 2}) == {"finetuned": "fine tuned"}
    assert spelling_merges({"llama3 8b": 9, "llama 3 8b": 6}) == {"llama 3 8b": "llama3 8b"}


def test_a_vocabulary_concept_wins_then_spaces_then_sorted_order():
    assert spelling_merges({"math500": 6, "math 500": 7}, {"math500"}) == {"math 500": "math500"}
    assert spelling_merges({"mvtecad": 4, "mvtec ad": 4}) == {"mvtecad": "mvtec ad"}  # the readable key
    # two vocabulary concepts are two things ("A*3D" and "A3D"), and nothing merges into either
    assert spelling_merges({"a 3d": 2, "a3d": 3, "a3 d": 1}, {"a 3d", "a3d"}) == {}
    assert spelling_merges({"ab c": 1, "a bc": 1}) == {"ab c": "a bc"}  # a tie of everything: sorted order


def test_names_that_spell_like_no_other_or_too_short_do_not_merge():
    assert spelling_merges({"r 2": 9, "r2": 3, "gpt 4o": 125, "llama 3": 13}) == {}


def test_a_paper_counts_each_spelling_once():
    assert one_per_spelling(["gpt 4o", "imagenet", "gpt4o", "r 2", "r2"]) == ["gpt 4o", "imagenet", "r 2", "r2"]


@pytest.fixture(scope="module")
def sample():
    return list(extract(Corpus([sample_corpus_dir()]), make_pipeline()))


@pytest.fixture(scope="module")
def sample_extraction(sample):
    """A sample paper and a key that is both one of its mentions' and one of its results' metric
    (the first such; the sample's "ImageNet top1 accuracy" was one until a retrain left it out)."""
    return next((ex, m.key) for ex in sample for m in ex.mentions if any(r.metric_key == m.key for r in ex.results))


def test_rekey_renames_mentions_and_results(sample_extraction):
    ex, old = sample_extraction
    assert any(m.key == old for m in ex.mentions) and any(r.metric_key == old for r in ex.results)
    out = rekey(ex, {old: old + " merged"})
    assert not any(m.key == old for m in out.mentions) and not any(r.metric_key == old for r in out.results)
    assert [m._replace(key="") for m in out.mentions] == [m._replace(key="") for m in ex.mentions]
    assert [r.value for r in out.results] == [r.value for r in ex.results]
    assert out.paper is ex.paper and out.sentences == ex.sentences
    assert rekey(ex, {"no such key": "gpt 4o"}) is ex and rekey(ex, {}) is ex


def test_rekey_renames_evaluations_and_keeps_one_of_each(sample):
    """A paper that reports one metric on two datasets in a sentence: with the two datasets'
    keys merged, the sentence has one (dataset, metric) pair."""
    ex, first, other = next((ex, a, b) for ex in sample for a in ex.evaluations for b in ex.evaluations
                            if a.sentence == b.sentence and a.metric == b.metric and a.dataset < b.dataset)
    merges = {other.dataset: first.dataset}
    out = rekey(ex, merges)
    assert len(out.evaluations) < len(ex.evaluations)
    assert not any(e.dataset in merges for e in out.evaluations)
    assert len(set(out.evaluations)) == len(out.evaluations)
    assert {(merges.get(e.dataset, e.dataset), e.metric, e.sentence) for e in ex.evaluations} == \
        {(e.dataset, e.metric, e.sentence) for e in out.evaluations}
