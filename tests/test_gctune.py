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
