"""The optional statistical recognizer: training-data conversion and the kg_statistical component."""

from __future__ import annotations

import json

import pytest
import spacy

from kg.errors import KgError
from kg.extract import make_pipeline
from kg.extract.statistical import DEFAULT_MODEL, RULE, clean_bounds
from kg.train.ner import LABELS, make_doc, read_scierc, read_scirex_abstracts
from tests.conftest import shared_path


def _first_record(path):
    with open(path, encoding="utf-8") as f:
        return json.loads(f.readline())


def test_scierc_conversion_keeps_gold_spans():
    path = shared_path("data", "scierc", "train.json")
    raw = _first_record(path)
    words = [t for s in raw["sentences"] for t in s]
    gold = {(" ".join(words[s:e + 1]), t) for sent in raw["ner"] for s, e, t in sent if t in LABELS}
    assert gold, "the first SciERC train record has Method/Task/Metric spans"
    _key, conv_words, spans = next(read_scierc(path))
    doc = make_doc(spacy.blank("en").vocab, conv_words, spans)
    assert [t.text for t in doc] == words  # tokens kept as given
    assert {(e.text, e.label_) for e in doc.ents} == gold
    assert {e.label_ for e in doc.ents} <= set(LABELS)


def test_scirex_abstract_spans_match_words():
    path = shared_path("data", "scirex", "train.jsonl")
    key, words, spans = next(read_scirex_abstracts(path))
    assert words[:4] == ["Full", "-", "Resolution", "Residual"]  # "document :" dropped
    assert "Abstract" not in words[:20]  # "section : Abstract" header dropped
    doc = make_doc(spacy.blank("en").vocab, words, spans)
    texts = {(e.text, e.label_) for e in doc.ents}
    assert ("Full - Resolution Residual Networks", "Method") in texts
    assert ("Semantic image segmentation", "Task") in texts


def test_clean_bounds():
    doc = spacy.blank("en")("a (CO) problems , with UDC ) and [x] .")
    assert clean_bounds(doc, 2, 5) is None  # "CO) problems": unbalanced
    assert doc[slice(*clean_bounds(doc, 7, 9))].text == "UDC"  # trailing ")" trimmed
    assert doc[slice(*clean_bounds(doc, 10, 13))].text == "[x]"
    assert clean_bounds(doc, 13, 14) is None  # punctuation only


def test_default_pipeline_has_no_statistical_component():
    assert "kg_statistical" not in make_pipeline().pipe_names


def test_missing_model_is_a_clear_error(tmp_path):
    nlp = make_pipeline()
    with pytest.raises(KgError, match="kg train"):
        nlp.add_pipe("kg_statistical", before="kg_entities", config={"model": str(tmp_path)})


@pytest.fixture(scope="module")
def statistical_nlp():
    if not (DEFAULT_MODEL / "meta.json").is_file():
        pytest.skip(f"no packaged model at {DEFAULT_MODEL} (run `kg train`)")
    nlp = make_pipeline()
    nlp.add_pipe("kg_statistical", before="kg_entities")
    return nlp


def test_component_adds_typed_candidates(statistical_nlp):
    path = shared_path("data", "scierc", "dev.json")
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for _, line in zip(range(5), f)]
    hits = 0
    for raw in records:
        words = [t for s in raw["sentences"] for t in s]
        doc = statistical_nlp(" ".join(words))
        cands = [c for c in doc._.kg_candidates if c.rule == RULE]
        assert cands, "the model finds entities in every one of these SciERC dev abstracts"
        assert {c.type for c in cands} <= {"Method", "Architecture", "Task", "Metric"}
        for c in cands:
            assert c.confidence == 0.6 and 0 <= c.start < c.end <= len(doc)
            assert c.label and c.key
        gold = {(" ".join(words[s:e + 1]), t) for sent in raw["ner"] for s, e, t in sent if t in LABELS}
        found = {(doc[c.start:c.end].text, "Method" if c.type == "Architecture" else c.type) for c in cands}
        hits += len(found & gold)
        assert RULE in {m.rule for m in doc._.kg_mentions}  # the resolver keeps some of them
    assert hits >= 5, "exact gold mentions (span and type) are found"


def test_component_handles_title_and_line_breaks(statistical_nlp):
    doc = statistical_nlp("Neural Machine Translation by Jointly Learning to Align\n\n"
                          "We propose an attention-based encoder-decoder model for machine translation.")
    for c in doc._.kg_candidates:
        if c.rule == RULE:
            assert not any(t.is_space for t in doc[c.start:c.end])
