"""pandas tables: one row per paper, entity and mention; no spreadsheet formulas."""

import pandas as pd


def test_tables_match_the_graph(sample_build):
    out, result = sample_build
    kg = result.kg
    papers = pd.read_csv(out / "papers.csv")
    entities = pd.read_csv(out / "entities.csv")
    mentions = pd.read_csv(out / "mentions.csv")
    assert len(papers) == len(kg.extractions) == 197
    assert len(entities) == len(kg.entities)
    assert len(mentions) == sum(len(ex.mentions) for ex in kg.extractions)
    assert set(mentions["entity_key"]) <= set(entities["key"])
    assert (papers["entity_count"] == 0).sum() == sum(1 for ex in kg.extractions if not ex.mentions)


def test_formula_cells_are_neutralized():
    from kg.export.tables import safe_cell

    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_cell("-1+2") == "'-1+2" and safe_cell("plain") == "plain" and safe_cell(3) == 3
