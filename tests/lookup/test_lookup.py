"""`kg show` and :mod:`kg.lookup` on the real sample build, checked against the build's own tables."""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape

import pandas as pd
import pyoxigraph as ox
import pytest

from kg.assemble.iris import entity_iri, paper_iri
from kg.cli import main
from kg.lookup import Lookup, NotFound, mark_in_sentence, open_lookup
from kg.lookup.page import record_page
from kg.lookup.text import format_record
from kg.markup import clean_span, strip_markup
from kg.query import open_graph


@pytest.fixture(scope="module")
def build(sample_build):
    return sample_build[0]


@pytest.fixture(scope="module")
def lookup(build):
    return open_lookup(build)


@pytest.fixture(scope="module")
def tables(build):
    return {n: pd.read_csv(build / f"{n}.csv", keep_default_na=False) for n in ("entities", "mentions", "papers")}


def _entity_row(tables, key):
    rows = tables["entities"][tables["entities"].key == key]
    assert len(rows) == 1, key
    return rows.iloc[0]


def test_known_entity_by_label(lookup, tables):
    rec = lookup.show("ImageNet")
    row = _entity_row(tables, "imagenet")
    assert (rec["label"], rec["type"], rec["matched_by"]) == ("ImageNet", "Dataset", "label")
    assert rec["iri"] == str(entity_iri("imagenet")) and rec["path"] == "/id/entity/imagenet"
    assert rec["paper_count"] == row.paper_count == sum(rec["papers_per_year"].values())
    ments = tables["mentions"][tables["mentions"].entity_key == "imagenet"]
    assert rec["evidence_papers"] == ments.paper_id.nunique()
    assert len(rec["evidence"]) == min(10, rec["evidence_papers"])
    dates = [ev["paper"]["date"] or "" for ev in rec["evidence"]]
    assert dates == sorted(dates, reverse=True)  # most recent first
    sentences = set(ments.sentence)
    for ev in rec["evidence"]:
        a, b = ev["mark"]
        assert ev["sentence"] in sentences
        assert ev["sentence"][a:b] == ev["surface"]


def test_cooccurrence_and_evaluations_match_the_tables(lookup, tables):
    rec = lookup.show("ImageNet", top=3)
    m = tables["mentions"]
    papers_of = m.groupby("entity_key").paper_id.agg(set).to_dict()
    types = dict(zip(tables["entities"].key, tables["entities"].type))
    labels = dict(zip(tables["entities"].key, tables["entities"].label))
    mine = papers_of["imagenet"]
    shared = defaultdict(list)
    for key, ps in papers_of.items():
        if key != "imagenet" and ps & mine:
            shared[types[key]].append((len(ps & mine), labels[key]))
    for typ, items in rec["cooccurring"].items():
        expected = sorted(shared[typ], key=lambda x: (-x[0], x[1]))[:3]
        assert [(i["papers"], i["label"]) for i in items] == expected, typ
    assert rec["evaluations"], "ImageNet is evaluated with metrics in the sample"
    for ev in rec["evaluations"]:
        assert ev["dataset"]["label"] == "ImageNet"
        assert 1 <= ev["papers"] <= rec["paper_count"]
    assert rec["evaluations"][0]["papers"] >= rec["evaluations"][-1]["papers"]


def test_alias_and_key_and_loose_names(lookup):
    cnn = lookup.show("CNN")
    assert cnn["label"] == "convolutional neural network" and cnn["matched_by"] == "alias"
    assert "CNNs" in cnn["aliases"]
    assert lookup.show("convolutional neural network")["iri"] == cnn["iri"]
    assert lookup.resolve("cnns")["iri"] == cnn["iri"]  # an alias in another case
    loose = lookup.resolve("imagenet1k")
    assert loose["iri"] == str(entity_iri("imagenet 1k")) and loose["matched_by"].endswith("(loose)")
    assert lookup.resolve(cnn["iri"])["matched_by"] == "iri"


