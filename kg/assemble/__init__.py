"""Assemble stage: extractions -> one merged knowledge graph -> RDF and NetworkX.

* :mod:`kg.assemble.merge` -- entities merged across papers (:class:`KnowledgeGraph`)
* :mod:`kg.assemble.rdf` -- the RDF graph (rdflib) in the paper-kg ontology
* :mod:`kg.assemble.nx` -- the NetworkX graph (typed nodes and edges, co-occurrence weights)
"""

from kg.assemble.merge import KnowledgeGraph, assemble

__all__ = ["KnowledgeGraph", "assemble"]
