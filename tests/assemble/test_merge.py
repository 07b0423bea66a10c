"""Assembly of the sample corpus: merged entities, co-occurrence counts, the disk spool."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest

from kg.assemble import assemble, merge
from kg.assemble.spelling import rekey
from kg.config import sample_corpus_dir
from kg.extract import extract, make_pipeline
from kg.read import Corpus
from tests.conftest import respelled


@pytest.fixture(scope="module")
def sample():
    """The sample's extractions, with "EfficientNet" written "Efficient Net" in one paper
    (:func:`tests.conftest.respelled`)."""
    corpus = Corpus([sample_corpus_dir()])
    return respelled(list(extract(corpus, make_pipeline()))), corpus.finalize


def _brute_force_pairs(extractions, merges=None) -> Counter:
    """Papers per pair of entities, each paper counted once per pair of its (merged) keys."""
    merges = merges or {}
    pairs: Counter = Counter()
    for ex in extractions:
        pairs.update(combinations(sorted({merges.get(m.key, m.key) for m in ex.mentions}), 2))
    return pairs


def test_cooccurrence_counts_papers_mentioning_both(sample):
    extractions, finalize = sample
    kg = assemble(extractions, finalize=finalize)
    assert kg.extractions.merges  # the sample spells some names two ways ("EfficientNet", "Efficient Net")
    want = _brute_force_pairs(extractions, kg.extractions.merges)
    assert dict(kg.cooccurrence.items()) == dict(want)
    a, b = want.most_common(1)[0][0]
    assert kg.cooccurrence[(b, a)] == want[(a, b)] >= 2  # either order
    assert kg.cooccurrence[("no such", "pair")] == 0


def test_folding_pair_codes_early_gives_the_same_counts(sample, monkeypatch):
    extractions, finalize = sample
    monkeypatch.setattr(merge, "BUFFER_CODES", 1)  # a chunk per paper with pairs ...
    monkeypatch.setattr(merge, "COMPACT_CODES", 1)  # ... folded into the table at once
    kg = assemble(extractions, finalize=finalize)
    assert dict(kg.cooccurrence.items()) == dict(_brute_force_pairs(extractions, kg.extractions.merges))


def test_large_build_keeps_pairs_seen_twice(sample):
    extractions, finalize = sample
    kg = assemble(extractions, finalize=finalize, large=10)
    want = {p: w for p, w in _brute_force_pairs(extractions, kg.extractions.merges).items() if w >= 2}
    assert dict(kg.cooccurrence.items()) == want
    assert not kg.evidence


def test_spool_on_disk_reads_back_what_went_in(sample, tmp_path):
    extractions, finalize = sample
    in_memory = assemble(extractions, finalize=finalize)
    on_disk = assemble(extractions, finalize=finalize, spool_dir=tmp_path, memory_limit=10)
    assert on_disk.extractions.on_disk and not in_memory.extractions.on_disk
    assert list(on_disk.extractions) == list(in_memory.extractions)
    assert list(on_disk.extractions) == list(in_memory.extractions)  # re-iterable
    assert on_disk.entities == in_memory.entities
    on_disk.extractions.close()
    assert list(tmp_path.iterdir()) == []


def test_every_paper_is_kept_and_entities_list_their_papers(sample):
    extractions, finalize = sample
    kg = assemble(extractions, finalize=finalize)
    assert kg.paper_count == len(extractions)
    assert kg.papers_without_entities == sum(1 for ex in extractions if not ex.mentions)
    merges = kg.extractions.merges
    for ex in extractions:
        for m in ex.mentions:
            assert ex.paper.id in kg.entities[merges.get(m.key, m.key)].papers
    assert kg.mention_count == sum(len(ex.mentions) for ex in extractions)


def test_a_saved_spool_is_its_extractions_as_appended(sample, tmp_path):
    extractions, finalize = sample
    (tmp_path / "spill").mkdir()
    for limit in (10, 10_000):  # spilled to disk (saved by hard link) and in memory (pickled)
        kg = assemble(extractions, finalize=finalize, spool_dir=tmp_path / "spill", memory_limit=limit)
        saved = tmp_path / f"saved-{limit}.pickle"
        kg.extractions.save(saved)
        assert list(merge.read_spool_file(saved)) == extractions  # not finalized
        assert list(kg.extractions) == [rekey(ex if finalize(ex.paper) is ex.paper else
                                              type(ex)(finalize(ex.paper), ex.mentions, ex.sentences, ex.evaluations,
                                                       ex.results), kg.extractions.merges)
                                        for ex in extractions]  # the spool still reads, with merged keys
        if kg.extractions.on_disk:
            assert saved.stat().st_nlink == 2  # the spill file itself
            with pytest.raises(RuntimeError, match="no more items"):
                kg.extractions.append(extractions[0])
        kg.extractions.close()
        assert list(merge.read_spool_file(saved)) == extractions  # outlives the spool
    assert list((tmp_path / "spill").iterdir()) == []


def test_names_spelled_with_and_without_spaces_are_one_entity(sample):
    """"EfficientNet" and "Efficient Net" (two papers of the sample, above) are one entity, with the
    vocabulary's key and label, both spellings, the papers of both, and no trace of the other
    key in the spool, the co-occurrence pairs or the entity table."""
    extractions, finalize = sample
    raw = {m.key for ex in extractions for m in ex.mentions}
    assert {"efficientnet", "efficient net"} <= raw
    kg = assemble(extractions, finalize=finalize)
    assert kg.extractions.merges["efficient net"] == "efficientnet"
    e = kg.entities["efficientnet"]
    assert "efficient net" not in kg.entities and e.label == "EfficientNet" and "Efficient Net" in e.alt_labels
    assert set(e.papers) == {ex.paper.id for ex in extractions for m in ex.mentions
                             if m.key in ("efficientnet", "efficient net")}
    ids = [ex.paper.id for ex in extractions]
    assert list(e.papers) == sorted(set(e.papers), key=ids.index)  # once each, in input order
    read = list(kg.extractions)
    assert not any(m.key in kg.extractions.merges for ex in read for m in ex.mentions)
    assert not any(k in kg.extractions.merges for pair in kg.cooccurrence for k in pair)
    assert set(kg.entities) == {m.key for ex in read for m in ex.mentions}
