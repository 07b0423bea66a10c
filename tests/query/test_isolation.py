"""`kg query` runs its query in a worker process: hostile text is one error line, never a crash,
a stop at --timeout or --max-memory is real, and the engine cannot reach the network.

`kg query` runs as a subprocess here, so that a crash fails the test instead of killing pytest.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from kg.query import run_query_isolated
from kg.query.pool import QueryError, WorkerPool

KG = "https://w3id.org/paper-kg/ontology#"
# Takes pyoxigraph minutes and, sorted, gigabytes: a cartesian product of the graph with itself.
HUGE_SORT = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c ?x ?y ?z LIMIT 1"


def kg_query(graph, text, *options, timeout=60):
    return subprocess.run([sys.executable, "-m", "kg", "query", text, "--graph", str(graph), *options],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("text", [
    "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "ASK " + "{" * 5000 + "}" * 5000,
    "SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }",
], ids=["parentheses", "groups", "union"])
def test_text_that_crashes_the_parser_is_one_error_line(sample_build, tmp_path, text):
    out, _ = sample_build
    q = tmp_path / "hostile.rq"
    q.write_text(text, encoding="utf-8")
    r = kg_query(out, str(q))
    assert r.returncode == 2, (r.returncode, r.stderr[-300:])  # a segfault is -11
    assert r.stderr.startswith("kg: error: query refused:") and r.stderr.count("\n") == 1, r.stderr


def test_service_is_refused_and_nothing_is_fetched(sample_build, listener):
    out, _ = sample_build
    r = kg_query(out, f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "federated query (SERVICE) refused" in r.stderr and "--allow-service" in r.stderr
    r = kg_query(out, f"SELECT * {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}", "--allow-service")
    assert r.returncode == 0, r.stderr  # allowed explicitly: the request goes out (and fails silently)
    assert len(listener.connections) == 1 and listener.connections[0].startswith(b"POST /sparql")


def test_ask_and_a_timeout_that_stops(sample_build):
    out, _ = sample_build
    r = kg_query(out, f"ASK {{ ?p a <{KG}Paper> }}", "--format", "csv")
    assert r.returncode == 0 and r.stdout == "ask\ntrue\n", r.stderr
    t = time.monotonic()
    r = kg_query(out, HUGE_SORT, "--timeout", "1")
    assert r.returncode == 2 and r.stderr == "kg: error: query stopped after 1 s (raise --timeout to allow more)\n"
    assert time.monotonic() - t < 10


def test_memory_limit(sample_build):
    out, _ = sample_build
    t = time.monotonic()
    r = kg_query(out, HUGE_SORT, "--max-memory", "200", "--timeout", "60")
    assert r.returncode == 2 and r.stderr == ("kg: error: query stopped: it needs more memory than the 200 MiB "
                                             "allowed (--max-memory)\n"), r.stderr
    assert time.monotonic() - t < 30


def test_a_worker_that_dies_fails_only_its_query(sample_build):
    """Whatever kills a worker (a crash nobody foresaw: SIGSEGV here), its query gets an error and
    the pool starts another worker for the next one."""
    out, _ = sample_build
    with WorkerPool(out, size=1) as pool:
        worker = pool.acquire(time.monotonic() + 30)
        pid = worker.proc.pid
        threading.Timer(0.5, os.kill, (pid, signal.SIGSEGV)).start()
        with pytest.raises(QueryError) as e:
            worker.ask({"kind": "rows", "query": HUGE_SORT}, time.monotonic() + 30)
        assert e.value.status == 500 and "crashed on it (killed by SIGSEGV)" in e.value.message
        pool.discard(worker)
        worker = pool.acquire(time.monotonic() + 30)
        assert worker.proc.pid != pid
        header = worker.ask({"kind": "rows", "query": f"ASK {{ ?p a <{KG}Paper> }}"}, time.monotonic() + 30)
        assert header == {"ok": True, "columns": ["ask"], "rows": [["true"]]}
        pool.release(worker)
    assert worker.proc.poll() is not None  # closing the pool stops its workers


def test_bad_graph_is_one_error(tmp_path):
    from kg.errors import KgError

    with pytest.raises(KgError, match="no built graph here"):
        run_query_isolated(tmp_path, "ASK {}")


def test_workers_cannot_open_network_sockets(listener, tmp_path):
    """The second wall behind the SERVICE check: with the network filter on, pyoxigraph cannot
    connect even to a query the check would have refused."""
    script = tmp_path / "probe.py"
    script.write_text(f"""
import socket, pyoxigraph
from kg.query.nonet import forbid_network
forbid_network()
try:
    list(pyoxigraph.Store().query("SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    print("fetched")
except OSError as e:
    print("refused:", e)
for family in (socket.AF_INET, socket.AF_INET6):
    try:
        socket.socket(family)
        print("socket opened")
    except OSError as e:
        print("refused:", e.errno)
a, b = socket.socketpair()  # local sockets still work
print("unix ok")
""", encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("refused:") and "Permission denied" in lines[0]
    assert lines[1:] == ["refused: 13", "refused: 13", "unix ok"]
    assert listener.connections == []
