"""kg.query.guard: the checks on a query's text before pyoxigraph parses it.

The texts that refuse must be refused whatever the spelling; the others must pass, and the ones
that pyoxigraph really reads as federated queries are checked against pyoxigraph itself.
"""

from __future__ import annotations

import pyoxigraph
import pytest

from kg.config import QUERY_MAX_DEPTH, QUERY_MAX_TOKENS
from kg.query import example_queries
from kg.query.guard import QueryRefused, check_query, looks_like_update

IRI = "<http://127.0.0.1:9/sparql>"
# Every way we found to write SERVICE so that a naive scan misses it (the ones pyoxigraph 0.5
# parses as a federated query are marked True: test_pyoxigraph_reads_these_as_service checks it).
SERVICE_SPELLINGS = [
    (f"SELECT * {{ SERVICE {IRI} {{ ?s ?p ?o }} }}", True),
    (f"select * {{ sErViCe {IRI} {{ ?s ?p ?o }} }}", True),
    (f"SELECT * {{ SERVICE SILENT {IRI} {{ ?s ?p ?o }} }}", True),
    (f"SELECT * {{ SERVICE#comment\n{IRI}{{ ?s ?p ?o }} }}", True),
    (f"SELECT * {{ SERVICE{IRI}{{ ?s ?p ?o }} }}", True),
    ("PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }", True),
    ("PREFIX : <http://127.0.0.1:9/> SELECT * { service:sparql { ?s ?p ?o } }", True),  # SERVICE + :sparql
    ("PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICEe:sparql { ?s ?p ?o } }", True),
    (f"SELECT * {{ ?s ?p 1SERVICE {IRI} {{ ?s ?p ?o }} }}", True),
    (f"SELECT * {{ ?s ?p trueSERVICE {IRI} {{ ?s ?p ?o }} }}", True),
    (f"SELECT * {{ ?s ?p 1e1SERVICE {IRI} {{ ?s ?p ?o }} }}", True),
    (f'SELECT * {{ ?s ?p "x"SERVICE {IRI} {{ ?s ?p ?o }} }}', True),
    (f"SELECT * {{ ?s ?p ?o.SERVICE {IRI} {{ ?s ?p ?o }} }}", True),
    (f"SELECT * {{ ?s ?p ?o OPTIONAL{{}}SERVICE {IRI} {{ ?s ?p ?o }} }}", True),
    (f"SELECT * {{ ?s ?p ?o FILTER(?o)SERVICE {IRI} {{ ?s ?p ?o }} }}", True),
    (f"PREFIX e: <http://e/> SELECT * {{ ?s ?p e:a\\#b SERVICE {IRI} {{ ?s ?p ?o }} }}", True),
    (f"SELECT * {{ {{ SELECT * {{ SERVICE {IRI} {{ ?s ?p ?o }} }} }} }}", True),
    (f"SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE {IRI} {{ ?s ?p ?o }} }} }}", True),
    (f"ASK {{ GRAPH ?g {{ OPTIONAL {{ SERVICE {IRI} {{ ?s ?p ?o }} }} }} }}", True),
    (f"PREFIX e: <http://e/> SELECT * {{ ?s ?p e:a\\' SERVICE {IRI} {{ ?s ?p ?o }} FILTER('x') }}", True),
    # not parsed as SERVICE by pyoxigraph 0.5, but by the SPARQL spec or a parser that differs a little:
    (f"SELECT * {{ ?s ?p 'it''s' SERVICE {IRI} {{ ?s ?p ?o }} }}", False),
    (f"SELECT * {{ \\u0053ERVICE {IRI} {{ ?s ?p ?o }} }}", False),  # codepoint escapes decoded first
    (f'SELECT * {{ ?s ?p "a\\u0022 SERVICE {IRI} {{ ?s ?p ?o }} \\u0022" }}', False),
    (f"SELECT * {{ ?s ?p '''a''''SERVICE {IRI} {{ ?s ?p ?o }} }}", False),
    (f"SELECT * {{ ſervice {IRI} {{ ?s ?p ?o }} }}", False),  # Unicode case folding
    (f"SELECT * {{ ＳＥＲＶＩＣＥ {IRI} {{ ?s ?p ?o }} }}", False),  # full-width letters
    (f"SELECT * {{ ?s ?p \"unterminated SERVICE {IRI} {{ ?s ?p ?o }} }}", False),
]
# Legal queries in which SERVICE is no keyword: they must pass.
NOT_SERVICE = [
    "SELECT ?service WHERE { ?service <http://x/service> ?o . ?o <http://schema.org/serviceType> 'service'@en }",
    "PREFIX schema: <https://schema.org/> SELECT * { ?s a schema:Service ; schema:service-type ?t } # SERVICE",
    "SELECT * { ?s ?p ?o FILTER(?o = 'SERVICE' || ?o = \"\"\"a SERVICE <x> {}\"\"\") }",
    "SELECT * { ?s ?p _:service . ?s ?p $service }",
    "SELECT * { ?s ?p '''it's a\nSERVICE''' }",
    "SELECT * { ?s ?p 'x'@service }",
]


