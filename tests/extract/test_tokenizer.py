"""The project's tokenizer (kg.extract.tokenizer) and what it changes for extraction, on real
sentences of arXiv abstracts (shared/data/arxiv)."""

from __future__ import annotations

import pytest

from kg.extract import extract, paper_entities
from kg.extract.tokenizer import blank
from kg.model import Paper


@pytest.fixture(scope="module")
def tok():
    return blank().tokenizer


def words(tok, text):
    return [t.text for t in tok(text)]


def entities(nlp, text, title=None):
    ex = next(extract([Paper(id="x", title=title, abstract=text)], nlp))
    return {(e["type"], e["name"].lower()) for e in paper_entities(ex)}


def test_a_size_suffix_stays_on_a_coined_name_and_an_amount_is_split(tok):
    # arXiv 2503.23205
    assert words(tok, "Experiments on the Wikidata5M, Wiki27K, and FB15K-237-N datasets")[3:7] == [
        "Wikidata5M", ",", "Wiki27K", ","]
    assert words(tok, "ImageNet-1K and ImageNet-1k") == ["ImageNet-1K", "and", "ImageNet-1k"]
    assert words(tok, "a 10K dataset") == ["a", "10", "K", "dataset"]  # an amount, as spaCy splits it


def test_a_full_stop_after_a_coined_name_ends_the_sentence(tok):
    assert words(tok, "semantic segmentation on ADE20K. Our results")[-4:] == ["ADE20K", ".", "Our", "results"]
    assert words(tok, "reconstruction in 3D.")[-2:] == ["3D", "."]


def test_a_vertical_bar_separates_names(tok):
    assert words(tok, "MobileNet-V1|ResNet-50|ViT-B/16 models") == [
        "MobileNet", "-", "V1", "|", "ResNet-50", "|", "ViT", "-", "B/16", "models"]


def test_a_parenthesis_after_a_word_is_split_off_before_a_capital(tok):
    # arXiv 2503.12446
    assert words(tok, "Encoder-free multimodal large language models(MLLMs) eliminate")[-5:] == [
        "models", "(", "MLLMs", ")", "eliminate"]
    assert words(tok, "f(x) and ResNet(50) and log(N)") == ["f(x)", "and", "ResNet(50)", "and", "log", "(", "N", ")"]


def test_a_closing_parenthesis_before_a_word_is_split_off(tok, nlp):
    from kg.extract.abbreviation import find_abbreviations

    # arXiv 2503.12567, 2503.14209, 2504.04861: spaCy kept "GAN)-based", "SSA).SSA", "LGA)/gated"
    assert words(tok, "Network (GAN)-based single")[1:] == ["(", "GAN", ")", "-", "based", "single"]
    assert words(tok, "Salp Swarm Algorithm (SSA).SSA intelligently")[3:] == [
        "(", "SSA", ")", ".", "SSA", "intelligently"]
    assert words(tok, "line graph attention (LGA)/gated attention")[3:] == ["(", "LGA", ")", "/", "gated", "attention"]
    # spaCy's emoticon "):" (arXiv 2503.15469's title)
    assert words(tok, "Attention Networks (DBEAN): Dual-Directional")[2:6] == ["(", "DBEAN", ")", ":"]
    # directly before a word too ("1)We"), but not when the token opened it: names with a bracket
    # inside stay whole (arXiv: "SE(3)-Transformer", "CIFAR-10(0)-LT", "MLVU(VS)-Eval")
    assert words(tok, "1)We")[:3] == ["1", ")", "We"]
    assert words(tok, "SE(3)-Transformer on CIFAR-10(0)-LT and MLVU(VS)-Eval") == [
        "SE(3)-Transformer", "on", "CIFAR-10(0)-LT", "and", "MLVU(VS)-Eval"]
    assert words(tok, "Network(GAN)-based")[:5] == ["Network", "(", "GAN", ")", "-"]
    # what stays: a parenthesis closed before a space or punctuation, and inside a formula
    assert words(tok, "(CNN). Then f(x) and (a) b") == ["(", "CNN", ")", ".", "Then", "f(x)", "and", "(", "a", ")",
                                                          "b"]
    for text, long, short in [
        ("this study develops a Generative Adversarial Network (GAN)-based single-stage defense strategy for "
         "traffic sign classification.", "Generative Adversarial Network", "GAN"),
        ("with the weights optimized by using Salp Swarm Algorithm (SSA).SSA intelligently explores the weight "
         "space.", "Salp Swarm Algorithm", "SSA"),
        ("Dynamic Bi-Elman Attention Networks (DBEAN): Dual-Directional Context-Aware Representation Learning for "
         "Enhanced Text Classification", "Dynamic Bi-Elman Attention Networks", "DBEAN"),
    ]:
        pairs = {(lf.text, sf.text) for lf, sf in find_abbreviations(nlp(text))}
        assert (long, short) in pairs, pairs
    # a long form after "(LLM)-" starts at its first word, not at the bracket or the hyphen (arXiv 2504.02280)
    got = entities(nlp, "The Large Language Model (LLM)-Guided Evolution (GE) framework transformed this approach.")
    assert ("Method", "guided evolution") in got and not any(name[0] in ")-" for _, name in got), got


