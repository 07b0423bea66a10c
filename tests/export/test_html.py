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


def test_embedded_index_holds_every_paper_and_entity(sample_page, sample_kg):
    _, _, paths = sample_page
    data = page_data(paths[0].read_text(encoding="utf-8"))
    E, P = data["E"], data["P"]
    assert P["id"] == [ex.paper.id for ex in sample_kg.extractions]  # input order
    assert set(E["key"]) == set(sample_kg.entities)
    assert data["counts"]["papers"] == len(sample_kg.extractions)
    assert data["counts"]["entities"] == len(sample_kg.entities)
    assert data["types"][0] == "Paper" and data["entityTypes"] == ["Method", "Architecture", "Dataset", "Metric", "Task"]
    untitled = set(P["untitled"])
    for j, ex in enumerate(sample_kg.extractions):
        assert P["title"][j] == ex.paper.title or (j in untitled and not ex.paper.title)
        assert P["abstract"][j] == ex.paper.abstract
        assert P["date"][j] == (ex.paper.date.isoformat() if ex.paper.date else "")
        assert P["nents"][j] == len({m.key for m in ex.mentions})
    # an entity's papers are paper indices in input order; counts, types and proposals match
    for i, key in enumerate(E["key"]):
        ent = sample_kg.entities[key]
        assert [P["id"][j] for j in E["papers"][i]] == list(ent.papers)
        assert (E["label"][i], data["entityTypes"][E["type"][i]], E["count"][i]) == (ent.label, ent.type, len(ent.papers))
        assert [P["id"][j] for j in E["proposed"].get(str(i), [])] == list(ent.proposed_by)
    assert E["count"] == sorted(E["count"], reverse=True)  # most mentioned first
    physics = data["options"]["physics"]
    assert physics["stabilization"]["enabled"] and data["stabilization"]["iterations"] <= 500


def test_evidence_sentences_mark_the_mention(sample_page, sample_kg):
    """Each entity of the sample keeps up to EVIDENCE_PER_ENTITY sentences from different
    papers, and ``sentence[start:end]`` is a mention of it in that paper."""
    from kg.export.html import EVIDENCE_PER_ENTITY
    data = page_data(sample_page[2][0].read_text(encoding="utf-8"))
    E, P = data["E"], data["P"]
    by_id = {ex.paper.id: ex for ex in sample_kg.extractions}
    assert data["evidenceEntities"] == len(E["evidence"]) == len(E["key"])  # the sample is small
    marked = 0
    for i, ev in E["evidence"].items():
        key = E["key"][int(i)]
        assert 1 <= len(ev) <= min(EVIDENCE_PER_ENTITY, E["count"][int(i)])
        assert len({j for j, *_ in ev}) == len(ev)  # one sentence per paper
        for j, sentence, start, end in ev:
            ex = by_id[P["id"][j]]
            mentions = [m for m in ex.mentions if m.key == key]
            assert mentions
            assert sentence in ex.sentences or any(sentence.strip("…") in x for x in ex.sentences)
            if start >= 0:
                marked += 1
                assert sentence[start:end].lower() in {m.text.lower() for m in mentions}
    assert marked >= 0.95 * sum(len(v) for v in E["evidence"].values())


def test_long_evidence_sentences_are_cut_around_the_mention(sample_kg, monkeypatch):
    import kg.export.html as H
    monkeypatch.setattr(H, "SENTENCE_CHARS", 60)
    index = H.ViewIndex(sample_kg.entities)
    for ex in sample_kg.extractions:
        index.add(ex)
    cut = [(s, a, b) for ev in index.evidence.values() for _, s, a, b in ev if len(s) > 60]
    assert cut and all(len(s) <= 62 for s, _, _ in cut)
    assert all(s[a:b].strip() for s, a, b in cut if a >= 0)
    assert sum(a >= 0 for _, a, _ in cut) >= 0.9 * len(cut)


