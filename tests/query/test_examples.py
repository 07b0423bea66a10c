"""Every shipped example query returns rows on the sample build; kg query and kg stats."""

from __future__ import annotations

import json

import pytest

from kg.cli import main
from kg.query import example_queries, open_graph, run_query


@pytest.mark.parametrize("name", sorted(example_queries()))
def test_example_query_returns_rows(sample_build, name):
    out, _ = sample_build
    cols, rows = run_query(open_graph(out), example_queries()[name])
    assert cols and rows, f"{name} returned nothing on the sample"


def test_queries_agree_across_store_and_files(sample_build):
    out, _ = sample_build
    q = example_queries()["most_used_datasets"]
    a = run_query(open_graph(out), q)
    b = run_query(open_graph(out / "graph.ttl"), q)
    assert a == b


def test_most_used_dataset_is_imagenet(sample_build):
    out, _ = sample_build
    _, rows = run_query(open_graph(out), example_queries()["most_used_datasets"])
    assert rows[0][0] == "ImageNet" and int(rows[0][1]) >= 10


def test_cli_query_formats(sample_build, capsys):
    out, _ = sample_build
    assert main(["query", "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/paper-kg/ontology#Paper> }",
                 "--graph", str(out), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 197}]


def test_cli_stats(sample_build, capsys):
    out, _ = sample_build
    assert main(["stats", "--graph", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Paper" in text and "Top Dataset" in text and "Papers without entities" in text


def test_bad_query_and_update_are_one_line_errors(sample_build, capsys):
    out, _ = sample_build
    assert main(["query", "SELEC nonsense", "--graph", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg: error: SPARQL syntax error") and "\n" not in err
    assert main(["query", "INSERT DATA { <a:b> <a:c> <a:d> }", "--graph", str(out)]) == 2
    assert "kg: error:" in capsys.readouterr().err
