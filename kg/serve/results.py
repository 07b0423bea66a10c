"""Run one SPARQL query in a worker process under time, memory, row and concurrency limits.

Limits, and why they look the way they do:

* **Isolation and concurrency.** Queries run in ``max_concurrent`` worker processes
  (:mod:`kg.query.pool`), each with the graph open; a query takes an idle one. A query text that
  crashes pyoxigraph (or anything else that kills a worker) costs that one query a 500 and the
  worker a restart; the server and the other queries go on.
* **Time.** Everything a request does - waiting for a worker, the query, and sending the answer -
  happens within ``timeout`` seconds. A worker still busy then is killed (SIGKILL), so the query
  stops using CPU at once, and the client gets 503; a client that has not read the whole answer
  by then is disconnected. pyoxigraph cannot interrupt a query from inside; killing its process
  is what makes the limit real.
* **Memory.** Each worker may allocate ``max_memory_mb`` MiB beyond what it holds at rest
  (``RLIMIT_AS``); a query past that gets 503 and its worker is replaced.
* **Size.** At most ``max_rows`` solutions (or triples) are returned; past that the iteration
  stops and the result is flagged as truncated (the HTTP layer sends ``X-KG-Truncated: true``).
  An answer up to ``CHUNK`` (1 MiB) is taken from its worker at once, which is then free for the
  next query; a bigger one streams from the worker, which stays busy until the client has it.

Results are serialized by pyoxigraph (``QueryResultsFormat`` / ``RdfFormat``) in the worker
(:func:`execute`). Because pyoxigraph can only serialize a whole solution iterator, the (at most
``max_rows``) solutions are collected, written as SPARQL JSON results and re-parsed with
:func:`pyoxigraph.parse_query_results` before the final serialization, so a truncated answer is
still a well-formed document in every format.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from kg.config import QUERY_MAX_MEMORY_MB
from kg.query.pool import QueryError, WorkerPool
from kg.query.worker import CHUNK

RF = pyoxigraph.QueryResultsFormat
RDF = pyoxigraph.RdfFormat

# Media type asked for -> (format, the Content-Type answered). The first entry is the default.
SOLUTION_TYPES: dict[str, tuple] = {
    "application/sparql-results+json": (RF.JSON, "application/sparql-results+json; charset=utf-8"),
    "application/json": (RF.JSON, "application/sparql-results+json; charset=utf-8"),
    "application/sparql-results+xml": (RF.XML, "application/sparql-results+xml; charset=utf-8"),
    "application/xml": (RF.XML, "application/sparql-results+xml; charset=utf-8"),
    "text/xml": (RF.XML, "application/sparql-results+xml; charset=utf-8"),
    "text/csv": (RF.CSV, "text/csv; charset=utf-8"),
    "text/tab-separated-values": (RF.TSV, "text/tab-separated-values; charset=utf-8"),
}
GRAPH_TYPES: dict[str, tuple] = {
    "text/turtle": (RDF.TURTLE, "text/turtle; charset=utf-8"),
    "application/turtle": (RDF.TURTLE, "text/turtle; charset=utf-8"),
    "application/x-turtle": (RDF.TURTLE, "text/turtle; charset=utf-8"),
    "application/n-triples": (RDF.N_TRIPLES, "application/n-triples; charset=utf-8"),
    "text/plain": (RDF.N_TRIPLES, "application/n-triples; charset=utf-8"),
    "application/rdf+xml": (RDF.RDF_XML, "application/rdf+xml; charset=utf-8"),
    "application/ld+json": (RDF.JSON_LD, "application/ld+json; charset=utf-8"),
    "application/json": (RDF.JSON_LD, "application/ld+json; charset=utf-8"),
    "text/n3": (RDF.N3, "text/n3; charset=utf-8"),
}

QueryFailed = QueryError  # a query that cannot be answered: .status (HTTP), .message, .headers


@dataclass
class Answer:
    """A serialized result."""

    content_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def negotiate(accept: str | None, table: dict[str, tuple]) -> tuple:
    """Pick (format, Content-Type) from an Accept header; the table's first entry is the default.

    Entries are tried by quality (``q``), then in the client's order; ``*/*`` and ``type/*`` match
    the first format answered with such a type. When nothing matches, the default is served rather than 406, which
    is what lenient SPARQL endpoints do.
    """
    default = next(iter(table.values()))
    if not accept:
        return default
    ranges = []
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranges.append((-q, i, media))
    for _, _, media in sorted(ranges):
        if media in table:
            return table[media]
        if media == "*/*":
            return default
        if media.endswith("/*"):
            major = media[:-1]
            for fmt in table.values():  # by the type answered, so aliases (text/xml) do not count
                if fmt[1].startswith(major):
                    return fmt
    return default


def _term_json(term) -> dict:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                out["its:dir"] = direction.value
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, pyoxigraph.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise TypeError(f"unexpected RDF term {term!r}")


def _serialize_solutions(variables: list[str], solutions: list, fmt) -> bytes:
    bindings = [{v: _term_json(t) for v, t in zip(variables, sol) if t is not None} for sol in solutions]
    doc = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False)
    if fmt == RF.JSON:
        return doc.encode("utf-8")
    return pyoxigraph.parse_query_results(doc, RF.JSON).serialize(format=fmt)


def execute(store: pyoxigraph.Store, query: str, accept: str | None, default_graph_uris: list[str],
            named_graph_uris: list[str], max_rows: int) -> Answer:
    """Run ``query`` and serialize its answer as ``accept`` asks (in a worker; see :mod:`kg.query.worker`).

    Raises
    ------
    QueryFailed
        A bad graph IRI (400).
    SyntaxError
        From pyoxigraph.
    """
    kw = {}
    try:
        if default_graph_uris:
            kw["default_graph"] = [pyoxigraph.NamedNode(u) for u in default_graph_uris]
        if named_graph_uris:
            kw["named_graphs"] = [pyoxigraph.NamedNode(u) for u in named_graph_uris]
    except ValueError as e:
        raise QueryFailed(400, f"bad graph IRI: {e}") from None
    res = store.query(query, **kw)
    if isinstance(res, pyoxigraph.QueryBoolean):
        fmt, ctype = negotiate(accept, SOLUTION_TYPES)
        return Answer(ctype, res.serialize(format=fmt), rows=1)
    if isinstance(res, pyoxigraph.QuerySolutions):
        fmt, ctype = negotiate(accept, SOLUTION_TYPES)
        variables = [v.value for v in res.variables]
        rows, truncated = _take(res, max_rows)
        return Answer(ctype, _serialize_solutions(variables, rows, fmt), len(rows), truncated)
    fmt, ctype = negotiate(accept, GRAPH_TYPES)  # CONSTRUCT / DESCRIBE
    triples, truncated = _take(res, max_rows)
    prefixes = None
    if fmt in (RDF.TURTLE, RDF.N3):
        from kg.assemble.rdf import PREFIXES as prefixes  # rdflib: imported only where needed
    body = pyoxigraph.serialize(triples, format=fmt, prefixes=prefixes)
    return Answer(ctype, body, len(triples), truncated)


def _take(iterator, max_rows: int) -> tuple[list, bool]:
    """Up to ``max_rows`` items, and whether there were more."""
    items = []
    for item in iterator:
        if len(items) >= max_rows:
            return items, True
        items.append(item)
    return items, False


class Reply:
    """A query's answer on its way to the client: the headers' facts now, the body by :meth:`chunks`.

    Use it as a context manager: leaving it before the whole body was read (the client went away,
    the deadline passed) kills the worker that was still sending it.
    """

    def __init__(self, pool: WorkerPool, header: dict, deadline: float, worker=None, body: bytes = b""):
        self.content_type: str = header["content_type"]
        self.rows: int = header["rows"]
        self.truncated: bool = header["truncated"]
        self.length: int = header["length"]
        self.deadline = deadline
        self._pool, self._worker, self._body = pool, worker, body

    def chunks(self):
        """The body, in pieces of at most ``CHUNK`` bytes (raises TimeoutError at the deadline)."""
        if self._worker is None:
            yield self._body
            return
        try:
            yield from self._worker.body(self.length, self.deadline)
        except QueryError as e:
            raise OSError(f"the worker stopped while sending the answer: {e.message}") from None
        self._pool.release(self._worker)
        self._worker = None

    def close(self) -> None:
        if self._worker is not None:
            self._pool.discard(self._worker)
            self._worker = None

    def __enter__(self) -> Reply:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class QueryRunner:
    """Runs queries on one graph under the time, memory, size and concurrency limits (see module doc)."""

    def __init__(self, graph: Path, timeout: float = 30.0, max_rows: int = 100_000, max_concurrent: int = 4,
                 max_memory_mb: int = QUERY_MAX_MEMORY_MB, allow_service: bool = False):
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.max_concurrent = int(max_concurrent)
        self.pool = WorkerPool(graph, self.max_concurrent, max_memory_mb, allow_service)

    def close(self) -> None:
        """Stop the workers."""
        self.pool.close()

    def lookup(self, iri: str, fmt: str) -> Reply:
        """An entity's or paper's record (``fmt`` "record": JSON) or triples ("turtle", "jsonld",
        "ntriples") from a worker, under the same limits as a query; raises :class:`QueryFailed`
        (404 unknown, 500 crash, 503 time, memory or busy)."""
        from kg.lookup import PAPER_NS

        return self._ask({"kind": "lookup", "iri": iri, "format": fmt, "paper_ns": PAPER_NS,
                          "max_rows": self.max_rows}, "lookup")

    def run(self, query: str, accept: str | None = None, default_graph_uris: list[str] = (),
            named_graph_uris: list[str] = ()) -> Reply:
        """Answer ``query``; raises :class:`QueryFailed` (400 refused or syntax, 403 update, 500 crash,
        503 time, memory or busy)."""
        job = {"kind": "answer", "query": query, "accept": accept, "default_graph": list(default_graph_uris),
               "named_graphs": list(named_graph_uris), "max_rows": self.max_rows}
        return self._ask(job, "query")

    def _ask(self, job: dict, what: str) -> Reply:
        """Run ``job`` on an idle worker and take (or start streaming) its answer."""
        deadline = time.monotonic() + self.timeout
        worker = self.pool.acquire(deadline)
        if worker is None:
            raise QueryFailed(503, f"server busy: all {self.max_concurrent} query workers are taken by "
                                   f"long-running queries; try again later", {"Retry-After": "5"})
        try:
            header = worker.ask(job, deadline)
            if header["ok"] and header["length"] > CHUNK:
                return Reply(self.pool, header, deadline, worker=worker)
            body = b"".join(worker.body(header["length"], deadline)) if header["ok"] else b""
        except TimeoutError:
            self.pool.discard(worker)
            raise QueryFailed(503, f"{what} stopped after {self.timeout:g} s (the server's --timeout)"
                                   + ("; simplify it or add a LIMIT" if what == "query" else "")) from None
        except QueryError:  # the worker died on it
            self.pool.discard(worker)
            raise
        if not header["ok"]:  # refused or failed: the worker is fine (unless it says otherwise)
            (self.pool.discard if header.get("retire") else self.pool.release)(worker)
            raise QueryFailed(header["status"], header["message"])
        self.pool.release(worker)
        return Reply(self.pool, header, deadline, body=body)
