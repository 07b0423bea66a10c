"""Leaderboards: results grouped per (dataset, metric) and ranked in the metric's direction."""

from __future__ import annotations

import pytest

from kg.assemble.leaderboard import Entry, direction, leaderboards, metric_directions


def _e(dataset, metric, value, number, unit="", paper="p", system=None):
    return Entry(dataset=dataset, metric=metric, value=value, number=number, unit=unit, system=system,
                 proposed=False, paper_id=paper, paper_title=None, date=None, sentence=f"{value} {metric}")


@pytest.mark.parametrize("metric, better", [
    ("top-1 accuracy", "higher"), ("top-1 error", "lower"), ("word error rate", "lower"),
    ("attack success rate", "higher"), ("perplexity", "lower"), ("FID", "lower"), ("gFID", "lower"),
    ("inference latency", "lower"), ("average geodesic errors", "lower"), ("mIoU", "higher"),
    ("Chamfer Distance", "lower"), ("BLEU", "higher"), ("peak memory", "lower"), ("Dice score", "higher"),
])
def test_direction_is_read_from_the_metric_vocabulary(metric, better):
    assert direction(metric) == better


def test_the_direction_table_is_data_with_both_directions():
    table = metric_directions()
    assert {"error", "latency", "perplexity"} <= {w for w, d in table.items() if d == "lower"}
    assert set(table.values()) == {"lower", "higher"}


def test_boards_rank_best_first_in_each_direction_and_filter():
    entries = [
        _e("ImageNet", "top-1 accuracy", "81.9%", 81.9, "%", "a"), _e("ImageNet", "Top-1 Accuracy", "85.1%", 85.1, "%", "b"),
        _e("ImageNet", "top-1 accuracy", "0.79", 0.79, "", "c"),  # a fraction beside percentages: 79%
        _e("CIFAR-10", "FID", "2.69", 2.69, "", "d"), _e("CIFAR-10", "FID", "1.71", 1.71, "", "e"),
        _e("CIFAR-10", "FID", "3.1", 3.1, "", "f"),
    ]
    boards = leaderboards(entries)
    assert [(b.dataset, b.direction) for b in boards] == [("CIFAR-10", "lower"), ("ImageNet", "higher")]
    assert [e.value for e in boards[0].entries] == ["1.71", "2.69", "3.1"]
    assert [e.value for e in boards[1].entries] == ["85.1%", "81.9%", "0.79"]
    (b,) = leaderboards(entries, dataset="imagenet", top=1)
    assert [e.paper_id for e in b.entries] == ["b"]
    assert leaderboards(entries, metric="fid")[0].dataset == "CIFAR-10"
    assert leaderboards(entries, dataset="no such dataset") == []


def test_a_board_is_found_by_another_spelling_of_its_dataset():
    """A build merges "MVTec AD" and "MVTecAD" (kg.assemble.spelling): asking for either finds the
    board; a spelling of its own (a space between digits) does not."""
    entries = [_e("MVTec AD", "AUROC", "99.1%", 99.1, "%", "a"), _e("MVTec AD", "AUROC", "98.2%", 98.2, "%", "b"),
               _e("Qwen 34B bench", "accuracy", "50%", 50.0, "%", "c")]
    for name in ("MVTecAD", "mvtec-ad", "MVTec AD"):
        (b,) = leaderboards(entries, dataset=name)
        assert b.dataset == "MVTec AD", name
    assert leaderboards(entries, dataset="Qwen3 4B bench") == []
