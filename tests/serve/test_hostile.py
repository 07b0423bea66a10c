"""`kg serve` under hostile requests: the real command in a subprocess on 127.0.0.1, port 0.

Each test sends what an attacker (or an unlucky client) would, then checks that the server is
still up and answering, and that what it spent (CPU, connections, requests to other addresses)
stayed bounded. Only the standard library talks to the server, and every wait has a timeout.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

KG = "https://w3id.org/paper-kg/ontology#"
ASK = f"ASK {{ ?p a <{KG}Paper> }}"
# Minutes of CPU for pyoxigraph, which cannot be interrupted: a cartesian product counted.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Grows by gigabytes (the cartesian product is sorted).
HUGE_SORT = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c ?x ?y ?z LIMIT 1"


class Server:
    """``kg serve BUILD -p 0 OPTIONS...`` in a subprocess."""

    def __init__(self, build_dir, *options):
        self.proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(build_dir), "-p", "0", "-q", *options],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", line)
        if not m:
            self.proc.kill()
            raise AssertionError(f"kg serve did not start: {line!r} {self.proc.stderr.read()[-500:]}")
        self.port = int(m.group(1))

    def request(self, method="GET", path="/health", body=None, headers=None, timeout=20):
        """(status, headers, body); any failure to get an answer raises."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.headers, r.read()
        finally:
            c.close()

    def query(self, text, accept="application/sparql-results+json", timeout=20):
        return self.request("POST", "/sparql", text.encode("utf-8"),
                            {"Content-Type": "application/sparql-query", "Accept": accept}, timeout)

    def assert_alive(self):
        assert self.proc.poll() is None, f"kg serve died: exit {self.proc.returncode}"
        status, _, body = self.request()
        assert status == 200 and json.loads(body)["status"] == "ok"
        status, _, body = self.query(ASK)
        assert status == 200 and json.loads(body)["boolean"] is True

    def workers(self) -> set[int]:
        """The pids of the server's worker processes."""
        return {int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(p) == self.proc.pid}

    def status(self, field: str) -> int:
        """A number from the server's /proc/PID/status (``Threads``, ``VmRSS`` in kB)."""
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise KeyError(field)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the server, its live children and the children it reaped."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(pid) == self.proc.pid:
                total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
            elif int(fields[1]) == self.proc.pid:
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def stop(self):
        self.proc.kill()
        self.proc.wait(10)
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def serve(sample_build):
    """``serve(*options)`` starts a server on the sample build; all are stopped after the test."""
    started = []

    def start(*options):
        s = Server(sample_build[0], *options)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


# -- 1. no query text crashes the server ---------------------------------------------------------

