"""`kg serve` under a bounded load of concurrent queries from this test, on 127.0.0.1 only:
every request is answered (200 with a full result) or refused cleanly (503 with Retry-After)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from kg.config import BuildConfig
from kg.query import example_queries, open_graph, run_query
from kg.serve import make_server

REQUESTS = 240  # bounded: this many requests in all
CLIENTS = 24  # at once
DEADLINE = 120  # seconds for the whole load


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from kg.build import build

    out = tmp_path_factory.mktemp("load-build")
    build(BuildConfig(out_dir=out, quiet=True, formats=("store",)))
    srv = make_server(out, "127.0.0.1", 0, timeout=10, max_rows=10_000, max_concurrent=4, quiet=True)
    assert srv.server_address[0] == "127.0.0.1"
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv, out
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def test_concurrent_queries_are_answered_or_refused_cleanly(server):
    srv, out = server
    queries = list(example_queries().values())
    expected = {q: len(run_query(open_graph(out), q)[1]) for q in queries}
    url = srv.url + "sparql"
    start = time.monotonic()

    def one(i: int) -> tuple[int, str]:
        q = queries[i % len(queries)]
        data = urllib.parse.urlencode({"query": q}).encode()
        req = urllib.request.Request(url, data=data, headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                rows = json.load(r)["results"]["bindings"]
                return r.status, "ok" if len(rows) == expected[q] else f"{len(rows)} rows, expected {expected[q]}"
        except urllib.error.HTTPError as e:
            if e.code == 503 and not e.headers.get("Retry-After"):
                return e.code, e.read().decode()  # a query past --timeout (a loaded machine) says so
            return e.code, e.headers.get("Retry-After") or ""

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(one, range(REQUESTS)))
    elapsed = time.monotonic() - start
    assert elapsed < DEADLINE
    assert all(status in (200, 503) for status, _ in results), results
    assert all(detail == "ok" for status, detail in results if status == 200), results
    # a refusal carries Retry-After; a query cut by the timeout says so
    assert all(detail.isdigit() or "--timeout" in detail for status, detail in results if status == 503), results
    assert sum(status == 200 for status, _ in results) >= REQUESTS // 2
