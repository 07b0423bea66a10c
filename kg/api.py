"""A build, from Python: the notebook API (``from kg import open_build``).

>>> b = open_build("outputs/")                      # doctest: +SKIP
>>> b.query("SELECT ?label WHERE { ?e a kg:Dataset ; skos:prefLabel ?label } LIMIT 3")  # doctest: +SKIP

* :meth:`Build.query` -- SPARQL on the build's on-disk store, as a pandas DataFrame with typed
  columns (numbers, booleans and dates as such; IRIs and text as strings). The prefixes kg, skos,
  dcterms, schema, prov, rdf, rdfs, xsd and owl are declared.
* :meth:`Build.tables` -- ``papers``, ``entities``, ``mentions`` (the build's CSV tables).
* :meth:`Build.networkx` -- the graph as NetworkX reads it from ``graph.graphml``.
* :meth:`Build.rdflib` -- the whole graph in an rdflib Graph, for small builds: rdflib holds every
  triple in memory (about 1.3 KB each, parsed at about 8,000 triples/s on a busy 2-core machine),
  so past ``max_triples`` it refuses and says what to use instead.
* :meth:`Build.show` -- what `kg show` reports (:mod:`kg.lookup`).

The build folder's current version (``.kg-current``) is resolved when the build is opened, so
every call reads the same build even if `kg build` replaces it meanwhile (open it again to see
the new one).
"""

from __future__ import annotations

import datetime
from collections import namedtuple
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.query.text import PREFIXES

#: Above this many triples :meth:`Build.rdflib` refuses (about 650 MB of memory and a minute of parsing).
RDFLIB_MAX_TRIPLES = 500_000

Tables = namedtuple("Tables", ["papers", "entities", "mentions"])

#: The prefixes `kg query` predeclares (one list for both).
QUERY_PREFIXES = PREFIXES
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {f"{_XSD}{t}" for t in ("integer", "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                    "nonPositiveInteger", "int", "long", "short", "byte", "unsignedInt",
                                    "unsignedLong", "unsignedShort", "unsignedByte")}
_FLOATS = {f"{_XSD}{t}" for t in ("decimal", "double", "float")}


