"""`kg validate`: check a built graph against the SHACL shapes (``ontology/shapes.ttl``).

The shapes are written to work without inference (entity shapes target the five concrete
classes and the objects of the paper -> entity links), so pyshacl runs with
``inference="none"`` and no ontology graph; on the bundled sample (about 53,000 triples)
loading takes about 2 s of CPU and validating about 9 s.

:func:`validate_graph` takes a build folder (its ``graph.nt``, else ``graph.ttl``, else
``graph.jsonld``) or any RDF file and returns whether the graph conforms and one line per
violation: focus node, path, message (and the offending value when there is one).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from kg.errors import KgError

SH = Namespace("http://www.w3.org/ns/shacl#")

EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
#: Violations the command prints (all of them are in validate_graph's report).
DEFAULT_LIMIT = 20

_RDF_FORMATS = {
    ".nt": "nt", ".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nq": "nquads",
    ".trig": "trig", ".rdf": "xml", ".xml": "xml", ".owl": "xml", ".n3": "n3",
}
#: Files of a build folder, in order of preference (N-Triples parses fastest).
_BUILD_FILES = ("graph.nt", "graph.ttl", "graph.jsonld")


def graph_file(path: Path) -> Path:
    """The RDF file to validate for ``path`` (a build folder or an RDF file)."""
    path = Path(path)
    if path.is_dir():
        for name in _BUILD_FILES:
            if (path / name).is_file():
                return path / name
        raise KgError("no built RDF graph here (graph.nt, graph.ttl or graph.jsonld; run `kg build` first)",
                      str(path))
    if not path.is_file():
        raise KgError("no such graph file or build folder", str(path))
    if path.suffix.lower() not in _RDF_FORMATS:
        raise KgError(f"unknown RDF file type {path.suffix!r} (use {', '.join(sorted(_RDF_FORMATS))})", str(path))
    return path


def load_rdf(path: Path) -> Graph:
    """Parse an RDF file with rdflib, with paper-kg's prefixes bound (for readable reports)."""
    from kg.assemble.rdf import PREFIXES

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    try:
        g.parse(str(path), format=_RDF_FORMATS[path.suffix.lower()])
    except Exception as e:  # rdflib raises many parser-specific types
        raise KgError(f"cannot parse RDF: {e}", str(path)) from None
    return g


def shapes_file(shapes: Path | None = None) -> Path:
    if shapes is not None:
        return Path(shapes)
    from kg.config import ontology_dir

    try:
        return ontology_dir() / "shapes.ttl"
    except FileNotFoundError as e:
        raise KgError(str(e)) from None


def _term(g: Graph, t) -> str:
    if t is None:
        return "-"
    if isinstance(t, URIRef):
        try:
            return g.namespace_manager.normalizeUri(t)
        except Exception:  # noqa: BLE001 - any IRI rdflib cannot shorten is shown whole
            return f"<{t}>"
    if isinstance(t, Literal):
        text = str(t)
        text = text if len(text) <= 60 else text[:57] + "..."
        dt = f"^^{_term(g, t.datatype)}" if t.datatype else ""
        return f'"{text}"{dt}'
    return f"_:{t}"