def test_a_pair_of_parentheses_inside_a_name_stays_and_one_not_closed_in_the_word_is_split(tok, nlp, learned_nlp):
    from kg.extract.abbreviation import find_abbreviations

    # spaCy split off the closing parenthesis: "SE(3" + ")", "BigO(Bench" + ")" (arXiv 2503.15242)
    assert words(tok, "SE(3), SO(3) and O(N^2) in BigO(Bench). (BigO(Bench))") == [
        "SE(3)", ",", "SO(3)", "and", "O(N^2)", "in", "BigO(Bench)", ".", "(", "BigO(Bench)", ")"]
    # around what an infix splits, or nothing, the pair does not stay: "CoT(Chain-of-Thought)"
    assert words(tok, "CoT(Chain-of-Thought) and P(i,j) in O(10^6) f()") == [
        "CoT", "(", "Chain", "-", "of", "-", "Thought", ")", "and", "P(i", ",", "j", ")", "in", "O(10", "^", "6", ")",
        "f", "(", ")"]
    # a name, then its long form in parentheses without a space (arXiv 2506.19028, 2503.20215)
    for text, long, short in [
        ("To address these challenges, we propose FiSCo(Fine-grained Semantic Computation), a novel statistical "
         "framework to evaluate group-level fairness in LLMs.", "Fine-grained Semantic Computation", "FiSCo"),
        ("We propose a novel position embedding approach, named TMRoPE(Time-aligned Multimodal RoPE).",
         "Time-aligned Multimodal RoPE", "TMRoPE"),
    ]:
        assert (long, short) in {(lf.text, sf.text) for lf, sf in find_abbreviations(nlp(text))}
    text = ("We introduce BigO(Bench), a novel coding benchmark designed to evaluate the capabilities of generative "
            "language models in understanding and generating code with specified time and space complexities.")
    for pipeline in (nlp, learned_nlp):
        assert ("Dataset", "bigo(bench)") in entities(pipeline, text)
    assert words(tok, "Qwen2.5-VL(3B and 7B)")[2:5] == ["VL", "(", "3B"]


def test_an_abbreviation_defined_without_a_space_or_after_a_tie_is_found(nlp):
    from kg.extract.abbreviation import find_abbreviations
    from kg.markup import strip_markup

    # arXiv 2503.12910 and 2503.17987, as arXiv gives them (a LaTeX tie "~" before the parenthesis)
    for text, long, short in [
        ("To precisely localize defects, we introduce the mask prompting(MP) module to guide model to focus on "
         "potential anomaly regions.", "mask prompting", "MP"),
        ("MJA consists of two modules: an LLM-based multi-agent generation module~(MLAG) and an adversarial "
         "prompt optimization module~(APO).", "adversarial prompt optimization module", "APO"),
    ]:
        pairs = {(lf.text, sf.text) for lf, sf in find_abbreviations(nlp(strip_markup(text)[0]))}
        assert (long, short) in pairs, pairs


