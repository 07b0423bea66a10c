"""`kg serve`: the SPARQL 1.1 Protocol endpoint, queried by a real client (SPARQLWrapper).

Every answer is compared with :func:`kg.query.run_query` on the same build. Each server runs in a
thread on 127.0.0.1, port 0, and is shut down by its fixture; every request has a client timeout.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph
import pytest

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, XML  # noqa: E402
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed  # noqa: E402

from kg.config import BuildConfig  # noqa: E402
from kg.query import example_queries, open_graph, run_query  # noqa: E402
from kg.serve import make_server  # noqa: E402
from kg.serve.results import SOLUTION_TYPES, negotiate  # noqa: E402

CLIENT_TIMEOUT = 20  # seconds, every request
MAX_ROWS = 1000
KG = "https://w3id.org/paper-kg/ontology#"


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    from kg.build import build

    out = tmp_path_factory.mktemp("serve-build")
    build(BuildConfig(out_dir=out, quiet=True, formats=("store", "html", "turtle")))
    return out


def _start(build_dir, **kw):
    server = make_server(build_dir, "127.0.0.1", 0, quiet=True, **kw)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread


def _stop(server, thread):
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def server(build_dir):
    srv, thread = _start(build_dir, timeout=30, max_rows=MAX_ROWS)
    yield srv
    _stop(srv, thread)


@pytest.fixture(scope="module")
def endpoint(server):
    return server.url + "sparql"


@pytest.fixture(scope="module")
def reference(build_dir):
    """Each example query's answer from run_query, as a set of row tuples."""
    store = open_graph(build_dir)
    out = {}
    for name, q in example_queries().items():
        cols, rows = run_query(store, q)
        assert rows and len(rows) < MAX_ROWS, name
        out[name] = (cols, {tuple(r) for r in rows})
    return out


def _client(endpoint, query, fmt, method="GET", direct=False):
    sw = SPARQLWrapper.SPARQLWrapper(endpoint)
    sw.setTimeout(CLIENT_TIMEOUT)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method == "POST":
        sw.setMethod(POST)
        if direct:
            sw.setRequestMethod(POSTDIRECTLY)
    return sw


