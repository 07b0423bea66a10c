"""The default pipeline on real sentences of the sample corpus."""

from __future__ import annotations

import pytest

from kg.extract import extract, paper_entities
from kg.markup import clean_span, strip_markup
from kg.model import Paper
from kg.read import Corpus


@pytest.fixture(scope="module")
def sample_entities(sample_dir, nlp):
    papers = list(Corpus([sample_dir]))
    return {ex.paper.title: ex for ex in extract(papers, nlp)}


def ents(nlp, text, title=None):
    ex = next(extract([Paper(id="x", title=title, abstract=text)], nlp))
    return {e["key"]: e for e in paper_entities(ex)}, ex


def test_pipeline_components_declare_what_they_do(nlp):
    assert nlp.pipe_names == ["kg_sentences", "kg_abbreviations", "kg_vocabulary", "kg_rules",
                              "kg_entities", "kg_results"]
    analysis = nlp.analyze_pipes()["summary"]
    assert "doc._.kg_mentions" in analysis["kg_entities"]["assigns"]
    assert "doc._.kg_results" in analysis["kg_results"]["assigns"]
    assert "doc._.abbreviations" in analysis["kg_abbreviations"]["assigns"]


def test_the_default_pipeline_ends_with_the_recognizer_then_results(learned_nlp):
    assert learned_nlp.pipe_names[-3:] == ["kg_entities", "kg_recognizer", "kg_results"]
    analysis = learned_nlp.analyze_pipes()
    assert "doc._.kg_mentions" in analysis["summary"]["kg_recognizer"]["assigns"]
    assert not any(analysis["problems"].values())


def test_known_entities_in_a_real_abstract(sample_entities):
    ex = next(v for k, v in sample_entities.items() if k and k.startswith("UDC:"))
    found = {(e["type"], e["name"].lower()) for e in paper_entities(ex)}
    assert ("Architecture", "graph neural network") in found
    assert ("Task", "combinatorial optimization") in found
    assert ("Method", "divide-conquer-reunion") in found
    udc = next(e for e in paper_entities(ex) if "UDC" in e["mentions"])
    assert udc["type"] == "Method" and udc["proposed"]


def test_acronyms_and_variants_merge_into_one_entity(nlp):
    text = ("Convolutional Neural Networks (CNNs) dominate vision. A convolutional neural network learns filters, "
            "and every CNN we tested was trained on ImageNet.")
    found, _ = ents(nlp, text)
    cnn = found["convolutional neural network"]
    assert cnn["type"] == "Architecture"
    assert set(cnn["mentions"]) == {"Convolutional Neural Networks", "CNNs", "convolutional neural network", "CNN"}
    assert found["imagenet"]["type"] == "Dataset"


def test_a_version_marker_in_either_case_matches_a_case_sensitive_name(nlp):
    # Dataset names match case-sensitively, but "v2" and "V2" name the same version; and since a
    # name with a digit is no plain word, it matches in any case.
    for text in ("accuracy on the NYU Depth v2 dataset.", "accuracy on the NYU Depth V2 dataset.",
                 "accuracy on the nyu depth v2 dataset."):
        found, _ = ents(nlp, text)
        assert found["nyu depth v2"]["type"] == "Dataset", text


def test_a_name_matches_in_another_case_only_when_written_as_a_name(nlp, learned_nlp):
    # arXiv 2503.19308, 2503.13861, 2504.04736: the vocabulary's "BRATS", "nuScenes", "HotpotQA"
    for text, key in [
        ("We evaluate Mamba's performance across three large public benchmarks-AMOS, TotalSegmentator, "
         "and BraTS.", "brats"),
        ("Additionally, we fine-tune VLMs on a specifically curated dataset derived from the NuScenes dataset "
         "to enhance their spatial perception and bird's-eye view image comprehension capabilities.", "nuscene"),
        ("Our experiments show that SWiRL outperforms baseline approaches by 21.5%, 12.3%, 14.8%, 11.1%, and "
         "15.3% in relative accuracy on GSM8K, HotPotQA, CofCA, MuSiQue, and BeerQA, respectively.", "hotpotqa"),
    ]:
        for pipeline in (nlp, learned_nlp):
            found, _ = ents(pipeline, text)
            assert found[key]["type"] == "Dataset", (key, pipeline.pipe_names[-1])  # (keys are singular)
    # issue 14's examples: an acronym in small letters beside a word, a digit
    found, _ = ents(nlp, "We train on ImageNet-1k and test on Fashion MNist and MNist.")
    assert {"imagenet 1k", "fashion mnist", "mnist"} <= found.keys()
    # a plain word is not the name ("InspiRe"), nor an acronym's plural ("MUSES") or capitals only
    found, _ = ents(nlp, "Recent advances in data scaling law inspire us to train computer-use agents with a scaled "
                         "instruction set.")  # arXiv 2503.12532
    assert "inspire" not in found
    found, _ = ents(nlp, "Current research broadly focuses on enumerating as many MUSes as possible within a given "
                         "time limit.")  # arXiv 2507.03929 (minimal unsatisfiable subsets)
    assert "muses" not in found


def test_local_abbreviation_overrides_vocabulary(nlp):
    # "CO" here is combinatorial optimization, whatever else a vocabulary may call it.
    found, _ = ents(nlp, "We study combinatorial optimization (CO) problems. Large-scale CO is hard.")
    co = found["combinatorial optimization"]
    assert "CO" in co["mentions"] and co["type"] == "Task"


def test_no_generic_words_become_entities(sample_entities):
    generic = {"model", "models", "network", "networks", "method", "approach", "framework", "architecture",
               "data", "algorithm", "deep learning", "machine learning", "artificial intelligence", "performance",
               "gpu", "pytorch"}
    for ex in sample_entities.values():
        for e in paper_entities(ex):
            assert e["name"].lower() not in generic, (ex.paper.title, e)


def test_every_mention_keeps_its_evidence(sample_entities):
    for ex in sample_entities.values():
        text, chars = strip_markup(ex.paper.text)  # offsets index the text as written; LaTeX in it goes
        for m in ex.mentions:
            a, b = clean_span(chars, m.start, m.end)
            assert text[a:b].replace("\n", " ") == m.text or m.text in text[a:b + 1]
            assert 0 <= m.sentence < len(ex.sentences)
            assert m.text.split()[0] in ex.sentences[m.sentence]
            assert m.rule and 0 < m.confidence <= 1


def test_proposed_versus_used(nlp):
    text = ("We propose TinyViT, a family of tiny vision transformers pretrained on ImageNet-21k "
            "with knowledge distillation.")
    found, _ = ents(nlp, text, title="TinyViT: Fast Pretraining Distillation for Small Vision Transformers")
    assert found["tinyvit"]["proposed"]
    assert not found["knowledge distillation"]["proposed"]


def test_paper_without_entities_is_still_extracted(nlp):
    found, ex = ents(nlp, "We thank the reviewers. This note has nothing else to say.")
    assert found == {} and ex.paper.id == "x"


def test_an_all_capitals_name_does_not_match_the_plain_word(nlp):
    found, _ = ents(nlp, "To reinforce homogeneity, we train the policy with REINFORCE.")
    assert found["reinforce"]["mentions"] == ["REINFORCE"]