def _path(report: Graph, g: Graph, p) -> str:
    """A SHACL property path as text (``kg:p``, ``^kg:p``, ``a/b``, ``a|b``, ``p*`` ...)."""
    if p is None:
        return "-"
    if not isinstance(p, BNode):
        return _term(g, p)
    inv = report.value(p, SH.inversePath)
    if inv is not None:
        return f"^{_path(report, g, inv)}"
    for pred, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = report.value(p, pred)
        if inner is not None:
            return f"{_path(report, g, inner)}{suffix}"
    alt = report.value(p, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(_path(report, g, x) for x in Collection(report, alt)) + ")"
    if report.value(p, RDF.first) is not None:
        return "/".join(_path(report, g, x) for x in Collection(report, p))
    return _term(g, p)


def report_lines(report: Graph, g: Graph) -> list[str]:
    """One line per validation result, sorted: ``focus | path | message [value]``."""
    lines = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = _term(g, report.value(r, SH.focusNode))
        path = _path(report, g, report.value(r, SH.resultPath))
        message = str(report.value(r, SH.resultMessage) or report.value(r, SH.sourceConstraintComponent) or "")
        value = report.value(r, SH.value)
        shown = f" [value: {_term(g, value)}]" if value is not None and value != report.value(r, SH.focusNode) else ""
        lines.append(f"{focus} | {path} | {message}{shown}")
    return sorted(lines)


def validate_rdf(g: Graph, shapes: Path | None = None) -> tuple[bool, list[str]]:
    """Validate an rdflib graph against the shapes; (conforms, one line per violation)."""
    import pyshacl

    sp = shapes_file(shapes)
    shapes_graph = Graph()
    try:
        shapes_graph.parse(str(sp), format="turtle")
    except FileNotFoundError:
        raise KgError("shapes file not found", str(sp)) from None
    except Exception as e:  # noqa: BLE001
        raise KgError(f"cannot parse the shapes: {e}", str(sp)) from None
    conforms, report, _text = pyshacl.validate(
        g, shacl_graph=shapes_graph, inference="none", advanced=False, abort_on_first=False,
        allow_warnings=False, meta_shacl=False)
    return bool(conforms), report_lines(report, g)


def validate_graph(path, shapes: Path | None = None) -> tuple[bool, list[str]]:
    """Validate a build folder or RDF file against ``ontology/shapes.ttl``.

    Returns
    -------
    (conforms, report_lines)
        ``report_lines`` holds one ``focus | path | message`` line per violation (empty when
        the graph conforms).

    Raises
    ------
    KgError
        If there is no graph at ``path``, or it (or the shapes) does not parse.
    """
    return validate_rdf(load_rdf(graph_file(Path(path))), shapes)


# -- command line ---------------------------------------------------------------------------

def add_validate_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``kg validate`` to an argparse subparsers object; returns its parser."""
    p = subparsers.add_parser(
        "validate", help="check a built graph against the SHACL shapes",
        description="Validate a build folder (its graph.nt) or an RDF file against ontology/shapes.ttl "
                    "with pyshacl. Prints a one-line verdict and, if the graph does not conform, the "
                    "first violations (focus node | path | message).",
        epilog="Exit codes: 0 conforms, 1 does not conform, 2 error (no graph, parse error).")
    p.add_argument("graph", nargs="?", type=Path, default=Path("outputs"), metavar="GRAPH",
                   help="a build folder or an RDF file (default: outputs/)")
    p.add_argument("--shapes", type=Path, help="SHACL shapes file (default: the ontology's shapes.ttl)")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                   help=f"violations to print (default: {DEFAULT_LIMIT}; 0 = all)")
    p.set_defaults(func=cmd_validate)
    return p


def cmd_validate(args) -> int:
    """Run ``kg validate``; 0 conforms, 1 violations, 2 error (one line on stderr)."""
    target = Path(getattr(args, "graph", None) or "outputs")
    limit = getattr(args, "limit", DEFAULT_LIMIT)
    start = time.perf_counter()
    try:
        rdf_path = graph_file(target)
        g = load_rdf(rdf_path)
        conforms, lines = validate_rdf(g, getattr(args, "shapes", None))
    except KgError as e:
        print(f"kg: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    secs = time.perf_counter() - start
    if conforms:
        print(f"{rdf_path}: conforms to the SHACL shapes ({len(g):,} triples, {secs:.1f} s)")
        return EXIT_CONFORMS
    print(f"{rdf_path}: does NOT conform to the SHACL shapes: {len(lines):,} violation"
          f"{'' if len(lines) == 1 else 's'} ({len(g):,} triples, {secs:.1f} s)")
    shown = lines if not limit or limit < 0 else lines[:limit]
    for line in shown:
        print(f"  {line}")
    if len(shown) < len(lines):
        print(f"  ... and {len(lines) - len(shown):,} more (--limit 0 shows all)")
    return EXIT_VIOLATIONS
