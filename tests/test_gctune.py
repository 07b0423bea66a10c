"""The garbage collector's bulk setting: on inside the block, in extraction workers, restored after."""

from __future__ import annotations

import gc

import pytest

from kg.extract import pipeline
from kg.gctune import BULK_THRESHOLD, bulk_gc


def test_bulk_gc_is_restored_even_after_an_error():
    before = gc.get_threshold()
    with pytest.raises(ZeroDivisionError):
        with bulk_gc():
            assert gc.get_threshold() == (BULK_THRESHOLD, *before[1:])
            1 / 0
    assert gc.get_threshold() == before


def _threshold(_):
    return gc.get_threshold()[0]


def test_extraction_workers_collect_in_bulk():
    import multiprocessing as mp

    from kg.config import ExtractConfig

    assert gc.get_threshold()[0] != BULK_THRESHOLD
    with mp.get_context("spawn").Pool(1, initializer=pipeline._init_worker, initargs=(ExtractConfig(),)) as pool:
        assert pool.map(_threshold, [0]) == [BULK_THRESHOLD]


def test_kg_extract_in_one_process_collects_in_bulk(tmp_path, monkeypatch):
    # With --jobs 1 the command's own process extracts; it runs with the build's setting
    # (workers of a pool set it themselves, above), and the thresholds are restored after.
    import json

    from kg import cli

    seen = []
    strip = pipeline.strip_markup

    def watched(text):
        seen.append(gc.get_threshold()[0])
        return strip(text)

    monkeypatch.setattr(pipeline, "strip_markup", watched)
    src = tmp_path / "papers.jsonl"
    src.write_text("".join(json.dumps({"id": f"p{i}", "title": "A title", "abstract": "We train ResNet-50 on ImageNet."})
                           + "\n" for i in range(3)), encoding="utf-8")
    before = gc.get_threshold()
    assert before[0] != BULK_THRESHOLD
    assert cli.main(["extract", str(src), "-o", str(tmp_path / "out.jsonl"), "--fast", "--jobs", "1", "--quiet"]) == 0
    assert seen == [BULK_THRESHOLD] * 3
    assert gc.get_threshold() == before
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 3
