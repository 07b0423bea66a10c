"""The resolver (kg.extract.entities) on real sentences from arXiv abstracts (shared/data/arxiv)."""

from __future__ import annotations

from kg.extract import extract, paper_entities
from kg.model import Paper


def metrics(nlp, text):
    ex = next(extract([Paper(id="x", title=None, abstract=text)], nlp))
    return {e["name"].lower() for e in paper_entities(ex) if e["type"] == "Metric"}


def test_a_metric_word_used_as_a_verb_is_no_metric(nlp):
    assert "speedup" not in metrics(nlp, "Noticing this limitation, we propose a meta-learning strategy to learn a "
                                         "generic video decomposition model to speed up the training on new videos.")
    assert "recall" not in metrics(nlp, "In ST, we recall the constraints removed in FT, so that LLMs can improve "
                                        "the answer generated in FT to meet the requirements of the original task.")


def test_sensitivity_to_something_is_a_property(nlp):
    assert "sensitivity" not in metrics(
        nlp, "Traditional causal connectivity methods in task-based and resting-state functional magnetic resonance "
             "imaging (fMRI) face challenges in accurately capturing directed information flow due to their "
             "sensitivity to noise and inability to model multivariate dependencies.")


def test_at_inference_time_is_an_idiom_and_inference_speed_a_metric(nlp):
    found = metrics(nlp, "To further increase inference speed and reduce the memory required at inference time, we "
                         "created Nemotron-H-47B-Base from the 56B model using a new compression via pruning and "
                         "distillation technique called MiniPuzzle.")
    assert "inference time" not in found
    assert "inference speed" in found


def ents(nlp, text):
    ex = next(extract([Paper(id="x", title=None, abstract=text)], nlp))
    return {e["key"]: e for e in paper_entities(ex)}


def test_a_known_short_form_with_a_variant_long_form_is_the_known_concept(nlp):
    found = ents(nlp, "Retriever-augmented generation (RAG) offers a solution, but the non-parametric nature of "
                      "the retriever hinders its deep interaction with LLM.")  # daily-papers sample
    rag = found["retrieval augmented generation"]
    assert rag["type"] == "Method" and set(rag["mentions"]) == {"Retriever-augmented generation", "RAG"}


def test_a_known_short_form_for_another_concept_lends_only_its_type(nlp):
    found = ents(nlp, "We use four spoken language models (SLMs) to complete the two tasks and use humans and "
                      "ALLMs to judge the SLMs' responses.")
    slm = found["spoken language model"]
    assert slm["type"] == "Architecture" and "SLMs" in slm["mentions"]
    assert "small language model" not in found
