"""Garbage collection tuned for bulk work.

CPython's cyclic collector looks at the youngest objects every 700 net allocations of
container objects, and at every object now and then. Extraction makes and drops millions of
small objects per thousand abstracts (spaCy's Docs hold reference cycles, so the collector
is needed: without it a worker grew to 4.9 GB on 75,000 abstracts), and a build's main
process holds millions of long-lived ones that every full collection walks again. Measured
here, extracting 5,000 arXiv abstracts in one process: the collector took 0.8-0.96 s of
6.5 s at the default threshold, 0.24-0.35 s at 50,000; a 150,000-paper build's main process
spent 30 s in it (21 s in 60 full collections). The cost in memory is at most that many
young objects kept a little longer.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: Net allocations of container objects between collections of the youngest generation.
BULK_THRESHOLD = 50_000


def use_bulk_gc(threshold: int = BULK_THRESHOLD) -> None:
    """Collect less often, for the rest of this process (a worker that does bulk work only)."""
    gc.set_threshold(threshold, *gc.get_threshold()[1:])


@contextlib.contextmanager
def bulk_gc(threshold: int = BULK_THRESHOLD) -> Iterator[None]:
    """Collect less often inside the block; the previous thresholds are restored after it.
    Processes forked inside the block (extraction workers, the second export process)
    inherit the setting."""
    old = gc.get_threshold()
    use_bulk_gc(threshold)
    try:
        yield
    finally:
        gc.set_threshold(*old)
