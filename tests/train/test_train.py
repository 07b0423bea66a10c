"""`kg train` end to end on a small shared folder made of the project's own annotated abstracts."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import subprocess
import sys
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
from kg.train import recognizer as R
from kg.train.recognizer import fold_ids


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


def _train(shared: Path, out: Path, capsys, *more: str) -> str:
    code = main(["train", "--shared", str(shared), "--out", str(out), "--no-project-annotations",
                 "--max-iterations", "25", *more])
    assert code == 0
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def one_pass(shared, tmp_path_factory) -> tuple[Path, str]:
    """A one-pass model trained on ``shared`` (made once for the tests that read it), and what
    `kg train` printed."""
    out = tmp_path_factory.mktemp("one") / "model"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["train", "--shared", str(shared), "--out", str(out), "--no-project-annotations",
                     "--max-iterations", "25"]) == 0
    return out, printed.getvalue()


def _tags(model: Path) -> list:
    nlp = make_pipeline(ExtractConfig(recognizer_model=model))
    rec = next(D.read_gold(D.project_annotation_files()[0]))
    return next(extract([Paper(id=rec["id"], title=rec["title"], abstract=rec["abstract"])], nlp)).mentions


def test_kg_train_writes_a_model_the_pipeline_uses(shared, one_pass, tmp_path):
    out, printed = one_pass
    assert "training papers: 40" in printed
    assert {p.name for p in out.iterdir()} == {"config.cfg", "model.crfsuite", "proposed.crfsuite", "clusters.tsv",
                                               "names.tsv", "meta.json"}
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["papers"] == 40 and meta["tokens"] > 5000 and meta["passes"] == 1
    cfg = (out / "config.cfg").read_text(encoding="utf-8")
    assert "[training]" in cfg and "max_iterations = 25" in cfg
    assert RecognizerModel(out).second is None  # loads; one pass
    # the model tags the text it was trained on
    mentions = _tags(out)
    assert {m.rule for m in mentions} == {"learned"}
    assert "Oolong" in {m.text for m in mentions}
    # seeded: the same data and settings give the same files, in processes with different hash
    # seeds (the order of a set of features once followed it) and different numbers of BLAS
    # threads (float32 products summed in another order once gave other word vectors, so other
    # clusters and weights)
    runs = []
    for seed, threads in (("1", "1"), ("12345", "2")):
        runs.append(tmp_path / f"seed-{seed}")
        subprocess.run([sys.executable, "-m", "kg", "train", "--shared", str(shared), "--out", str(runs[-1]), "-q",
                        "--no-project-annotations", "--max-iterations", "25"], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed, "OMP_NUM_THREADS": threads,
                            "OPENBLAS_NUM_THREADS": threads})
    for name in ("model.crfsuite", "proposed.crfsuite", "clusters.tsv", "names.tsv", "config.cfg"):
        assert (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes(), name


def test_two_passes_add_a_second_crf_that_the_pipeline_runs(shared, one_pass, tmp_path, capsys):
    one, two = one_pass[0], tmp_path / "two"
    _train(shared, two, capsys, "--passes", "2", "--jobs", "2")
    assert {p.name for p in two.iterdir()} == {"config.cfg", "model.crfsuite", "second.crfsuite", "proposed.crfsuite",
                                               "clusters.tsv", "names.tsv", "meta.json"}  # no held-out CRF left behind
    assert json.loads((two / "meta.json").read_text(encoding="utf-8"))["passes"] == 2
    # the first pass is the one-pass model; the second pass changes what is tagged
    assert (two / "model.crfsuite").read_bytes() == (one / "model.crfsuite").read_bytes()
    assert RecognizerModel(two).second is not None
    first, second = _tags(one), _tags(two)
    assert second and {m.rule for m in second} == {"learned"}
    # the second CRF's output is the result: its spans and confidences, not the first one's (a
    # CRF trained on 40 papers for 25 iterations may keep every span the first pass tagged)
    assert [(m.start, m.end, m.type, m.confidence) for m in first] != [
        (m.start, m.end, m.type, m.confidence) for m in second]
    # the same model in one process as in two
    again = tmp_path / "again"
    _train(shared, again, capsys, "--passes", "2", "--jobs", "1")
    assert (again / "second.crfsuite").read_bytes() == (two / "second.crfsuite").read_bytes()


def test_retraining_with_one_pass_removes_an_earlier_second_crf(shared, tmp_path, capsys):
    out = tmp_path / "m"
    _train(shared, out, capsys, "--passes", "2")
    _train(shared, out, capsys)
    assert not (out / "second.crfsuite").exists() and RecognizerModel(out).second is None


def test_folds_are_seeded_and_even():
    a = fold_ids(103, 4, seed=0)
    assert a == fold_ids(103, 4, seed=0) and a != fold_ids(103, 4, seed=1)
    sizes = [a.count(k) for k in range(4)]
    assert sum(sizes) == 103 and max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_held_out_crf_never_sees_its_fold(tmp_path, jobs):
    """Each fold's sequences carry a label of their own: the CRF trained without fold k knows
    every label but k's, in one process or in forked ones."""
    import pycrfsuite

    seqs = [([["w=a"], ["w=b"]], [f"U-F{k}", "O"]) for k in range(3) for _ in range(2)]
    folds = [k for k in range(3) for _ in range(2)]
    targets = [(str(tmp_path / f"{k}.crfsuite"), k) for k in (-1, 0, 2)]
    infos = R.train_crfs(seqs, targets, {"max_iterations": 5}, folds, jobs=jobs)
    assert len(infos) == 3 and all(info.get("num") for info in infos)
    assert R._SEQUENCES == [] and R._FOLDS == []  # nothing held once trained
    for path, k in targets:
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        assert set(tagger.labels()) == {"O"} | {f"U-F{j}" for j in range(3) if j != k}


def test_a_crf_that_leaves_out_a_fold_needs_the_folds(tmp_path):
    seqs = [([["w=a"]], ["O"])] * 2
    with pytest.raises(KgError, match="needs each sequence's fold"):
        R.train_crfs(seqs, [(str(tmp_path / "m.crfsuite"), 0)], {"max_iterations": 5})
    with pytest.raises(KgError, match="3 folds for 2 sequences"):
        R.train_crfs(seqs, [(str(tmp_path / "m.crfsuite"), 0)], {"max_iterations": 5}, [0, 1, 1])


def test_two_passes_need_two_folds(shared, tmp_path, capsys):
    assert main(["train", "--shared", str(shared), "--out", str(tmp_path / "m"), "--passes", "2", "--folds", "1"]) == 2
    err = capsys.readouterr().err
    assert "at least 2 folds" in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


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
