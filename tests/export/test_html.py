"""graph.html: one self-contained offline page whose embedded data is the graph, safely escaped."""

from __future__ import annotations

import json
import re

import pytest

from kg.assemble import assemble
from kg.config import BuildConfig, sample_corpus_dir
from kg.export import Bundle, writer
from kg.export.html import embed_json, write_html
from kg.extract import extract, make_pipeline
from kg.model import Extraction, Mention, Paper
from kg.read import Corpus

EVIL = "</script><img src=x onerror=alert(1)>"

#: A reference that would make the browser fetch something: src=/href= attributes, CSS url()
#: and @import pointing at http(s) or protocol-relative addresses.
EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:@import\s+(?:url\(\s*)?["']?\s*(?:https?:)?//)""",
    re.IGNORECASE)
KG_DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.DOTALL)


def page_data(html: str) -> dict:
    m = KG_DATA.search(html)
    assert m, "no kg-data element"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def sample_kg():
    corpus = Corpus([sample_corpus_dir()])
    extractions = list(extract(corpus, make_pipeline()))
    return assemble(extractions, finalize=corpus.finalize)


@pytest.fixture(scope="module")
def sample_page(sample_kg, tmp_path_factory):
    """The sample graph's page in the full (papers and entities) view."""
    probe = Bundle(sample_kg)
    n_nodes = probe.nx.number_of_nodes()
    bundle = Bundle(sample_kg, BuildConfig(html_max_nodes=n_nodes))  # at the limit: not cut
    out = tmp_path_factory.mktemp("html")
    paths = write_html(bundle, out)
    return bundle, out, paths


def test_writes_graph_html_and_leaderboards_only(sample_page):
    _, out, paths = sample_page
    assert paths == [out / "graph.html", out / "leaderboards.html"]
    assert all(p.is_file() for p in paths)
    assert sorted(p.name for p in out.iterdir()) == ["graph.html", "leaderboards.html"]
    assert writer("html") is write_html


def test_page_is_self_contained(sample_page):
    html = sample_page[2][0].read_text(encoding="utf-8")
    assert not EXTERNAL.search(html), EXTERNAL.search(html).group(0)
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    assert not re.search(r"<link\b", html, re.IGNORECASE)
    assert "vis.Network" in html or "Network=" in html  # vis-network is inlined
    for needle in ('id="search"', 'id="legend"', 'id="filters"', 'id="panel"', 'id="graph"',
                   "<title>paper-kg</title>"):
        assert needle in html
    assert 'id="cut-note"' not in html


def test_embedded_json_holds_every_paper_and_entity(sample_page, sample_kg):
    bundle, _, paths = sample_page
    data = page_data(paths[0].read_text(encoding="utf-8"))
    g = bundle.nx
    paper_nodes = {n for n, d in g.nodes(data=True) if d["kind"] == "Paper"}
    entity_nodes = {n for n, d in g.nodes(data=True) if d["kind"] == "Entity"}
    assert paper_nodes and entity_nodes
    assert set(data["papers"]) == paper_nodes
    assert set(data["entities"]) == entity_nodes
    assert {n["id"] for n in data["nodes"]} == paper_nodes | entity_nodes
    assert data["cut"] is None
    assert data["counts"]["papers"] == len(sample_kg.extractions)
    assert data["counts"]["entities"] == len(sample_kg.entities)
    for ex in sample_kg.extractions:
        rec = data["papers"][f"paper:{ex.paper.id}"]
        assert rec["title"] == (ex.paper.title or g.nodes[f"paper:{ex.paper.id}"]["label"])
        assert rec["abstract"] == ex.paper.abstract
        assert set(rec["entities"]) == {f"entity:{m.key}" for m in ex.mentions}
    for key, ent in sample_kg.entities.items():
        rec = data["entities"][f"entity:{key}"]
        assert (rec["label"], rec["type"], rec["count"]) == (ent.label, ent.type, len(ent.papers))
        assert rec["papers"] == [f"paper:{p}" for p in ent.papers]
    # node size follows the degree in the paper-entity graph; tooltips are plain text
    nodes = {n["id"]: n for n in data["nodes"]}
    for key, ent in sample_kg.entities.items():
        node = nodes[f"entity:{key}"]
        assert node["value"] == len(ent.papers)
        assert node["title"].startswith(ent.label.split()[0]) and ent.type in node["title"]
    # edges link papers to their entities only, and the layout is bounded
    assert all(e["from"] in paper_nodes and e["to"] in entity_nodes for e in data["edges"])
    physics = data["options"]["physics"]
    assert physics["stabilization"]["enabled"] and physics["stabilization"]["iterations"] <= 500


