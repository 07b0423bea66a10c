"""The notebook API (``from kg import open_build``) and the example notebook, on the real sample build.

The notebook (docs/notebook.ipynb) runs as a script: its JSON is parsed and its code cells are
executed in order, from a folder where ``outputs/`` is the sample build (no Jupyter needed).
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from kg import open_build
from kg.errors import KgError
from kg.lookup import NotFound

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebook.ipynb"


def run_notebook(path: Path, cwd: Path) -> dict:
    """Execute a notebook's code cells in one namespace, in ``cwd``; the namespace after the last cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    ns: dict = {"__name__": "__notebook__"}
    old = os.getcwd()
    os.chdir(cwd)
    try:
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                exec(compile(ast.parse(src), f"{path.name} cell {i}", "exec"), ns)  # noqa: S102
    finally:
        os.chdir(old)
    return ns


@pytest.fixture(scope="module")
def build(sample_build):
    return sample_build[0]


@pytest.fixture(scope="module")
def b(build):
    return open_build(build)


@pytest.fixture(scope="module")
def tables(build):
    return {n: pd.read_csv(build / f"{n}.csv", keep_default_na=False, na_values=[""])
            for n in ("papers", "entities", "mentions")}


@pytest.fixture(scope="module")
def notebook(build, tmp_path_factory):
    cwd = tmp_path_factory.mktemp("notebook")
    (cwd / "outputs").symlink_to(build, target_is_directory=True)
    return run_notebook(NOTEBOOK, cwd)


def test_notebook_runs_and_its_answers_match_the_tables(notebook, tables):
    ents, ments, papers = tables["entities"], tables["mentions"], tables["papers"]
    datasets = ents[ents.type == "Dataset"].sort_values(["paper_count", "label"], ascending=[False, True]).head(10)
    assert list(notebook["top_datasets"].dataset) == list(datasets.label)
    assert list(notebook["top_datasets"].papers) == list(datasets.paper_count)
    proposed = ments[ments.proposed & (ments.type == "Method")][["paper_id", "entity_key"]].drop_duplicates()
    proposed = proposed.merge(papers[["id", "date"]], left_on="paper_id", right_on="id").dropna(subset=["date"])
    assert notebook["proposed_per_year"].sum() == len(proposed)
    assert int(notebook["proposed_per_year"].index.max()) == pd.to_datetime(proposed.date).dt.year.max()
    assert notebook["G"].number_of_nodes() == len(papers) + len(ents)
    assert len(notebook["g"]) == notebook["b"].triple_count()
    assert notebook["cnn"]["label"] == "convolutional neural network"


def _imagenet_papers(tables) -> int:
    """ImageNet's paper count as the build's entity table gives it (it depends on the model)."""
    ents = tables["entities"]
    return int(ents[(ents.label == "ImageNet") & (ents.type == "Dataset")].paper_count.iloc[0])


def test_query_gives_typed_columns(b, tables):
    df = b.query("SELECT ?label ?n ?vocab ?date WHERE { ?p kg:usesDataset ?e ; dcterms:date ?date . "
                 "?e skos:prefLabel ?label ; kg:paperCount ?n ; kg:inVocabulary ?vocab } ORDER BY DESC(?n) LIMIT 20")
    assert list(df.columns) == ["label", "n", "vocab", "date"]
    assert str(df.n.dtype) == "Int64" and df.vocab.dtype == bool and str(df.date.dtype).startswith("datetime64")
    datasets = tables["entities"][tables["entities"].type == "Dataset"]
    assert df.n.iloc[0] == datasets.paper_count.max() > 10  # the most used dataset of the sample
    assert df.label.iloc[0] == "ImageNet" and df.n.iloc[0] == _imagenet_papers(tables)
    assert b.query("ASK { ?p a kg:Paper }").ask.tolist() == [True]
    triples = b.query("CONSTRUCT { ?e skos:prefLabel ?l } WHERE { ?e a kg:Dataset ; skos:prefLabel ?l }")
    assert list(triples.columns) == ["subject", "predicate", "object"] and "ImageNet" in set(triples.object)


def test_query_errors_are_one_line(b):
    for text, start in (("SELECT ?x WHERE { ?x", "SPARQL syntax error"),
                        ("INSERT DATA { <a:b> <a:b> <a:b> }", "SPARQL Update is not allowed"),
                        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "federated query")):
        with pytest.raises(KgError) as e:
            b.query(text)
        assert str(e.value).startswith(start) and "\n" not in str(e.value)


def test_tables_and_graphs(b, tables):
    papers, entities, mentions = b.tables()
    assert len(papers) == len(tables["papers"]) and list(entities.columns) == list(tables["entities"].columns)
    assert mentions.proposed.dtype == bool and set(mentions.entity_key) == set(entities.key)
    G = b.networkx()
    assert G.nodes[f"entity:{entities.key.iloc[0]}"]["label"] == entities.label.iloc[0]


def test_rdflib_refuses_a_build_too_large(b):
    n = b.triple_count()
    with pytest.raises(KgError) as e:
        b.rdflib(max_triples=n - 1)
    msg = str(e.value)
    assert f"{n:,} triples" in msg and "Build.query()" in msg and f"max_triples={n}" in msg


def test_show_and_errors(b, build, tables):
    assert b.show("ImageNet")["paper_count"] == _imagenet_papers(tables)
    with pytest.raises(NotFound) as e:
        b.show("ImageNte")
    assert "ImageNet" in [s["label"] for s in e.value.suggestions]
    with pytest.raises(KgError, match="no such build folder"):
        open_build(build / "missing")
    only_rdf = open_build(build / "graph.nt")  # an RDF file: SPARQL and show work, the tables are not there
    assert only_rdf.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").n.iloc[0] == b.triple_count()
    with pytest.raises(KgError, match="--format tables"):
        only_rdf.tables()


def test_an_opened_build_stays_that_build(build, tmp_path):
    """open_build resolves .kg-current once: a new build switching it does not mix two builds, and a
    removed old version is said to be replaced."""
    import shutil

    current = (build / ".kg-current").resolve()
    old = tmp_path / ".kg-versions" / "old"
    shutil.copytree(current / "store", old / "store")
    shutil.copy(current / "papers.csv", old / "papers.csv")
    (tmp_path / ".kg-current").symlink_to(Path(".kg-versions") / "old")
    b = open_build(tmp_path)
    assert b.path == old.resolve()
    assert b.query("ASK { ?p a kg:Paper }").ask.tolist() == [True]
    shutil.rmtree(old)
    with pytest.raises(KgError, match="replaced by a newer one"):
        b.tables()
