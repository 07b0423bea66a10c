"""The recognizer's training data (kg.train.data): the split, the sources, gold spans on tokens."""

from __future__ import annotations

import json

import pytest

from kg.errors import KgError
from kg.train import data as D
from tests.conftest import shared_path


def _first(path):
    return json.loads(path.read_text(encoding="utf-8").splitlines()[0])


def test_the_evaluation_split_is_180_papers_drawn_as_documented():
    import random

    ids = D.eval_ids()
    assert len(ids) == 180
    gold = shared_path("gold", "arxiv", "arxiv-annotated.jsonl")
    every = [json.loads(line)["id"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    drawn = sorted(every)
    random.Random(20261206).shuffle(drawn)
    assert ids == frozenset(drawn[:180])


def test_no_project_annotation_is_an_evaluation_paper():
    held_out = D.eval_ids()
    files = D.project_annotation_files()
    assert len([f for f in files if f.name.startswith("batch-")]) >= 20
    for f in files:
        assert not {r["id"] for r in D.read_gold(f)} & held_out, f


def test_training_records_leave_the_evaluation_split_out_and_read_each_paper_once():
    shared = shared_path("gold", "arxiv").parents[1]
    records = D.training_records(shared)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert not set(ids) & D.eval_ids()
    assert len(records) >= 720 + 2000


def test_a_file_holding_an_evaluation_paper_is_refused(tmp_path):
    shared = shared_path("gold", "arxiv").parents[1]
    held = sorted(D.eval_ids())[0]
    bad = tmp_path / "more.jsonl"
    bad.write_text(json.dumps({"id": held, "title": "t", "abstract": "a", "entities": []}) + "\n", encoding="utf-8")
    with pytest.raises(KgError, match="evaluation split"):
        D.training_records(shared, [bad])


def test_a_malformed_annotation_line_is_named(tmp_path):
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"id": "1", "entities": []}\n{"title": \n', encoding="utf-8")
    with pytest.raises(KgError, match=r"broken.jsonl:2"):
        list(D.read_gold(bad))


def test_gold_mentions_become_token_spans(nlp):
    rec = _first(D.ANNOTATIONS_DIR / "batch-00.jsonl")  # "Oolong: Evaluating Long Context Reasoning ..."
    doc = nlp(D.record_text(rec))
    spans = D.gold_spans(doc, rec)
    got = {(doc[s:e].text, t) for s, e, t in spans}
    assert ("Long Context Reasoning", "Task") in got
    assert ("long-context reasoning", "Task") in got
    assert ("Claude-Sonnet-4", "Architecture") in got
    assert ("Oolong-synth", "Dataset") in got
    # every occurrence is labelled, and "Oolong" inside "Oolong-synth" is not a second span
    assert sum(doc[s:e].text == "Oolong" for s, e, _ in spans) == doc.text.count("Oolong") - 2
    ends = [e for _, e, _ in spans]
    starts = [s for s, _, _ in spans]
    assert all(e <= s2 for e, s2 in zip(ends, starts[1:])), "spans do not overlap"


def test_a_mention_inside_a_longer_word_is_no_span(nlp):
    rec = {"id": "x", "title": "", "abstract": "We train GNNs and a GNN-based encoder on NetGNN data.",
           "entities": [{"name": "graph neural network", "type": "Architecture", "mentions": ["GNN", "GNNs"],
                         "proposed": False}]}
    doc = nlp(D.record_text(rec))
    assert [doc[s:e].text for s, e, _ in D.gold_spans(doc, rec)] == ["GNNs", "GNN"]
