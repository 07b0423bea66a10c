"""Extraction on a local Dask cluster started by the test gives the same graph."""

from __future__ import annotations

import pytest

from kg.build import build
from kg.config import BuildConfig

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as c:
        yield c


def test_dask_build_equals_single_process(tmp_path, sample_dir, cluster):
    fmt = ("ntriples", "tables")
    one = build(BuildConfig(inputs=(sample_dir,), out_dir=tmp_path / "one", formats=fmt, quiet=True, jobs=1))
    dask = build(BuildConfig(inputs=(sample_dir,), out_dir=tmp_path / "dask", formats=fmt, quiet=True,
                             engine="dask", scheduler=cluster.scheduler_address))
    assert (tmp_path / "dask" / "graph.nt").read_bytes() == (tmp_path / "one" / "graph.nt").read_bytes()
    assert (tmp_path / "dask" / "mentions.csv").read_text() == (tmp_path / "one" / "mentions.csv").read_text()
    assert dask.report.papers == one.report.papers == 197


def test_small_partitions_keep_input_order(sample_dir, cluster):
    from kg.config import ExtractConfig
    from kg.extract.distributed import extract_dask
    from kg.read import Corpus

    papers = list(Corpus([sample_dir]))[:40]
    out = list(extract_dask(papers, ExtractConfig(), cluster.scheduler_address, partition_size=7, in_flight=3))
    assert [e.paper.id for e in out] == [p.id for p in papers]
