"""Smoke runs of the benchmarks (benchmarks are not tests: their figures are printed, never
asserted; this only checks that they run and print their table)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import shared_path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(*args: str) -> str:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_scale_benchmark_prints_a_row_per_size():
    shared_path("data", "arxiv", "arxiv_cs_daily_2025_2026.jsonl.gz")
    out = _run(str(BENCHMARKS / "scale.py"), "--sizes", "150,300", "--fast", "--rdflib", "--floor")
    assert out.startswith("mode: --fast (rules), engine local, --jobs 2; formats turtle,graphml,html,neo4j,tables,store")
    rows = re.findall(r"^\s*(150|300)\s+([\d.]+)\s+([\d.]+)\s+\d+\s+([\d.]+)\s+\d+\s+\d+\s+([\d.]+)\s+([\d.]+)",
                      out, re.M)
    assert [r[0] for r in rows] == ["150", "300"], out
    assert all(float(ratio) > 0 and float(cpu) > 0 and float(cpu_ratio) > 0 for _, _, _, ratio, cpu, cpu_ratio in rows)
    # the size of every default output, largest first
    sizes = re.findall(r"^\s+outputs ([\d.]+) MB: (.+)$", out, re.M)
    assert len(sizes) == 2 and {p.split()[0] for p in sizes[0][1].split(", ")} == {
        "store", "graph.ttl", "graph.graphml", "graph.html", "leaderboards.html", "neo4j", "papers.csv", "entities.csv",
        "mentions.csv", "results.csv"}
    assert "rdflib parse (graph.ttl)+Turtle" in out and "cost per paper" in out
    assert len(re.findall(r"without extraction .*: [\d.]+ s, [\d.]+x tokenization.*CPU [\d.]+ s", out)) == 2, out


def test_extract_speed_benchmark_prints_every_component():
    shared_path("data", "arxiv", "arxiv_cs_daily_2025_2026.jsonl.gz")
    out = _run(str(BENCHMARKS / "extract_speed.py"), "200")
    for name in ("tokenize", "kg_sentences", "kg_vocabulary", "kg_rules", "kg_entities", "x tokenization"):
        assert name in out, out


def test_recognizer_folds_benchmark_scores_each_fold_and_the_mean():
    shared_path("gold", "arxiv", "arxiv-annotated.jsonl")
    out = _run(str(BENCHMARKS / "recognizer_folds.py"), "--papers", "80", "--folds", "2", "--max-iterations", "10",
               "--limits", "0.5,0.7", "--jobs", "1")
    assert out.startswith("80 training papers, 2 folds"), out
    rows = re.findall(r"^\s+([01])\s+(0\.[57])\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out, re.M)
    assert [(k, lim) for k, lim, *_ in rows] == [("0", "0.5"), ("0", "0.7"), ("1", "0.5"), ("1", "0.7")], out
    # a CRF trained on 40 papers finds something on the other 40
    assert all(0 < float(f1) <= 1 for *_, f1 in rows), out
    assert "mean F1 at limit 0.7" in out
