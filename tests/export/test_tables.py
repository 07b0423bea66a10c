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
    # a quote before a formula gets one more, so that a reader removes exactly one: "'=x" and
    # "=x" were written alike (found by tests/robustness/test_fuzz_build.py)
    assert safe_cell("'=cmd|' /C calc'!A0") == "''=cmd|' /C calc'!A0" and safe_cell("'quoted'") == "'quoted'"
    from kg.lookup import _unquote

    for text in ("=x", "'=x", "''+x", "'quoted'", "plain", "'", ""):
        assert _unquote(safe_cell(text)) == text


def test_counts_stay_integers_where_some_are_missing(sample_build):
    # the sample has papers without an author count or upvotes: the others still read as
    # whole numbers ("3", not "3.0"), and the missing ones as empty cells
    out, result = sample_build
    import csv

    with open(out / "papers.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for column in ("author_count", "upvotes", "entity_count"):
        cells = [r[column] for r in rows]
        assert all(c == "" or c.isdigit() for c in cells), column
    assert "" in {r["author_count"] for r in rows} and {r["author_count"] for r in rows} - {""}
    by_id = {ex.paper.id: ex.paper for ex in result.kg.extractions}
    assert all(int(r["author_count"]) == by_id[r["id"]].author_count for r in rows if r["author_count"])
    papers = pd.read_csv(out / "papers.csv", dtype={"author_count": "Int64", "upvotes": "Int64"})
    assert papers["author_count"].isna().any() and papers["author_count"].notna().any()


def test_text_cells_are_neutralized_in_every_table(tmp_path):
    from kg.export.tables import mention_rows, paper_row
    from kg.model import Extraction, Mention, Paper

    paper = Paper(id="-p1", title="=cmd|' /C calc'!A0", abstract="@SUM(A1) is a formula.")
    m = Mention(key="+x", label="+x", type="Method", text="+x", start=0, end=2, sentence=0, rule="rule:test",
                proposed=False, confidence=0.5)
    ex = Extraction(paper, (m,), ("=1+1",))
    row = paper_row(ex)
    assert row[:3] == ("'-p1", "'=cmd|' /C calc'!A0", "'@SUM(A1) is a formula.")
    quoted = paper_row(Extraction(Paper(id="'-p2", title="'=cmd|' /C calc'!A0", abstract="'plain"), (), ()))
    assert quoted[:3] == ("''-p2", "''=cmd|' /C calc'!A0", "'plain")

    class KG:
        def entity_type(self, key):
            return "Method"

    (mention,) = mention_rows(ex, KG())
    assert mention[0] == "'-p1" and mention[1] == "'+x" and mention[3] == "'+x" and mention[7] == "'=1+1"
