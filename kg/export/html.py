"""``graph.html``: an interactive view of the graph in one self-contained, offline file (and
``leaderboards.html`` beside it, :mod:`kg.export.leaderboards`).

The page comes from our own template (``templates/graph.html``), not pyvis's: pyvis's template
links Bootstrap and vis from CDNs. Ours inlines the vis-network build that ships with pyvis,
so the page loads nothing from the network (its Content-Security-Policy forbids it, too).

The page holds an *index* of the whole build and draws a *picture* of part of it:

* the index lists every paper (id, title, date, authors, link; abstracts too up to
  ``ABSTRACTS_MAX_PAPERS`` papers) and every entity (key, label, type, aliases, its papers,
  the papers proposing it, and up to ``EVIDENCE_PER_ENTITY`` evidence sentences with the
  mention's offsets, for the entities most papers mention, ``EVIDENCE_MAX_CHARS`` in all), as
  parallel arrays rather than one object per record, so a 75,000-paper build stays a few
  tens of megabytes;
* the picture is made in the page from the index and its controls: entities with at least
  a minimum number of papers in a date range, with their papers when the whole picture fits
  ``BuildConfig.html_max_nodes`` nodes and otherwise with co-occurrence links among them; or
  the neighbourhood (depth 1 or 2) of one entity or paper. Search covers the whole index.
  A build that fits ``html_max_nodes`` opens on all of itself; a larger one on the
  ``START_ENTITIES`` entities most papers mention.

Past ``INDEX_MAX_PAPERS`` papers or ``INDEX_MAX_ENTITIES`` entities (a million-paper build)
the index keeps the first papers and the most mentioned entities, and the page says so;
entity paper counts stay those of the whole build.

Everything taken from the data (titles, abstracts, labels, sentences) travels in one JSON
document in a ``<script type="application/json" id="kg-data">`` element, with ``<``, ``>``,
``&``, U+2028 and U+2029 escaped so no title can end the element; the page's script inserts
it with ``textContent`` only.

Node size follows the node's degree in the paper-entity graph (a paper's entity count, an
entity's paper count); colours are :data:`kg.export.graphml.TYPE_COLORS`. Each picture's
layout runs a bounded physics stabilization (:func:`stabilization_iterations`, and at most
``LAYOUT_MS`` once ``LAYOUT_MIN_ITERATIONS`` are done) and then switches physics off, so the
page settles and stays still.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from pathlib import Path

from kg.assemble.iris import entity_slug, paper_slug
from kg.atomic import atomic_write
from kg.config import BuildConfig
from kg.errors import counted
from kg.export.graphml import TYPE_COLORS
from kg.export.leaderboards import entries as leaderboard_entries
from kg.export.leaderboards import write_leaderboards
from kg.export.sinks import Sink, write_one
from kg.model import ENTITY_TYPES, Extraction

VIS_DIR = "vis-9.1.2"  #: the vis-network build bundled with pyvis that the page inlines
STABILIZATION_ITERATIONS = 200
STABILIZATION_BUDGET = 200_000  #: nodes x iterations
LAYOUT_MS = 1500  #: a picture's layout stops after this long (once LAYOUT_MIN_ITERATIONS are done)
LAYOUT_MIN_ITERATIONS = 100
START_ENTITIES = 300  #: a build larger than html_max_nodes opens on this many entities
CUT_LINKS_PER_NODE = 4  #: in an entity picture, each entity keeps its strongest links
ABSTRACTS_MAX_PAPERS = 5000  #: embed abstracts only up to this many papers
INDEX_MAX_PAPERS = 100_000  #: the index lists the first this many papers of a build
INDEX_MAX_ENTITIES = 250_000  #: ... and this many entities, most mentioned first
EVIDENCE_PER_ENTITY = 3  #: evidence sentences kept per entity (from different papers)
EVIDENCE_MAX_CHARS = 8_000_000  #: all evidence sentences of a page together
EVIDENCE_GUESS_CHARS = 200  #: a sentence's expected length, to choose the entities up front
SENTENCE_CHARS = 600  #: longer evidence sentences are cut around the mention
LABEL_CHARS = 40
PAPER_LABEL_CHARS = 28

_PLACEHOLDER = re.compile(r"\{\{(VIS_CSS|VIS_JS|DATA|COUNTS)\}\}")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def sink_html(bundle, out_dir: Path) -> Sink:
    """Write ``graph.html`` (see the module docstring) from one pass over the papers."""
    path = Path(out_dir) / "graph.html"
    index = ViewIndex(bundle.kg.entities, max_nodes=bundle.config.html_max_nodes,
                      abstracts=bundle.kg.paper_count <= ABSTRACTS_MAX_PAPERS)
    board_entries: list = []  # leaderboards.html, written beside the view
    while (ex := (yield)) is not None:
        index.add(ex)
        if ex.results:
            board_entries += leaderboard_entries(ex, bundle.kg)
    page = render_html(index.data())
    with atomic_write(path) as f:
        f.write(page)
    return [path, write_leaderboards(board_entries, out_dir)]


def write_html(bundle, out_dir: Path) -> list[Path]:
    """Write ``graph.html`` and ``leaderboards.html`` (see :func:`sink_html`)."""
    return write_one("html", sink_html(bundle, out_dir), bundle.kg.extractions)


class ViewIndex:
    """The page's index of a build, filled one paper at a time.

    Parameters
    ----------
    entities : dict of str to Entity
        Every entity of the build (``KnowledgeGraph.entities``).
    max_nodes : int
        The most nodes a picture draws (``BuildConfig.html_max_nodes``).
    abstracts : bool
        Whether to embed the papers' abstracts.
    """

    def __init__(self, entities: dict, max_nodes: int = BuildConfig.html_max_nodes, abstracts: bool = True,
                 max_papers: int = INDEX_MAX_PAPERS, max_entities: int = INDEX_MAX_ENTITIES):
        self.max_nodes = max_nodes
        self.abstracts = abstracts
        self.max_papers = max_papers
        self.total_papers = 0
        self.total_entities = len(entities)
        ranked = sorted(entities.values(), key=lambda e: (-len(e.papers), e.label.lower(), e.key))
        self.type_counts = {t: 0 for t in ENTITY_TYPES}
        for e in ranked:
            self.type_counts[e.type] = self.type_counts.get(e.type, 0) + 1
        ranked = ranked[:max(max_entities, 0)]
        self.keys = [e.key for e in ranked]
        self.pos = {k: i for i, k in enumerate(self.keys)}
        self.entities = ranked
        self.ent_papers: list[list[int]] = [[] for _ in ranked]
        self.ent_proposed: dict[int, list[int]] = {}
        self.evidence: dict[int, list] = {}
        budget = EVIDENCE_MAX_CHARS // (EVIDENCE_GUESS_CHARS * EVIDENCE_PER_ENTITY)
        self.want_evidence = min(len(ranked), budget)  # entities 0..n-1 (most papers first)
        self.evidence_chars = 0
        self.papers: dict[str, list] = {"id": [], "title": [], "date": [], "authors": [], "nents": []}
        self.untitled: list[int] = []
        self.date_text: dict[int, str] = {}
        self.url: dict[int, str] = {}
        self.arxiv_url: list[int] = []
        self.paper_slug: dict[int, str] = {}
        self.abstract: list[str] = []

    def add(self, ex: Extraction) -> None:
        """Index one paper and its mentions."""
        self.total_papers += 1
        if self.total_papers > self.max_papers:
            return
        p = ex.paper
        j = len(self.papers["id"])
        P = self.papers
        P["id"].append(p.id)
        P["title"].append(p.title or _short(p.abstract, 80) or p.id)
        if not p.title:
            self.untitled.append(j)
        P["date"].append(p.date.isoformat() if p.date else "")
        if not p.date and p.date_text:
            self.date_text[j] = p.date_text
        P["authors"].append(p.author_count if p.author_count is not None else (len(p.authors) or None))
        if _is_web_url(p.url) and p.url != _arxiv_url(p.id):  # the page makes arXiv's links itself
            self.url[j] = p.url
        elif p.url and p.url == _arxiv_url(p.id):
            self.arxiv_url.append(j)
        slug = paper_slug(p.id)
        if slug != _simple_paper_slug(p.id):
            self.paper_slug[j] = slug
        if self.abstracts:
            self.abstract.append(p.abstract or "")
        seen: dict[int, None] = {}
        for m in ex.mentions:
            i = self.pos.get(m.key)
            if i is None:
                continue
            if i not in seen:
                seen[i] = None
                self.ent_papers[i].append(j)
            if m.proposed and (not self.ent_proposed.get(i) or self.ent_proposed[i][-1] != j):
                self.ent_proposed.setdefault(i, []).append(j)
            if i < self.want_evidence and self.evidence_chars < EVIDENCE_MAX_CHARS:
                self._evidence(i, j, ex, m)
        P["nents"].append(len(seen))

    def _evidence(self, i: int, j: int, ex: Extraction, m) -> None:
        ev = self.evidence.setdefault(i, [])
        if len(ev) >= EVIDENCE_PER_ENTITY or (ev and ev[-1][0] == j):
            return
        if not 0 <= m.sentence < len(ex.sentences):
            return
        sentence = ex.sentences[m.sentence]
        start = sentence.find(m.text) if m.text else -1
        if start < 0 and m.text:
            start = sentence.lower().find(m.text.lower())
        end = start + len(m.text) if start >= 0 else -1
        if len(sentence) > SENTENCE_CHARS:  # keep a window around the mention
            lo = max(0, min(start if start >= 0 else 0, len(sentence)) - SENTENCE_CHARS // 2)
            lo = min(lo, len(sentence) - SENTENCE_CHARS)
            cut = sentence[lo:lo + SENTENCE_CHARS]
            pre, post = ("…" if lo > 0 else ""), ("…" if lo + SENTENCE_CHARS < len(sentence) else "")
            if start >= 0:
                start, end = start - lo + len(pre), end - lo + len(pre)
                if end > len(pre) + len(cut):
                    start = end = -1
            sentence = pre + cut + post
        ev.append([j, sentence, start, end])
        self.evidence_chars += len(sentence)

    def data(self) -> dict:
        """The document the page embeds (see the module docstring)."""
        types = self.type_counts
        n_papers = len(self.papers["id"])
        counts = {"papers": self.total_papers, "entities": self.total_entities, "types": types}
        index_cut = None
        if n_papers < self.total_papers or len(self.entities) < self.total_entities:
            index_cut = {"papers": n_papers, "papersTotal": self.total_papers,
                         "entities": len(self.entities), "entitiesTotal": self.total_entities}
        type_index = {t: k for k, t in enumerate(ENTITY_TYPES)}
        E = {
            "key": self.keys,
            "label": [e.label for e in self.entities],
            "type": [type_index[e.type] for e in self.entities],
            "count": [len(e.papers) for e in self.entities],
            "vocab": [1 if e.in_vocabulary else 0 for e in self.entities],
            "papers": self.ent_papers,
            "alt": {i: list(e.alt_labels) for i, e in enumerate(self.entities) if e.alt_labels},
            "proposed": self.ent_proposed,
            "slug": {i: s for i, e in enumerate(self.entities)
                     if (s := entity_slug(e.key)) != _simple_entity_slug(e.key)},
            "evidence": self.evidence,
        }
        P = dict(self.papers, untitled=self.untitled, dateText=self.date_text, url=self.url,
                 arxivUrl=self.arxiv_url, slug=self.paper_slug)
        if self.abstracts:
            P["abstract"] = self.abstract
        return {
            "title": "paper-kg", "counts": counts, "colors": TYPE_COLORS,
            "entityTypes": list(ENTITY_TYPES),
            "types": (["Paper"] if n_papers else []) + [t for t in ENTITY_TYPES if types.get(t)],
            "maxNodes": self.max_nodes, "startEntities": START_ENTITIES, "indexCut": index_cut,
            "linksPerNode": CUT_LINKS_PER_NODE, "abstracts": self.abstracts,
            "evidencePerEntity": EVIDENCE_PER_ENTITY, "evidenceEntities": len(self.evidence),
            "labelChars": LABEL_CHARS, "paperLabelChars": PAPER_LABEL_CHARS,
            "stabilization": {"iterations": STABILIZATION_ITERATIONS, "budget": STABILIZATION_BUDGET,
                              "ms": LAYOUT_MS, "minIterations": LAYOUT_MIN_ITERATIONS},
            "E": E, "P": P, "options": vis_options(),
        }


def render_html(data: dict) -> str:
    """The page for :meth:`ViewIndex.data`'s document."""
    template = _read_text(resources.files("kg.export") / "templates" / "graph.html")
    vis_js = _read_text(resources.files("pyvis") / "lib" / VIS_DIR / "vis-network.min.js")
    vis_css = _read_text(resources.files("pyvis") / "lib" / VIS_DIR / "vis-network.css")
    if re.search(r"</(script|style)", vis_js + vis_css, re.IGNORECASE):
        raise RuntimeError("the bundled vis-network cannot be inlined safely")
    parts = {"VIS_CSS": vis_css, "VIS_JS": vis_js, "DATA": embed_json(data),
             "COUNTS": _counts_html(data["counts"])}
    # One pass, so text from one part is never searched for another part's placeholder.
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def embed_json(data) -> str:
    """JSON that is safe inside a ``<script>`` element: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def _read_text(traversable) -> str:
    return traversable.read_text(encoding="utf-8")


def _simple_entity_slug(key: str) -> str | None:
    """The slug the page computes itself (``slugOf`` in the template); the index stores an
    entity's slug only where :func:`kg.assemble.iris.entity_slug` differs from this."""
    if not key.isascii():
        return None
    s = _UNSAFE.sub("-", key.lower()).strip("-.")
    return s if s and s == key.replace(" ", "-").lower() else None