@pytest.mark.parametrize("text", [t for t, _ in SERVICE_SPELLINGS])
def test_every_spelling_of_service_is_refused(text):
    with pytest.raises(QueryRefused, match=r"SERVICE.*--allow-service"):
        check_query(text)
    check_query(text, allow_service=True)  # the option lets it through


def test_pyoxigraph_reads_these_as_service():
    """The marked spellings are really federated queries for pyoxigraph (port 9 is refused by its
    HTTP client before any connection, so nothing is sent anywhere)."""
    store = pyoxigraph.Store()
    store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://e/s"), pyoxigraph.NamedNode("http://e/p"),
                              pyoxigraph.Literal("x")))
    for text, is_service in SERVICE_SPELLINGS:
        text = text.replace("?s ?p 1", "?s ?p ?o . ?s ?p 1").replace("?s ?p true", "?s ?p ?o . ?s ?p true")
        try:
            res = store.query(text)
            list(res) if isinstance(res, pyoxigraph.QuerySolutions) else bool(res)
            outcome = "ran"
        except OSError as e:
            outcome = "fetched" if "port 9" in str(e) else f"{e}"
        except (SyntaxError, RuntimeError) as e:
            outcome = f"{e}"
        if is_service:
            assert outcome in ("fetched", "ran"), (text, outcome)
        else:
            assert outcome != "fetched", text


@pytest.mark.parametrize("text", NOT_SERVICE + list(example_queries().values()))
def test_queries_without_service_pass(text):
    check_query(text)


def test_nesting_and_size_limits():
    ok = "ASK { FILTER(" + "(" * (QUERY_MAX_DEPTH - 3) + "1" + ")" * (QUERY_MAX_DEPTH - 3) + ") }"
    check_query(ok)
    for deep in ("ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", "ASK " + "{" * 5000 + "}" * 5000,
                 "ASK " + "{ FILTER EXISTS " * 900 + "{}" + "}" * 900):
        with pytest.raises(QueryRefused, match="nest more than"):
            check_query(deep)
    union = "SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }"
    with pytest.raises(QueryRefused, match="more than 20,000"):
        check_query(union)
    binds = "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(QUERY_MAX_TOKENS)) + " }"
    with pytest.raises(QueryRefused, match="keywords, brackets and operators"):
        check_query(binds)
    # numbers, IRIs, strings and variables are not counted: a long VALUES list is fine
    check_query("SELECT * { VALUES ?x { " + " ".join(f'"v{i}" <http://e/{i}> {i}' for i in range(20_000)) + " } }")


def test_huge_texts_are_checked_in_linear_time():
    import time

    for text in ('"\\' * 400_000, "'''" + "a''" * 300_000, "'\"" * 400_000, "(" * 1_000_000, "a " * 500_000):
        t = time.perf_counter()
        try:
            check_query(text)
        except QueryRefused:
            pass
        assert time.perf_counter() - t < 3, text[:20]


def test_looks_like_update():
    assert looks_like_update("PREFIX a: <x:>\n# c\n insert data { }")
    assert not looks_like_update("SELECT * { ?s ?p ?o }")