def test_unknown_name_suggests_close_labels(lookup):
    with pytest.raises(NotFound) as e:
        lookup.show("ImageNte")
    labels = [s["label"] for s in e.value.suggestions]
    assert "ImageNet" in labels
    assert "did you mean" in str(e.value)
    with pytest.raises(NotFound):  # quotes and braces stay a literal: nothing matches, nothing breaks
        lookup.show('x" } ?s ?p ?o . { "')


def test_proposed_by_has_the_sentence(lookup, tables):
    row = _entity_row(tables, "temporal convolutional network")
    rec = lookup.show("TCN")
    assert [p["paper"]["id"] for p in rec["proposed_by"]] == row.proposed_by.split("; ")
    item = rec["proposed_by"][0]
    ments = tables["mentions"]
    props = ments[(ments.entity_key == "temporal convolutional network") & (ments.paper_id == item["paper"]["id"])
                  & ments.proposed]
    assert item["sentence"] in set(props.sentence)
    a, b = item["mark"]
    assert item["sentence"][a:b] in set(props.text)


def test_paper_record(lookup, tables):
    pid = tables["mentions"].paper_id.iloc[0]
    rec = lookup.show(pid)
    assert rec["kind"] == "paper" and rec["id"] == pid and rec["iri"] == str(paper_iri(pid))
    ments = tables["mentions"][tables["mentions"].paper_id == pid]
    assert len(rec["mentions"]) == len(ments)
    text, chars = strip_markup(rec["text"])  # offsets index the text as written; LaTeX in it goes
    for m in rec["mentions"]:
        a, b = clean_span(chars, m["start"], m["end"])
        assert text[a:b] == m["surface"]
    keys = {str(entity_iri(k)) for k in ments.entity_key}
    assert {e["iri"] for items in rec["entities"].values() for e in items} == keys
    assert "Method" in format_record(rec) or "Task" in format_record(rec)


def test_large_build_reads_evidence_from_mentions_csv(build, lookup, tmp_path):
    """A build past LARGE_BUILD_PAPERS has no mention (nor evaluation) nodes in the graph: the same
    evidence comes from mentions.csv (here: the sample's graph without those nodes, beside the sample's
    tables), and the missing evaluations are said to be missing."""
    store = open_graph(build)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    drop = {q.subject for cls in ("Mention", "Evaluation")  # what a large build's RDF leaves out
            for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(f"https://w3id.org/paper-kg/ontology#{cls}"))}
    small = ox.Store()
    small.extend(q for q in store if q.subject not in drop and q.object not in drop)
    for name in ("mentions.csv", "entities.csv"):
        (tmp_path / name).write_bytes((build / name).read_bytes())
    large = Lookup(small, tmp_path)
    assert not large.has_mentions
    for name in ("ImageNet", "TCN"):
        a, b = lookup.show(name), large.show(name)
        assert b["evidence_source"] == "mentions.csv" and a["evidence_source"] == "graph"
        marks = [[(e["sentence"], e["mark"]) for e in r["evidence"]] for r in (a, b)]
        assert marks[0] == marks[1]
        assert a["proposed_by"] == b["proposed_by"]
        assert a["evaluations_in_graph"] and not b["evaluations_in_graph"] and b["evaluations"] == []
        assert "not in this graph" in format_record(b) and "not in this graph" not in format_record(a)
    pid = a["proposed_by"][0]["paper"]["id"]
    assert sorted((m["start"], m["surface"]) for m in lookup.show(pid)["mentions"]) == \
        sorted((m["start"], m["surface"]) for m in large.show(pid)["mentions"])


def test_mark_in_sentence_finds_the_right_occurrence():
    text = "Title\n\nWe use BERT. BERT is good."
    s = "BERT is good."
    start = text.index("BERT is")
    assert mark_in_sentence(s, text, start, start + 4, "BERT") == [0, 4]
    assert mark_in_sentence("We use BERT.", None, 0, 0, "bert") == [7, 11]
    assert mark_in_sentence("nothing here", None, 0, 0, "BERT") is None


