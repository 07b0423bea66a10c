"""Query stage: SPARQL over a built graph, with pyoxigraph as the engine.

:func:`open_graph` opens a build folder (its on-disk ``store/``, read-only) or loads any RDF
file into memory. A query from a user (`kg query`) runs in a worker process
(:func:`run_query_isolated`, :mod:`kg.query.pool`) that can be killed at its time limit and whose
crash is only an error; :func:`run_query` runs one in this process (the queries of `kg stats`).
Both check the text first (:mod:`kg.query.guard`): no nesting the engine cannot take, no
``SERVICE`` (network access) unless allowed, never an update.
Example queries ship in ``kg/query/examples/*.rq``.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pyoxigraph

from kg.config import QUERY_MAX_MEMORY_MB
from kg.errors import KgError

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"

_RDF_FORMATS = {
    ".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
    ".nq": pyoxigraph.RdfFormat.N_QUADS, ".trig": pyoxigraph.RdfFormat.TRIG,
    ".rdf": pyoxigraph.RdfFormat.RDF_XML, ".xml": pyoxigraph.RdfFormat.RDF_XML,
    ".owl": pyoxigraph.RdfFormat.RDF_XML, ".jsonld": pyoxigraph.RdfFormat.JSON_LD,
    ".n3": pyoxigraph.RdfFormat.N3,
}


def example_queries() -> dict[str, str]:
    """Shipped example queries by name (file stem)."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES_DIR.glob("*.rq"))}


def example_description(text: str) -> str:
    """An example query's one-line description: its first comment line."""
    for line in text.splitlines():
        if line.startswith("#") and not line.startswith("# param:"):
            return line.lstrip("#").strip()
    return ""


def example_params(text: str) -> list[str]:
    """The parameters an example query takes (its ``# param: NAME  what it is`` lines), as
    ``NAME  what it is``; the query itself holds each default (``COALESCE(?NAME, default)``)."""
    return [line[len("# param:"):].strip() for line in text.splitlines() if line.startswith("# param:")]


def open_graph(path: Path) -> pyoxigraph.Store:
    """Open a build folder or an RDF file for querying.

    Raises
    ------
    KgError
        If nothing queryable is there, or the file does not parse.
    """
    path = Path(path)
    if path.is_dir():
        if (path / "store").is_dir():
            try:
                return pyoxigraph.Store.read_only(str(path / "store"))
            except OSError as e:
                raise KgError(f"cannot open the graph store: {e}", str(path / "store")) from None
        for name in ("graph.nt", "graph.ttl"):
            if (path / name).is_file():
                return open_graph(path / name)
        raise KgError("no built graph here (run `kg build` first, or pass --graph FILE)", str(path))
    if not path.is_file():
        raise KgError("no such graph file or build folder (run `kg build` first: it writes outputs/; or name a "
                      "build folder or an RDF file with --graph)", str(path))
    fmt = _RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise KgError(f"unknown RDF file type {path.suffix!r} (use .ttl, .nt, .nq, .trig, .rdf, .jsonld)", str(path))
    store = pyoxigraph.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as e:
        raise KgError(f"cannot parse RDF: {e}", str(path)) from None
    return store


def _value(term) -> str:
    if term is None:
        return ""
    return term.value if hasattr(term, "value") else str(term)


