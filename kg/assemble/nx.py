"""The knowledge graph as a NetworkX MultiDiGraph.

Nodes: ``paper:{id}`` (kind "Paper") and ``entity:{key}`` (kind = entity type). Edges:
paper -> entity with the relation name (usesMethod, ..., and proposes), and entity <-> entity
``cooccursWith`` edges weighted by the number of papers mentioning both.
Attributes are Python values here (lists, None allowed); exporters flatten them.
"""

from __future__ import annotations

import networkx as nx

from kg.assemble.merge import KnowledgeGraph

RELATION = {"Method": "usesMethod", "Architecture": "usesArchitecture", "Dataset": "usesDataset",
            "Metric": "reportsMetric", "Task": "addressesTask"}


def paper_node(pid: str) -> str:
    return f"paper:{pid}"


def entity_node(key: str) -> str:
    return f"entity:{key}"


def to_networkx(kg: KnowledgeGraph, cooccurrence: bool = True) -> nx.MultiDiGraph:
    """Typed nodes and edges; see the module docstring."""
    g = nx.MultiDiGraph()
    for key, e in kg.entities.items():
        g.add_node(entity_node(key), kind="Entity", type=e.type, label=e.label, key=key,
                   alt_labels=list(e.alt_labels), paper_count=len(e.papers),
                   proposed_by=list(e.proposed_by), in_vocabulary=e.in_vocabulary)
    for ex in kg.extractions:
        p = ex.paper
        pn = paper_node(p.id)
        g.add_node(pn, kind="Paper", type="Paper", label=p.title or p.abstract[:80] + "…", id=p.id,
                   title=p.title, abstract=p.abstract, date=p.date.isoformat() if p.date else None,
                   date_text=p.date_text, author_count=p.author_count, authors=list(p.authors),
                   url=p.url, categories=list(p.categories), sources=[str(s) for s in p.sources],
                   entity_count=len({m.key for m in ex.mentions}))
        seen = {}
        for m in ex.mentions:
            if m.key in seen:
                seen[m.key]["mentions"] += 1
                continue
            ent = kg.entities[m.key]
            attrs = {"relation": RELATION[ent.type], "proposed": any(
                x.proposed for x in ex.mentions if x.key == m.key), "mentions": 1,
                "evidence": ex.sentences[m.sentence] if m.sentence < len(ex.sentences) else ""}
            seen[m.key] = attrs
        for key, attrs in seen.items():
            g.add_edge(pn, entity_node(key), key=attrs["relation"], **attrs)
            if attrs["proposed"]:
                g.add_edge(pn, entity_node(key), key="proposes", relation="proposes",
                           proposed=True, mentions=attrs["mentions"], evidence=attrs["evidence"])
    if cooccurrence:
        for (a, b), w in kg.cooccurrence.items():
            g.add_edge(entity_node(a), entity_node(b), key="cooccursWith", relation="cooccursWith", weight=w)
    return g