def test_evidence_stops_at_its_budget(sample_kg, monkeypatch):
    import kg.export.html as H
    monkeypatch.setattr(H, "EVIDENCE_MAX_CHARS", 5000)
    index = H.ViewIndex(sample_kg.entities)
    for ex in sample_kg.extractions:
        index.add(ex)
    # entities chosen up front, most mentioned first; the page's sentences stay near the budget
    assert 0 < len(index.evidence) <= 5000 // (H.EVIDENCE_GUESS_CHARS * H.EVIDENCE_PER_ENTITY)
    assert max(map(int, index.evidence)) < index.want_evidence
    assert index.evidence_chars < 5000 + H.SENTENCE_CHARS + 2


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
    E, P = data["E"], data["P"]
    assert P["id"] == ["evil"] and P["title"] == [EVIL]
    assert P["abstract"] == ["We train BERT.\u2028 </script><!-- & <b>x</b>"]
    assert P["url"] == {}  # only http(s) links are kept
    assert E["key"] == ["bert"] and E["papers"] == [[0]]
    assert E["evidence"] == {"0": [[0, "We train BERT.", 9, 13]]}


def test_embed_json_escapes_markup_characters():
    text = embed_json({"t": "<>&\u2028\u2029</script>"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"t": "<>&\u2028\u2029</script>"}


def test_big_graph_keeps_the_whole_index(sample_kg, tmp_path):
    """A build over html_max_nodes still embeds every paper and entity (the page draws a
    part of them and says so); abstracts are left out past ABSTRACTS_MAX_PAPERS."""
    import kg.export.html as H
    bundle = Bundle(sample_kg, BuildConfig(html_max_nodes=50))
    path, _ = write_html(bundle, tmp_path)
    html = path.read_text(encoding="utf-8")
    data = page_data(html)
    assert data["maxNodes"] == 50
    assert len(data["E"]["key"]) == len(sample_kg.entities)
    assert len(data["P"]["id"]) == len(sample_kg.extractions)
    assert not EXTERNAL.search(html)
    small = H.ViewIndex(sample_kg.entities, abstracts=False)
    for ex in sample_kg.extractions:
        small.add(ex)
    assert "abstract" not in small.data()["P"] and small.data()["abstracts"] is False


def test_slugs_the_page_cannot_compute_are_stored():
    from kg.assemble.iris import entity_slug, paper_slug
    from kg.export.html import _simple_entity_slug, _simple_paper_slug
    for key in ["bert", "vision transformer", "gpt-4o", "resnet-50"]:
        assert _simple_entity_slug(key) == entity_slug(key)
    for key in ["c++", "señal", "a/b test", "-x-"]:
        assert _simple_entity_slug(key) != entity_slug(key)  # hashed: stored in E.slug
    assert _simple_paper_slug("arXiv:2101.00001") == paper_slug("arXiv:2101.00001") == "arxiv-2101.00001"
    assert _simple_paper_slug("doi:10.1/x") != paper_slug("doi:10.1/x")


def test_a_huge_build_keeps_a_bounded_index(sample_kg):
    """Past INDEX_MAX_PAPERS / INDEX_MAX_ENTITIES (a million papers) the index keeps the first
    papers and the most mentioned entities, and says how many of each it holds."""
    from kg.export.html import ViewIndex
    index = ViewIndex(sample_kg.entities, max_papers=50, max_entities=100)
    for ex in sample_kg.extractions:
        index.add(ex)
    data = index.data()
    n = len(sample_kg.extractions)
    assert data["indexCut"] == {"papers": 50, "papersTotal": n, "entities": 100,
                                "entitiesTotal": len(sample_kg.entities)}
    assert data["counts"]["papers"] == n and data["counts"]["entities"] == len(sample_kg.entities)
    assert data["P"]["id"] == [ex.paper.id for ex in sample_kg.extractions][:50]
    top = sorted(sample_kg.entities.values(), key=lambda e: -len(e.papers))[:100]
    assert sorted(data["E"]["count"], reverse=True) == sorted((len(e.papers) for e in top), reverse=True)
    assert all(j < 50 for ps in data["E"]["papers"] for j in ps)