def test_text_that_crashes_the_parser_is_refused_and_the_server_lives(serve):
    srv = serve("--timeout", "5")
    hostile = {
        "parentheses": "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "groups": "ASK " + "{" * 5000 + "}" * 5000,
        "exists": "ASK " + "{ FILTER EXISTS " * 1000 + "{}" + "}" * 1000,
        "union": "SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }",
        "binds": "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(5000)) + " }",
    }
    srv.assert_alive()
    workers = srv.workers()
    for name, text in hostile.items():
        status, _, body = srv.query(text)
        assert status == 400 and body.startswith(b"query refused:"), (name, status, body[:200])
        srv.assert_alive()
    # the reproduction: one GET
    qs = urllib.parse.urlencode({"query": hostile["parentheses"]})
    status, _, body = srv.request("GET", f"/sparql?{qs}")
    assert status == 400
    status, _, body = srv.query("SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and body.startswith(b"SPARQL syntax error")
    srv.assert_alive()
    assert srv.workers() == workers  # a refused query costs no worker a restart


def test_a_crashed_worker_costs_only_its_query(serve):
    """A crash nobody foresaw (SIGSEGV sent to the worker running a query) is a 500 for that query;
    the server and the next queries carry on, on a new worker."""
    srv = serve("--timeout", "20", "--max-concurrent", "1")
    out = {}
    t = threading.Thread(target=lambda: out.update(r=srv.query(ENDLESS)))
    t.start()
    time.sleep(1.0)
    (worker,) = srv.workers()
    os.kill(worker, 11)
    t.join(20)
    status, _, body = out["r"]
    assert status == 500 and b"crashed on it (killed by SIGSEGV)" in body
    srv.assert_alive()


def _ppid(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


# -- 2. no request leaves the machine ------------------------------------------------------------

def test_federated_queries_are_refused_and_fetch_nothing(serve, listener):
    srv = serve()
    port_iri = listener.url.rsplit("/", 1)[0] + "/"
    attempts = [
        f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        f"select * {{ service silent <{listener.url}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{port_iri}> SELECT * {{ ?s ?p ?o . SERVICE e:sparql {{ ?s ?p ?o }} }} LIMIT 1",
        f"PREFIX : <{port_iri}> SELECT * {{ ?s ?p ?o . service:sparql {{ ?s ?p ?o }} }} LIMIT 1",
        f"PREFIX e: <{port_iri}> SELECT * {{ ?s ?p ?o . SERVICEe:sparql {{ ?s ?p ?o }} }} LIMIT 1",
        f"SELECT * {{ ?s ?p ?o . ?s ?p ?o.SERVICE#x\n<{listener.url}>{{ ?s ?p ?o }} }} LIMIT 1",
        f"SELECT * {{ ?s ?p ?o FILTER(true)SERVICE <{listener.url}> {{ ?s ?p ?o }} }} LIMIT 1",
        f"SELECT * {{ {{ SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }} }} }} }}",
    ]
    for text in attempts:
        status, _, body = srv.query(text)
        assert status == 400 and b"federated query (SERVICE) refused" in body, (text, status, body[:200])
    # the other ways an IRI could be fetched do not fetch anything
    for text in (f"SELECT * FROM <{listener.url}> {{ ?s ?p ?o }} LIMIT 1",
                 f"SELECT * FROM NAMED <{listener.url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                 f"DESCRIBE <{listener.url}>",
                 f"SELECT * {{ GRAPH <{listener.url}> {{ ?s ?p ?o }} }}"):
        status, _, _ = srv.query(text, accept="*/*")
        assert status == 200, text
    status, _, _ = srv.query(f"SELECT * {{ BIND(<{listener.url}>(1) AS ?x) }}")
    assert status == 500  # "custom function not supported"
    qs = urllib.parse.urlencode({"query": "ASK {}", "default-graph-uri": listener.url, "named-graph-uri": listener.url})
    assert srv.request("GET", f"/sparql?{qs}")[0] == 200
    time.sleep(0.2)
    assert listener.connections == []
    srv.assert_alive()


def test_allow_service_enables_them(serve, listener):
    srv = serve("--allow-service")
    status, _, _ = srv.query(f"SELECT * {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}")
    assert status == 200
    assert len(listener.connections) == 1 and listener.connections[0].startswith(b"POST /sparql")


# -- 4. bounded work -----------------------------------------------------------------------------

def test_a_timed_out_query_stops_using_cpu(serve):
    srv = serve("--timeout", "1")
    t = time.monotonic()
    status, _, body = srv.query(ENDLESS)
    assert status == 503 and b"stopped after 1 s" in body
    assert time.monotonic() - t < 5
    time.sleep(0.5)  # the replacement worker starts
    before = srv.cpu_seconds()
    time.sleep(2)
    assert srv.cpu_seconds() - before < 0.3  # nothing is still computing
    srv.assert_alive()


def test_a_query_past_the_memory_limit_is_stopped(serve):
    srv = serve("--max-memory", "200", "--timeout", "30")
    t = time.monotonic()
    status, _, body = srv.query(HUGE_SORT)
    assert status == 503 and b"more memory than the 200 MiB allowed (--max-memory)" in body, body
    assert time.monotonic() - t < 20
    srv.assert_alive()


def test_clients_that_never_read_are_dropped(serve):
    """Clients that ask for a large answer (33 MB here) and never read it hold neither a worker, a
    thread nor the answer past --timeout: the server cuts them off and forgets them."""
    srv = serve("--timeout", "3", "--idle-timeout", "1", "--max-concurrent", "2")
    big = ("SELECT ?a ?b { ?p <http://purl.org/dc/terms/abstract> ?a . ?q <http://purl.org/dc/terms/abstract> ?b } "
           "LIMIT 10000")
    form = urllib.parse.urlencode({"query": big})
    status, headers, _ = srv.request("HEAD", "/sparql?" + form)
    assert status == 200
    full = int(headers["Content-Length"])
    assert full > 30_000_000
    time.sleep(0.5)  # the HEAD's thread ends
    threads, rss = srv.status("Threads"), srv.status("VmRSS")
    slow = []
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        s.sendall(f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\nContent-Type: application/x-www-form-urlencoded"
                  f"\r\nContent-Length: {len(form)}\r\n\r\n{form}".encode())
        slow.append(s)
    time.sleep(4.5)  # past their --timeout
    assert srv.status("Threads") <= threads  # no thread is left waiting to write to them
    assert srv.status("VmRSS") - rss < 50_000  # kB: no answer is kept for them
    for s in slow:  # the server has closed every one of them: reading ends, and does not get it all
        received = 0
        while chunk := s.recv(1 << 20):
            received += len(chunk)
        assert received < full
        s.close()
    srv.assert_alive()


def test_idle_and_half_sent_requests_are_closed(serve):
    srv = serve("--idle-timeout", "1")
    idle = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    half = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    half.sendall(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n".encode())  # never ends
    t = time.monotonic()
    assert idle.recv(100) == b"" and half.recv(100) == b""  # closed by the server
    assert time.monotonic() - t < 5
    idle.close()
    half.close()
    srv.assert_alive()


def test_connections_are_capped(serve):
    srv = serve("--max-connections", "3")
    held = [socket.create_connection(("127.0.0.1", srv.port), timeout=10) for _ in range(3)]
    time.sleep(0.3)
    extra = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    assert extra.recv(200).startswith(b"HTTP/1.1 503 Service Unavailable")
    extra.close()
    for s in held:
        s.close()
    time.sleep(0.3)
    srv.assert_alive()
