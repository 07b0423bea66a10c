"""``graph.html``: an interactive view of the graph in one self-contained, offline file (and
``leaderboards.html`` beside it, :mod:`kg.export.leaderboards`).

The nodes, edges and vis-network options are held in a :class:`pyvis.network.Network`, but
the page comes from our own template (``templates/graph.html``), not pyvis's: pyvis's template
links Bootstrap and vis from CDNs. Ours inlines the vis-network build that ships with pyvis,
so the page loads nothing from the network (its Content-Security-Policy forbids it, too).

Everything taken from the data (titles, abstracts, labels) travels in one JSON document in a
``<script type="application/json" id="kg-data">`` element, with ``<``, ``>``, ``&``, U+2028
and U+2029 escaped so no title can end the element; the page's script inserts it with
``textContent`` only.

Two views:

* up to ``BuildConfig.html_max_nodes`` nodes: papers and entities, linked paper -> entity;
* larger graphs: the entity graph (co-occurrence links) of the ``html_max_nodes`` entities
  mentioned by most papers, papers left out (a note on the page says so). Each entity keeps
  its strongest links (``CUT_LINKS_PER_NODE``) and lists up to ``CUT_PAPERS_PER_ENTITY``
  paper titles.

Node size follows the node's degree in the paper-entity graph (a paper's entity count, an
entity's paper count); colours are :data:`kg.export.graphml.TYPE_COLORS`. The layout runs a
bounded physics stabilization (``STABILIZATION_ITERATIONS``) and then switches physics off, so
the page settles and stays still.
"""

from __future__ import annotations

import heapq
import html
import json
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path

import networkx as nx
from pyvis.edge import Edge
from pyvis.network import Network

from kg.assemble.nx import entity_view, entity_view_papers
from kg.atomic import atomic_write
from kg.config import BuildConfig
from kg.export.graphml import TYPE_COLORS
from kg.export.leaderboards import entries as leaderboard_entries
from kg.export.leaderboards import write_leaderboards
from kg.export.sinks import Sink, write_one
from kg.model import ENTITY_TYPES

VIS_DIR = "vis-9.1.2"  #: the vis-network build bundled with pyvis that the page inlines
STABILIZATION_ITERATIONS = 200
STABILIZATION_BUDGET = 200_000  #: nodes x iterations
TOOLTIP_PAPERS = 5  #: paper titles in an entity's hover tooltip
CUT_LINKS_PER_NODE = 4  #: in the entity view, each entity keeps its strongest links
CUT_PAPERS_PER_ENTITY = 100  #: in the entity view, paper titles listed per entity
ABSTRACTS_MAX_PAPERS = 5000  #: embed abstracts only when the page lists at most this many papers
LABEL_CHARS = 40
PAPER_LABEL_CHARS = 28
TOOLTIP_CHARS = 200

_PLACEHOLDER = re.compile(r"\{\{(VIS_CSS|VIS_JS|DATA|COUNTS|CUT_NOTE)\}\}")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def sink_html(bundle, out_dir: Path) -> Sink:
    """Write ``graph.html`` (see the module docstring); of a big graph's stream of papers it
    keeps only those the entity view shows."""
    path = Path(out_dir) / "graph.html"
    kg, max_nodes = bundle.kg, bundle.config.html_max_nodes
    board_entries: list = []  # leaderboards.html, written beside the view
    if kg.paper_count + len(kg.entities) <= max_nodes:
        while (ex := (yield)) is not None:
            if ex.results:  # a small graph: the view is the whole of it, from the bundle's NetworkX graph
                board_entries += leaderboard_entries(ex, kg)
        page = render_html(bundle.nx, max_nodes=max_nodes)
    else:  # too big for one page: the entity graph of the most mentioned entities
        _, wanted = entity_view_papers(kg, max_nodes, CUT_PAPERS_PER_ENTITY)
        kept = []
        while (ex := (yield)) is not None:
            if ex.paper.id in wanted:
                kept.append(ex)
            if ex.results:
                board_entries += leaderboard_entries(ex, kg)
        types = {t: 0 for t in ENTITY_TYPES}
        for e in kg.entities.values():
            types[e.type] += 1
        totals = {"papers": kg.paper_count, "entities": len(kg.entities), "types": types}
        view = entity_view(kg, max_nodes, CUT_PAPERS_PER_ENTITY, extractions=kept)
        page = render_html(view, max_nodes=max_nodes, totals=totals)
    with atomic_write(path) as f:
        f.write(page)
    return [path, write_leaderboards(board_entries, out_dir)]


