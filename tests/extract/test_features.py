"""The learned recognizer's token features (kg.extract.features), on real abstract text."""

from __future__ import annotations

import pytest

from kg.extract.features import (WordFeatures, bilou, described_as, document_context, is_name_like, named_as,
                                 second_pass_features, span_tags, spans_of, split_at_separators, token_features,
                                 word_shape)
from kg.extract.tokens import tokens
from kg.markup import strip_markup

# From the arXiv abstract of "MatPredict" (2505.13201).
TEXT = ("MatPredict: a dataset and benchmark for learning material properties\n\n"
        "We introduce MatPredict, a dataset that combines the high-quality synthetic objects from Replica "
        "dataset with MatSynth dataset's material properties classes. Graph Neural Networks (GNNs) are "
        "compared, and GNNs reach 85.1% accuracy on MatPredict.")


@pytest.fixture(scope="module")
def doc(nlp):
    return nlp(TEXT)


def test_word_shape_and_name_likeness():
    assert word_shape("ResNet-50") == "XxxXxx-dd"
    assert word_shape("Transformer") == "Xxx"
    assert word_shape("accuracy") == "xx"
    assert [is_name_like(w) for w in ("GPT-4o", "MatPredict", "dataset", "3D")] == [True, True, False, True]


@pytest.mark.parametrize("spans", [[], [(0, 1, "Dataset")], [(0, 3, "Method"), (3, 4, "Task"), (6, 8, "Metric")]])
def test_bilou_labels_give_back_their_spans(spans):
    labels = bilou(9, spans)
    assert spans_of(labels) == spans
    assert all(lab == "O" for lab in labels[max((e for _, e, _ in spans), default=0):])


def test_ill_formed_label_runs_still_give_spans():
    # a CRF can emit "I-" without "B-", or change type inside a run
    assert spans_of(["O", "I-Task", "L-Task", "O"]) == [(1, 3, "Task")]
    assert spans_of(["B-Method", "I-Task", "O"]) == [(0, 1, "Method"), (1, 2, "Task")]
    assert spans_of(["B-Method", "I-Method"]) == [(0, 2, "Method")]


def test_a_span_over_a_separator_is_the_names_either_side(nlp):
    words = [t.text for t in nlp.tokenizer("latency of MobileNet-V1|ResNet-50|ViT-B/16 models")]
    parts = [" ".join(words[s:e]) for s, e in split_at_separators(words, 2, len(words) - 1)]
    assert parts == ["MobileNet - V1", "ResNet-50", "ViT - B/16"]
    assert split_at_separators(["|", "BERT", ";"], 0, 3) == [(1, 2)]
    # steps in turn and directions (arXiv 2606.05259, 2603.13659: ``$\\rightarrow$`` as kg.markup reads it)
    for text, parts in [("SFT$\\rightarrow$GRPO training", ["SFT", "GRPO training"]),
                        ("mask-conditioned mask $\\rightarrow$ image generator", ["mask-conditioned mask", "image generator"])]:
        doc = nlp.tokenizer(strip_markup(text)[0])
        assert [doc[a:b].text for a, b in split_at_separators([t.text for t in doc], 0, len(doc))] == parts
    # a span that runs over a bracket without its partner (arXiv 2503.20682, 2503.15469)
    for text, first, parts in [
        ("The task of LiDAR-based 3D Open-Vocabulary Detection (3D OVD) requires", "LiDAR",
         ["LiDAR-based 3D Open-Vocabulary Detection", "3D OVD"]),
        ("Dynamic Bi-Elman Attention Networks (DBEAN): Dual-Directional Context-Aware Representation Learning for",
         "DBEAN", ["DBEAN", "Dual-Directional Context-Aware Representation Learning"]),
    ]:
        doc = nlp.tokenizer(text)
        s = [t.text for t in doc].index(first)
        got = split_at_separators([t.text for t in doc], s, len(doc) - 2 if first == "LiDAR" else len(doc) - 1)
        assert [doc[a:b].text for a, b in got] == parts
    # brackets that pair stay, also across tokens ("BigO(Bench)"); a word is never cut
    assert split_at_separators(["BigO(Bench", ")", "[", "x", "]"], 0, 5) == [(0, 5)]
    assert split_at_separators(["x", "Coarse-to-Re(fine"], 0, 2) == [(0, 2)]
    assert split_at_separators(["a", "b"], 0, 2) == [(0, 2)]


