"""Export stage: render the assembled graphs to files. Exports never re-derive content.

One module per format; each has ``write(bundle, out_dir) -> list[Path]`` and writes every
file atomically (:func:`kg.atomic.atomic_write`).

=============  ==============================================================================
``turtle``     ``graph.ttl`` (:mod:`kg.export.rdf`)
``ntriples``   ``graph.nt``
``jsonld``     ``graph.jsonld``
``graphml``    ``graph.graphml`` for Gephi/yEd/Cytoscape: scalar attributes only
``gexf``       ``graph.gexf`` for Gephi, with colours and sizes
``html``       ``graph.html``: interactive, offline view (:mod:`kg.export.html`)
``neo4j``      ``neo4j/``: ``neo4j-admin database import`` CSVs and a ``LOAD CSV`` script
``tables``     ``papers.csv``, ``entities.csv``, ``mentions.csv`` (pandas)
``store``      ``store/``: an on-disk pyoxigraph store that ``kg query`` and ``kg serve`` use
=============  ==============================================================================
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
from rdflib import Graph

from kg.assemble.merge import KnowledgeGraph
from kg.config import EXPORT_FORMATS, BuildConfig

MODULES = {
    "turtle": "kg.export.rdf", "ntriples": "kg.export.rdf", "jsonld": "kg.export.rdf",
    "graphml": "kg.export.graphml", "gexf": "kg.export.graphml", "html": "kg.export.html",
    "neo4j": "kg.export.neo4j", "tables": "kg.export.tables", "store": "kg.export.store",
}
assert set(MODULES) == set(EXPORT_FORMATS)


@dataclass
class Bundle:
    """What exporters render: the merged graph, and its RDF and NetworkX forms (made once,
    on first use).

    ``work_dir`` is the build's staging folder; the N-Triples every RDF export derives from
    are streamed to ``work_dir/graph.nt`` (which is the ``ntriples`` export itself).
    """

    kg: KnowledgeGraph
    config: BuildConfig = field(default_factory=BuildConfig)
    work_dir: Path | None = None

    @cached_property
    def ntriples_file(self) -> Path:
        """The RDF graph as an N-Triples file, written (atomically) on first use."""
        import tempfile

        from kg.assemble.rdf import write_ntriples
        from kg.atomic import atomic_write

        if self.work_dir is None:
            self.work_dir = Path(tempfile.mkdtemp(prefix="kg-bundle-"))
        path = Path(self.work_dir) / "graph.nt"
        with atomic_write(path, "wb") as f:
            write_ntriples(self.kg, f)
        return path

    @property
    def ntriples(self) -> bytes:
        """The N-Triples as bytes (small graphs and tests)."""
        return self.ntriples_file.read_bytes()

    @cached_property
    def rdf(self) -> Graph:
        """The RDF graph in rdflib (parsed from the N-Triples; for small graphs and validation)."""
        from kg.assemble.rdf import to_rdf

        return to_rdf(data=self.ntriples)

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        from kg.assemble.nx import to_networkx

        return to_networkx(self.kg)


def writer(fmt: str):
    """The ``write`` function of a format."""
    module = importlib.import_module(MODULES[fmt])
    return getattr(module, f"write_{fmt}")