def query_rows(store: pyoxigraph.Store, query: str, max_rows: int | None = None, prefixes: dict | None = None,
               typed: bool = False) -> tuple[list[str], list[list]]:
    """Run a SPARQL SELECT/ASK/CONSTRUCT/DESCRIBE query here and now; return (columns, rows).

    Cells are strings ("" when unbound), or with ``typed`` JSON values
    (:func:`kg.query.text.typed_value`: numbers, booleans, ``{"@id": IRI}``, None). ``prefixes``
    are predeclared (a PREFIX in the query wins). The columns of ``SELECT *`` come in the order
    their variables first appear in the query. No checks and no limits: callers go through
    :func:`run_query` or a worker process (:func:`kg.query.worker.answer` checks the text).
    pyoxigraph results must be dropped on the thread that made them, so this runs on one thread.

    Raises
    ------
    SyntaxError
        From pyoxigraph, for a malformed query or an update.
    """
    from kg.query.text import star_columns, typed_value

    cell = typed_value if typed else _value
    res = store.query(query, prefixes=prefixes) if prefixes else store.query(query)
    if isinstance(res, pyoxigraph.QueryBoolean):
        return ["ask"], [[bool(res) if typed else ("true" if res else "false")]]
    if isinstance(res, pyoxigraph.QuerySolutions):
        cols = star_columns(query, [v.value for v in res.variables])
        rows = []
        for sol in res:
            rows.append([cell(sol[c]) for c in cols])
            if max_rows is not None and len(rows) >= max_rows:
                break
        return cols, rows
    rows = [[cell(t.subject), cell(t.predicate), cell(t.object)] for t in res]  # triples
    return ["subject", "predicate", "object"], rows


def run_query(store: pyoxigraph.Store, query: str, timeout: float = 60.0,
              max_rows: int | None = None, allow_service: bool = False) -> tuple[list[str], list[list[str]]]:
    """Run a SPARQL query in this process (for queries the program wrote; see :func:`run_query_isolated`).

    The text is checked first (:func:`kg.query.guard.check_query`: nesting, size, ``SERVICE``), and
    the query runs on a thread with a stack deep enough for what the check lets through.

    Raises
    ------
    KgError
        On a refused query, a syntax error, an update request, or when the query runs past
        ``timeout`` (it then finishes in the background: only a worker process can be stopped).
    """
    from kg.query.guard import start_query_thread
    from kg.query.worker import answer

    outcome: dict = {}
    job = {"kind": "rows", "query": query, "max_rows": max_rows, "allow_service": allow_service}
    t = start_query_thread(lambda: outcome.update(header=answer(store, job)[0]))
    t.join(timeout)
    if t.is_alive():
        raise KgError(f"query stopped after {timeout:g} s (raise --timeout to allow more)")
    header = outcome["header"]
    if not header["ok"]:
        raise KgError(header["message"])
    return header["columns"], header["rows"]


def run_query_isolated(graph: Path, query: str, timeout: float = 60.0, max_rows: int | None = None,
                       allow_service: bool = False, max_memory_mb: int = QUERY_MAX_MEMORY_MB,
                       prefixes: dict[str, str] | None = None, bindings: dict[str, str] | None = None,
                       typed: bool = False) -> tuple[list[str], list[list]]:
    """Run a SPARQL query from a user on ``graph`` (a build folder or an RDF file) in a worker process.

    ``prefixes`` are predeclared, ``bindings`` (variable name -> RDF term in N-Triples syntax,
    :func:`kg.query.text.parse_param`) are bound by a ``VALUES`` block at the start of the WHERE
    clause (:func:`kg.query.text.bind`, in the worker, before the query is checked), and
    ``typed`` gives JSON-typed cells (see :func:`query_rows`).

    The worker (:mod:`kg.query.worker`) opens the graph, checks the text, and runs the query with
    at most ``max_memory_mb`` MiB more than it holds at rest; it is killed at ``timeout`` seconds
    (counted once the graph is open), so the query stops there. A crash of the engine is one
    error here, not a crash of the caller.

    Raises
    ------
    KgError
        The graph cannot be opened, or the query is refused, malformed, an update, stopped, or
        crashed the engine (one line each).
    """
    from kg.query.pool import QueryError, WorkerPool

    with WorkerPool(graph, 1, max_memory_mb, allow_service) as pool:
        deadline = time.monotonic() + timeout
        try:
            worker = pool.acquire(deadline)
            if worker is None:
                raise TimeoutError
            header = worker.ask({"kind": "rows", "query": query, "max_rows": max_rows, "prefixes": prefixes,
                                 "bindings": bindings, "typed": typed}, deadline)
        except TimeoutError:
            raise KgError(f"query stopped after {timeout:g} s (raise --timeout to allow more)") from None
        except QueryError as e:
            raise KgError(e.message) from None
    if not header["ok"]:
        raise KgError(header["message"])
    return header["columns"], header["rows"]


