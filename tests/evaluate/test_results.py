"""Scoring results against the results gold set with the guidelines' matching rule."""

from __future__ import annotations

import pytest

from kg.errors import KgError
from kg.evaluate.results import load_results_gold, score_results
from kg.extract.vocabulary import load_vocabulary

GOLD = [{"id": "p1", "abstract": "...", "results": [
    {"metric": "AUC", "value": "0.79 $\\pm$ 0.03", "kind": "absolute", "dataset": None},
    {"metric": "top-1 accuracy", "value": "85.1%", "kind": "absolute", "dataset": "ImageNet"},
    {"metric": "latency", "value": "40%", "kind": "delta", "dataset": None},
    {"metric": "macro-F1", "value": "6--15%", "kind": "delta", "dataset": None},
]}]


def _pred(metric, value, kind, dataset=None):
    return {"metric": metric, "value": value, "kind": kind, "dataset": dataset}


def test_the_matching_rule_at_both_levels():
    preds = {"p1": [
        _pred("AUROC", "0.79 ± 0.03", "absolute"),          # the same metric entity (vocabulary alias)
        _pred("Top-1 Accuracy", "85.1", "absolute", "imagenet"),  # case; % ignored
        _pred("latency", "40%", "absolute"),                # wrong kind
        _pred("macro-F1", "6-15%", "delta", "SST-2"),       # dataset differs (gold null): level 1 only
        _pred("accuracy", "85.1%", "absolute", "ImageNet"),  # another metric's name
    ]}
    sc = score_results(GOLD, preds, load_vocabulary())
    first, second = sc.levels["metric+value+kind"], sc.levels["+dataset"]
    assert (first.tp_pred, first.pred, first.tp_gold, first.gold) == (3, 5, 3, 4)
    assert (second.tp_pred, second.tp_gold) == (2, 2)
    assert first.precision == pytest.approx(0.6) and first.recall == pytest.approx(0.75)
    missed = [r["metric"] for pid, level, r in sc.misses if level == "+dataset"]
    assert missed == ["latency", "macro-F1"]


def test_each_gold_result_matches_one_prediction():
    preds = {"p1": [_pred("AUC", "0.79 ± 0.03", "absolute")] * 2}
    sc = score_results(GOLD, preds, load_vocabulary())
    assert sc.levels["metric+value+kind"].tp_pred == 1


def test_a_bad_gold_line_is_named_with_file_and_line(tmp_path):
    f = tmp_path / "gold.jsonl"
    f.write_text('{"id": "a", "abstract": "x", "results": []}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(KgError, match="gold.jsonl:2"):
        load_results_gold(f)
    with pytest.raises(KgError, match="cannot read"):
        load_results_gold(tmp_path / "missing.jsonl")