def _http(url, data=None, headers=None, method=None):
    """(status, headers, body) of a raw request; error statuses are returned, not raised."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=CLIENT_TIMEOUT) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers, e.read()


def _get(endpoint, query, accept=None, **params):
    qs = urllib.parse.urlencode({"query": query, **params})
    return _http(f"{endpoint}?{qs}", headers={"Accept": accept} if accept else {})


def _rows_json(doc, cols):
    return {tuple(b.get(c, {}).get("value", "") for c in cols) for b in doc["results"]["bindings"]}


def _rows_xml(doc, cols):
    rows = set()
    for result in doc.getElementsByTagName("result"):
        vals = {}
        for b in result.getElementsByTagName("binding"):
            node = next(n for n in b.childNodes if n.nodeType == n.ELEMENT_NODE)
            vals[b.getAttribute("name")] = "".join(t.data for t in node.childNodes if t.nodeType == t.TEXT_NODE)
        rows.add(tuple(vals.get(c, "") for c in cols))
    return rows


def _rows_csv(data: bytes, cols):
    table = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert table[0] == cols
    return {tuple(r) for r in table[1:]}


def _rows_tsv(data: bytes, cols):
    sols = pyoxigraph.parse_query_results(data, pyoxigraph.QueryResultsFormat.TSV)
    assert [v.value for v in sols.variables] == cols
    return {tuple("" if s[c] is None else s[c].value for c in cols) for s in sols}


# -- every example query, every results format, GET and POST -------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(example_queries()))
def test_examples_json(endpoint, reference, name, method):
    cols, expected = reference[name]
    doc = _client(endpoint, example_queries()[name], JSON, method).queryAndConvert()
    assert doc["head"]["vars"] == cols
    assert _rows_json(doc, cols) == expected


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(example_queries()))
def test_examples_xml(endpoint, reference, name, method):
    cols, expected = reference[name]
    doc = _client(endpoint, example_queries()[name], XML, method).queryAndConvert()
    assert _rows_xml(doc, cols) == expected


@pytest.mark.parametrize("method", ["GET", "POST-direct"])
@pytest.mark.parametrize("name", sorted(example_queries()))
def test_examples_csv(endpoint, reference, name, method):
    cols, expected = reference[name]
    data = _client(endpoint, example_queries()[name], CSV, method[:4].rstrip("-"),
                   direct=method == "POST-direct").queryAndConvert()
    assert _rows_csv(data, cols) == expected


@pytest.mark.parametrize("name", sorted(example_queries()))
def test_examples_tsv(endpoint, reference, name):
    cols, expected = reference[name]
    status, headers, body = _get(endpoint, example_queries()[name], "text/tab-separated-values")
    assert status == 200
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    assert "Access-Control-Allow-Origin" not in headers  # no CORS unless an origin is named (--cors)
    assert _rows_tsv(body, cols) == expected


def test_default_format_is_json_and_post_bodies_agree(endpoint, reference):
    q = example_queries()["most_used_datasets"]
    cols, expected = reference["most_used_datasets"]
    status, headers, body = _get(endpoint, q)  # no Accept
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert _rows_json(json.loads(body), cols) == expected
    form = urllib.parse.urlencode({"query": q}).encode()
    for data, ctype in ((form, "application/x-www-form-urlencoded"), (q.encode(), "application/sparql-query")):
        status, headers, body = _http(endpoint, data, {"Content-Type": ctype, "Accept": "*/*"})
        assert status == 200 and _rows_json(json.loads(body), cols) == expected
        assert "Access-Control-Allow-Origin" not in headers


# -- ASK, CONSTRUCT -------------------------------------------------------------------------------

def test_ask(endpoint):
    yes = _client(endpoint, f"ASK {{ ?p a <{KG}Paper> }}", JSON).queryAndConvert()
    no = _client(endpoint, f"ASK {{ ?p a <{KG}NoSuchClass> }}", XML, "POST").queryAndConvert()
    assert yes["boolean"] is True
    assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"


def test_construct(endpoint, build_dir):
    q = (f"CONSTRUCT {{ ?p a <{KG}Paper> }} WHERE {{ ?p a <{KG}Paper> }}")
    _, expected = run_query(open_graph(build_dir), q)
    data = _client(endpoint, q, TURTLE).query().response.read()
    got = list(pyoxigraph.parse(data, pyoxigraph.RdfFormat.TURTLE))
    assert {(t.subject.value, t.predicate.value, t.object.value) for t in got} == {tuple(r) for r in expected}
    assert len(got) == 197
    status, headers, body = _get(endpoint, q, "application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert len(list(pyoxigraph.parse(body, pyoxigraph.RdfFormat.N_TRIPLES))) == 197


# -- refusals ------------------------------------------------------------------------------------

def test_update_is_refused(endpoint):
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    sw = _client(endpoint, update, JSON, "POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        sw.query()  # SPARQLWrapper sends update=... (form) to the same URL
    assert e.value.code == 403
    e.value.close()
    for data, ctype in ((urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"),
                        (update.encode(), "application/sparql-update")):
        status, _, body = _http(endpoint, data, {"Content-Type": ctype})
        assert status == 403 and b"read-only" in body
    status, _, body = _get(endpoint, update)  # an update in query=: refused, clearly
    assert status == 403 and b"SPARQL Update is not allowed" in body
    status, _, _ = _get(endpoint, "ASK { <http://example.org/a> ?p ?o }")
    assert status == 200


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # SPARQLWrapper: "not detected query type"
def test_syntax_error_is_400(endpoint):
    with pytest.raises(QueryBadFormed):
        _client(endpoint, "SELEC ?x WHERE { ?x ?y ?z }", JSON).query()
    status, headers, body = _get(endpoint, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and body.startswith(b"SPARQL syntax error")
    assert headers["Content-Type"].startswith("text/plain")


def test_bad_requests(endpoint, server):
    assert _http(endpoint)[0] == 400  # no query
    assert _http(f"{endpoint}?query=ASK%7B%7D&query=ASK%7B%7D")[0] == 400  # two queries
    assert _http(endpoint, b"ASK {}", {"Content-Type": "text/plain"})[0] == 415
    big = b"#" * (server.max_body + 1)
    status, _, body = _http(endpoint, big, {"Content-Type": "application/sparql-query"})
    assert status == 413 and b"too large" in body
    assert _http(server.url + "nothing-here")[0] == 404
    status, headers, _ = _http(endpoint, method="OPTIONS")
    assert status == 204 and "POST" in headers["Allow"] and "Access-Control-Allow-Methods" not in headers


# -- HTML, health --------------------------------------------------------------------------------

def test_html_view_and_health(server):
    status, headers, body = _http(server.url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"vis-network" in body
    status, _, body = _http(server.url + "health")
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_index_without_graph_html(tmp_path, build_dir):
    import shutil

    shutil.copytree(build_dir / "store", tmp_path / "store")
    srv, thread = _start(tmp_path)
    try:
        status, _, body = _http(srv.url)
        assert status == 200 and b"/sparql" in body and b"vis-network" not in body
    finally:
        _stop(srv, thread)


# -- limits --------------------------------------------------------------------------------------

def test_result_rows_are_capped(endpoint):
    status, headers, body = _get(endpoint, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 200
    assert headers["X-KG-Truncated"] == "true" and headers["X-KG-Max-Rows"] == str(MAX_ROWS)
    assert len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    status, headers, body = _get(endpoint, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert headers["X-KG-Truncated"] == "true" and body.decode().count("\r\n") == MAX_ROWS + 1
    status, headers, body = _get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert headers["X-KG-Truncated"] == "true" and len(body.splitlines()) == MAX_ROWS
    status, headers, _ = _get(endpoint, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    assert status == 200 and "X-KG-Truncated" not in headers and headers["X-KG-Rows"] == str(MAX_ROWS)


# A few seconds of work for pyoxigraph (about 40 million rows to count) - far past a 1 s limit (its
# worker is killed then; tests/serve/test_hostile.py checks the CPU stops).
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } LIMIT 800 } ?d ?e ?f . }")


def test_slow_query_times_out_while_others_answer(build_dir):
    srv, thread = _start(build_dir, timeout=0.5, max_concurrent=2)
    endpoint = srv.url + "sparql"
    try:
        slow: dict = {}

        def run_slow():
            t = time.monotonic()
            slow["status"], _, slow["body"] = _get(endpoint, SLOW)
            slow["secs"] = time.monotonic() - t

        t = threading.Thread(target=run_slow, daemon=True)
        t.start()
        time.sleep(0.1)
        t0 = time.monotonic()
        status, _, body = _get(endpoint, f"ASK {{ ?p a <{KG}Paper> }}")
        assert status == 200 and json.loads(body)["boolean"] is True
        assert time.monotonic() - t0 < 1.5  # not queued behind the slow query (it runs for seconds)
        t.join(CLIENT_TIMEOUT)
        assert slow["status"] == 503 and b"stopped after 0.5 s" in slow["body"]
        assert slow["secs"] < 3
    finally:
        _stop(srv, thread)


def test_timed_out_query_frees_its_worker_at_once(build_dir):
    """The worker of a query past --timeout is killed and replaced: the only worker is free again
    for the next query, instead of busy until the slow one ends."""
    srv, thread = _start(build_dir, timeout=1, max_concurrent=1)
    endpoint = srv.url + "sparql"
    try:
        status, _, body = _get(endpoint, SLOW)
        assert status == 503 and b"stopped after 1 s" in body
        status, _, body = _get(endpoint, f"ASK {{ ?p a <{KG}Paper> }}")  # a new worker starts in ~0.2 s
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        _stop(srv, thread)


# -- browsers: CORS only for named origins, Host must name the server ----------------------------

def _with_headers(url, headers, method="GET"):
    req = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=CLIENT_TIMEOUT) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers, e.read()


def test_no_cors_for_origins_not_named(server, endpoint):
    url = endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    for origin in ("http://evil.example", "null", "http://127.0.0.1:1"):
        status, headers, _ = _with_headers(url, {"Origin": origin})
        assert status == 200 and "Access-Control-Allow-Origin" not in headers
        status, headers, _ = _with_headers(endpoint, {"Origin": origin, "Access-Control-Request-Method": "POST"},
                                           "OPTIONS")
        assert status == 204 and not any(h.lower().startswith("access-control") for h in headers)


def test_cors_for_named_origins(build_dir):
    srv, thread = _start(build_dir, cors_origins=("http://localhost:3000", "HTTPS://Example.org:443/"))
    endpoint = srv.url + "sparql"
    url = endpoint + "?" + urllib.parse.urlencode({"query": f"ASK {{ ?p a <{KG}Paper> }}"})
    try:
        for origin in ("http://localhost:3000", "https://example.org"):
            status, headers, body = _with_headers(url, {"Origin": origin})
            assert status == 200 and json.loads(body)["boolean"] is True
            assert headers["Access-Control-Allow-Origin"] == origin
            assert "X-KG-Truncated" in headers["Access-Control-Expose-Headers"]
            assert "Origin" in headers["Vary"] and "Accept" in headers["Vary"]
            status, headers, _ = _with_headers(endpoint, {"Origin": origin}, "OPTIONS")
            assert status == 204 and headers["Access-Control-Allow-Origin"] == origin
            assert "POST" in headers["Access-Control-Allow-Methods"]
        for origin in ("http://localhost:3001", "http://example.org", "https://example.org.evil.example"):
            status, headers, _ = _with_headers(url, {"Origin": origin})
            assert status == 200 and "Access-Control-Allow-Origin" not in headers and headers["Vary"]
    finally:
        _stop(srv, thread)


def test_cors_needs_real_origins(build_dir):
    from kg.errors import KgError

    for bad in ("*", "localhost:3000", "http://localhost:3000/app", "ftp://example.org"):
        with pytest.raises(KgError, match="--cors: not an origin"):
            make_server(build_dir, "127.0.0.1", 0, cors_origins=(bad,), quiet=True)


def test_host_header_must_name_the_server(server):
    port = server.server_address[1]
    url = server.url + "health"
    for host in (f"evil.example:{port}", "evil.example", f"localhost.evil.example:{port}",
                 f"127.0.0.1.nip.io:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1", f"[::2]:{port}", ""):
        status, _, body = _with_headers(url, {"Host": host})
        assert status == 403 and b"DNS rebinding" in body, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
        status, _, _ = _with_headers(url, {"Host": host})
        assert status == 200, host


def test_host_names_when_bound_to_every_address():
    import socket

    from kg.serve import host_matches, host_names

    names = host_names("0.0.0.0")
    assert {"localhost", "127.0.0.1", socket.gethostname().lower()} <= names and "0.0.0.0" not in names
    assert host_matches("192.168.1.20:7878", names, 7878, any_address=True)
    assert host_matches(f"{socket.gethostname()}:7878", names, 7878, any_address=True)
    assert not host_matches("evil.example:7878", names, 7878, any_address=True)
    assert not host_matches("192.168.1.20:7878", host_names("127.0.0.1"), 7878)
    assert host_matches("[fe80::1]:80", host_names("::"), 80, any_address=True)
    assert host_matches("localhost", names, 80) and not host_matches("localhost", names, 7878)


def test_helpers():
    json_ct = negotiate(None, SOLUTION_TYPES)[1]
    assert json_ct.startswith("application/sparql-results+json")
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTION_TYPES)[1].startswith(
        "application/sparql-results+xml")
    assert negotiate("text/*", SOLUTION_TYPES)[1].startswith("text/csv")
    assert negotiate("image/png", SOLUTION_TYPES)[1] == json_ct
    assert negotiate("text/csv;q=0, */*", SOLUTION_TYPES)[1] == json_ct