def _simple_paper_slug(pid: str) -> str | None:
    """As :func:`_simple_entity_slug`, for papers: ``arXiv:ID`` -> ``arxiv-ID``, a safe id kept."""
    if pid.startswith("arXiv:") and pid[6:] and not _UNSAFE.search(pid[6:]):
        return "arxiv-" + pid[6:]
    return pid if pid and not _UNSAFE.search(pid) and pid.strip("-.") == pid else None


def _arxiv_url(pid: str) -> str | None:
    """``https://arxiv.org/abs/ID`` for an ``arXiv:ID`` paper (``arxivUrl`` in the page)."""
    return f"https://arxiv.org/abs/{pid[6:]}" if pid.startswith("arXiv:") and pid[6:] else None


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _is_web_url(url) -> bool:
    return isinstance(url, str) and re.match(r"https?://[^\s]+$", url, re.IGNORECASE) is not None


def stabilization_iterations(n_nodes: int) -> int:
    """Layout iterations before physics stops: STABILIZATION_ITERATIONS up to 1,000 nodes, then
    fewer, so that nodes x iterations (the layout's cost) stays bounded and a view of several
    thousand nodes settles in seconds, not a minute (measured: 5,000 nodes x 200 iterations
    took 35-75 s in headless Chromium on 2 cores). The page computes the same."""
    return max(30, min(STABILIZATION_ITERATIONS, STABILIZATION_BUDGET // max(n_nodes, 1)))


def vis_options() -> dict:
    """vis-network options shared by every picture (the page sets the stabilization per picture).

    Labels scale with the node (11-64 px) and are drawn only when at least
    ``drawThreshold`` pixels high on screen, so a zoomed-out picture labels its largest
    nodes only and zooming in reveals the rest.
    """
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "physics": {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -38, "centralGravity": 0.02,
                                 "springLength": 40, "springConstant": 0.1,
                                 "damping": 0.6, "avoidOverlap": 0.2},
            "maxVelocity": 60, "minVelocity": 1.0, "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": STABILIZATION_ITERATIONS,
                              "updateInterval": 10, "fit": True},
        },
        "nodes": {
            "shape": "dot", "borderWidth": 1, "borderWidthSelected": 3,
            "scaling": {"min": 4, "max": 56,
                        "label": {"enabled": True, "min": 11, "max": 64, "drawThreshold": 9,
                                  "maxVisible": 28}},
            "font": {"face": "system-ui, -apple-system, Segoe UI, sans-serif", "color": "#1f2933",
                     "strokeWidth": 3, "strokeColor": "rgba(255,255,255,0.9)"},
        },
        "edges": {
            "smooth": False, "width": 0.7, "selectionWidth": 2, "hoverWidth": 1,
            "color": {"color": "#b8c0cc", "highlight": "#334155", "hover": "#64748b", "opacity": 0.6},
            "scaling": {"min": 0.6, "max": 6},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True,
                        "keyboard": False, "navigationButtons": False, "multiselect": False},
    }


# -- static parts of the page ------------------------------------------------------------------

def _counts_html(counts: dict) -> str:
    per_type = " · ".join(f"{n:,} {html.escape(t)}" for t, n in counts["types"].items() if n)
    ents = counted(counts["entities"], "entity", "entities", ",") + (f" ({per_type})" if per_type else "")
    return f"{counted(counts['papers'], 'paper', sep=',')} · {ents}"
