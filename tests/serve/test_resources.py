"""`kg serve` resolves the graph's IRIs: ``/id/entity/{key}`` and ``/id/paper/{id}`` by content
negotiation, over HTTP on the real sample build (one server per module, 127.0.0.1, port 0)."""

from __future__ import annotations

import http.client
import json
import threading

import pandas as pd
import pytest
import rdflib
from rdflib.namespace import SKOS

from kg.assemble.iris import entity_iri, paper_iri
from kg.lookup import open_lookup
from kg.serve import make_server

KG = rdflib.Namespace("https://w3id.org/paper-kg/ontology#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def build(sample_build):
    return sample_build[0]


@pytest.fixture(scope="module")
def server(build):
    srv = make_server(build, "127.0.0.1", 0, quiet=True, max_concurrent=1, timeout=30)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def get(server, path, accept=None, host=None, method="GET", origin=None):
    c = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    headers = {}
    if accept is not None:
        headers["Accept"] = accept
    if host is not None:
        headers["Host"] = host
    if origin is not None:
        headers["Origin"] = origin
    try:
        c.request(method, path, headers=headers)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


@pytest.mark.parametrize("kind", ["entity", "paper"])
def test_rdf_representations_agree_and_match_the_graph(server, build, kind):
    lookup = open_lookup(build)
    if kind == "entity":
        iri, path = str(entity_iri("imagenet")), "/id/entity/imagenet"
    else:
        pid = pd.read_csv(build / "mentions.csv").paper_id.iloc[0]
        iri = str(paper_iri(pid))
        path = "/id/" + iri.split("/id/", 1)[1]
    graphs = {}
    for accept, fmt, ctype in (("text/turtle", "turtle", "text/turtle"),
                               ("application/ld+json", "json-ld", "application/ld+json"),
                               ("application/n-triples;q=0.9, text/html;q=0.1", "nt", "application/n-triples")):
        status, headers, body = get(server, path, accept)
        assert status == 200, body
        assert headers["content-type"].startswith(ctype) and headers["vary"] == "Accept"
        graphs[fmt] = rdflib.Graph().parse(data=body, format=fmt)
    g = graphs["turtle"]
    assert set(graphs["nt"]) == set(g) == set(graphs["json-ld"])
    node = rdflib.URIRef(iri)
    if kind == "entity":
        rec = lookup.entity(iri)
        assert g.value(node, SKOS.prefLabel) == rdflib.Literal("ImageNet")
        papers = set(g.subjects(KG.usesDataset, node))
        assert len(papers) == rec["paper_count"] == int(g.value(node, KG.paperCount))
        mentions = pd.read_csv(build / "mentions.csv")
        assert len(set(g.subjects(KG.refersTo, node))) == (mentions.entity_key == "imagenet").sum()
    else:
        rec = lookup.paper(iri)
        assert str(g.value(node, rdflib.namespace.DCTERMS.identifier)) == rec["id"]
        mentions = set(g.objects(node, KG.hasMention))
        assert len(mentions) == len(rec["mentions"])
        assert {str(g.value(m, KG.surfaceForm)) for m in mentions} == {m["surface"] for m in rec["mentions"]}


def test_entity_html_page(server, build):
    status, headers, body = get(server, "/id/entity/convolutional-neural-network", BROWSER)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["content-security-policy"] and headers["vary"] == "Accept"
    page = body.decode()
    rec = open_lookup(build).entity(str(entity_iri("convolutional neural network")))
    assert "<h1>convolutional neural network" in page and '<a href="/">graph view</a>' in page
    for items in rec["cooccurring"].values():  # neighbours are links to their own pages
        for i in items:
            assert f'href="{i["path"] if "path" in i else "/id/" + i["iri"].split("/id/", 1)[1]}"' in page
    for ev in rec["evidence"]:
        assert f'href="/id/paper/{ev["paper"]["iri"].rsplit("/", 1)[1]}"' in page
    assert page.count("<mark>") == len(rec["evidence"]) + sum(1 for p in rec["proposed_by"] if p["mark"])
    assert "<script" not in page and "http" not in page.replace(rec["iri"], "")  # loads nothing from anywhere


def test_paper_html_page_links_its_entities(server, build):
    pid = pd.read_csv(build / "mentions.csv").paper_id.iloc[0]
    path = "/id/" + str(paper_iri(pid)).split("/id/", 1)[1]
    status, headers, body = get(server, path)
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode()
    rec = open_lookup(build).paper(str(paper_iri(pid)))
    for items in rec["entities"].values():
        for e in items:
            assert f'href="/id/entity/{e["iri"].rsplit("/", 1)[1]}"' in page
    status, headers, body = get(server, path, "application/json")
    assert status == 200 and json.loads(body)["id"] == pid


def test_leaderboards_page_is_served_and_linked_from_entity_pages(server, build):
    status, headers, body = get(server, "/leaderboards")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert body == (build / "leaderboards.html").read_bytes()
    _, _, page = get(server, "/id/entity/imagenet", accept=BROWSER)
    assert b'<a href="/leaderboards">leaderboards</a>' in page


def test_unknown_and_unacceptable(server):
    for path in ("/id/entity/no-such-entity", "/id/paper/no-such-paper", "/id/entity/a%20b", "/id/thing/x",
                 "/id/entity", "/id/entity/imagenet/more"):
        status, headers, body = get(server, path, "text/turtle")
        assert status == 404, path
        assert body.startswith(b"not found")
    status, headers, body = get(server, "/id/entity/imagenet", "image/png, application/pdf;q=0.5")
    assert status == 406 and b"text/turtle" in body and headers["vary"] == "Accept"
    status, _, body = get(server, "/id/entity/imagenet", "text/html;q=0, */*")
    assert status == 200 and body.startswith(b"@prefix")
    status, headers, body = get(server, "/id/entity/imagenet", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 1000


def test_server_guarantees_hold_on_resources(server):
    port = server.server_address[1]
    status, _, body = get(server, "/id/entity/imagenet", host=f"attacker.example:{port}")
    assert status == 403 and b"DNS rebinding" in body
    status, headers, _ = get(server, "/id/entity/imagenet", "text/turtle", origin="http://attacker.example")
    assert status == 200 and "access-control-allow-origin" not in headers
