"""Papers' sources name files relative to the input given, never by an absolute path of the
building machine (the exports carry them: GraphML and GEXF `sources`, kg:source, papers.csv)."""

from __future__ import annotations

from pathlib import Path

from kg.read import Corpus

ROOT = Path(__file__).resolve().parents[2]


def test_source_names():
    from kg.read import source_name

    assert source_name(Path("data/a.jsonl"), Path("data/a.jsonl")) == "data/a.jsonl"
    assert source_name(Path("/home/u/data/a.jsonl"), Path("/home/u/data/a.jsonl")) == "a.jsonl"
    assert source_name(Path("/home/u/papers/x/b.txt"), Path("/home/u/papers")) == "papers/x/b.txt"
    assert source_name(Path("papers/x/b.txt"), Path("papers")) == "papers/x/b.txt"
    assert source_name(Path("/dev/stdin"), Path("/dev/stdin")) == "/dev/stdin"
    assert source_name(Path("/dev/fd/63"), Path("/dev/fd/63")) == "/dev/fd/63"


def test_corpus_sources_are_relative(sample_dir, monkeypatch):
    assert sample_dir.is_absolute()
    sources = {s.path for p in Corpus([sample_dir]) for s in p.sources}
    assert sources == {f"daily-papers/{f.name}" for f in sample_dir.glob("*.txt")}
    monkeypatch.chdir(ROOT)
    rel = sample_dir.relative_to(ROOT) / "001_4eb3750c9023835b.txt"
    assert {s.path for p in Corpus([rel]) for s in p.sources} == {str(rel)}


def test_exports_hold_no_absolute_path(sample_build, sample_dir):
    out, _ = sample_build
    for name in ("graph.graphml", "graph.gexf", "graph.nt", "papers.csv", "neo4j/papers.csv", "graph.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert str(sample_dir) not in text and str(ROOT) not in text, name
    assert "daily-papers/000_dc7a3a9ccd66748c.txt:" in (out / "graph.graphml").read_text(encoding="utf-8")
