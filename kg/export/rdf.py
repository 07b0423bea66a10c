"""RDF exports: Turtle (``graph.ttl``), N-Triples (``graph.nt``) and JSON-LD (``graph.jsonld``).

Turtle and JSON-LD are written by rdflib with our prefixes (a JSON-LD ``@context`` built from
them); N-Triples is serialized by pyoxigraph, which is many times faster on large graphs.
"""

from __future__ import annotations

from pathlib import Path

from kg.assemble.rdf import PREFIXES
from kg.atomic import atomic_write


def write_turtle(bundle, out_dir: Path) -> list[Path]:
    path = Path(out_dir) / "graph.ttl"
    with atomic_write(path, "wb") as f:
        bundle.rdf.serialize(f, format="turtle", encoding="utf-8")
    return [path]


def write_ntriples(bundle, out_dir: Path) -> list[Path]:
    path = Path(out_dir) / "graph.nt"
    with atomic_write(path, "wb") as f:
        bundle.rdf.serialize(f, format="nt", encoding="utf-8")
    return [path]


def jsonld_context() -> dict[str, str]:
    return {p: str(ns) for p, ns in PREFIXES.items()}


def write_jsonld(bundle, out_dir: Path) -> list[Path]:
    path = Path(out_dir) / "graph.jsonld"
    with atomic_write(path, "wb") as f:
        bundle.rdf.serialize(f, format="json-ld", context=jsonld_context(), encoding="utf-8")
    return [path]