def write_html(bundle, out_dir: Path) -> list[Path]:
    """Write ``graph.html`` and ``leaderboards.html`` (see :func:`sink_html`)."""
    return write_one("html", sink_html(bundle, out_dir), bundle.kg.extractions)


def render_html(g: nx.MultiDiGraph, max_nodes: int = BuildConfig.html_max_nodes,
                totals: dict | None = None) -> str:
    """The page for a graph shaped like :func:`kg.assemble.nx.to_networkx` builds it.

    ``totals`` (papers, entities, entities per type of the whole graph) marks ``g`` as an
    excerpt (:func:`kg.assemble.nx.entity_view`): the page shows the entity view and states
    the cut against those totals.
    """
    data = build_data(g, max_nodes, totals)
    template = _read_text(resources.files("kg.export") / "templates" / "graph.html")
    vis_js = _read_text(resources.files("pyvis") / "lib" / VIS_DIR / "vis-network.min.js")
    vis_css = _read_text(resources.files("pyvis") / "lib" / VIS_DIR / "vis-network.css")
    if re.search(r"</(script|style)", vis_js + vis_css, re.IGNORECASE):
        raise RuntimeError("the bundled vis-network cannot be inlined safely")
    parts = {"VIS_CSS": vis_css, "VIS_JS": vis_js, "DATA": embed_json(data),
             "COUNTS": _counts_html(data["counts"]), "CUT_NOTE": _cut_note_html(data["cut"])}
    # One pass, so text from one part is never searched for another part's placeholder.
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def embed_json(data) -> str:
    """JSON that is safe inside a ``<script>`` element: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def _read_text(traversable) -> str:
    return traversable.read_text(encoding="utf-8")


# -- data --------------------------------------------------------------------------------------

def build_data(g: nx.MultiDiGraph, max_nodes: int, totals: dict | None = None) -> dict:
    """The document the page embeds: counts, the vis nodes/edges/options and the side-panel
    records of every paper and entity the page can show."""
    nodes = dict(g.nodes(data=True))
    paper_ids = [n for n, d in nodes.items() if d.get("kind") == "Paper"]
    entity_ids = [n for n, d in nodes.items() if d.get("kind") == "Entity"]
    type_counts = {t: 0 for t in ENTITY_TYPES}
    for n in entity_ids:
        type_counts[nodes[n]["type"]] = type_counts.get(nodes[n]["type"], 0) + 1
    counts = {"papers": len(paper_ids), "entities": len(entity_ids), "types": type_counts}
    if totals is not None:
        counts = totals

    cut = len(nodes) > max_nodes or totals is not None
    if cut:
        def rank(n):  # most papers first, then by label
            return -int(nodes[n].get("paper_count") or 0), str(nodes[n].get("label", "")).lower(), n
        shown = heapq.nsmallest(max(max_nodes, 0), entity_ids, key=rank)
        shown_set = set(shown)
        entity_papers = {n: _papers_of(g, n) for n in shown}
        listed_papers: dict[str, None] = {}
        for n in shown:
            listed_papers.update(dict.fromkeys(entity_papers[n][:CUT_PAPERS_PER_ENTITY]))
        paper_ents, proposes = _entities_of(g, listed_papers, shown_set)
        links, links_total = _strongest_links(g, shown_set)
    else:
        shown = entity_ids
        paper_ents, proposes = _entities_of(g, paper_ids, None)
        entity_papers = defaultdict(list)
        for p in paper_ids:
            for e in paper_ents[p]:
                entity_papers[e].append(p)
        listed_papers = dict.fromkeys(paper_ids)
        links, links_total = [], 0

    with_abstracts = len(listed_papers) <= ABSTRACTS_MAX_PAPERS
    papers = {}
    for p in listed_papers:
        d = nodes[p]
        rec = {"title": d.get("title") or d.get("label") or p, "untitled": not d.get("title"),
               "date": d.get("date") or d.get("date_text"),
               "authors": d.get("author_count") if d.get("author_count") is not None
               else (len(d["authors"]) if d.get("authors") else None),
               "url": d.get("url") if _is_web_url(d.get("url")) else None,
               "entities": paper_ents.get(p, []), "proposes": sorted(proposes.get(p, ()))}
        if with_abstracts:
            rec["abstract"] = d.get("abstract") or ""
        papers[p] = rec
    entities = {}
    for e in shown:
        d = nodes[e]
        plist = entity_papers.get(e, [])
        entities[e] = {"label": d.get("label") or e, "type": d.get("type"),
                       "alt": list(d.get("alt_labels") or []),
                       "count": int(d.get("paper_count") or len(plist)),
                       "proposedBy": len(d.get("proposed_by") or []),
                       "vocab": bool(d.get("in_vocabulary")),
                       "papers": plist[:CUT_PAPERS_PER_ENTITY] if cut else plist}

    net = Network(directed=False, cdn_resources="local")
    if not cut:
        for p in paper_ids:
            _add_node(net, p, papers[p]["title"], "Paper", len(paper_ents[p]),
                      _paper_tooltip(papers[p]))
    for e in shown:
        rec = entities[e]
        _add_node(net, e, rec["label"], rec["type"], rec["count"],
                  _entity_tooltip(rec, [papers[p]["title"] for p in rec["papers"][:TOOLTIP_PAPERS]]))
    if cut:
        for a, b, w in links:
            net.edges.append(Edge(a, b, False, value=w, title=f"{w} shared paper{'s' * (w != 1)}").options)
    else:
        for p in paper_ids:
            for e in paper_ents[p]:
                color = TYPE_COLORS.get(entities[e]["type"], "#999999")
                net.edges.append(Edge(p, e, False, color={"color": color, "opacity": 0.45}).options)
    net.options = _vis_options(len(net.nodes), cut)

    present = ["Paper"] if not cut and paper_ids else []
    present += [t for t in ENTITY_TYPES if any(entities[e]["type"] == t for e in shown)]
    return {
        "title": "paper-kg", "counts": counts, "colors": TYPE_COLORS, "types": present,
        "cut": {"shown": len(shown), "total": counts["entities"], "links": len(links),
                "linksTotal": links_total, "papersPerEntity": CUT_PAPERS_PER_ENTITY} if cut else None,
        "abstracts": with_abstracts, "papers": papers, "entities": entities,
        "nodes": net.nodes, "edges": net.edges, "options": net.options,
    }


def _papers_of(g: nx.MultiDiGraph, entity: str) -> list[str]:
    """Papers mentioning an entity, in input order."""
    out: dict[str, None] = {}
    for u, _, k in g.in_edges(entity, keys=True):
        if k != "cooccursWith" and g.nodes[u].get("kind") == "Paper":
            out[u] = None
    return list(out)


def _entities_of(g: nx.MultiDiGraph, papers, keep: set | None):
    """paper -> its entities (first-mention order) and paper -> entities it proposes."""
    ents: dict[str, list[str]] = {}
    proposes: dict[str, set[str]] = defaultdict(set)
    for p in papers:
        seen: dict[str, None] = {}
        for _, e, k in g.out_edges(p, keys=True):
            if keep is not None and e not in keep:
                continue
            if k == "proposes":
                proposes[p].add(e)
            seen[e] = None
        ents[p] = list(seen)
    return ents, proposes


def _strongest_links(g: nx.MultiDiGraph, shown: set) -> tuple[list[tuple[str, str, int]], int]:
    """Co-occurrence links among the shown entities: each keeps its CUT_LINKS_PER_NODE
    strongest; returns the kept links (strongest first) and how many there were."""
    links = []
    for a, b, k, d in g.edges(keys=True, data=True):
        if k == "cooccursWith" and a in shown and b in shown and a != b:
            links.append((a, b, int(d.get("weight") or 1)))
    links.sort(key=lambda x: (-x[2], x[0], x[1]))
    by_node: dict[str, int] = defaultdict(int)
    kept = []
    for a, b, w in links:
        if by_node[a] < CUT_LINKS_PER_NODE or by_node[b] < CUT_LINKS_PER_NODE:
            kept.append((a, b, w))
            by_node[a] += 1
            by_node[b] += 1
    return kept, len(links)


def _add_node(net: Network, nid: str, label: str, typ: str, degree: int, tooltip: str) -> None:
    color = TYPE_COLORS.get(typ, "#999999")
    focus = {"background": color, "border": "#111111"}
    extra = {}
    if typ == "Paper":  # small grey labels, drawn only once zoomed in; entity labels grow with degree
        extra = {"font": {"color": "#6b7785"},
                 "scaling": {"label": {"min": 11, "max": 14, "drawThreshold": 9}}}
    net.add_node(nid, label=_short(label, PAPER_LABEL_CHARS if typ == "Paper" else LABEL_CHARS),
                 shape="dot", title=tooltip, value=degree, type=typ,
                 color={"background": color, "border": _darker(color), "highlight": focus,
                        "hover": focus}, **extra)


def _paper_tooltip(p: dict) -> str:
    return ("Untitled: " if p["untitled"] else "") + _short(p["title"], TOOLTIP_CHARS)


def _entity_tooltip(e: dict, titles: list[str]) -> str:
    n = e["count"]
    lines = [_short(e["label"], TOOLTIP_CHARS), f"{e['type']} · {n:,} paper{'s' * (n != 1)}"]
    lines += ["• " + _short(t, 90) for t in titles]
    if n > len(titles):
        lines.append(f"and {n - len(titles):,} more")
    return "\n".join(lines)


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _darker(hex_color: str, f: float = 0.75) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(int(h[i:i + 2], 16) * f) for i in (0, 2, 4))
    return f"#{r:02x}{g:02x}{b:02x}"


def _is_web_url(url) -> bool:
    return isinstance(url, str) and re.match(r"https?://[^\s]+$", url, re.IGNORECASE) is not None


def stabilization_iterations(n_nodes: int) -> int:
    """Layout iterations before physics stops: STABILIZATION_ITERATIONS up to 1,000 nodes, then
    fewer, so that nodes x iterations (the layout's cost) stays bounded and a view of several
    thousand nodes settles in seconds, not a minute (measured: 5,000 nodes x 200 iterations
    took 35-75 s in headless Chromium on 2 cores)."""
    return max(30, min(STABILIZATION_ITERATIONS, STABILIZATION_BUDGET // max(n_nodes, 1)))


def _vis_options(n_nodes: int, cut: bool) -> dict:
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "physics": {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -38, "centralGravity": 0.02,
                                 "springLength": 30 if not cut else 70, "springConstant": 0.1,
                                 "damping": 0.6, "avoidOverlap": 0.2},
            "maxVelocity": 60, "minVelocity": 1.0, "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": stabilization_iterations(n_nodes),
                              "updateInterval": 25, "fit": True},
        },
        "nodes": {
            "shape": "dot", "borderWidth": 1, "borderWidthSelected": 3,
            "scaling": {"min": 4, "max": 56,
                        "label": {"enabled": True, "min": 11, "max": 64, "drawThreshold": 6,
                                  "maxVisible": 28}},
            "font": {"face": "system-ui, -apple-system, Segoe UI, sans-serif", "color": "#1f2933",
                     "strokeWidth": 3, "strokeColor": "rgba(255,255,255,0.9)"},
        },
        "edges": {
            "smooth": False, "width": 0.7, "selectionWidth": 2, "hoverWidth": 1,
            "color": {"color": "#b8c0cc", "highlight": "#334155", "hover": "#64748b", "opacity": 0.6},
            "scaling": {"min": 0.6, "max": 6},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n_nodes > 600,
                        "keyboard": False, "navigationButtons": False, "multiselect": False},
    }


# -- static parts of the page ------------------------------------------------------------------

def _counts_html(counts: dict) -> str:
    per_type = " · ".join(f"{n:,} {html.escape(t)}" for t, n in counts["types"].items() if n)
    ents = f"{counts['entities']:,} entities" + (f" ({per_type})" if per_type else "")
    return f"{counts['papers']:,} papers · {ents}"


def _cut_note_html(cut: dict | None) -> str:
    if not cut:
        return ""
    text = (f"Showing the {cut['shown']:,} most frequent of {cut['total']:,} entities; papers omitted. "
            f"Links: entities that share papers (the {cut['links']:,} strongest of {cut['linksTotal']:,}).")
    return f'<p id="cut-note" role="note">{html.escape(text)}</p>'
