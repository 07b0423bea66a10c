"""GraphML and GEXF for Gephi (and yEd, Cytoscape): one simple directed graph with scalar
attributes only.

The graph is flattened (:func:`paper_node`, :func:`paper_edges`, :func:`entity_nodes`,
:func:`cooccurrence_edges`) and streamed to the file as the papers pass by
(:mod:`kg.export.sinks`), so memory does not grow with the graph: lists are joined with
"; ", missing values are left out, each paper -> entity pair becomes one edge
(``relation`` = usesMethod/..., ``proposed`` = bool) and entity co-occurrence edges carry
their ``weight``. Every node has a ``label``, a ``type``, an RGB colour and a size (by
degree) so Gephi shows the types without setup; positions are laid out in Gephi itself
(ForceAtlas 2).

Both files validate against their XML schemas (tests/export/test_schemas.py): GraphML node
ids must be ``xs:NMTOKEN``s, so they are escaped by :func:`graphml_id` (a space becomes
``_x0020_``; the readable id stays in the ``label``, ``key`` and ``id`` attributes), and the
GEXF is GEXF 1.3 (networkx only writes 1.2draft correctly: its 1.3 header has a wrong XML
Schema instance namespace and a ``name`` attribute the schema forbids).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kg.assemble.rdf import clean_text
from kg.atomic import atomic_write
from kg.export.sinks import Sink, write_one

#: Node colour per type (also used by the HTML view and its legend).
TYPE_COLORS = {
    "Paper": "#9aa5b1", "Method": "#e4572e", "Architecture": "#4c72b0", "Dataset": "#55a868",
    "Metric": "#c6a700", "Task": "#8172b2",
}


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


# -- the flat graph, streamed ----------------------------------------------------------------

#: Declared node attributes and their types, in the order they are written.
NODE_ATTRS: dict[str, str] = {
    "label": "string", "kind": "string", "type": "string", "id": "string", "key": "string",
    "title": "string", "date": "string", "date_text": "string", "author_count": "int", "authors": "string",
    "url": "string", "categories": "string", "sources": "string", "entity_count": "int",
    "alt_labels": "string", "paper_count": "int", "proposed_by": "string", "in_vocabulary": "boolean",
    "color": "string", "r": "int", "g": "int", "b": "int", "size": "double",
}
#: Declared edge attributes and their types.
EDGE_ATTRS: dict[str, str] = {
    "relation": "string", "proposed": "boolean", "mentions": "int", "evidence": "string", "weight": "double",
    "results": "string",
}
RELATION = {"Method": "usesMethod", "Architecture": "usesArchitecture", "Dataset": "usesDataset",
            "Metric": "reportsMetric", "Task": "addressesTask"}


def _size(degree: int) -> float:
    return float(5 + 2 * degree ** 0.5)


def _colour(attrs: dict, kind: str) -> dict:
    color = TYPE_COLORS.get(kind, "#999999")
    attrs["color"] = color
    attrs["r"], attrs["g"], attrs["b"] = _rgb(color)
    return attrs


def paper_node(ex) -> tuple[str, dict]:
    """The node of a paper: ``(id, attrs)``."""
    p = ex.paper
    n_ent = len({m.key for m in ex.mentions})
    attrs = {"label": p.title or (p.abstract[:80] + "…"), "kind": "Paper", "type": "Paper", "id": p.id,
             "title": p.title, "date": p.date.isoformat() if p.date else None, "date_text": p.date_text,
             "author_count": p.author_count, "authors": "; ".join(p.authors) or None, "url": p.url,
             "categories": "; ".join(p.categories) or None,
             "sources": "; ".join(str(s) for s in p.sources) or None, "entity_count": n_ent,
             "size": _size(n_ent)}
    return f"paper:{p.id}", _colour(attrs, "Paper")


def paper_edges(ex, kg) -> list[tuple[str, str, dict]]:
    """One edge per entity a paper mentions: ``(source, target, attrs)`` with the relation,
    the proposed flag, the mention count and the first evidence sentence."""
    links: dict[str, dict] = {}
    for m in ex.mentions:
        link = links.get(m.key)
        if link is None:
            links[m.key] = {"relation": RELATION[kg.entity_type(m.key)], "proposed": m.proposed,
                            "mentions": 1, "weight": 1.0,
                            "evidence": ex.sentences[m.sentence] if m.sentence < len(ex.sentences) else None}
        else:
            link["mentions"] += 1
            link["proposed"] = link["proposed"] or m.proposed
    for r in ex.results:  # a paper -> metric edge lists the results the paper reports in that metric
        link = links.get(r.metric_key)
        if link is not None and link["relation"] == "reportsMetric":
            text = result_text(r)
            link["results"] = f"{link['results']}; {text}" if link.get("results") else text
    source = f"paper:{ex.paper.id}"
    return [(source, f"entity:{key}", attrs) for key, attrs in links.items()]


def result_text(r) -> str:
    """A result in one line: "85.1% top-1 accuracy on ImageNet by ViT-B/16 (absolute)"."""
    on = f" on {r.dataset}" if r.dataset else ""
    by = f" by {r.system}" if r.system else ""
    return f"{r.value} {r.metric}{on}{by} ({r.kind})".replace(";", ",")


def partner_counts(kg) -> dict[str, int]:
    """The number of co-occurrence partners of each entity that has any."""
    partners: dict[str, int] = {}
    for a, b in kg.cooccurrence:
        partners[a] = partners.get(a, 0) + 1
        partners[b] = partners.get(b, 0) + 1
    return partners


def entity_nodes(kg, partners: dict[str, int] | None = None) -> Iterator[tuple[str, dict]]:
    """The node of every merged entity, sized by its papers and co-occurrence partners
    (``partners``: :func:`partner_counts`, computed here if not given)."""
    if partners is None:
        partners = partner_counts(kg)
    for key, e in kg.entities.items():
        attrs = {"label": e.label, "kind": "Entity", "type": e.type, "key": key,
                 "alt_labels": "; ".join(e.alt_labels) or None, "paper_count": len(e.papers),
                 "proposed_by": "; ".join(e.proposed_by) or None, "in_vocabulary": e.in_vocabulary,
                 "size": _size(len(e.papers) + partners.get(key, 0))}
        yield f"entity:{key}", _colour(attrs, e.type)


class FlatPapers:
    """The node and edges of the paper last asked for (:func:`paper_node`,
    :func:`paper_edges`), made once for GraphML and GEXF, which are fed the same paper in
    turn; and the entities' partner counts, made once for both.

    Parameters
    ----------
    kg : KnowledgeGraph
    """

    def __init__(self, kg):
        self.kg = kg
        self._ex = None
        self._flat: tuple[tuple[str, dict], list[tuple[str, str, dict]]] | None = None
        self._partners: dict[str, int] | None = None

    def __call__(self, ex) -> tuple[tuple[str, dict], list[tuple[str, str, dict]]]:
        if ex is not self._ex:
            self._ex = ex
            self._flat = paper_node(ex), paper_edges(ex, self.kg)
        return self._flat  # type: ignore[return-value]

    def partners(self) -> dict[str, int]:
        if self._partners is None:
            self._partners = partner_counts(self.kg)
        return self._partners


def cooccurrence_edges(kg) -> Iterator[tuple[str, str, dict]]:
    """One edge per co-occurring entity pair, weighted by the papers mentioning both."""
    for (a, b), w in kg.cooccurrence.items():
        yield f"entity:{a}", f"entity:{b}", {"relation": "cooccursWith", "weight": float(w)}


def _xml_value(v) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _escape(s: str) -> str:
    """``xml.sax.saxutils.escape`` with a fast path for text that needs none (most of it)."""
    if "&" in s or "<" in s or ">" in s:
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s


def _xml_text(v) -> str:
    s = v if isinstance(v, str) else _xml_value(v)
    return _escape(s if s.isprintable() else clean_text(s))


def _xml_attr(v) -> str:
    """``xml.sax.saxutils.quoteattr`` (same output) with fast paths."""
    s = _escape(clean_text(str(v)))
    if "\n" in s or "\r" in s or "\t" in s:
        s = s.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in s:
        if "'" in s:
            return '"' + s.replace('"', "&quot;") + '"'
        return "'" + s + "'"
    return '"' + s + '"'


#: Characters kept as they are in a GraphML id (an xs:NMTOKEN); every other one is escaped.
_NMTOKEN_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-:")
_NMTOKEN_PLAIN = re.compile(r"[A-Za-z0-9.:-]+")


def graphml_id(node) -> str:
    """``node`` as an xs:NMTOKEN: characters outside ``[A-Za-z0-9.:-]`` become ``_xHHHH_``.

    Injective (``_`` itself is escaped), so distinct nodes keep distinct ids, and stable: an
    id depends on its node only, not on the rest of the graph.
    """
    node = str(node)
    if _NMTOKEN_PLAIN.fullmatch(node):
        return node
    return "".join(c if c in _NMTOKEN_KEEP else f"_x{ord(c):04X}_" for c in node)


class _Memo(dict):
    """``memo[x]`` is ``fn(x)``, computed once (entity ids recur on every edge to them)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
        value = self[key] = self.fn(key)
        return value


