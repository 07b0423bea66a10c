"""Abbreviation detection on real sentences of the sample corpus."""

import pytest
import spacy

from kg.extract import extract
from kg.extract.abbreviation import find_long_form, is_short_form
from kg.model import Paper


@pytest.fixture(scope="module")
def detector():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_abbreviations")
    return nlp


def pairs(nlp, text):
    """(long form, short form) pairs that ``nlp`` finds in ``text``."""
    return [(l.text, s.text) for l, s in nlp(text)._.abbreviations]


def test_find_long_form():
    assert find_long_form("GNNs", "Employing a high-efficiency Graph Neural Networks") == len("Employing a high-efficiency ")
    assert find_long_form("DCR", "UDC offers a Divide-Conquer-Reunion") == len("UDC offers a ")
    assert find_long_form("XYZ", "nothing matching here") is None


def test_the_words_whose_initials_spell_the_short_form_are_the_long_form(detector):
    # Schwartz and Hearst alone take the shortest form whose letters match: "Policy Optimization"
    # (the "p" of "Optimization"), "Modal Large Language Models" (arXiv 2503.19523, 2503.13646)
    assert find_long_form("PPO", "by reinvestigating the principles behind Proximal Policy Optimization") == len(
        "by reinvestigating the principles behind ")
    assert find_long_form("SSA", "optimized by using Salp Swarm Algorithm") == len("optimized by using ")
    text = ("Finally, by reinvestigating the principles behind Proximal Policy Optimization (PPO), we pinpoint areas "
            "needing adjustment. Our analysis shows that state-of-the-art Multi-Modal Large Language Models (MLLMs) "
            "on these benchmarks achieve remarkably high performance.")
    assert pairs(detector, text) == [("Proximal Policy Optimization", "PPO"),
                                     ("Multi-Modal Large Language Models", "MLLMs")]
    # not one word per letter: Schwartz and Hearst as before
    assert find_long_form("VAE", "we train a Variational AutoEncoder") == len("we train a ")


def test_a_compound_that_starts_with_a_function_word_is_the_whole_long_form(detector):
    # "in", "on", "the" are dropped at the start of a long form, but not as the first word of a
    # compound (arXiv 2503.16022, 2503.17436, 2503.14832; "-context learning" before)
    for text, long in [
        ("In-context learning (ICL) has transformed the use of large language models.", "In-context learning"),
        ("RISC-V-based architectures are paving the way for efficient On-Device Learning (ODL) in smart edge "
         "devices.", "On-Device Learning"),
        ("methodologies operate under the closed-world assumption, presuming that incoming data remains "
         "in-distribution (ID).", "in-distribution"),
    ]:
        assert [lf for lf, _ in pairs(detector, text)] == [long]
    assert pairs(detector, "We train on the ImageNet Large Scale Visual Recognition Challenge (ILSVRC) data.") == [
        ("ImageNet Large Scale Visual Recognition Challenge", "ILSVRC")]
    # a function word the short form spells is its first word
    assert pairs(detector, "In Situ Hybridization (ISH) images and The Onion Router (TOR) traffic") == [
        ("In Situ Hybridization", "ISH"), ("The Onion Router", "TOR")]


def test_a_long_form_is_read_without_brackets_and_quotation_marks_around_it(detector, nlp):
    # quoted long forms (arXiv 2503.15886 writes Test Time Augmentation so) and one after "(LLM)-"
    assert pairs(detector, 'with "Test Time Augmentation" (TTA) and the "Out-Of-Distribution" (OOD) data') == [
        ("Test Time Augmentation", "TTA"), ("Out-Of-Distribution", "OOD")]
    assert ("Guided Evolution", "GE") in pairs(  # (the project's tokenizer splits "LLM)-Guided")
        nlp, "The Large Language Model (LLM)-Guided Evolution (GE) framework transformed this approach.")
    # a plural short form spells the words without its "s"
    assert pairs(detector, "trained with Proximal Policy Optimizations (PPOs) here") == [
        ("Proximal Policy Optimizations", "PPOs")]


def test_short_form_shape():
    assert is_short_form("GNNs") and is_short_form("DeepONets") and is_short_form("G-SSNNs")
    assert not is_short_form("2019") and not is_short_form("e.g.") and not is_short_form("x")


def test_real_sentences(detector):
    # Sentences from the sample's first page (UDC paper).
    text = ("UDC offers a Divide-Conquer-Reunion (DCR) training method to eliminate the negative impact of a "
            "sub-optimal dividing policy. Employing a high-efficiency Graph Neural Network (GNN) for global "
            "instance dividing and a fixed-length sub-path solver, the proposed UDC framework is general.")
    assert pairs(detector, text) == [("Divide-Conquer-Reunion", "DCR"), ("Graph Neural Network", "GNN")]


def test_ie_definition_and_plural(detector):
    text = ("this article develops a unified neural divide-and-conquer framework (i.e., UDC) for solving CO. "
            "Graph Neural Networks (GNNs) have shown promise in these tasks.")
    assert pairs(detector, text) == [("unified neural divide-and-conquer framework", "UDC"),
                                     ("Graph Neural Networks", "GNNs")]


def test_never_crosses_the_title_boundary(detector):
    text = "Scalable Transformation\n\nConvolutional Neural Networks (CNNs) are widely used."
    assert pairs(detector, text) == [("Convolutional Neural Networks", "CNNs")]


def test_no_pair_for_citations_and_numbers(detector):
    assert pairs(detector, "It improves accuracy (93%) over prior work (2019) on three tasks (see below).") == []


def test_hyphenated_short_form_before_its_long_form(detector):
    # arXiv abstracts (shared/data/arxiv)
    text = ("To address the first issue, we propose a multi-task learning framework EO-IUR (Editing "
            "Operation-guided Incomplete Utterance Rewriting) that introduces the editing operation labels.")
    assert pairs(detector, text) == [("Editing Operation-guided Incomplete Utterance Rewriting", "EO-IUR")]
    text = ("To address these limitations, we propose GS-LTS (Gaussian Splatting for Long-Term Service), a "
            "3DGS-based system enabling indoor robots to manage diverse tasks in dynamic environments over time.")
    assert pairs(detector, text) == [("Gaussian Splatting for Long-Term Service", "GS-LTS")]


def test_a_long_form_does_not_run_back_into_an_earlier_clause(nlp, learned_nlp):
    # arXiv 2505.22582, 2506.00789: the long form ran back over "and propose a", "RARE is a"
    text = ("To address these limitations, we analyze the language characteristics of different layers in LLMs "
            "and propose a layer-wise expert allocation algorithm (LayerMoE) to determine the appropriate number "
            "of new experts for each layer. One of the central features of RARE is a knowledge-graph-driven "
            "synthesis pipeline (RARE-Get) that automatically extracts single and multi-hop relations from the "
            "customized corpus.")
    assert not any(set(long.split()) & {"propose", "is"} for long, _ in pairs(nlp, text))
    for pipeline in (nlp, learned_nlp):
        ex = next(extract([Paper(id="x", title=None, abstract=text)], pipeline))
        assert not any("propose" in m.text or " is " in m.text for m in ex.mentions)


def test_a_definition_in_brackets_stays_in_its_sentence(nlp):
    # arXiv 2507.12679: ")-10" is one token, so the search for ")" ran on into the next sentence
    text = ("However, critical overdose data are often buried in free-text coroner reports, leading to delays "
            "and information loss when coded into ICD (International Classification of Disease)-10 "
            "classifications. Natural language processing (NLP) models may automate and enhance overdose "
            "surveillance.")
    assert pairs(nlp, text) == [("Natural language processing", "NLP")]
