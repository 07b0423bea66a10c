"""RDF exports of the sample build parse back, with rdflib and with pyoxigraph."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.assemble.rdf import KG


@pytest.fixture(scope="module")
def built(sample_build):
    out, result = sample_build
    return out, result


@pytest.mark.parametrize("name,fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")])
def test_rdf_files_parse_back_to_the_same_graph(built, name, fmt):
    out, result = built
    reference = Graph().parse(out / "graph.nt", format="nt")
    g = Graph().parse(out / name, format=fmt)
    assert len(g) == len(reference) > 10_000
    assert isomorphic(g, reference)


@pytest.mark.parametrize("name,fmt", [("graph.ttl", pyoxigraph.RdfFormat.TURTLE),
                                      ("graph.nt", pyoxigraph.RdfFormat.N_TRIPLES),
                                      ("graph.jsonld", pyoxigraph.RdfFormat.JSON_LD)])
def test_a_second_parser_reads_the_same_graph(built, name, fmt):
    """pyoxigraph reads every file to the same set of triples (no blank nodes: equal sets are
    isomorphic graphs), as many as rdflib reads."""
    out, _ = built
    n = len(Graph().parse(out / "graph.nt", format="nt"))
    reference = set(pyoxigraph.parse(path=str(out / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    triples = set(pyoxigraph.parse(path=str(out / name), format=fmt))
    assert triples == reference and len(triples) == n


def test_every_paper_is_a_node_even_without_entities(built):
    out, result = built
    g = Graph().parse(out / "graph.ttl", format="turtle")
    papers = set(g.subjects(predicate=None, object=KG.Paper))
    assert len(papers) == result.report.papers == 197


def test_untitled_paper_and_partial_date(tmp_path, sample_dir):
    """A paper without a title and a date without a year still land in the graph."""
    from kg.build import build
    from kg.config import BuildConfig

    page = (sample_dir / "000_dc7a3a9ccd66748c.txt").read_text(encoding="utf-8").split("\n")
    abstract = next(l for l in page if len(l) > 300)
    src = tmp_path / "page.txt"
    src.write_text("\n".join(["byAK and the research community", "", "Oct 30", "", abstract, "",
                              "  • 3 authors", "·", "Oct 15"]) + "\n", encoding="utf-8")
    result = build(BuildConfig(inputs=(src,), out_dir=tmp_path / "out", formats=("turtle",), quiet=True))
    g = Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    rows = list(g.query("""PREFIX kg: <https://w3id.org/paper-kg/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?t ?d ?dt ?n WHERE { ?p a kg:Paper ; kg:dateText ?dt ; kg:authorCount ?n .
        OPTIONAL { ?p dcterms:title ?t } OPTIONAL { ?p dcterms:date ?d } }"""))
    assert [(r.t, r.d, str(r.dt), int(r.n)) for r in rows] == [(None, None, "Oct 15", 3)]
    assert result.report.untitled == 1
