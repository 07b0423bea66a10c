"""A query worker process: opens a graph once and answers queries from a pipe, one at a time.

``kg serve`` and ``kg query`` never run a query in their own process (see :mod:`kg.query.pool`):
a query that crashes pyoxigraph, runs out of memory or has to be stopped takes only its worker
with it. A worker

* runs each query on a thread with a large stack (:func:`kg.query.guard.start_query_thread`),
  after :func:`kg.query.guard.check_query`;
* cannot open network sockets unless ``SERVICE`` is allowed (:mod:`kg.query.nonet`);
* limits its address space to what it holds at rest (graph open, one query run) plus
  ``max_memory_mb`` (``RLIMIT_AS``): an allocation past it fails, which pyoxigraph answers with
  "memory allocation of N bytes failed" and ``abort()``, so the worker dies and is replaced;
* exits as soon as the pipe from its parent closes (a second thread waits on it), even in the
  middle of a query, so no worker outlives the process that started it;
* ignores Ctrl-C (the parent handles it and closes the pipes).

Protocol: length-prefixed frames on two pipes. The worker first sends ``{"ready": true}`` (with
a ``"warning"`` if the network filter could not be installed), or ``{"error": ...}`` and exits.
Then per job (a JSON object) it sends a JSON header, ``{"ok": true, ...}`` or ``{"ok": false,
"status": ..., "message": ...}``, and for ``"length": n`` that many body bytes in frames of at
most ``CHUNK`` bytes. Nothing is pickled.
"""

from __future__ import annotations

import json
import os
import queue
import select
import signal
import struct
import sys
import time
from pathlib import Path

CHUNK = 1 << 20
_LENGTH = struct.Struct("!Q")
READ_ONLY = "SPARQL Update is not allowed: queries are read-only"


# -- frames ---------------------------------------------------------------------------------------

def send_frame(fd: int, data: bytes) -> None:
    """Write one frame (blocks until the reader has taken it, or raises BrokenPipeError)."""
    for part in (_LENGTH.pack(len(data)), data):
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view):]


def send_json(fd: int, obj: dict) -> None:
    send_frame(fd, json.dumps(obj).encode("ascii"))  # ASCII: lone surrogates (from argv) travel too


def recv_frame(fd: int, deadline: float | None = None) -> bytes:
    """Read one frame; ``deadline`` (``time.monotonic()``) bounds the wait.

    Raises
    ------
    TimeoutError
        At the deadline.
    EOFError
        When the other end has closed (or died).
    """
    (length,) = _LENGTH.unpack(_read_exact(fd, _LENGTH.size, deadline))
    return _read_exact(fd, length, deadline)


def recv_json(fd: int, deadline: float | None = None) -> dict:
    return json.loads(recv_frame(fd, deadline))


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    buf = bytearray()
    poller = None
    while len(buf) < n:
        if deadline is not None:
            if poller is None:
                poller = select.poll()
                poller.register(fd, select.POLLIN)
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(left * 1000):
                raise TimeoutError
        chunk = os.read(fd, min(n - len(buf), CHUNK))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


# -- the worker -----------------------------------------------------------------------------------

def answer(store, job: dict) -> tuple[dict, bytes]:
    """Run one job; (header, body). Every failure becomes a status and a one-line message.

    ``job``: ``query``, ``kind`` (``"rows"``: columns and rows of strings, for `kg query`;
    ``"answer"``: a serialized SPARQL answer, for `kg serve`, with ``accept``, ``default_graph``,
    ``named_graphs``), ``max_rows``, ``allow_service``.
    """
    from kg.errors import KgError
    from kg.query.guard import QueryRefused, check_query, looks_like_update
    from kg.query.pool import QueryError

    if job["kind"] == "lookup":
        return lookup(store, job)
    text = job["query"]
    inserted = (0, 0)
    try:
        if job.get("bindings"):  # kg query --param: VALUES blocks of RDF terms (kg.query.text.bind)
            from kg.query.text import bind

            text, *inserted = bind(text, job["bindings"])
        check_query(text, allow_service=job.get("allow_service", False))
        if job["kind"] == "rows":
            from kg.query import query_rows

            columns, rows = query_rows(store, text, job.get("max_rows"), prefixes=job.get("prefixes"),
                                       typed=job.get("typed", False))
            return {"ok": True, "columns": columns, "rows": rows}, b""
        from kg.serve.results import execute

        a = execute(store, text, job.get("accept"), job.get("default_graph", []), job.get("named_graphs", []),
                    job["max_rows"])
        return {"ok": True, "content_type": a.content_type, "rows": a.rows, "truncated": a.truncated,
                "length": len(a.body)}, a.body
    except (QueryRefused, QueryError) as e:
        return _failed(e.status, str(e))
    except SyntaxError as e:
        if looks_like_update(text):
            return _failed(403, READ_ONLY)
        from kg.query.text import syntax_message

        return _failed(400, syntax_message(str(e), text, tuple(inserted)))
    except KgError as e:  # a parameter that cannot be bound
        return _failed(400, str(e))
    except MemoryError:
        return _failed(503, f"query stopped: it needs more memory than the {job.get('max_memory_mb', '?')} MiB "
                            f"allowed (--max-memory)", retire=True)
    except Exception as e:  # noqa: BLE001 - engine errors become one clear line
        return _failed(500, f"query failed: {e}")