def python_value(term):
    """A query result term as a Python value: int, float, bool, ``datetime.date``, or str (IRIs, text,
    anything else); None for an unbound variable."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGERS:
                return int(term.value)
            if dt in _FLOATS:
                return float(term.value)
            if dt == f"{_XSD}boolean":
                return term.value in ("true", "1")
            if dt == f"{_XSD}date":
                return datetime.date.fromisoformat(term.value)
        except ValueError:  # an ill-typed literal stays text
            return term.value
        return term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


class Build:
    """A finished build, opened read-only (see the module doc). Use :func:`open_build`."""

    def __init__(self, path: Path):
        from kg.query import open_graph

        given = Path(path)
        if not given.exists():
            raise KgError("no such build folder (run `kg build` first)", str(given))
        current = given / ".kg-current"
        self.path = current.resolve() if current.is_dir() else given
        self.given = given
        self.store = open_graph(self.path)
        self._lookup = None

    def __repr__(self) -> str:
        return f"<kg build {str(self.given)!r}>"

    # -- SPARQL -----------------------------------------------------------------------------------

    def query(self, sparql: str, timeout: float = 60.0):
        """Run a SPARQL query; a DataFrame (SELECT: a column per variable in the query's order; ASK: one
        ``ask`` column; CONSTRUCT/DESCRIBE: ``subject``, ``predicate``, ``object``).

        The text is checked as `kg query` checks it (no nesting the engine cannot take, no SERVICE,
        no update) and runs on a thread with a large stack in this process.

        Raises
        ------
        KgError
            A refused or malformed query, an update, or one still running after ``timeout`` seconds
            (it then finishes in the background: run long queries with `kg query`, which can stop them).
        """
        import pandas as pd

        from kg.query.guard import QueryRefused, check_query, looks_like_update, start_query_thread

        try:
            check_query(sparql)
        except QueryRefused as e:
            raise KgError(str(e)) from None
        out: dict = {}

        def run():
            try:
                res = self.store.query(sparql, prefixes=QUERY_PREFIXES)
                if isinstance(res, ox.QueryBoolean):
                    out["frame"] = (["ask"], [[bool(res)]])
                elif isinstance(res, ox.QuerySolutions):
                    cols = [v.value for v in res.variables]
                    out["frame"] = (cols, [[python_value(sol[c]) for c in cols] for sol in res])
                else:
                    out["frame"] = (["subject", "predicate", "object"],
                                    [[python_value(t.subject), python_value(t.predicate), python_value(t.object)]
                                     for t in res])
            except SyntaxError as e:
                out["error"] = ("SPARQL Update is not allowed: queries are read-only" if looks_like_update(sparql)
                                else "SPARQL syntax error: " + " ".join(str(e).split()))
            except Exception as e:  # noqa: BLE001 - one clear line
                out["error"] = f"query failed: {e}"

        t = start_query_thread(run, "kg-notebook-query")
        t.join(timeout)
        if t.is_alive():
            raise KgError(f"query still running after {timeout:g} s (raise timeout=, or run it with `kg query`)")
        if "error" in out:
            raise KgError(out["error"])
        cols, rows = out["frame"]
        frame = pd.DataFrame(rows, columns=cols)
        for c in frame.columns:  # integer columns with gaps stay integers (Int64), not floats
            values = frame[c].dropna()
            if len(values) and all(type(v) is int for v in values):
                frame[c] = frame[c].astype("Int64")
            elif len(values) and all(type(v) is datetime.date for v in values):
                frame[c] = pd.to_datetime(frame[c])
        return frame

    # -- tables and graphs ----------------------------------------------------------------------------

    def _file(self, name: str, fmt: str) -> Path:
        p = self.path / name
        if not self.path.exists():
            raise KgError("this build was replaced by a newer one after it was opened: open_build() it again",
                          str(self.given))
        if not p.is_file():
            raise KgError(f"this build has no {name} (build with `--format {fmt}` among its formats)", str(self.given))
        return p

    def tables(self) -> Tables:
        """``Tables(papers, entities, mentions)``: the build's CSV tables as DataFrames.

        Only empty cells are missing values (an entity called "NA" stays "NA"). Text cells that a
        spreadsheet would run as a formula were written with a leading ``'`` and are read as written.
        """
        import pandas as pd

        def read(name):
            return pd.read_csv(self._file(f"{name}.csv", "tables"), keep_default_na=False, na_values=[""])

        return Tables(read("papers"), read("entities"), read("mentions"))

    def networkx(self):
        """The graph as NetworkX reads the build's ``graph.graphml``: papers and entities as nodes
        (``type``, ``label`` and the other attributes), paper-entity links and co-occurrence edges."""
        import networkx as nx

        return nx.read_graphml(self._file("graph.graphml", "graphml"))

    def triple_count(self) -> int:
        """The number of triples in the build's graph."""
        return len(self.store)

    def rdflib(self, max_triples: int = RDFLIB_MAX_TRIPLES):
        """The whole graph as an rdflib Graph, with the project's prefixes bound (small builds only).

        Raises
        ------
        KgError
            If the graph has more than ``max_triples`` triples: it says how many, what rdflib would
            need, and what to use instead.
        """
        from kg.assemble.rdf import PREFIXES, to_rdf

        n = self.triple_count()
        if n > max_triples:
            raise KgError(
                f"this build has {n:,} triples, more than max_triples={max_triples:,}: rdflib would hold them all "
                f"in memory (about {n * 1300 / 1e9:.1f} GB) and parse them for about {n / 8000 / 60:.0f} minutes. "
                f"Use Build.query() "
                f"(SPARQL on the on-disk store) or Build.tables() instead, or pass max_triples={n} to load it anyway")
        nt = self.path / "graph.nt"
        if nt.is_file():
            import rdflib

            g = rdflib.Graph()
            for prefix, ns in PREFIXES.items():
                g.bind(prefix, ns, override=True)
            return g.parse(str(nt), format="nt")
        return to_rdf(data=self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))

    # -- one entity -----------------------------------------------------------------------------------

    def show(self, name: str, top: int = 5, evidence: int = 10) -> dict:
        """What `kg show NAME` reports, as a dict (see :mod:`kg.lookup`).

        Raises
        ------
        kg.lookup.NotFound
            For an unknown name; its ``suggestions`` are the closest labels.
        """
        from kg.lookup import Lookup

        if self._lookup is None:
            self._lookup = Lookup(self.store, self.path if self.path.is_dir() else None)
        return self._lookup.show(name, top=top, evidence=evidence)


def open_build(path: str | Path = "outputs") -> Build:
    """Open a `kg build` output folder (or any RDF file, for :meth:`Build.query` and :meth:`Build.show`).

    Raises
    ------
    KgError
        If nothing queryable is there.
    """
    return Build(Path(path))
