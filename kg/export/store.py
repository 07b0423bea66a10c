"""An on-disk pyoxigraph store (``store/``) that `kg query` and `kg serve` open read-only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph


def write_store(bundle, out_dir: Path) -> list[Path]:
    path = Path(out_dir) / "store"
    if path.exists():
        shutil.rmtree(path)
    store = pyoxigraph.Store(str(path))
    store.bulk_load(path=str(bundle.ntriples_file), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    return [path]
