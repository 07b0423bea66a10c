"""Extraction on a Dask distributed cluster: `kg build --engine dask --scheduler ADDRESS`.

The papers stream to the cluster in partitions; each worker builds the pipeline once and
returns the partition's extraction records (small plain records, never Docs). The driver
takes the partitions back in input order, so assembly and every export see exactly the
stream a single-process build sees, and the graph is the same.

Workers need paper-kg installed (same version and vocabularies). Dask is an optional
dependency: ``pip install 'paper-kg[dask]'``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

from kg.config import ExtractConfig
from kg.errors import KgError
from kg.model import Extraction, Paper

_PIPELINES: dict = {}


def extract_partition(papers: list[Paper], config: ExtractConfig) -> list[Extraction]:
    """Run on a worker: extract one partition (the pipeline is built once per worker process)."""
    from kg.extract.pipeline import extract, make_pipeline

    key = repr(config)
    nlp = _PIPELINES.get(key)
    if nlp is None:
        nlp = _PIPELINES[key] = make_pipeline(config)
    return list(extract(papers, nlp))


def extract_dask(papers: Iterable[Paper], config: ExtractConfig, scheduler: str | None = None,
                 partition_size: int = 1000, in_flight: int | None = None) -> Iterator[Extraction]:
    """Extract on a Dask cluster, yielding extractions in input order.

    Parameters
    ----------
    papers : iterable of Paper
    config : ExtractConfig
    scheduler : str, optional
        Address of a running scheduler ("tcp://host:8786"); None starts a local cluster with
        one single-threaded worker process per core for the duration of the build.
    partition_size : int
        Papers per task.
    in_flight : int, optional
        Partitions submitted ahead of the one being collected (default: 2 per worker), so
        memory stays bounded on any input size.

    Raises
    ------
    KgError
        If Dask is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise KgError("the dask engine needs Dask: pip install 'paper-kg[dask]'") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as e:
        raise KgError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {e}") from None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        depth = in_flight or 2 * workers
        it = iter(papers)
        pending: deque = deque()

        def submit() -> bool:
            part = list(islice(it, partition_size))
            if part:
                pending.append(client.submit(extract_partition, part, config, pure=False))
            return bool(part)

        while len(pending) < depth and submit():
            pass
        while pending:
            result = pending.popleft().result()
            submit()
            yield from result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
