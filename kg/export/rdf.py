"""RDF exports: Turtle (``graph.ttl``), N-Triples (``graph.nt``) and JSON-LD (``graph.jsonld``).

All three derive from the bundle's N-Triples file, streamed; Turtle and JSON-LD are
serialized by pyoxigraph with our prefixes (many times faster than rdflib on large graphs;
the tests read every file back with rdflib and with pyoxigraph).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph

from kg.assemble.rdf import PREFIXES
from kg.atomic import atomic_write


def _write(bundle, path: Path, fmt) -> list[Path]:
    triples = pyoxigraph.parse(path=str(bundle.ntriples_file), format=pyoxigraph.RdfFormat.N_TRIPLES)
    with atomic_write(path, "wb") as f:
        pyoxigraph.serialize(triples, f, fmt, prefixes=PREFIXES)
    return [path]


def write_turtle(bundle, out_dir: Path) -> list[Path]:
    return _write(bundle, Path(out_dir) / "graph.ttl", pyoxigraph.RdfFormat.TURTLE)


def write_ntriples(bundle, out_dir: Path) -> list[Path]:
    path = Path(out_dir) / "graph.nt"
    src = bundle.ntriples_file
    if src.resolve() != path.resolve():
        with atomic_write(path, "wb") as f, open(src, "rb") as r:
            shutil.copyfileobj(r, f, 1 << 20)
    return [path]


def write_jsonld(bundle, out_dir: Path) -> list[Path]:
    return _write(bundle, Path(out_dir) / "graph.jsonld", pyoxigraph.RdfFormat.JSON_LD)