def _evil_kg():
    paper = Paper(id="evil", title=EVIL, abstract="We train BERT.\u2028 </script><!-- & <b>x</b>",
                  url="javascript:alert(2)")
    i = paper.text.index("BERT")
    mention = Mention(key="bert", label="BERT", type="Architecture", text="BERT", start=i, end=i + 4,
                      sentence=1, rule="vocabulary", proposed=False, confidence=1.0, in_vocabulary=True)
    return assemble([Extraction(paper, (mention,), (EVIL, "We train BERT."))])


def test_untrusted_title_is_escaped_and_round_trips(tmp_path):
    path, _ = write_html(Bundle(_evil_kg()), tmp_path)
    html = path.read_text(encoding="utf-8")
    assert "</script><img" not in html.lower()
    assert "<img" not in html.lower().split('id="kg-data"', 1)[1].split("</script>", 1)[0]
    assert html.lower().count("</script") == 3  # the data, vis-network and the page script
    assert "\u2028" not in html and "\u2029" not in html
    data = page_data(html)
    paper = data["papers"]["paper:evil"]
    assert paper["title"] == EVIL
    assert paper["abstract"] == "We train BERT.\u2028 </script><!-- & <b>x</b>"
    assert paper["url"] is None  # only http(s) links are kept
    assert data["entities"]["entity:bert"]["papers"] == ["paper:evil"]
    assert {n["id"]: n["title"] for n in data["nodes"]}["paper:evil"] == EVIL


def test_embed_json_escapes_markup_characters():
    text = embed_json({"t": "<>&\u2028\u2029</script>"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"t": "<>&\u2028\u2029</script>"}


def test_big_graph_mode_shows_top_entities_without_papers(sample_kg, tmp_path):
    bundle = Bundle(sample_kg, BuildConfig(html_max_nodes=50))
    path, _ = write_html(bundle, tmp_path)
    html = path.read_text(encoding="utf-8")
    data = page_data(html)
    assert 0 < len(data["nodes"]) <= 50
    assert not any(n["id"].startswith("paper:") or n["type"] == "Paper" for n in data["nodes"])
    assert "Paper" not in data["types"]
    note = re.search(r'<p id="cut-note"[^>]*>(.*?)</p>', html, re.DOTALL)
    assert note, "no cut note"
    total = len(sample_kg.entities)
    assert f"the 50 most frequent of {total:,} entities" in note.group(1)
    assert "papers omitted" in note.group(1)
    assert data["cut"]["shown"] == 50 and data["cut"]["total"] == total
    # the 50 entities mentioned by most papers
    shown = {n["id"] for n in data["nodes"]}
    counts = {f"entity:{k}": len(e.papers) for k, e in sample_kg.entities.items()}
    assert min(counts[n] for n in shown) >= max(c for n, c in counts.items() if n not in shown)
    # links are co-occurrence links between shown entities
    assert data["edges"] and all(e["from"] in shown and e["to"] in shown for e in data["edges"])
    # an entity still lists its papers (titles in the data)
    for nid in shown:
        rec = data["entities"][nid]
        assert rec["papers"] and len(rec["papers"]) <= rec["count"]
        for p in rec["papers"]:
            assert data["papers"][p]["title"]
            assert set(data["papers"][p]["entities"]) <= shown
    assert not EXTERNAL.search(html)
