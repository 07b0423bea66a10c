"""JSON Lines, CSV and arXiv snapshot readers, plain and compressed, with real abstracts."""

from __future__ import annotations

import bz2
import csv
import gzip
import json

import pytest

from kg.errors import InputError
from kg.model import ReadReport
from kg.read import Corpus, detect_reader, read_papers

from tests.conftest import shared_path


@pytest.fixture(scope="module")
def real_records(sample_dir):
    """Five real papers from the sample, as plain dicts."""
    corpus = Corpus([sample_dir])
    papers = list(corpus)[:5]
    return [{"title": p.title, "abstract": p.abstract} for p in papers]


def _read(paths, **kw):
    report = ReadReport()
    papers = list(read_papers(paths, report=report, **kw))
    return papers, report


def test_jsonl_with_aliases(tmp_path, real_records):
    rows = [dict(real_records[0], id="2401.00001", authors=["Ada Lovelace", "Alan Turing"], listing_date="2024-01-02"),
            dict(real_records[1], authors="Grace Hopper, Edsger Dijkstra and Barbara Liskov", published="Mar 3, 2021"),
            dict(real_records[2], update_date="2023-07-01", url="https://example.org/p")]
    f = tmp_path / "papers.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert detect_reader(f) == "jsonl"
    papers, report = _read([f])
    assert len(papers) == 3 and not report.problems
    assert papers[0].id == "arXiv:2401.00001" and papers[0].authors == ("Ada Lovelace", "Alan Turing")
    assert papers[0].date.isoformat() == "2024-01-02"
    assert papers[1].authors == ("Grace Hopper", "Edsger Dijkstra", "Barbara Liskov")
    assert papers[1].author_count == 3 and papers[1].date.isoformat() == "2021-03-03"
    assert papers[2].url == "https://example.org/p" and papers[2].authors == () and papers[2].author_count is None


def test_csv_and_tsv(tmp_path, real_records):
    f = tmp_path / "papers.csv"
    with open(f, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Title", "Abstract", "authors", "date"])
        for r in real_records[:3]:
            w.writerow([r["title"], r["abstract"], "A. One; B. Two", "2020-05-06"])
    papers, report = _read([f])
    assert [p.title for p in papers] == [r["title"] for r in real_records[:3]]
    assert papers[0].authors == ("A. One", "B. Two") and papers[0].sources[0].line == 2
    t = tmp_path / "papers.tsv"
    t.write_text("title\tabstract\n" + "\n".join(f"{r['title']}\t{r['abstract']}" for r in real_records[:2]) + "\n",
                 encoding="utf-8")
    assert len(_read([t])[0]) == 2


def test_compressed_inputs_are_read_directly(tmp_path, real_records):
    data = "\n".join(json.dumps(r) for r in real_records).encode()
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(data))
    (tmp_path / "b.jsonl.bz2").write_bytes(bz2.compress(data))
    papers, report = _read([tmp_path / "a.jsonl.gz"])
    assert len(papers) == 5
    papers, report = _read([tmp_path / "b.jsonl.bz2"])
    assert len(papers) == 5


def test_duplicates_across_formats_are_merged(tmp_path, real_records):
    (tmp_path / "a.jsonl").write_text(json.dumps(real_records[0]) + "\n", encoding="utf-8")
    with open(tmp_path / "b.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "abstract", "date"])
        w.writerow([real_records[0]["title"], real_records[0]["abstract"], "2022-02-02"])
    papers, report = _read([tmp_path])
    assert len(papers) == 1 and report.duplicates == 1
    assert len(papers[0].sources) == 2
    assert papers[0].date.isoformat() == "2022-02-02"  # filled in from the duplicate


def test_arxiv_snapshot_sample():
    src = shared_path("data", "arxiv", "arxiv_cs_daily_2025_2026.jsonl.gz")
    assert detect_reader(src) == "arxiv"
    # the first 200 lines, as a file of their own
    with gzip.open(src, "rt", encoding="utf-8") as f:
        lines = [next(f) for _ in range(200)]
    first = json.loads(lines[0])
    papers = list(read_papers_from_lines(lines))
    assert len(papers) == 200
    p = papers[0]
    assert p.id == f"arXiv:{first['id']}" and p.title == " ".join(first["title"].split())
    assert p.authors == tuple(first["authors"]) and p.categories == tuple(first["categories"])
    assert p.url == f"https://arxiv.org/abs/{first['id']}"


def read_papers_from_lines(lines):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "arxiv.jsonl"
        f.write_text("".join(lines), encoding="utf-8")
        yield from read_papers([f], reader="arxiv")


def test_unknown_reader_name_is_an_error(sample_dir):
    with pytest.raises(InputError, match="unknown reader"):
        Corpus([sample_dir], reader="xml")