def test_span_tags_mark_begin_inside_and_single_tokens():
    tags = span_tags(4, [(0, 2, "Method"), (3, 4, "Task")], "voc")
    assert tags == [["voc:B-Method"], ["voc:I-Method"], [], ["voc:B-Task", "voc:U"]]


def test_a_name_takes_the_head_noun_after_any_of_its_occurrences(doc):
    tk = tokens(doc)
    ctx = document_context(tk, [], {})
    firsts = [i for i, w in enumerate(tk.text) if w == "MatPredict"]
    assert len(firsts) == 3
    # "MatPredict, a dataset ..." is two words from its head; the last occurrence, at the end, has none
    # after it, but shares what the others have
    for i in firsts:
        assert "dR=dataset" in ctx[i]


def test_a_name_takes_the_head_noun_of_a_description_of_it(nlp):
    # From the arXiv abstracts of "Images are Worth Variable Length of Representations" (2506.03643)
    # and MamBEV (2503.13858)
    doc = nlp("To address this inefficiency, we propose DOVE, a dynamic vision encoder that produces a "
              "variable number of visual tokens. Our results show that DOVE significantly reduces the average "
              "number of tokens. In this paper, we propose a Mamba-based framework called MamBEV, which learns "
              "unified Bird's Eye View (BEV) representations.")
    tk = tokens(doc)
    at = {w: [i for i, x in enumerate(tk.text) if x == w] for w in ("DOVE", "MamBEV", "BEV")}
    assert described_as(tk, at["DOVE"][0]) == "encoder"  # the last head noun before "that"
    assert described_as(tk, at["DOVE"][1]) is None  # "DOVE significantly ...": no description
    assert named_as(tk, at["MamBEV"][0]) == "framework"
    assert described_as(tk, at["MamBEV"][0]) is None  # ", which learns": no determiner
    assert named_as(tk, at["BEV"][0]) is None and named_as(tk, at["DOVE"][0]) is None
    ctx = document_context(tk, [], {})
    for i in at["DOVE"]:  # every occurrence shares what one says
        assert {"dA=encoder", "dAt=Architecture"} <= set(ctx[i])
    assert {"dB=framework", "dBt=Method"} <= set(ctx[at["MamBEV"][0]])


def test_a_description_may_follow_an_abbreviation_a_colon_or_is(nlp):
    tk = tokens(nlp(TEXT))  # "MatPredict: a dataset and benchmark for ..."
    assert described_as(tk, 0) == "dataset"  # the phrase ends at "and"
    tk = tokens(nlp("We release RoadSeg10K (RS10K), the first benchmark for road segmentation. "
                    "RS10K is a collection of aerial images."))
    assert described_as(tk, tk.text.index("RoadSeg10K")) == "benchmark"
    second = tk.text.index("RS10K", tk.text.index("RS10K") + 1)
    assert described_as(tk, second) == "collection"  # "RS10K is a collection of ..."


def test_a_sentences_introductory_phrase_is_no_description(nlp):
    # From the sample's "Mamba base PKD for efficient knowledge compression": MNIST is no model
    tk = tokens(nlp("The work's preliminary experiments use MNIST and CIFAR-10 as datasets. For MNIST, the "
                    "teacher model achieves 98% accuracy. We evaluate on CIFAR-10, a dataset of small images."))
    mnist = [i for i, w in enumerate(tk.text) if w == "MNIST"]
    assert [described_as(tk, i) for i in mnist] == [None, None]
    last = max(i for i, w in enumerate(tk.text) if w == "CIFAR-10")
    assert described_as(tk, last) == "dataset"  # "We evaluate on CIFAR-10, a dataset of": not at the start
    assert not any("dAt=Architecture" in f for f in document_context(tk, [], {})[mnist[1]])