def add_limit_options(p) -> None:
    """``--max-memory`` and ``--allow-service`` on an argparse parser (``kg query``, ``kg serve``)."""
    p.add_argument("--max-memory", type=int, default=QUERY_MAX_MEMORY_MB, metavar="MIB",
                   help=f"memory a query may use, in MiB, beyond what its worker process holds at rest "
                        f"(0: no limit); past it the query stops (default: {QUERY_MAX_MEMORY_MB})")
    p.add_argument("--allow-service", action="store_true",
                   help="allow federated queries (SERVICE), which make this machine fetch the URLs they "
                        "name; refused by default")


def _text(cell) -> str:
    """A cell as text, whether a string or a typed value (:func:`kg.query.text.typed_value`)."""
    if isinstance(cell, str):
        return cell
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, dict):
        return cell.get("@id", "")
    return str(cell)


def format_results(columns: list[str], rows: list[list[str]], fmt: str = "table") -> str:
    """Render results as an aligned text table, CSV or JSON (a list of objects)."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows([_text(c) for c in r] for r in rows)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, indent=2) + "\n"
    cells = [[_text(c).replace("\n", " ") for c in r] for r in rows]
    widths = [min(60, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(columns)]

    def line(vals):
        return "  ".join((v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(vals, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


STATS_QUERIES = {
    "types": """PREFIX kg: <https://w3id.org/paper-kg/ontology#>
SELECT ?type (COUNT(?s) AS ?n) WHERE {
  VALUES ?type { kg:Paper kg:Method kg:Architecture kg:Dataset kg:Metric kg:Task }
  ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)""",
    "top": """PREFIX kg: <https://w3id.org/paper-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?type ?label ?papers WHERE {
  VALUES ?type { kg:Method kg:Architecture kg:Dataset kg:Metric kg:Task }
  ?e a ?type ; skos:prefLabel ?label ; kg:paperCount ?papers } ORDER BY ?type DESC(?papers) ?label""",
    "empty": """PREFIX kg: <https://w3id.org/paper-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id ?title WHERE { ?p a kg:Paper ; dcterms:identifier ?id .
  OPTIONAL { ?p dcterms:title ?title }
  FILTER NOT EXISTS { ?p kg:mentions|kg:usesMethod|kg:usesArchitecture|kg:usesDataset|kg:reportsMetric|kg:addressesTask ?e } }
ORDER BY ?id""",
}


def graph_stats(store: pyoxigraph.Store, top: int = 10) -> str:
    """Counts per type, the top entities of each type, and the papers without entities."""
    short = lambda iri: iri.rsplit("#", 1)[-1]  # noqa: E731
    _, rows = run_query(store, STATS_QUERIES["types"])
    out = ["Nodes per type:"] + [f"  {short(t):13s} {n:>7s}" for t, n in rows]
    _, rows = run_query(store, STATS_QUERIES["top"])
    per: dict[str, list] = {}
    for t, label, n in rows:
        per.setdefault(short(t), []).append((label, n))
    for t, items in per.items():
        out.append(f"\nTop {t} (papers):")
        out += [f"  {n:>5s}  {label}" for label, n in items[:top]]
    _, rows = run_query(store, STATS_QUERIES["empty"])
    out.append(f"\nPapers without entities: {len(rows)}")
    out += [f"  {pid}  {title[:80]}" for pid, title in rows[:top]]
    if len(rows) > top:
        out.append(f"  ... and {len(rows) - top} more")
    return "\n".join(out)
