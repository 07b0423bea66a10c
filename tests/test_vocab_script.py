"""The vocabulary build script's filters (ontology/scripts/build_vocab.py), on real arXiv text."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("build_vocab", ROOT / "ontology" / "scripts" / "build_vocab.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


def test_task_names_that_name_things_are_dropped():
    bv = _script()
    for thing in ("knowledge graphs", "autonomous vehicles", "whole slide images", "world knowledge", "AI agent",
                  "computed tomography", "time series"):
        assert bv.names_a_thing(thing), thing
    for task in ("action recognition in videos", "predicting patient outcomes", "zero-shot multi-speaker TTS",
                 "object detection", "image classification"):
        assert not bv.names_a_thing(task), task


def test_a_dataset_name_defined_as_something_else_is_ambiguous(tmp_path):
    bv = _script()
    abstracts = [  # sentences of arXiv abstracts (shared/data/arxiv)
        "Boundary representation is a fundamental format in computer-aided design (CAD).",
        "We generate parametric models for computer-aided design (CAD) from sketches.",
        "Automating computer-aided design (CAD) remains hard for language models.",
        "Most current end-to-end (E2E) autonomous driving algorithms are built on ...",
        "We evaluate on the SVT dataset and on Street View Text (SVT).",
        "Results on MMLU and GSM8K show gains; MMLU is a multiple-choice benchmark.",
    ]
    path = tmp_path / "arxiv.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for a in abstracts:
            f.write(json.dumps({"title": "", "abstract": a}) + "\n")
    assert bv.abbreviation_collisions(path, {"CAD", "E2E", "SVT", "MMLU"}) == {"CAD"}
    rows = [bv.Row("CAD", "Dataset", "pwc-datasets", [], True, 3), bv.Row("ABC", "Dataset", "pwc-datasets", ["CAD"], True, 3)]
    kept = bv.drop_ambiguous_datasets(rows, {"CAD"})
    assert [(r.label, r.aliases) for r in kept] == [("ABC", [])]


def test_every_input_is_required(tmp_path, capsys):
    # Without the arXiv abstracts the ambiguity filter would be skipped and the vocabulary
    # would differ: the script stops and names the missing file instead. Every other input is
    # an empty stand-in, so this runs on a clone without ../shared too.
    bv = _script()
    every = bv.missing_inputs(tmp_path)
    assert str(bv.ARXIV) in every and len(every) > 1
    for rel in every:
        if rel != str(bv.ARXIV):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).touch()
    assert bv.missing_inputs(tmp_path) == [str(bv.ARXIV)]
    assert bv.main(["--shared", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert str(bv.ARXIV) in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_shared_holds_every_input():
    assert _script().missing_inputs(shared_path()) == []
