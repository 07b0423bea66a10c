"""Run one SPARQL query with a time limit, a row limit and a concurrency limit, and serialize it.

Limits, and why they look the way they do:

* **Concurrency.** Every query runs in its own worker thread and holds one of ``max_concurrent``
  slots (a semaphore) until the worker *really* finishes. pyoxigraph releases the GIL while it
  evaluates, so the HTTP server and the other slots keep answering while one query grinds.
* **Time.** The request waits at most ``timeout`` seconds (waiting for a slot included) and then
  answers 503. pyoxigraph cannot interrupt a query from Python: a worker stops at the next
  solution it yields (checked per row), but a single long step (a big COUNT, ORDER BY or a
  cartesian product before its first row) runs to its end in the background *while keeping its
  slot*. So at most ``max_concurrent`` runaway queries can exist; further requests wait for a slot
  and get 503 "busy" when none frees up in time - the server itself never stalls.
* **Size.** At most ``max_rows`` solutions (or triples) are returned; past that the iteration
  stops and the result is flagged as truncated (the HTTP layer sends ``X-KG-Truncated: true``).

Results are serialized by pyoxigraph (``QueryResultsFormat`` / ``RdfFormat``). Because pyoxigraph
can only serialize a whole solution iterator, the (at most ``max_rows``) solutions are collected,
written as SPARQL JSON results and re-parsed with :func:`pyoxigraph.parse_query_results` before the
final serialization, so a truncated answer is still a well-formed document in every format.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import pyoxigraph

from kg.assemble.rdf import PREFIXES
from kg.query.guard import looks_like_update

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

class QueryFailed(Exception):
    """A query that cannot be answered: ``status`` is the HTTP status to send."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


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


class QueryRunner:
    """Runs queries on one store under the time, size and concurrency limits (see module doc)."""

    def __init__(self, store: pyoxigraph.Store, timeout: float = 30.0, max_rows: int = 100_000,
                 max_concurrent: int = 4):
        self.store = store
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.max_concurrent = int(max_concurrent)
        self._slots = threading.BoundedSemaphore(self.max_concurrent)

    def run(self, query: str, accept: str | None = None, default_graph_uris: list[str] = (),
            named_graph_uris: list[str] = ()) -> Answer:
        """Answer ``query``; raises :class:`QueryFailed` (400 syntax, 403 update, 503 time/busy)."""
        deadline = time.monotonic() + self.timeout
        if not self._slots.acquire(timeout=self.timeout):
            raise QueryFailed(503, f"server busy: all {self.max_concurrent} query slots are taken by "
                                   f"long-running queries; try again later", {"Retry-After": "5"})
        cancel = threading.Event()
        outcome: dict = {}

        def work() -> None:
            # Only plain values leave this thread: an exception kept in `outcome` would hold the
            # traceback's frames, and with them the pyoxigraph iterator, which must be dropped on
            # the thread that made it (pyo3 "unsendable"); a reference cycle could drop it elsewhere.
            try:
                outcome["answer"] = self._execute(query, accept, default_graph_uris, named_graph_uris, cancel)
            except QueryFailed as e:
                outcome["error"] = (e.status, e.message, e.headers)
            except SyntaxError as e:
                if looks_like_update(query):
                    outcome["error"] = (403, "SPARQL Update is not allowed: this is a read-only query endpoint", {})
                else:
                    outcome["error"] = (400, f"SPARQL syntax error: {e}", {})
            except Exception as e:  # noqa: BLE001 - engine errors become one clear line
                outcome["error"] = (500, f"query failed: {e}", {})
            finally:
                self._slots.release()

        worker = threading.Thread(target=work, name="kg-serve-query", daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            cancel.set()  # stops the worker at its next solution; it keeps its slot until then
            raise QueryFailed(503, f"query stopped after {self.timeout:g} s (the server's --timeout); "
                                   f"simplify it or add a LIMIT")
        if "error" in outcome:
            raise QueryFailed(*outcome["error"])
        return outcome["answer"]

    def _execute(self, query, accept, default_graph_uris, named_graph_uris, cancel) -> Answer:
        kw = {}
        try:
            if default_graph_uris:
                kw["default_graph"] = [pyoxigraph.NamedNode(u) for u in default_graph_uris]
            if named_graph_uris:
                kw["named_graphs"] = [pyoxigraph.NamedNode(u) for u in named_graph_uris]
        except ValueError as e:
            raise QueryFailed(400, f"bad graph IRI: {e}") from None
        res = self.store.query(query, **kw)
        if isinstance(res, pyoxigraph.QueryBoolean):
            fmt, ctype = negotiate(accept, SOLUTION_TYPES)
            return Answer(ctype, res.serialize(format=fmt), rows=1)
        if isinstance(res, pyoxigraph.QuerySolutions):
            fmt, ctype = negotiate(accept, SOLUTION_TYPES)
            variables = [v.value for v in res.variables]
            rows, truncated = self._take(res, cancel)
            return Answer(ctype, _serialize_solutions(variables, rows, fmt), len(rows), truncated)
        fmt, ctype = negotiate(accept, GRAPH_TYPES)  # CONSTRUCT / DESCRIBE
        triples, truncated = self._take(res, cancel)
        prefixes = PREFIXES if fmt in (RDF.TURTLE, RDF.N3) else None
        body = pyoxigraph.serialize(triples, format=fmt, prefixes=prefixes)
        return Answer(ctype, body, len(triples), truncated)

    def _take(self, iterator, cancel: threading.Event) -> tuple[list, bool]:
        """Up to ``max_rows`` items, and whether there were more (or the request timed out)."""
        items = []
        for item in iterator:
            if cancel.is_set() or len(items) >= self.max_rows:
                return items, True  # on cancel nobody reads the answer any more
            items.append(item)
        return items, False