def test_marks_are_found_in_text_read_without_latex():
    """Sentences and surface forms are the text without LaTeX formatting, offsets the text as
    written (arXiv abstracts): the mark is the occurrence the offsets name, and the paper page
    links it."""
    from kg.config import RESOURCE_NS
    from kg.lookup.page import _marked_text

    text = "Title\n\nWe propose \\textbf{X-Net}; X-Net is fast. Fr\\'echet Inception Distance drops."
    second = text.index("X-Net", text.index("}"))
    assert mark_in_sentence("We propose X-Net; X-Net is fast.", text, second, second + 5, "X-Net") == [18, 23]
    fid = text.index("Fr")
    end = fid + len("Fr\\'echet Inception Distance")
    assert mark_in_sentence("Fréchet Inception Distance drops.", text, fid, end, "Fréchet Inception Distance") == [0, 26]
    page = _marked_text(text, [{"start": fid, "end": end, "surface": "Fréchet Inception Distance",
                                "entity": RESOURCE_NS + "entity/fid"}])
    assert '<mark>Fréchet Inception Distance</mark></a> drops.' in page and "textbf" not in page


def test_cli_show(build, capsys):
    assert main(["show", "CNN", "--graph", str(build), "--evidence", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("convolutional neural network  (Architecture,")
    assert "matched  CNN by alias" in out and "[[" in out and "Evidence (2 of" in out
    assert main(["show", "ImageNet", "-g", str(build), "--format", "json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["label"] == "ImageNet" and rec["type"] == "Dataset"
    assert main(["show", "ImageNte", "-g", str(build)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg: error: no entity or paper named 'ImageNte'") and "ImageNet (Dataset" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["show", "ImageNet", "-g", str(build / "nothing")]) == 2
    assert "no such graph file or build folder" in capsys.readouterr().err


def test_a_dataset_shows_the_leaderboards_of_its_results(lookup, build):
    results = pd.read_csv(build / "results.csv", keep_default_na=False, dtype=str)
    absolute = results[(results.kind == "absolute") & (results.dataset_key != "")]
    key = absolute.dataset_key.value_counts().index[0]  # the sample's dataset with most results
    mine = absolute[absolute.dataset_key == key]
    rec = lookup.entity(str(entity_iri(key)), top=50)
    boards = rec["leaderboards"]
    shown = [(x["value"], x["paper"]["id"]) for b in boards for x in b["best"]]
    assert sorted(shown) == sorted(zip(mine.value, mine.paper_id))  # every result, each once
    number = {(v, p): float(n) for v, p, n in zip(mine.value, mine.paper_id, mine.number)}
    for b in boards:
        nums = [number[(x["value"], x["paper"]["id"])] for x in b["best"]]
        best = max(nums) if b["direction"] == "higher" else min(nums)
        assert nums[0] == best or len({x["value"][-1] == "%" for x in b["best"]}) > 1  # (mixed units scale)
    assert "Results on " in format_record(rec)


def test_a_result_whose_sentence_names_no_system_says_so(lookup, build):
    results = pd.read_csv(build / "results.csv", keep_default_na=False, dtype=str)
    unnamed = results[(results.kind == "absolute") & (results.dataset_key != "") & (results.system == "")]
    assert len(unnamed), "the sample has results whose sentence names no system"
    for key in unnamed.dataset_key.unique()[:5]:
        rec = lookup.entity(str(entity_iri(key)), top=50)
        rows = [x for b in rec["leaderboards"] for x in b["best"] if not x["system"]]
        assert rows
        text, page = format_record(rec), record_page(rec)
        for x in rows:
            said = "the paper's own, not named" if x["proposed"] else "system not named"
            assert f"({said}) {x['paper']['id']}" in " ".join(text.split())
            assert f'<span class="meta">{escape(said)}</span>' in page
