"""What `kg query` reads off a query's text before it runs: predeclared prefixes, parameters
bound with a ``VALUES`` block, the columns of ``SELECT *`` in query order, and readable syntax
errors.

The text is scanned like SPARQL (comments, IRIs and the four kinds of string literal are
skipped; the patterns are those of :mod:`kg.query.guard`), never parsed by hand beyond that.
A parameter's value is an RDF term (``pyoxigraph.Literal`` or ``NamedNode``) and enters the
query as that term's N-Triples serialization, which escapes quotes, backslashes and line
breaks: whatever a value holds, it stays one term (no string building).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pyoxigraph

from kg.config import ONTOLOGY_NS
from kg.errors import KgError
from kg.query.guard import _SKIPPED, _STRINGS

#: Prefixes every `kg query` knows without a PREFIX line (a query's own PREFIX of the same name wins).
PREFIXES: dict[str, str] = {
    "kg": ONTOLOGY_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

_SCAN = re.compile(
    r"(?P<space>\s+) | (?P<skip>" + _SKIPPED + _STRINGS + r""")
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<bnode>_:[\w.\-]*)
  | (?P<pname>[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:
  | (?P<word>[\w-]+)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<other>[\s\S])
""", re.VERBOSE)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_XSD = PREFIXES["xsd"]
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                                "unsignedShort", "unsignedByte")}
_FLOATS = {_XSD + t for t in ("decimal", "double", "float")}


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of each token that is not space, a comment, an IRI or a string."""
    pos = 0
    while pos < len(text):
        m = _SCAN.match(text, pos)
        pos = m.end()
        if m.lastgroup not in ("space", "skip"):
            yield m.lastgroup, m.group(), m.start()


def variables(text: str) -> list[str]:
    """The names of the variables in ``text``, in order of first appearance."""
    seen: dict[str, None] = {}
    for kind, tok, _ in _tokens(text):
        if kind == "var":
            seen.setdefault(tok[1:], None)
    return list(seen)


def is_select_star(text: str) -> bool:
    """True for ``SELECT *`` (also ``SELECT DISTINCT *``, ``SELECT REDUCED *``) at the top level."""
    toks = [(k, t.upper()) for k, t, _ in _tokens(text)]
    for i, (k, t) in enumerate(toks):
        if k == "word" and t == "SELECT":
            j = i + 1
            if j < len(toks) and toks[j][1] in ("DISTINCT", "REDUCED"):
                j += 1
            return j < len(toks) and toks[j][1] == "*"
    return False


def star_columns(text: str, columns: list[str]) -> list[str]:
    """The columns of a ``SELECT *`` in the order their variables first appear in the query
    (pyoxigraph sorts them by name); other queries' columns as they are."""
    if not is_select_star(text):
        return columns
    order = {v: i for i, v in enumerate(variables(text))}
    return sorted(columns, key=lambda c: (order.get(c, len(order)), columns.index(c)))


def where_brace(text: str) -> int:
    """The offset of the ``{`` that opens the query's WHERE clause.

    Raises
    ------
    KgError
        If the query has none (``DESCRIBE <x>``) or uses the short ``CONSTRUCT WHERE`` form,
        where nothing can be bound.
    """
    form = None
    depth = 0
    after_template = False
    for kind, tok, off in _tokens(text):
        up = tok.upper()
        if form is None:
            if kind == "word" and up in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = up
            continue
        if kind == "open":
            if tok == "{" and depth == 0:
                if form == "CONSTRUCT" and not after_template:
                    after_template = True  # the template: the WHERE clause comes after it
                    depth += 1
                    continue
                return off
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word" and up == "WHERE" and form == "CONSTRUCT" and not after_template:
            raise KgError("--param cannot bind in the short form CONSTRUCT WHERE { ... }: write "
                          "CONSTRUCT { template } WHERE { pattern }")
    raise KgError("--param needs a query with a WHERE clause ({ ... }) to bind its variables in")


def bind(text: str, bindings: Mapping[str, str]) -> tuple[str, int, int]:
    """``text`` with ``VALUES`` blocks that bind each variable in ``bindings`` (name -> an RDF
    term in N-Triples syntax, made by :func:`parse_param`) at the start of its WHERE clause.

    Returns
    -------
    (str, int, int)
        The new text, the offset where the block went in and its length (to map the positions
        of a syntax error back to the text as written). The block holds no line break.

    Raises
    ------
    KgError
        If a variable is not in the query, or the query has no WHERE clause to bind it in.
    """
    if not bindings:
        return text, 0, 0
    known = set(variables(text))
    for name in bindings:
        if name not in known:
            raise KgError(f"--param {name}: the query has no variable ?{name}"
                          + (f" (it has {', '.join('?' + v for v in sorted(known))})" if known else ""))
    at = where_brace(text) + 1
    block = " " + " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in bindings.items()) + " "
    return text[:at] + block + text[at:], at, len(block)


def parse_param(spec: str) -> tuple[str, str]:
    """``NAME=VALUE`` to (name, RDF term in N-Triples syntax).

    ``NAME=text`` binds the string literal ``text``, whatever it holds (quotes, braces, ``#``);
    ``NAME=<IRI>`` binds an IRI; ``NAME:=TERM`` binds a term written in Turtle: a number
    (``5``, ``0.5``), ``true``, a typed or tagged literal (``"2024-01-01"^^xsd:date``,
    ``"Haus"@de``) or a prefixed name (``kg:Dataset``, with the predeclared prefixes).

    Raises
    ------
    KgError
        For a malformed spec, a bad variable name, an invalid IRI or term.
    """
    name, sep, value = spec.partition("=")
    typed = name.endswith(":")
    name = name[:-1] if typed else name
    name = name.lstrip("?$")
    if not sep or not _NAME.match(name):
        raise KgError(f"--param {spec!r}: expected NAME=VALUE (a variable name, then the value)")
    try:
        if typed:
            term = _turtle_term(value)
        elif value.startswith("<") and value.endswith(">"):
            term = pyoxigraph.NamedNode(value[1:-1])
        else:
            term = pyoxigraph.Literal(value)
    except ValueError as e:
        raise KgError(f"--param {name}: not a valid value ({' '.join(str(e).split())})") from None
    return name, str(term)


def _turtle_term(value: str):
    head = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    try:
        triples = list(pyoxigraph.parse(f"{head}<urn:kg:s> <urn:kg:p> {value} .".encode("utf-8"),
                                        format=pyoxigraph.RdfFormat.TURTLE))
    except SyntaxError as e:
        raise ValueError(f"not one RDF term in Turtle syntax: {e}") from None
    if len(triples) != 1 or not isinstance(triples[0].object, (pyoxigraph.Literal, pyoxigraph.NamedNode)):
        raise ValueError("not one literal or IRI in Turtle syntax")
    return triples[0].object


def typed_value(term):
    """A result term as a JSON value: numbers as numbers, booleans as booleans, an IRI as
    ``{"@id": IRI}`` (a blank node ``{"@id": "_:b0"}``), an unbound variable as None, and any
    other literal (dates included: their lexical form is ISO 8601) as its text."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return {"@id": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"@id": f"_:{term.value}"}
    if isinstance(term, pyoxigraph.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGERS:
                return int(term.value)
            if dt in _FLOATS:
                v = float(term.value)
                return v if v == v and v not in (float("inf"), float("-inf")) else term.value
        except ValueError:
            return term.value  # an ill-typed literal stays text
        if dt == _XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return str(term)  # an RDF-star triple


_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.S)


def syntax_message(error: str, text: str, inserted: tuple[int, int] = (0, 0)) -> str:
    """One readable line for a pyoxigraph syntax error (``error at 3:18: expected ...``) on
    ``text``: ``SPARQL syntax error at line 3, column 18 (near "..."): ...``, the position
    mapped back past a block :func:`bind` put in, and a clearer reason for an unknown prefix."""
    error = " ".join(error.split())
    m = _POSITION.match(error)
    if not m:
        return f"SPARQL syntax error: {error}"
    line, col, reason = int(m[1]), int(m[2]), m[3]
    at, length = inserted
    if length:
        before = text[:at]
        ins_line = before.count("\n") + 1
        ins_col = at - (before.rfind("\n") + 1) + 1  # 1-based column where the block starts
        if line == ins_line and col > ins_col:
            col = max(ins_col, col - length)
        text = text[:at] + text[at + length:]
    lines = text.split("\n")
    near = ""
    if 1 <= line <= len(lines):
        snippet = lines[line - 1][max(0, col - 1):][:30].strip()
        before = lines[line - 1][:max(0, col - 1)].strip()[-30:]
        near = f' (near "{snippet}")' if snippet else f' (after "{before}")' if before else ""
    unknown = undeclared_prefixes(text)
    if unknown:
        reason = (f"unknown prefix {', '.join(p + ':' for p in unknown)} (declare it with PREFIX; predeclared: "
                  f"{', '.join(PREFIXES)})")
    elif reason.startswith("expected one of "):
        choices = [c for c in reason[len("expected one of "):].split(", ") if c != "[_]"]
        reason = "expected one of " + ", ".join(choices[:6]) + (", ..." if len(choices) > 6 else "")
    return f"SPARQL syntax error at line {line}, column {col}{near}: {reason}"


def undeclared_prefixes(text: str) -> list[str]:
    """Prefixes used in ``text`` that neither it nor :data:`PREFIXES` declares."""
    declared = set(PREFIXES)
    used: dict[str, None] = {}
    toks = list(_tokens(text))
    for i, (kind, tok, _) in enumerate(toks):
        if kind == "pname":
            p = tok[:-1]
            if i and toks[i - 1][0] == "word" and toks[i - 1][1].upper() == "PREFIX":
                declared.add(p)
            else:
                used.setdefault(p, None)
    return [p for p in used if p not in declared]
