"""`kg train` end to end on a small shared folder made of the project's own annotated abstracts."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from kg.cli import main
from kg.config import ExtractConfig
from kg.extract import extract, make_pipeline
from kg.extract.recognizer import DEFAULT_MODEL, RecognizerModel
from kg.errors import KgError
from kg.model import Paper
from kg.train import DEFAULT_OUT
from kg.train import data as D


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    """A stand-in for ../shared: 40 annotated papers and 400 unlabelled abstracts, all real."""
    root = tmp_path_factory.mktemp("shared")
    files = D.project_annotation_files()
    gold = list(D.read_gold(files[0]))[:40]
    (root / "gold" / "arxiv").mkdir(parents=True)
    with open(root / "gold" / "arxiv" / "arxiv-annotated.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in gold)
    (root / "data" / "arxiv").mkdir(parents=True)
    with gzip.open(root / "data" / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz", "wt", encoding="utf-8") as f:
        for path in files[1:5]:
            for r in D.read_gold(path):
                f.write(json.dumps({"id": r["id"], "title": r["title"], "abstract": r["abstract"]}) + "\n")
    return root


def _train(shared: Path, out: Path, capsys) -> str:
    code = main(["train", "--shared", str(shared), "--out", str(out), "--no-project-annotations",
                 "--max-iterations", "25"])
    assert code == 0
    return capsys.readouterr().out


def test_kg_train_writes_a_model_the_pipeline_uses(shared, tmp_path, capsys):
    out = tmp_path / "model"
    printed = _train(shared, out, capsys)
    assert "training papers: 40" in printed
    assert {p.name for p in out.iterdir()} >= {"config.cfg", "model.crfsuite", "proposed.crfsuite", "clusters.tsv", "meta.json"}
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["papers"] == 40 and meta["tokens"] > 5000
    cfg = (out / "config.cfg").read_text(encoding="utf-8")
    assert "[training]" in cfg and "max_iterations = 25" in cfg
    RecognizerModel(out)  # loads
    # the model tags the text it was trained on
    nlp = make_pipeline(ExtractConfig(recognizer_model=out))
    rec = next(D.read_gold(D.project_annotation_files()[0]))
    ex = next(extract([Paper(id=rec["id"], title=rec["title"], abstract=rec["abstract"])], nlp))
    assert {m.rule for m in ex.mentions} == {"learned"}
    assert "Oolong" in {m.text for m in ex.mentions}
    # seeded: the same data and settings give the same model
    again = tmp_path / "again"
    _train(shared, again, capsys)
    for name in ("model.crfsuite", "clusters.tsv", "config.cfg"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_kg_train_never_writes_over_the_packaged_model_by_default():
    assert DEFAULT_OUT == Path("kg-model")
    assert not DEFAULT_OUT.is_absolute()
    assert DEFAULT_MODEL.name == "arxiv-crf" and DEFAULT_MODEL.parent.name == "models"


def test_kg_train_without_the_arxiv_corpus_says_what_is_missing(tmp_path, capsys):
    assert main(["train", "--shared", str(tmp_path), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "arxiv_cs_daily_2025_2026.jsonl.gz" in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_a_folder_that_is_no_model_is_refused(tmp_path):
    (tmp_path / "config.cfg").write_text("", encoding="utf-8")
    with pytest.raises(KgError, match="missing model.crfsuite, clusters.tsv, proposed.crfsuite"):
        RecognizerModel(tmp_path)