def test_a_short_form_gets_its_long_forms_head(doc):
    tk = tokens(doc)
    abbr = [((lf.start, lf.end), (sf.start, sf.end)) for lf, sf in doc._.abbreviations]
    assert abbr, "the abbreviation detector finds Graph Neural Networks (GNNs)"
    ctx = document_context(tk, abbr, {"networks": ("1", "1.7", "1.7.42")})
    uses = [i for i, w in enumerate(tk.text) if w == "GNNs"]
    assert len(uses) == 2
    for i in uses:
        assert {"abh=networks", "abc=1.7.42"} <= set(ctx[i])


def test_token_features_carry_the_word_its_neighbours_and_the_other_components_findings(doc):
    tk = tokens(doc)
    words = WordFeatures({"accuracy": ("3", "3.12", "3.12.99")})
    vocab = [(c.start, c.end, c.type, c.source) for c in doc._.kg_candidates if c.rule.startswith("vocabulary")]
    feats = token_features(tk, words, doc._.title_end, vocab, [], [])
    assert len(feats) == len(doc)
    i = tk.text.index("accuracy")
    f = set(feats[i])
    assert {"w=accuracy", "c0=3", "c2=3.12.99", "-1w=%", "+1w=on", "voc:B-Metric", "voc:U"} <= f
    assert "title" in feats[0] and "title" not in f
    # the neighbour sees the vocabulary's type, not its source
    assert "-1voc:B-Metric" in feats[i + 1]
    assert not any(x.startswith("-1vsrc") for x in feats[i + 1])


def test_word_features_are_cached_and_bounded():
    words = WordFeatures({}, max_words=3)
    first = words.get("Transformer")
    assert words.get("Transformer") is first
    for w in ("a", "b", "c", "d"):
        words.get(w)
    assert len(words._cache) <= 4


def test_the_second_pass_sees_the_first_ones_labels_and_what_it_tagged_elsewhere(doc):
    tk = tokens(doc)
    feats = token_features(tk, WordFeatures({}), doc._.title_end, [], [], [])
    first = tk.text.index("MatPredict")
    later = [i for i, w in enumerate(tk.text) if w == "MatPredict"][1:]
    gnn = tk.text.index("Graph")  # "Graph Neural Networks"
    # a first pass that tagged the title's MatPredict and the long form, and nothing else
    labels = bilou(tk.n, [(first, first + 1, "Dataset"), (gnn, gnn + 3, "Architecture")])
    out = second_pass_features(feats, tk.lower, labels, [0.9, 0.45])
    assert len(out) == tk.n
    assert set(feats[first]) < set(out[first])  # its own features stay
    assert {"p1=U-Dataset", "p1t=Dataset", "p1-1=<s>", "p1c=4", "p1c=4|Dataset"} <= set(out[first])
    assert {"p1=B-Architecture", "p1c=2", "p1+1=I-Architecture"} <= set(out[gnn])
    for i in later:
        # untagged here, tagged as a Dataset at another place
        assert {"p1=O", "dt=Dataset", "dsB=Dataset|1", "dsL=Dataset"} <= set(out[i])
        assert not any(f.startswith("p1c=") for f in out[i])
    # a span is not "elsewhere" to itself
    assert not any(f.startswith("ds") for f in out[first] + out[gnn])
    with pytest.raises(ValueError, match="for 2 labels"):
        second_pass_features(feats, tk.lower, ["O", "O"], [])
    with pytest.raises(ValueError, match="1 confidences for 2 spans"):
        second_pass_features(feats, tk.lower, labels, [0.9])


def test_a_phrase_tagged_twice_shows_both_types_at_each_place():
    lower = ["graph", "networks", "and", "graph", "networks", "."]
    labels = bilou(6, [(0, 2, "Architecture"), (3, 5, "Method")])
    out = second_pass_features([["b"] for _ in lower], lower, labels, [0.8, 0.6])
    for start, other, own in ((0, "Method", "Architecture"), (3, "Architecture", "Method")):
        assert {"dsB=Architecture|2", "dsB=Method|2", "dt=" + other} <= set(out[start])
        assert "dt=" + own not in out[start]  # the word's *other* occurrences
        assert {"dsI=Method", "dsL=Method", "dsL=Architecture"} <= set(out[start + 1])
    assert not any(f.startswith("ds") for f in out[2] + out[5])
