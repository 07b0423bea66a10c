"""RDF exports: Turtle (``graph.ttl``), N-Triples (``graph.nt``) and JSON-LD (``graph.jsonld``).

All three derive from the bundle's N-Triples file, streamed; Turtle and JSON-LD are
serialized by pyoxigraph with our prefixes (many times faster than rdflib on large graphs;
the tests read every file back with rdflib and with pyoxigraph).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph

from kg.assemble.rdf import PREFIXES, entity_lines, paper_lines
from kg.atomic import atomic_write
from kg.export.sinks import Sink


def _write(bundle, path: Path, fmt) -> list[Path]:
    triples = pyoxigraph.parse(path=str(bundle.ntriples_file), format=pyoxigraph.RdfFormat.N_TRIPLES)
    with atomic_write(path, "wb") as f:
        pyoxigraph.serialize(triples, f, fmt, prefixes=PREFIXES)
    return [path]


def write_turtle(bundle, out_dir: Path) -> list[Path]:
    return _write(bundle, Path(out_dir) / "graph.ttl", pyoxigraph.RdfFormat.TURTLE)


def sink_ntriples(bundle, out_dir: Path) -> Sink:
    """Write ``graph.nt`` from the stream of papers; it becomes the bundle's N-Triples file,
    which the Turtle and JSON-LD exports then read."""
    path = Path(out_dir) / "graph.nt"
    kg = bundle.kg
    with atomic_write(path, "wb") as f:
        buf: list[str] = []
        while (ex := (yield)) is not None:
            buf.extend(paper_lines(ex, kg, kg.evidence))
            if len(buf) >= 10_000:
                f.write(("\n".join(buf) + "\n").encode("utf-8"))
                buf = []
        buf.extend(entity_lines(kg))
        f.write("".join(line + "\n" for line in buf).encode("utf-8"))
    bundle.ntriples_file = path
    return [path]


def write_ntriples(bundle, out_dir: Path) -> list[Path]:
    path = Path(out_dir) / "graph.nt"
    src = bundle.ntriples_file
    if src.resolve() != path.resolve():
        with atomic_write(path, "wb") as f, open(src, "rb") as r:
            shutil.copyfileobj(r, f, 1 << 20)
    return [path]


def write_jsonld(bundle, out_dir: Path) -> list[Path]:
    return _write(bundle, Path(out_dir) / "graph.jsonld", pyoxigraph.RdfFormat.JSON_LD)
