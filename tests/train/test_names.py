"""What the annotations name a form by (:mod:`kg.train.names`), learned from the project's own
annotations (kg/train/annotations, in the repository), and the packaged model's table."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.extract.recognizer import DEFAULT_MODEL, read_names
from kg.train import data as D
from kg.extract.normalize import entity_key
from kg.train.names import learn_names, write_names


@pytest.fixture(scope="module")
def names():
    return learn_names(r for f in D.project_annotation_files() for r in D.read_gold(f))


def test_forms_the_annotators_name_otherwise_are_learned(names):
    assert names["fine tuned", "Method"] == ("fine tuning", "fine-tuning")
    assert names["fine tune", "Method"] == ("fine tuning", "fine-tuning")
    assert names["unsupervised", "Method"] == ("unsupervised learning", "unsupervised learning")
    assert names["3dgs", "Architecture"] == ("3d gaussian splatting", "3D Gaussian Splatting")


def test_a_form_is_learned_per_type_and_never_by_a_more_general_name(names):
    assert names["em", "Metric"] == ("exact match", "exact match")
    assert ("em", "Method") not in names  # an "EM" that is a method is no exact match
    # "classification accuracy" is named accuracy in most papers that mark it, but the name is
    # the more general one: the graph keeps the precise entity
    recs = [r for f in D.project_annotation_files() for r in D.read_gold(f)]
    general = sum(1 for r in recs for e in r["entities"] if e["name"].lower() == "accuracy"
                  and "classification accuracy" in map(str.lower, e["mentions"]))
    assert general >= 3 and ("classification accuracy", "Metric") not in names
    assert not any(form == key for (form, _), (key, _) in names.items())


def test_rare_or_divided_namings_are_not_learned(names):
    """Without the limits, every form some paper names otherwise would be learned: the limits
    keep those that at least three papers, and four in five of those that mark them, name so."""
    recs = [r for f in D.project_annotation_files() for r in D.read_gold(f)]
    everything = learn_names(recs, min_papers=1, min_share=0.0)
    assert set(names) < set(everything)
    marked, named = Counter(), Counter()  # papers marking (form, type); papers naming it by another key
    for r in recs:
        pairs = {((entity_key(m), e["type"]), entity_key(e["name"])) for e in r["entities"]
                 for m in (e["name"], *e["mentions"])}
        marked.update({form for form, _ in pairs})
        named.update(pairs)
    for form, (key, _) in everything.items():
        n = named[form, key]
        learned = n >= 3 and n >= 0.8 * marked[form] and not set(key.split()) < set(form[0].split())
        assert (form in names) == learned, form


def test_the_table_reads_back_as_written(names, tmp_path):
    write_names(names, tmp_path / "names.tsv")
    assert read_names(tmp_path / "names.tsv") == names
    assert read_names(tmp_path / "absent.tsv") == {}


def test_the_packaged_table_is_what_kg_train_learns():
    if not (D.shared_dir() / "gold" / "arxiv" / "arxiv-annotated.jsonl").is_file():
        pytest.skip("../shared/gold/arxiv/arxiv-annotated.jsonl is not here (the arXiv set is part of the training data)")
    assert read_names(DEFAULT_MODEL / "names.tsv") == learn_names(D.training_records())
