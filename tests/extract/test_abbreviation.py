"""Abbreviation detection on real sentences of the sample corpus."""

import pytest
import spacy

from kg.extract.abbreviation import find_long_form, is_short_form


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_abbreviations")
    return nlp


def pairs(nlp, text):
    return [(l.text, s.text) for l, s in nlp(text)._.abbreviations]


def test_find_long_form():
    assert find_long_form("GNNs", "Employing a high-efficiency Graph Neural Networks") == len("Employing a high-efficiency ")
    assert find_long_form("DCR", "UDC offers a Divide-Conquer-Reunion") == len("UDC offers a ")
    assert find_long_form("XYZ", "nothing matching here") is None


def test_short_form_shape():
    assert is_short_form("GNNs") and is_short_form("DeepONets") and is_short_form("G-SSNNs")
    assert not is_short_form("2019") and not is_short_form("e.g.") and not is_short_form("x")


def test_real_sentences(nlp):
    # Sentences from the sample's first page (UDC paper).
    text = ("UDC offers a Divide-Conquer-Reunion (DCR) training method to eliminate the negative impact of a "
            "sub-optimal dividing policy. Employing a high-efficiency Graph Neural Network (GNN) for global "
            "instance dividing and a fixed-length sub-path solver, the proposed UDC framework is general.")
    assert pairs(nlp, text) == [("Divide-Conquer-Reunion", "DCR"), ("Graph Neural Network", "GNN")]


def test_ie_definition_and_plural(nlp):
    text = ("this article develops a unified neural divide-and-conquer framework (i.e., UDC) for solving CO. "
            "Graph Neural Networks (GNNs) have shown promise in these tasks.")
    assert pairs(nlp, text) == [("unified neural divide-and-conquer framework", "UDC"),
                                ("Graph Neural Networks", "GNNs")]


def test_never_crosses_the_title_boundary(nlp):
    text = "Scalable Transformation\n\nConvolutional Neural Networks (CNNs) are widely used."
    assert pairs(nlp, text) == [("Convolutional Neural Networks", "CNNs")]


def test_no_pair_for_citations_and_numbers(nlp):
    assert pairs(nlp, "It improves accuracy (93%) over prior work (2019) on three tasks (see below).") == []


def test_hyphenated_short_form_before_its_long_form(nlp):
    # arXiv abstracts (shared/data/arxiv)
    text = ("To address the first issue, we propose a multi-task learning framework EO-IUR (Editing "
            "Operation-guided Incomplete Utterance Rewriting) that introduces the editing operation labels.")
    assert pairs(nlp, text) == [("Editing Operation-guided Incomplete Utterance Rewriting", "EO-IUR")]
    text = ("To address these limitations, we propose GS-LTS (Gaussian Splatting for Long-Term Service), a "
            "3DGS-based system enabling indoor robots to manage diverse tasks in dynamic environments over time.")
    assert pairs(nlp, text) == [("Gaussian Splatting for Long-Term Service", "GS-LTS")]
