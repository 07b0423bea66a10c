"""The knowledge graph as RDF (rdflib), in the paper-kg ontology (``ontology/kg.ttl``).

Terms reused where they fit: dcterms (title, abstract, date, creator, identifier, subject),
schema.org (ScholarlyArticle, url), SKOS (prefLabel, altLabel), PROV (wasDerivedFrom).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.assemble.iris import entity_iri, evaluation_iri, mention_iri, paper_iri
from kg.assemble.merge import KnowledgeGraph
from kg.config import ONTOLOGY_NS
from kg.model import Extraction

KG = Namespace(ONTOLOGY_NS)
SCHEMA = Namespace("https://schema.org/")

#: Paper -> entity property by entity type.
USES = {
    "Method": KG.usesMethod, "Architecture": KG.usesArchitecture, "Dataset": KG.usesDataset,
    "Metric": KG.reportsMetric, "Task": KG.addressesTask,
}
PREFIXES = {"kg": KG, "dcterms": DCTERMS, "schema": SCHEMA, "skos": SKOS, "prov": PROV, "xsd": XSD,
            "paper": Namespace(paper_iri("x")[:-1]), "entity": Namespace(entity_iri("x")[:-1])}


def _nni(n: int) -> Literal:
    return Literal(n, datatype=XSD.nonNegativeInteger)


def _text(s: str) -> Literal:
    """A plain string literal, with characters XML and Turtle cannot hold replaced."""
    return Literal(clean_text(s))


def clean_text(s: str) -> str:
    """Replace lone surrogates and control characters (other than tab and newline) with U+FFFD.

    They cannot be written in N-Triples/Turtle/XML 1.0, so an export that kept them would not
    parse back. Everything else, quotes and markup included, is kept exactly.
    """
    if s.isprintable() or all(c.isprintable() or c in "\t\n\r " for c in s):
        if not any(0xD800 <= ord(c) <= 0xDFFF for c in s):
            return s
    return "".join(
        "\ufffd" if (0xD800 <= ord(c) <= 0xDFFF) or (ord(c) < 32 and c not in "\t\n\r")
        or 0x7F <= ord(c) <= 0x9F or c in "\ufffe\uffff" else c
        for c in s
    )


def paper_triples(ex: Extraction, kg: KnowledgeGraph, evidence: bool = True) -> Iterator[tuple]:
    """Triples of one paper: metadata, entity links, mentions (evidence) and evaluations."""
    p = ex.paper
    s = paper_iri(p.id)
    yield s, RDF.type, KG.Paper
    yield s, DCTERMS.identifier, _text(p.id)
    if p.title:
        yield s, DCTERMS.title, _text(p.title)
    yield s, DCTERMS.abstract, _text(p.abstract)
    if p.date is not None:
        yield s, DCTERMS.date, Literal(p.date, datatype=XSD.date)
    if p.date_text:
        yield s, KG.dateText, _text(p.date_text)
    if p.author_count is not None:
        yield s, KG.authorCount, _nni(p.author_count)
    for a in p.authors:
        yield s, DCTERMS.creator, _text(a)
    if p.id.startswith("arXiv:"):
        yield s, KG.arxivId, _text(p.id[6:])
    if p.url:
        yield s, SCHEMA.url, Literal(clean_text(p.url), datatype=XSD.anyURI)
    for c in p.categories:
        yield s, DCTERMS.subject, _text(c)
    for src in p.sources:
        yield s, KG.source, _text(str(src))
    if p.upvotes is not None:
        yield s, KG.upvotes, _nni(p.upvotes)
    seen = set()
    for m in ex.mentions:
        if m.key in seen:
            continue
        seen.add(m.key)
        e = entity_iri(m.key)
        yield s, USES[kg.entity_type(m.key)], e
        if m.proposed:
            yield s, KG.proposes, e
    if evidence:
        for n, m in enumerate(ex.mentions):
            mi = mention_iri(p.id, n)
            yield s, KG.hasMention, mi
            yield mi, RDF.type, KG.Mention
            yield mi, KG.refersTo, entity_iri(m.key)
            yield mi, KG.surfaceForm, _text(m.text)
            if m.sentence < len(ex.sentences):
                yield mi, KG.sentence, _text(ex.sentences[m.sentence])
            yield mi, KG.sentenceIndex, _nni(m.sentence)
            yield mi, KG.charStart, _nni(m.start)
            yield mi, KG.charEnd, _nni(m.end)
            yield mi, KG.foundBy, _text(m.rule)
            yield mi, KG.confidence, Literal(Decimal(str(m.confidence)), datatype=XSD.decimal)
            yield mi, KG.isProposal, Literal(m.proposed)
            yield mi, PROV.wasDerivedFrom, s
        for n, ev in enumerate(ex.evaluations):
            ei = evaluation_iri(p.id, n)
            yield s, KG.evaluation, ei
            yield ei, RDF.type, KG.Evaluation
            yield ei, KG.onDataset, entity_iri(ev.dataset)
            yield ei, KG.withMetric, entity_iri(ev.metric)
            yield ei, KG.sentence, _text(ex.sentences[ev.sentence] if ev.sentence < len(ex.sentences) else "")


def entity_triples(kg: KnowledgeGraph, cooccurrence: bool = True) -> Iterator[tuple]:
    """Triples of every merged entity (type, labels, paper count) and co-occurrence links."""
    for key, ent in kg.entities.items():
        e = entity_iri(key)
        yield e, RDF.type, KG[ent.type]
        yield e, SKOS.prefLabel, _text(ent.label)
        for a in ent.alt_labels:
            yield e, SKOS.altLabel, _text(a)
        yield e, KG.paperCount, _nni(len(ent.papers))
        yield e, KG.inVocabulary, Literal(ent.in_vocabulary)
    if cooccurrence:
        for a, b in kg.cooccurrence:
            ea, eb = entity_iri(a), entity_iri(b)
            yield ea, KG.cooccursWith, eb
            yield eb, KG.cooccursWith, ea


def triples(kg: KnowledgeGraph, evidence: bool = True) -> Iterator[tuple]:
    """Every triple of the graph, papers first, then entities."""
    for ex in kg.extractions:
        yield from paper_triples(ex, kg, evidence)
    yield from entity_triples(kg)


def to_rdf(kg: KnowledgeGraph, evidence: bool = True) -> Graph:
    """The whole knowledge graph as an rdflib Graph with our prefixes bound."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for t in triples(kg, evidence):
        g.add(t)
    return g


__all__ = ["KG", "SCHEMA", "USES", "PREFIXES", "to_rdf", "triples", "clean_text", "BNode", "URIRef"]