_LOOKUPS: dict = {}  # one kg.lookup.Lookup per store: it keeps the labels it has read


def lookup(store, job: dict) -> tuple[dict, bytes]:
    """An entity's or paper's record (JSON) or triples (``job["format"]``: record, turtle, jsonld,
    ntriples) for ``job["iri"]``; 404 when the graph has no such entity or paper."""
    import pyoxigraph

    from kg.lookup import Lookup, NotFound
    from kg.lookup.describe import describe

    iri, fmt = job["iri"], job["format"]
    try:
        if fmt == "record":
            lk = _LOOKUPS.get(id(store))
            if lk is None:
                graph = job.get("graph")
                lk = _LOOKUPS[id(store)] = Lookup(store, Path(graph) if graph else None)
            rec = lk.paper(iri) if iri.startswith(job["paper_ns"]) else lk.entity(iri)
            body = json.dumps(rec, ensure_ascii=False).encode("utf-8")
            return {"ok": True, "content_type": "application/json; charset=utf-8", "rows": 1, "truncated": False,
                    "length": len(body)}, body
        rdf = {"turtle": (pyoxigraph.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
               "jsonld": (pyoxigraph.RdfFormat.JSON_LD, "application/ld+json; charset=utf-8"),
               "ntriples": (pyoxigraph.RdfFormat.N_TRIPLES, "application/n-triples; charset=utf-8")}[fmt]
        body, n, truncated = describe(store, iri, rdf[0], job["max_rows"])
        return {"ok": True, "content_type": rdf[1], "rows": n, "truncated": truncated, "length": len(body)}, body
    except NotFound:
        return _failed(404, f"not found: no {'paper' if iri.startswith(job['paper_ns']) else 'entity'} <{iri}> "
                            f"in this build")
    except MemoryError:
        return _failed(503, "lookup stopped: it needs more memory than allowed (--max-memory)", retire=True)
    except Exception as e:  # noqa: BLE001 - one clear line
        return _failed(500, f"lookup failed: {e}")


def _failed(status: int, message: str, retire: bool = False) -> tuple[dict, bytes]:
    header = {"ok": False, "status": status, "message": " ".join(message.split())}  # one line
    if retire:
        header["retire"] = True  # the worker may be broken: the pool replaces it
    return header, b""


def _memory_in_use() -> int:
    """This process's address space in bytes (VmSize)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmSize in /proc/self/status")


def limit_memory(extra_mb: int) -> None:
    """Cap the address space at what is in use now plus ``extra_mb`` MiB (0: no cap)."""
    if extra_mb <= 0:
        return
    import resource

    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = _memory_in_use() + (extra_mb << 20)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.query.worker CONFIG_JSON`` (started by :class:`kg.query.pool.Worker` only)."""
    from kg.errors import KgError
    from kg.query import open_graph
    from kg.query.guard import start_query_thread

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cfg = json.loads((argv or sys.argv[1:])[0])
    rfd, wfd = cfg["fds"]
    ready = {"ready": True}
    if not cfg["allow_service"]:
        from kg.query.nonet import forbid_network

        try:
            forbid_network()
        except OSError as e:  # the SERVICE check in kg.query.guard still applies
            ready["warning"] = f"{e}; queries are still checked for SERVICE"
    try:
        store = open_graph(Path(cfg["graph"]))
    except KgError as e:
        send_json(wfd, {"error": str(e)})
        return 2
    jobs: queue.SimpleQueue = queue.SimpleQueue()

    def serve() -> None:
        try:
            bool(store.query("ASK {}"))  # warm up, so the memory at rest includes what a query needs
            limit_memory(cfg["max_memory_mb"])
            send_json(wfd, ready)
            while True:
                job = jobs.get()
                job["max_memory_mb"] = cfg["max_memory_mb"]
                job["allow_service"] = cfg["allow_service"]
                job["graph"] = cfg["graph"]
                header, body = answer(store, job)
                send_json(wfd, header)
                for i in range(0, len(body), CHUNK):
                    send_frame(wfd, body[i:i + CHUNK])
        except BaseException:  # noqa: BLE001 - the parent is gone or the worker is broken: stop it
            os._exit(1)

    start_query_thread(serve, "kg-query-worker")
    while True:
        try:
            frame = recv_frame(rfd)
        except EOFError:
            os._exit(0)  # the parent closed the pipe or died: stop, even in the middle of a query
        jobs.put(json.loads(frame))


if __name__ == "__main__":
    sys.exit(main())
