"""The knowledge graph as a NetworkX MultiDiGraph.

Nodes: ``paper:{id}`` (kind "Paper") and ``entity:{key}`` (kind = entity type). Edges:
paper -> entity with the relation name (usesMethod, ..., and proposes), and entity <-> entity
``cooccursWith`` edges weighted by the number of papers mentioning both.
Attributes are Python values here (lists, None allowed); exporters flatten them.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from kg.assemble.merge import KnowledgeGraph
from kg.model import Entity, Extraction

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


def entity_view_papers(kg: KnowledgeGraph, max_entities: int, papers_per_entity: int = 100,
                       max_papers: int = 5000) -> tuple[dict[str, Entity], set[str]]:
    """The entities and paper ids :func:`entity_view` shows (it needs only those papers)."""
    ranked = sorted(kg.entities.values(), key=lambda e: (-len(e.papers), e.label.lower(), e.key))
    shown = {e.key: e for e in ranked[:max(max_entities, 0)]}
    per_entity = max(1, min(papers_per_entity, max_papers // max(len(shown), 1)))
    wanted: set[str] = set()
    for e in shown.values():
        wanted.update(e.papers[:per_entity])
    return shown, wanted


def entity_view(kg: KnowledgeGraph, max_entities: int, papers_per_entity: int = 100,
                max_papers: int = 5000, extractions: Iterable[Extraction] | None = None) -> nx.MultiDiGraph:
    """The graph of the ``max_entities`` entities most papers mention, for views of big graphs.

    Holds those entities, up to ``papers_per_entity`` of each one's papers (in input order,
    at most ``max_papers`` papers in all, so the view stays small however big the graph is)
    with their links to the shown entities, and the co-occurrence edges among the shown
    entities. Node and edge attributes are those of :func:`to_networkx`. ``extractions``
    (default: all of ``kg``'s) are the papers to take them from, which must include those
    :func:`entity_view_papers` names.
    """
    shown, wanted = entity_view_papers(kg, max_entities, papers_per_entity, max_papers)
    sub = KnowledgeGraph(extractions=[], entities=shown, evidence=kg.evidence)
    for ex in kg.extractions if extractions is None else extractions:
        if ex.paper.id in wanted:
            sub.extractions.append(type(ex)(ex.paper, tuple(m for m in ex.mentions if m.key in shown),
                                            ex.sentences, ()))
    g = to_networkx(sub, cooccurrence=False)
    for (a, b), w in kg.cooccurrence.items():
        if a in shown and b in shown:
            g.add_edge(entity_node(a), entity_node(b), key="cooccursWith", relation="cooccursWith", weight=w)
    return g