def _section(out_dir: Path):
    """A scratch text file for a part written later in the file (paper edges come after all
    nodes, but are produced together with the paper nodes)."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", dir=out_dir, prefix=".kg-section-")


def _graphml_node(n: str, attrs: dict) -> str:
    return (f'    <node id="{graphml_id(n)}">'
            + "".join(f'<data key="n_{k}">{_xml_text(v)}</data>' for k, v in attrs.items() if v is not None)
            + "</node>\n")


def _graphml_edge(u: str, v: str, attrs: dict, gid=graphml_id) -> str:
    return (f'    <edge source="{gid(u)}" target="{gid(v)}">'
            + "".join(f'<data key="e_{k}">{_xml_text(x)}</data>' for k, x in attrs.items() if x is not None)
            + "</edge>\n")


def _graphml_cooccurrence(kg, gid=graphml_id) -> Iterator[str]:
    """What :func:`_graphml_edge` makes of :func:`cooccurrence_edges` (the most numerous
    edges of a large build), without a dict of attributes per edge."""
    for (a, b), w in kg.cooccurrence.items():
        yield (f'    <edge source="{gid(f"entity:{a}")}" target="{gid(f"entity:{b}")}">'
               f'<data key="e_relation">cooccursWith</data><data key="e_weight">{float(w)!r}</data></edge>\n')


def sink_graphml(bundle, out_dir: Path) -> Sink:
    """Write ``graph.graphml`` from the stream of papers (keys first, then nodes, then edges)."""
    path = Path(out_dir) / "graph.graphml"
    kg = bundle.kg
    with atomic_write(path, "w") as f, _section(out_dir) as edges:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n'
                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for what, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
            for name, typ in attrs.items():
                f.write(f'  <key id="{what[0]}_{name}" for="{what}" attr.name="{name}" attr.type="{typ}"/>\n')
        f.write('  <graph edgedefault="directed">\n')
        gid = _Memo(graphml_id).__getitem__
        flat = bundle.flat_papers
        while (ex := (yield)) is not None:
            node, links = flat(ex)
            f.write(_graphml_node(*node))
            edges.write("".join(_graphml_edge(u, v, a, gid) for u, v, a in links))
        f.writelines(_graphml_node(n, a) for n, a in entity_nodes(kg, flat.partners()))
        edges.seek(0)
        shutil.copyfileobj(edges, f, 1 << 20)
        f.writelines(_graphml_cooccurrence(kg, gid))
        f.write("  </graph>\n</graphml>\n")
    return [path]


def write_graphml(bundle, out_dir: Path) -> list[Path]:
    """Write ``graph.graphml`` (see :func:`sink_graphml`)."""
    return write_one("graphml", sink_graphml(bundle, out_dir), bundle.kg.extractions)


GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
#: Node attributes written as viz elements (or the node's label), not as GEXF attributes.
_VIZ_KEYS = frozenset({"label", "color", "r", "g", "b", "size"})


def _gexf_attvalues(a: dict, ids: dict[str, str]) -> str:
    vals = "".join(f'<attvalue for="{ids[k]}" value={_xml_attr(_xml_value(v))}/>'
                   for k, v in a.items() if k in ids and v is not None)
    return f"<attvalues>{vals}</attvalues>" if vals else ""


def _gexf_node(n: str, a: dict, ids: dict[str, str]) -> str:
    return (f'      <node id={_xml_attr(n)} label={_xml_attr(a["label"])}>{_gexf_attvalues(a, ids)}'
            f'<viz:color r="{a["r"]}" g="{a["g"]}" b="{a["b"]}" a="1.0"/><viz:size value="{a["size"]!r}"/>'
            f'</node>\n')


def _gexf_edge(i: int, u: str, v: str, a: dict, ids: dict[str, str], qa=_xml_attr) -> str:
    return (f'      <edge id="{i}" source={qa(u)} target={qa(v)} '
            f'weight="{float(a.get("weight", 1.0))!r}">{_gexf_attvalues(a, ids)}</edge>\n')


def sink_gexf(bundle, out_dir: Path) -> Sink:
    """Write ``graph.gexf`` (GEXF 1.3) from the stream of papers, with viz colour and size."""
    path = Path(out_dir) / "graph.gexf"
    kg = bundle.kg
    node_keys = [k for k in NODE_ATTRS if k not in _VIZ_KEYS]
    edge_keys = [k for k in EDGE_ATTRS if k != "weight"]
    nid = {k: f"n{i}" for i, k in enumerate(node_keys)}
    eid = {k: f"e{i}" for i, k in enumerate(edge_keys)}
    gexf_types = {"string": "string", "int": "long", "double": "double", "boolean": "boolean"}
    with atomic_write(path, "w") as f, _section(out_dir) as edges:
        f.write(f'<?xml version="1.0" encoding="utf-8"?>\n'
                f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{VIZ_NS}" xmlns:xsi="{_XSI_NS}" '
                f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd" version="1.3">\n'
                f'  <meta><creator>paper-kg</creator><description>Papers and the methods, architectures, '
                f'datasets, metrics and tasks they mention</description></meta>\n'
                f'  <graph defaultedgetype="directed" mode="static">\n'
                f'    <attributes class="node" mode="static">\n')
        for i, k in enumerate(node_keys):
            f.write(f'      <attribute id="n{i}" title="{k}" type="{gexf_types[NODE_ATTRS[k]]}"/>\n')
        f.write('    </attributes>\n    <attributes class="edge" mode="static">\n')
        for i, k in enumerate(edge_keys):
            f.write(f'      <attribute id="e{i}" title="{k}" type="{gexf_types[EDGE_ATTRS[k]]}"/>\n')
        f.write('    </attributes>\n    <nodes>\n')
        count = 0
        qa = _Memo(_xml_attr).__getitem__
        flat = bundle.flat_papers
        while (ex := (yield)) is not None:
            node, links = flat(ex)
            f.write(_gexf_node(*node, nid))
            edges.write("".join(_gexf_edge(count + i, u, v, a, eid, qa) for i, (u, v, a) in enumerate(links)))
            count += len(links)
        f.writelines(_gexf_node(n, a, nid) for n, a in entity_nodes(kg, flat.partners()))
        f.write("    </nodes>\n    <edges>\n")
        edges.seek(0)
        shutil.copyfileobj(edges, f, 1 << 20)
        f.writelines(_gexf_edge(count + i, u, v, a, eid, qa)
                     for i, (u, v, a) in enumerate(cooccurrence_edges(kg)))
        f.write("    </edges>\n  </graph>\n</gexf>\n")
    return [path]


def write_gexf(bundle, out_dir: Path) -> list[Path]:
    """Write ``graph.gexf`` (see :func:`sink_gexf`)."""
    return write_one("gexf", sink_gexf(bundle, out_dir), bundle.kg.extractions)