def test_a_coined_name_keeps_its_size_suffix(nlp, learned_nlp):
    # arXiv 2503.18052, 2503.12772: "SceneSplat-7" and "NuPlanQA-1" typed Method before
    text = ("In order to power the proposed methods, we introduce SceneSplat-7K, the first large-scale 3DGS "
            "dataset for indoor scenes, comprising of 6868 scenes derived from 7 established datasets like "
            "ScanNet, Matterport3D, etc.")
    for pipeline in (nlp, learned_nlp):
        assert ("Dataset", "scenesplat-7k") in entities(pipeline, text)
    assert ("Dataset", "nuplanqa-1m") in entities(
        nlp, "To further support generalization to multi-view driving scenarios, we also propose NuPlanQA-1M, a "
             "large-scale dataset comprising 1M real-world visual question-answering (VQA) pairs.")


def test_a_known_name_is_found_at_the_end_of_a_sentence(nlp, learned_nlp):
    # arXiv 2509.25570: "ADE20K." was one token, so the vocabulary missed it
    text = ("Additionally, we assessed its transferability to downstream tasks, including object detection and "
            "instance segmentation on MS COCO 2017, as well as semantic segmentation on ADE20K. Our results "
            "demonstrate that the proposed method not only achieves strong performance, but also maintains "
            "efficiency.")
    for pipeline in (nlp, learned_nlp):
        assert ("Dataset", "ade20k") in entities(pipeline, text)


def test_a_known_name_with_a_size_suffix_is_found_in_any_case_of_its_unit(nlp):
    # arXiv 2503.14953: "Flickr30K" was "Flickr30" + "K", the vocabulary's "Flickr30k" one token
    assert ("Dataset", "flickr30k") in entities(
        nlp, "Our proposed D2S-VSE model is extensively evaluated on the large-scale MS-COCO and Flickr30K "
             "datasets, demonstrating its superiority over recent state-of-the-art methods.")


def test_a_list_of_models_joined_by_bars_is_each_model(nlp, learned_nlp):
    # issue 14's example
    text = "We measure latency of MobileNet-V1|ResNet-50|ViT-B/16 models on a Jetson board."
    models = {"mobilenet-v1", "resnet-50", "vit-b/16"}
    assert models <= {name for typ, name in entities(nlp, text) if typ == "Architecture"}
    for pipeline in (nlp, learned_nlp):  # (the recognizer's call on each name is its own)
        got = entities(pipeline, text)
        assert {name for typ, name in got if typ == "Architecture"} <= models, got
        assert not any("|" in name for _, name in got)


def test_a_new_word_gets_the_attributes_extraction_reads_and_no_others():
    import spacy

    from kg.extract.tokens import LexemeTable

    text = "We train 12 ResNet-50 models, e.g. on ImageNet-1K, in Zürich: 3.5% fewer FLOPs than ViT-B/16."
    every = blank()  # the same tokenizer, with every attribute of spaCy's English computed
    every.vocab.lex_attr_getters = spacy.blank("en").vocab.lex_attr_getters
    doc, full = blank()(text), every(text)
    # the token view reads the same text and flags as with every attribute computed
    rows = LexemeTable(doc.vocab).rows([t.orth for t in doc])
    assert rows == LexemeTable(full.vocab).rows([t.orth for t in full])
    assert [t.lower_ for t in doc] == [t.lower_ for t in full]
    assert rows[2] == ("12", "12", 0, 0, 0, 1, 0) and rows[0][3] == 1  # like_num; "We" is a stop word
    new = doc[11]  # a word no tokenizer exception made a lexeme of before the getters were cut
    assert new.text == "Zürich" and new.shape_ == "" and not new.is_title  # not computed: nothing reads them
    assert full[11].shape_ == "Xxxxx"
