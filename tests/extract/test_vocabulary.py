"""The vocabularies (kg.extract.vocabulary) as extraction reads them."""

from __future__ import annotations

from kg.extract import extract, paper_entities
from kg.extract.vocabulary import load_vocabulary
from kg.model import Paper


def test_a_label_written_in_latex_math_is_read_as_text_reads_it(nlp):
    # ontology/vocab/pwc_datasets.csv writes "M$^3$-VOS"; abstracts are read with math as names
    vocab = load_vocabulary()
    concept = vocab.lookup("M3-VOS")
    assert concept is not None and concept.label == "M3-VOS" and concept.type == "Dataset"
    assert vocab.lookup("T3Bench") is not None
    ex = next(extract([Paper(id="x", abstract="We evaluate the tracker on M$^3$-VOS and report J&F.")], nlp))
    found = [m for m in ex.mentions if m.text == "M3-VOS"]
    assert found and found[0].type == "Dataset"
    assert ("Dataset", "M3-VOS") in {(e["type"], e["name"]) for e in paper_entities(ex)}
