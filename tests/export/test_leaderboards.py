"""Results in the build of the sample corpus: results.csv, the RDF, leaderboards.html and `kg leaderboard`."""

from __future__ import annotations

import re

import pandas as pd

from kg.assemble.leaderboard import Entry
from kg.cli import main
from kg.export.leaderboards import render
from kg.query import open_graph, query_rows

EVIL = '<script>alert(1)</script><img src="http://example.com/x.png">'


def test_results_csv_holds_every_result_with_its_sentence(sample_build):
    out, result = sample_build
    df = pd.read_csv(out / "results.csv")
    assert len(df) == sum(len(ex.results) for ex in result.kg.extractions) > 50
    assert set(df["kind"]) == {"absolute", "delta"}
    assert all(str(v).lstrip("'") in s for v, s in zip(df["value"], df["sentence"]))
    tiny = df[(df["system"] == "TinyViT") & (df["value"] == "84.8%")]
    assert len(tiny) == 1 and tiny.iloc[0]["number"] == 84.8 and tiny.iloc[0]["unit"] == "%"


def test_the_rdf_links_results_to_paper_metric_dataset_and_system(sample_build):
    out, result = sample_build
    store = open_graph(out)
    cols, rows = query_rows(store, """
        PREFIX kg: <https://w3id.org/paper-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?value ?text ?metric ?dataset ?system WHERE {
          ?p kg:reportsResult ?r . ?r kg:value ?value ; kg:valueText ?text ; kg:resultKind "absolute" ;
             kg:resultMetric/skos:prefLabel ?metric ; kg:resultDataset/skos:prefLabel ?dataset ;
             kg:resultSystem/skos:prefLabel ?system . FILTER(?system = "TinyViT") }""")
    assert ["84.8", "84.8%", "top-1 accuracy"] in [r[:3] for r in rows]
    _, n = query_rows(store, "PREFIX kg: <https://w3id.org/paper-kg/ontology#> "
                             "SELECT (COUNT(?r) AS ?n) WHERE { ?r a kg:Result }")
    assert int(n[0][0]) == sum(len(ex.results) for ex in result.kg.extractions)


def test_leaderboards_page_is_offline_and_ranks_the_sample(sample_build):
    out, _ = sample_build
    page = (out / "leaderboards.html").read_text(encoding="utf-8")
    assert "<script" not in page and not re.search(r"""src=|url\(|@import""", page)
    assert "default-src 'none'" in page
    assert "TinyViT" in page and "84.8%" in page


def test_text_in_the_page_is_escaped():
    e = Entry(dataset=EVIL, metric="accuracy", value="1%", number=1.0, unit="%", system=EVIL, proposed=True,
              paper_id="p", paper_title=EVIL, date=None, sentence=EVIL, url="javascript:alert(1)")
    from kg.assemble.leaderboard import leaderboards

    page = render(leaderboards([e]), 1)
    assert "<script>" not in page and "<img" not in page and "javascript:" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_kg_leaderboard_prints_boards_of_a_build(sample_build, capsys):
    out, _ = sample_build
    assert main(["leaderboard", "--graph", str(out), "--dataset", "ImageNet-1K", "--metric", "top-1 accuracy",
                 "--top", "3"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("== ImageNet-1K") and "higher is better" in text
    ranks = re.findall(r"^\s+(\d+)\.\s+([\d.]+)%", text, re.M)
    assert [r for r, _ in ranks] == ["1", "2", "3"]
    values = [float(v) for _, v in ranks]
    assert values == sorted(values, reverse=True)
    assert main(["leaderboard", "--graph", str(out), "--dataset", "no such benchmark"]) == 2
    assert "no leaderboard for dataset 'no such benchmark'" in capsys.readouterr().err
