"""The triples about one entity or paper (what `kg serve` answers for ``/id/...`` in RDF formats)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.config import ONTOLOGY_NS
from kg.lookup import ENTITY_NS, PAPER_NS, PREFIXES, NotFound


def describe(store: ox.Store, iri: str, fmt: ox.RdfFormat, max_triples: int = 100_000) -> tuple[bytes, int, bool]:
    """An entity's or paper's triples serialized as ``fmt``: (body, triples, truncated).

    An entity: its own triples and those that point at it (papers, mentions, evaluations, other
    entities). A paper: its own triples and those of its mentions and evaluations. At most
    ``max_triples``.

    Raises
    ------
    NotFound
        If the graph has no triple about ``iri``.
    """
    node = ox.NamedNode(iri)
    triples = list(store.quads_for_pattern(node, None, None, ox.DefaultGraph()))
    if not triples:
        raise NotFound(iri)
    is_paper = iri.startswith(PAPER_NS)
    if is_paper:
        parts = [q.object for q in triples
                 if q.predicate.value in (ONTOLOGY_NS + "hasMention", ONTOLOGY_NS + "evaluation")]
        for n in parts:
            triples += store.quads_for_pattern(n, None, None, ox.DefaultGraph())
    else:
        incoming = []
        for q in store.quads_for_pattern(None, None, node, ox.DefaultGraph()):
            incoming.append(q)
            if len(triples) + len(incoming) > max_triples:
                break
        triples += sorted(incoming, key=lambda q: (q.predicate.value, q.subject.value))
    truncated = len(triples) > max_triples
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in triples[:max_triples]]
    prefixes = None
    if fmt in (ox.RdfFormat.TURTLE,):
        prefixes = dict(PREFIXES, entity=ENTITY_NS, paper=PAPER_NS, xsd="http://www.w3.org/2001/XMLSchema#")
    return ox.serialize(triples, format=fmt, prefixes=prefixes), len(triples), truncated
