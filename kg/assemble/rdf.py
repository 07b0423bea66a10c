"""The knowledge graph as RDF, in the paper-kg ontology (``ontology/kg.ttl``).

Terms reused where they fit: dcterms (title, abstract, date, creator, identifier, subject),
schema.org (ScholarlyArticle, url), SKOS (prefLabel, altLabel), PROV (wasDerivedFrom).

The graph is produced as N-Triples lines, one source of truth for every RDF export: written
as they come (``graph.nt``), bulk-loaded into pyoxigraph (the store, Turtle, JSON-LD), or
parsed into an rdflib Graph where one is wanted (:func:`to_rdf`, validation). IRIs are
minted from ids and keys (:mod:`kg.assemble.iris`); text goes only into literals, escaped.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from kg.assemble.iris import entity_iri, evaluation_iri, mention_iri, paper_iri, result_iri
from kg.assemble.merge import KnowledgeGraph
from kg.config import ONTOLOGY_NS, RESOURCE_NS
from kg.model import Extraction

KG = Namespace(ONTOLOGY_NS)
SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, str] = {
    "kg": ONTOLOGY_NS, "dcterms": str(DCTERMS), "schema": str(SCHEMA), "skos": str(SKOS),
    "prov": str(PROV), "xsd": str(XSD), "rdf": str(RDF),
    "paper": f"{RESOURCE_NS}paper/", "entity": f"{RESOURCE_NS}entity/",
}

# -- N-Triples terms ------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def clean_text(s: str) -> str:
    """Replace lone surrogates and control characters (other than tab, newline, CR) by U+FFFD.

    They cannot be written in N-Triples/Turtle/XML 1.0, so an export that kept them would not
    parse back. Everything else, quotes and markup included, is kept exactly.
    """
    if s.isprintable():
        return s
    return "".join(
        "\ufffd" if (0xD800 <= ord(c) <= 0xDFFF) or (ord(c) < 32 and c not in "\t\n\r")
        or 0x7F <= ord(c) <= 0x9F or c in "\ufffe\uffff" else c
        for c in s
    )


def _iri(iri: str) -> str:
    return f"<{iri}>"


def lit(s: str) -> str:
    """A plain string literal."""
    s = clean_text(s)
    if '"' in s or "\\" in s or "\n" in s or "\r" in s:  # most text needs no escapes: skip translate()
        s = s.translate(_ESCAPES)
    return f'"{s}"'


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{datatype}>'


def _nni(n: int) -> str:
    return _typed(str(int(n)), XSD_NNI)


XSD_NNI = str(XSD.nonNegativeInteger)
_TRUE, _FALSE = _typed("true", str(XSD.boolean)), _typed("false", str(XSD.boolean))
A = _iri(str(RDF.type))
T = {name: _iri(str(ns[local])) for name, (ns, local) in {
    "Paper": (KG, "Paper"), "Mention": (KG, "Mention"), "Evaluation": (KG, "Evaluation"),
    "title": (DCTERMS, "title"), "abstract": (DCTERMS, "abstract"), "date": (DCTERMS, "date"),
    "creator": (DCTERMS, "creator"), "identifier": (DCTERMS, "identifier"), "subject": (DCTERMS, "subject"),
    "dateText": (KG, "dateText"), "authorCount": (KG, "authorCount"), "arxivId": (KG, "arxivId"),
    "url": (SCHEMA, "url"), "source": (KG, "source"), "upvotes": (KG, "upvotes"),
    "proposes": (KG, "proposes"), "hasMention": (KG, "hasMention"), "refersTo": (KG, "refersTo"),
    "surfaceForm": (KG, "surfaceForm"), "sentence": (KG, "sentence"), "sentenceIndex": (KG, "sentenceIndex"),
    "charStart": (KG, "charStart"), "charEnd": (KG, "charEnd"), "foundBy": (KG, "foundBy"),
    "confidence": (KG, "confidence"), "isProposal": (KG, "isProposal"), "wasDerivedFrom": (PROV, "wasDerivedFrom"),
    "evaluation": (KG, "evaluation"), "onDataset": (KG, "onDataset"), "withMetric": (KG, "withMetric"),
    "prefLabel": (SKOS, "prefLabel"), "altLabel": (SKOS, "altLabel"), "paperCount": (KG, "paperCount"),
    "inVocabulary": (KG, "inVocabulary"), "cooccursWith": (KG, "cooccursWith"),
    "Result": (KG, "Result"), "reportsResult": (KG, "reportsResult"), "resultMetric": (KG, "resultMetric"),
    "resultDataset": (KG, "resultDataset"), "resultSystem": (KG, "resultSystem"), "metricName": (KG, "metricName"),
    "datasetName": (KG, "datasetName"), "systemName": (KG, "systemName"), "value": (KG, "value"),
    "valueHigh": (KG, "valueHigh"), "valueText": (KG, "valueText"), "unit": (KG, "unit"),
    "resultKind": (KG, "resultKind"), "byProposedSystem": (KG, "byProposedSystem"),
}.items()}
#: Paper -> entity property by entity type.
USES = {t: _iri(str(KG[p])) for t, p in {
    "Method": "usesMethod", "Architecture": "usesArchitecture", "Dataset": "usesDataset",
    "Metric": "reportsMetric", "Task": "addressesTask"}.items()}
TYPE_CLASS = {t: _iri(str(KG[t])) for t in ("Method", "Architecture", "Dataset", "Metric", "Task")}
_DATE, _ANYURI, _DECIMAL = str(XSD.date), str(XSD.anyURI), str(XSD.decimal)


class EntityRefs(dict):
    """``refs[key]`` is the N-Triples term of an entity (``<IRI>``), made once per key: keep
    one for a whole pass over the papers (an entity recurs in many of them)."""

    def __missing__(self, key: str) -> str:
        ref = self[key] = _iri(entity_iri(key))
        return ref


def paper_lines(ex: Extraction, kg: KnowledgeGraph, evidence: bool = True,
                refs: EntityRefs | None = None) -> Iterator[str]:
    """N-Triples lines of one paper: metadata, entity links, mentions and evaluations.

    ``refs`` caches entity terms across calls (a fresh cache by default).
    """
    refs = EntityRefs() if refs is None else refs
    p = ex.paper
    s = _iri(paper_iri(p.id))
    out = [f"{s} {A} {T['Paper']} .", f"{s} {T['identifier']} {lit(p.id)} ."]
    if p.title:
        out.append(f"{s} {T['title']} {lit(p.title)} .")
    out.append(f"{s} {T['abstract']} {lit(p.abstract)} .")
    if p.date is not None:
        out.append(f"{s} {T['date']} {_typed(p.date.isoformat(), _DATE)} .")
    if p.date_text:
        out.append(f"{s} {T['dateText']} {lit(p.date_text)} .")
    if p.author_count is not None:
        out.append(f"{s} {T['authorCount']} {_nni(p.author_count)} .")
    out += [f"{s} {T['creator']} {lit(a)} ." for a in p.authors]
    if p.id.startswith("arXiv:"):
        out.append(f"{s} {T['arxivId']} {lit(p.id[6:])} .")
    if p.url:
        out.append(f"{s} {T['url']} \"{clean_text(p.url).translate(_ESCAPES)}\"^^<{_ANYURI}> .")
    out += [f"{s} {T['subject']} {lit(c)} ." for c in p.categories]
    out += [f"{s} {T['source']} {lit(str(src))} ." for src in p.sources]
    if p.upvotes is not None:
        out.append(f"{s} {T['upvotes']} {_nni(p.upvotes)} .")
    proposed = {m.key for m in ex.mentions if m.proposed}
    for key in dict.fromkeys(m.key for m in ex.mentions):
        e = refs[key]
        out.append(f"{s} {USES[kg.entity_type(key)]} {e} .")
        if key in proposed:
            out.append(f"{s} {T['proposes']} {e} .")
    if evidence:
        mention_base = _iri(mention_iri(p.id, 0))[:-2]  # "<...mention/SLUG/": the number goes after it
        mis = [f"{mention_base}{n}>" for n in range(len(ex.mentions))]
        out += [f"{s} {T['hasMention']} {mi} ." for mi in mis]
        sents = [lit(x) for x in ex.sentences]
        evaluations = [ev for ev in ex.evaluations if ev.sentence < len(sents)]  # evidence required
        eis = [_iri(evaluation_iri(p.id, n)) for n in range(len(evaluations))]
        out += [f"{s} {T['evaluation']} {ei} ." for ei in eis]
        for mi, m in zip(mis, ex.mentions):
            out += [
                f"{mi} {A} {T['Mention']} .",
                f"{mi} {T['refersTo']} {refs[m.key]} .",
                f"{mi} {T['surfaceForm']} {lit(m.text)} .",
                f"{mi} {T['sentenceIndex']} {_nni(m.sentence)} .",
                f"{mi} {T['charStart']} {_nni(m.start)} .",
                f"{mi} {T['charEnd']} {_nni(m.end)} .",
                f"{mi} {T['foundBy']} {lit(m.rule)} .",
                f"{mi} {T['confidence']} {_typed(f'{m.confidence:.3f}', _DECIMAL)} .",
                f"{mi} {T['isProposal']} {_TRUE if m.proposed else _FALSE} .",
                f"{mi} {T['wasDerivedFrom']} {s} .",
            ]
            if m.sentence < len(sents):
                out.append(f"{mi} {T['sentence']} {sents[m.sentence]} .")
        for ei, ev in zip(eis, evaluations):  # (results follow, with or without evidence nodes)
            out += [
                f"{ei} {A} {T['Evaluation']} .",
                f"{ei} {T['onDataset']} {refs[ev.dataset]} .",
                f"{ei} {T['withMetric']} {refs[ev.metric]} .",
                f"{ei} {T['sentence']} {sents[ev.sentence]} .",
            ]
    out += result_lines(ex, kg, s, refs)
    return iter(out)


def decimal_literal(x: float) -> str:
    """An xsd:decimal literal of a parsed value (no exponent: xsd:decimal has none)."""
    text = f"{x:.10f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))
    return _typed(text if text not in ("-0", "") else "0", _DECIMAL)


def result_lines(ex: Extraction, kg: KnowledgeGraph, s: str, refs: EntityRefs) -> list[str]:
    """N-Triples lines of a paper's results (``s``: the paper's term): a ``kg:Result`` node each,
    linked to the paper and to its metric, dataset and system entities when the graph has them,
    with the value as an ``xsd:decimal``, the value as written and the evidence sentence. Written
    for every build, large ones too: a paper reports a result or two, never dozens of mentions."""
    out: list[str] = []
    p = ex.paper
    for n, r in enumerate(ex.results):
        if r.sentence >= len(ex.sentences):
            continue  # no evidence, no result
        ri = _iri(result_iri(p.id, n))
        out += [
            f"{ri} {A} {T['Result']} .",
            f"{s} {T['reportsResult']} {ri} .",
            f"{ri} {T['wasDerivedFrom']} {s} .",
            f"{ri} {T['metricName']} {lit(r.metric)} .",
            f"{ri} {T['value']} {decimal_literal(r.number)} .",
            f"{ri} {T['valueText']} {lit(r.value)} .",
            f"{ri} {T['resultKind']} {lit(r.kind)} .",
            f"{ri} {T['byProposedSystem']} {_TRUE if r.proposed else _FALSE} .",
            f"{ri} {T['sentence']} {lit(ex.sentences[r.sentence])} .",
        ]
        if r.number_high is not None:
            out.append(f"{ri} {T['valueHigh']} {decimal_literal(r.number_high)} .")
        if r.unit:
            out.append(f"{ri} {T['unit']} {lit(r.unit)} .")
        if r.metric_key in kg.entities and kg.entity_type(r.metric_key) == "Metric":
            out.append(f"{ri} {T['resultMetric']} {refs[r.metric_key]} .")
        if r.dataset is not None:
            out.append(f"{ri} {T['datasetName']} {lit(r.dataset)} .")
            if r.dataset_key in kg.entities and kg.entity_type(r.dataset_key) == "Dataset":
                out.append(f"{ri} {T['resultDataset']} {refs[r.dataset_key]} .")
        if r.system is not None:
            out.append(f"{ri} {T['systemName']} {lit(r.system)} .")
            if r.system_key in kg.entities and kg.entity_type(r.system_key) in ("Method", "Architecture"):
                out.append(f"{ri} {T['resultSystem']} {refs[r.system_key]} .")
    return out


def entity_lines(kg: KnowledgeGraph, cooccurrence: bool = True, refs: EntityRefs | None = None) -> Iterator[str]:
    """N-Triples lines of every merged entity and of the co-occurrence links."""
    refs = EntityRefs() if refs is None else refs
    for key, ent in kg.entities.items():
        e = refs[key]
        yield f"{e} {A} {TYPE_CLASS[ent.type]} ."
        yield f"{e} {T['prefLabel']} {lit(ent.label)} ."
        for a in ent.alt_labels:
            yield f"{e} {T['altLabel']} {lit(a)} ."
        yield f"{e} {T['paperCount']} {_nni(len(ent.papers))} ."
        yield f"{e} {T['inVocabulary']} {_TRUE if ent.in_vocabulary else _FALSE} ."
    if cooccurrence:
        for a, b in kg.cooccurrence:
            ea, eb = refs[a], refs[b]
            yield f"{ea} {T['cooccursWith']} {eb} ."
            yield f"{eb} {T['cooccursWith']} {ea} ."


def ntriples_lines(kg: KnowledgeGraph, evidence: bool | None = None) -> Iterator[str]:
    """Every triple of the graph as an N-Triples line (no newline), papers first.

    ``evidence`` (default: the graph's own setting) adds a node per mention.
    """
    evidence = kg.evidence if evidence is None else evidence
    refs = EntityRefs()
    for ex in kg.extractions:
        yield from paper_lines(ex, kg, evidence, refs)
    yield from entity_lines(kg, refs=refs)


def write_ntriples(kg: KnowledgeGraph, f, evidence: bool | None = None) -> int:
    """Stream the graph as N-Triples into a binary file; return the number of triples."""
    n = 0
    buf: list[str] = []
    for line in ntriples_lines(kg, evidence):
        buf.append(line)
        if len(buf) >= 10_000:
            f.write(("\n".join(buf) + "\n").encode("utf-8"))
            n += len(buf)
            buf = []
    if buf:
        f.write(("\n".join(buf) + "\n").encode("utf-8"))
        n += len(buf)
    return n


def ntriples(kg: KnowledgeGraph, evidence: bool | None = None) -> bytes:
    """The whole graph as N-Triples bytes (small graphs; large ones stream, see write_ntriples)."""
    return "".join(line + "\n" for line in ntriples_lines(kg, evidence)).encode("utf-8")


def to_rdf(kg: KnowledgeGraph | None = None, data: bytes | None = None) -> Graph:
    """The graph as an rdflib Graph with our prefixes bound (from ``kg`` or N-Triples ``data``)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    g.parse(data=data if data is not None else ntriples(kg), format="nt")
    return g
