"""GraphML and GEXF for Gephi (and yEd, Cytoscape): one simple directed graph with scalar
attributes only.

The NetworkX graph is flattened: lists are joined with "; ", None values are left out, each
paper -> entity pair becomes one edge (``relation`` = usesMethod/..., ``proposed`` = bool) and
entity co-occurrence edges carry their ``weight``. Every node has a ``label``, a ``type``, an
RGB colour and a size (by degree) so Gephi shows the types without setup; positions
are laid out in Gephi itself (ForceAtlas 2).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.atomic import atomic_write

#: Node colour per type (also used by the HTML view and its legend).
TYPE_COLORS = {
    "Paper": "#9aa5b1", "Method": "#e4572e", "Architecture": "#4c72b0", "Dataset": "#55a868",
    "Metric": "#c6a700", "Task": "#8172b2",
}


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _scalar(v):
    if isinstance(v, (list, tuple, set)):
        return "; ".join(str(x) for x in v)
    return v


def flat_graph(g: nx.MultiDiGraph) -> nx.DiGraph:
    """A DiGraph with scalar attributes, colours and sizes (see the module docstring)."""
    out = nx.DiGraph()
    degree = dict(g.degree())
    for n, data in g.nodes(data=True):
        attrs = {k: _scalar(v) for k, v in data.items() if v is not None and k != "abstract"}
        attrs["label"] = str(data.get("label") or n)
        color = TYPE_COLORS.get(data.get("type"), "#999999")
        attrs["color"] = color
        attrs["r"], attrs["g"], attrs["b"] = _rgb(color)
        attrs["size"] = float(5 + 2 * (degree.get(n, 0) ** 0.5))
        attrs = {k: v for k, v in attrs.items() if v != ""}
        out.add_node(n, **attrs)
    for u, v, k, data in g.edges(keys=True, data=True):
        if k == "proposes":
            if out.has_edge(u, v):
                out[u][v]["proposed"] = True
            continue
        attrs = {kk: _scalar(vv) for kk, vv in data.items() if vv is not None}
        attrs.setdefault("weight", 1)
        out.add_edge(u, v, **attrs)
    return out


def write_graphml(bundle, out_dir: Path) -> list[Path]:
    path = Path(out_dir) / "graph.graphml"
    g = flat_graph(bundle.nx)
    with atomic_write(path, "wb") as f:
        nx.write_graphml(g, f, encoding="utf-8", named_key_ids=True)
    return [path]


def write_gexf(bundle, out_dir: Path) -> list[Path]:
    path = Path(out_dir) / "graph.gexf"
    g = flat_graph(bundle.nx).copy()
    for n, d in g.nodes(data=True):
        viz = {"color": {"r": d.pop("r"), "g": d.pop("g"), "b": d.pop("b"), "a": 1.0},
               "size": d.pop("size")}
        d.pop("color", None)
        d["viz"] = viz
    with atomic_write(path, "wb") as f:
        nx.write_gexf(g, f, encoding="utf-8", version="1.2draft")
    return [path]
