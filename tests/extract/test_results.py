"""Result extraction on real abstracts: sentences of the results dev set (arXiv, CC0) and the
bundled sample corpus; the dev-set score when ../shared is there."""

from __future__ import annotations

import json

import pytest

from kg.extract import extract
from kg.extract.results import find_results, load_lexicon
from kg.model import Paper
from tests.conftest import shared_path


def _results(nlp, abstract: str, title: str = "A paper"):
    ex = next(extract([Paper(id="t", title=title, abstract=abstract)], nlp))
    return [(r.metric, r.value, r.kind, r.dataset) for r in ex.results], ex


def test_absolute_and_delta_results_with_their_metric_and_dataset(nlp):
    # arXiv 2506.05360
    got, ex = _results(nlp, "We introduce CarboNeXT, a semantic segmentation framework. We contribute two datasets: "
                            "the Controlled Carbon Dioxide Release (CCR) dataset and the Real Time Ankom (RTA) dataset. "
                            "Extensive evaluations demonstrate that CarboNeXT outperforms state-of-the-art methods, "
                            "achieving 88.46% mIoU on CCR and 92.95% mIoU on RTA. The model operates at 60.95 FPS.")
    assert ("mIoU", "88.46%", "absolute", "CCR") in got
    assert ("mIoU", "92.95%", "absolute", "RTA") in got
    assert ("FPS", "60.95 FPS", "absolute", None) in got
    r = next(r for r in ex.results if r.value == "88.46%")
    assert (r.number, r.unit, r.system, r.proposed) == (88.46, "%", "CarboNeXT", True)
    assert "88.46% mIoU on CCR" in ex.sentences[r.sentence]


def test_kind_follows_the_words_around_the_value(nlp):
    # arXiv 2504.08451
    got, _ = _results(nlp, "Muon-AD achieves 3.2 times faster convergence compared to Stable Diffusion-TensorRT, "
                           "while maintaining synthesis quality (15% lower FID, 4% higher SSIM).")
    assert {(m, v, k) for m, v, k, _ in got} >= {("FID", "15%", "delta"), ("SSIM", "4%", "delta"),
                                                 ("convergence", "3.2 times", "delta")}
    # arXiv 2509.10779: "from X to Y" gives two levels, "(+0.093)" a change
    got, _ = _results(nlp, "Experiments on VisDrone show a recall increase from 0.685 to 0.778 (+0.093) and a "
                           "precision adjustment from 0.801 to 0.595, yielding F1=0.669.")
    kinds = {v: k for _, v, k, _ in got}
    assert kinds == {"0.685": "absolute", "0.778": "absolute", "+0.093": "delta", "0.801": "absolute",
                     "0.595": "absolute", "0.669": "absolute"}


def test_sizes_settings_counts_and_years_are_not_results(nlp):
    got, _ = _results(nlp, "We train a 7B model for 100 epochs on 10k images from 3 datasets collected in 2023 "
                           "with 4-bit weights, top-5 retrieval and p < 0.05. With only 1.5M trainable parameters, "
                           "it reaches 81.2% accuracy using 10% of the labeled data.")
    assert got == [("accuracy", "81.2%", "absolute", None)]


def test_a_number_without_a_metric_is_no_result(nlp):
    # GUIDELINES: "improves by 5%" names no metric
    got, _ = _results(nlp, "Our approach improves by 5% over the baseline and runs on 2 GPUs.")
    assert got == []


def test_a_lexicon_that_is_not_one_is_refused_naming_the_file(tmp_path):
    bad = tmp_path / "lexicon.json"
    bad.write_text('{"metric_heads": ["accuracy"]}', encoding="utf-8")
    with pytest.raises(ValueError, match="lexicon.json: not a results lexicon"):
        load_lexicon(str(bad))


def test_find_results_is_pure_over_text_spans_and_mentions():
    s = "It reaches 84.8% top-1 accuracy on ImageNet."
    (r,) = find_results(s, [(0, len(s))], [])
    assert (r.metric, r.value, r.kind, r.dataset, r.sentence) == ("top-1 accuracy", "84.8%", "absolute", None, 0)


def test_the_sample_corpus_yields_results_on_known_benchmarks(sample_dir, nlp):
    from kg.read import Corpus

    exs = list(extract(Corpus([sample_dir]), nlp))
    results = [(ex, r) for ex in exs for r in ex.results]
    assert 60 <= len(results) <= 400
    tiny = [r for ex, r in results if r.system == "TinyViT" and r.value == "84.8%"]
    assert tiny and tiny[0].metric == "top-1 accuracy" and tiny[0].kind == "absolute"
    assert tiny[0].dataset and tiny[0].dataset.lower().startswith("imagenet-1k")
    # every result is tied to a sentence that holds its value
    assert all(r.value in ex.sentences[r.sentence] for ex, r in results)


def test_dev_set_scores_meet_the_targets(learned_nlp):
    from kg.evaluate.results import load_results_gold, score_results
    from kg.extract import paper_results
    from kg.markup import strip_markup
    from kg.extract.vocabulary import load_vocabulary

    gold = load_results_gold(shared_path("gold", "results", "results-dev.jsonl"))
    papers = [Paper(id=g["id"], title=g.get("title") or None, abstract=g["abstract"]) for g in gold]
    preds = {ex.paper.id: paper_results(ex) for ex in extract(papers, learned_nlp)}
    sc = score_results(gold, preds, load_vocabulary())
    first, second = sc.levels["metric+value+kind"], sc.levels["+dataset"]
    assert first.f1 >= 0.75, first
    assert second.f1 >= 0.60, second
    # every predicted evidence sentence is in the paper (as a reader sees it: without LaTeX formatting)
    by_id = {g["id"]: g for g in gold}
    assert all(p["evidence"] in strip_markup(by_id[pid]["title"] + "\n\n" + by_id[pid]["abstract"])[0]
               for pid, ps in preds.items() for p in ps)


def test_real_dev_set_sentences_give_their_gold_results(nlp):
    """Every gold result of a few dev papers whose sentences the rules read fully."""
    path = shared_path("gold", "results", "results-dev.jsonl")
    gold = {d["id"]: d for d in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    from kg.extract.values import same_number

    for pid in ("2605.04885", "2512.21512", "2605.20624", "2509.10779"):
        g = gold[pid]
        got, _ = _results(nlp, g["abstract"], g["title"])
        for r in g["results"]:
            assert any(m.lower() == r["metric"].lower() and same_number(v, r["value"]) and k == r["kind"]
                       for m, v, k, _ in got), (pid, r)
