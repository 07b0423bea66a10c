"""How an entity is named in one paper, and which surface forms belong to it (guidelines 4, 5).

The sentences are real ones from arXiv abstracts (shared/data/arxiv).
"""

from __future__ import annotations

from kg.extract import extract, paper_entities, paper_name
from kg.model import Paper


def ents(nlp, text, title=None):
    ex = next(extract([Paper(id="x", title=title, abstract=text)], nlp))
    return {e["key"]: e for e in paper_entities(ex)}


def test_a_generic_head_noun_is_not_part_of_the_name():
    assert paper_name("transformer", ["Transformer architectures"]) == "transformer"
    assert paper_name("transformer", ["Transformer architecture", "Transformers"]) == "transformer"
    # the head stays when it is what the paper writes and the label says otherwise
    assert paper_name("pruning", ["network pruning"]) == "network pruning"


def test_a_multi_word_capitalized_name_is_not_an_acronym():
    assert paper_name("COCO", ["MS COCO"]) == "MS COCO"
    assert paper_name("convolutional neural network", ["CNNs"]) == "convolutional neural network"


def test_deep_is_a_subtype_modifier_kept_in_the_mention(nlp):
    found = ents(nlp, "We propose a deep product-unit residual neural network (PURe) that integrates product "
                      "units into residual blocks to improve the expressiveness and parameter efficiency of "
                      "deep convolutional networks.")
    cnn = found["convolutional neural network"]
    assert cnn["mentions"] == ["deep convolutional networks"]
    assert cnn["name"] == "deep convolutional networks"


def test_ms_coco_is_named_as_written(nlp):
    found = ents(nlp, "Extensive evaluations on both in-domain (MS COCO and PASCAL VOC) and cross-domain "
                      "(TT100K) benchmarks show state-of-the-art performance.")
    assert found["coco"]["name"] == "MS COCO"
    assert found["coco"]["type"] == "Dataset"


def test_a_name_the_paper_writes_only_in_the_plural_keeps_it():
    # issue 14, bug 4: the singular of a name the paper never writes matched no gold surface
    assert paper_name("Video-LLM", ["Video-LLMs"]) == "Video-LLMs"
    assert paper_name("Least Square", ["Least Squares"]) == "Least Squares"
    assert paper_name("convolutional neural network", ["convolutional neural networks", "CNNs"]) \
        == "convolutional neural networks"
