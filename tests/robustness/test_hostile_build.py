"""`kg build` against hostile input, as an attacker or an unlucky user would give it (issue 15):
records past spaCy's limit, lines of gigabytes, endless NULs, pipes and devices, misdetected
files, inputs of which nothing can be read, a second build into the same folder, file names
that repaint the terminal, NUL characters. Each builds every good record, says what it
skipped in one line per record (file and line, control characters escaped), and never ends
in a traceback or a hang.

The abstracts are real sentences from the bundled sample pages (``sample_sentences``).
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from kg.config import MAX_LINE_CHARS, MAX_TEXT_CHARS, PROBLEMS_LISTED
from kg.model import ReadReport
from kg.read import detect_reader, read_papers

from tests.conftest import shared_path
from tests.robustness.nasty import ROOT, sample_sentences
from tests.robustness.test_faults import snapshot


def kg(*args, timeout=300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, **kw)


#: Address space each process of a build may use in the tests of endless input (a small build
#: needs under 1.5 GB): a reader that held an endless line would stop at it, not take the machine.
ADDRESS_SPACE = 3 << 30


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def shell(command: str, timeout=120) -> subprocess.CompletedProcess:
    """``command`` run by bash, with ``kg`` standing for this interpreter's ``python -m kg``
    (address space bounded)."""
    return subprocess.run(["bash", "-c", f'kg() {{ "{sys.executable}" -m kg "$@"; }}; {command}'],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout, preexec_fn=_bounded)


def records(n: int, start: int = 0, **fields) -> list[dict]:
    s = sample_sentences()
    return [{"title": f"Paper {i}", "abstract": " ".join(s[3 * i:3 * i + 3]), **fields}
            for i in range(start, start + n)]


def write_jsonl(path: Path, recs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def papers_csv(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "papers.csv", dtype=str, keep_default_na=False)


def one_line(r: subprocess.CompletedProcess) -> str:
    """The single line a fatal error prints."""
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and "Traceback" not in r.stderr, r.stderr
    return lines[0]


# -- 5: a record past spaCy's limit --------------------------------------------------------------

def test_an_abstract_past_spacys_limit_is_skipped_and_every_other_record_builds(tmp_path):
    """1,000,001 characters of real sentences (spaCy E088 took the whole build down)."""
    s = " ".join(sample_sentences())
    big = (s + " ") * (MAX_TEXT_CHARS // len(s) + 1)
    recs = records(2)
    f = write_jsonl(tmp_path / "in.jsonl", [recs[0], {"title": "Huge", "abstract": big}, recs[1]])
    r = kg("build", f, "--out", tmp_path / "o", "-f", "tables", "-q")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.strip().splitlines() == [
        f"skipped {f}:2: text of {len(big.strip()) + 6:,} characters, longer than the {MAX_TEXT_CHARS:,} a paper may "
        "have; skipped"]
    assert list(papers_csv(tmp_path / "o")["title"]) == ["Paper 0", "Paper 1"]


def test_a_stray_quote_that_swallows_rows_past_the_limit_costs_only_its_row(tmp_path):
    """A quote opened on line 3 is closed by a quote 4,000 rows later: the rows between were one
    field of a paper past spaCy's limit; they are read again as rows."""
    s = [x.replace('"', "").replace(",", ";") for x in sample_sentences()]
    rows = [f"Row {i},{s[i % len(s)]} {s[(i + 1) % len(s)]} (row {i})" for i in range(4, 4000)]
    assert sum(map(len, rows)) > MAX_TEXT_CHARS
    f = tmp_path / "q.csv"
    f.write_text("title,abstract\n" + f"Row 2,{s[0]}\n" + f'Row 3,"{s[1]}\n' + "\n".join(rows) +
                 f'\nRow 4000,he said "hi" to {s[2]}\n', encoding="utf-8")
    report = ReadReport()
    papers = list(read_papers([f], report=report))
    assert [p.title for p in papers] == ["Row 2", *(f"Row {i}" for i in range(4, 4001))]
    assert [p.source.line for p in report.problems] == [3] and report.skipped == 1
    assert "read again as rows" in report.problems[0].message


# -- 6: memory on pathological input -----------------------------------------------------------------

def test_a_line_of_a_hundred_megabytes_is_read_past_in_bounded_memory(tmp_path):
    """A 100 MB line (100 KB of gzip) between two good records: a Problem with its line, and
    the reader never holds more than a few chunks of it."""
    good = records(2)
    f = tmp_path / "big.jsonl.gz"
    n = 100_000_000
    with gzip.open(f, "wb", compresslevel=1) as z:
        z.write((json.dumps(good[0]) + "\n").encode())
        z.write(b'{"abstract": "')
        for _ in range(n // 1_000_000):
            z.write(b"a" * 1_000_000)
        z.write(b'"}\n' + (json.dumps(good[1]) + "\n").encode())
    tracemalloc.start()
    try:
        report = ReadReport()
        papers = list(read_papers([f], report=report))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.title for p in papers] == ["Paper 0", "Paper 1"]
    assert [(p.source.line, p.message) for p in report.problems] == [
        (2, f"line of {n + 17:,} characters, longer than the {MAX_LINE_CHARS:,} a record may have; skipped")]
    assert peak < 5 * MAX_LINE_CHARS, f"reading held {peak / 1e6:.0f} MB"


def test_skipped_records_are_all_counted_and_the_first_listed(tmp_path):
    """200,000 bad lines: exact counts, PROBLEMS_LISTED of them kept and printed, the rest
    counted (every one of them was kept in memory and printed before)."""
    f = tmp_path / "bad.jsonl"
    good = records(1)[0]
    f.write_text(json.dumps(good) + "\n" + "{broken\n" * 200_000, encoding="utf-8")
    report = ReadReport()
    assert [p.title for p in read_papers([f], report=report)] == ["Paper 0"]
    assert report.skipped == 200_000 and len(report.problems) == PROBLEMS_LISTED
    assert [p.source.line for p in report.problems] == list(range(2, 2 + PROBLEMS_LISTED))
    r = kg("build", f, "--out", tmp_path / "o", "-f", "tables")
    assert r.returncode == 1
    err = r.stderr.strip().splitlines()
    assert len(err) == PROBLEMS_LISTED + 1
    assert err[-1] == f"... and {200_000 - PROBLEMS_LISTED:,} more skipped (not listed)"
    assert "200000 records skipped" in r.stdout


# -- 7: inputs that are not plain files -------------------------------------------------------------

def test_a_pipe_is_read_whole(tmp_path):
    """`kg build <(cat papers.jsonl)`: format sniffing used to eat the first 8 KB."""
    f = write_jsonl(tmp_path / "papers.jsonl", records(40))
    assert f.stat().st_size > 2 * 8192
    r = shell(f"kg build <(cat {f}) --out {tmp_path / 'o'} -f tables -q")
    assert r.returncode == 0, r.stderr
    assert list(papers_csv(tmp_path / "o")["title"]) == [f"Paper {i}" for i in range(40)]


def test_a_fifo_nobody_writes_to_is_waited_for_out_loud(tmp_path):
    fifo = tmp_path / "papers.fifo"
    os.mkfifo(fifo)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(fifo), "--out", str(tmp_path / "o"), "-f",
                             "tables", "-q"], stderr=subprocess.PIPE, text=True, cwd=ROOT)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        end = time.monotonic() + 20
        while not lines and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.1)
        assert lines and "waiting for input from" in lines[0] and str(fifo) in lines[0], lines
        with open(fifo, "w", encoding="utf-8") as w:  # then a writer comes
            w.write("".join(json.dumps(r) + "\n" for r in records(3)))
        assert proc.wait(timeout=120) == 0, lines
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=10)
    assert len(lines) == 1, lines
    assert list(papers_csv(tmp_path / "o")["title"]) == ["Paper 0", "Paper 1", "Paper 2"]


def _peak_rss_of(command: str) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run ``command`` (bash, as :func:`shell`) in a fresh process that reports the largest
    resident size of its children (the build): (result, seconds, kilobytes)."""
    probe = ("import resource, subprocess, sys, time\n"
             f"resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))\n"
             "t = time.monotonic()\n"
             "r = subprocess.run(['bash', '-c', sys.argv[1]], capture_output=True, text=True, timeout=60)\n"
             "print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "sys.stderr.write(r.stderr)\n"
             "sys.exit(r.returncode)\n")
    full = f'kg() {{ "{sys.executable}" -m kg "$@"; }}; {command}'
    r = subprocess.run([sys.executable, "-c", probe, full], capture_output=True, text=True, cwd=ROOT, timeout=180)
    secs, kb = r.stdout.split()[-2:]
    return r, float(secs), int(kb)


@pytest.mark.parametrize("source", ["/dev/zero", "<(cat /dev/zero)"], ids=["device", "pipe"])
def test_endless_nul_input_is_refused_at_once(tmp_path, source):
    """/dev/zero read as UTF-16 took 3 GB in 5 s: refused in seconds with bounded memory."""
    r, secs, kb = _peak_rss_of(f"kg build {source} --encoding utf-16-le --reader jsonl --out {tmp_path / 'o'}")
    line = one_line(r)
    assert ("is a character device, not a file or a pipe" if source == "/dev/zero" else
            "looks like a binary file, not text (NUL characters as utf-16-le)") in line, line
    assert secs < 30 and kb < 1_000_000, (secs, kb)


@pytest.mark.parametrize("text_first", [0, 9_000_000], ids=["at-once", "after-9M-characters"])
def test_nuls_after_good_records_stop_the_file_not_the_records(tmp_path, text_first):
    """Endless NULs after three records, at the start of a line or after 9 M characters of it."""
    f = write_jsonl(tmp_path / "papers.jsonl", records(3))
    text = f"head -c {text_first} /dev/zero | tr '\\0' a;"
    r = shell(f"kg build <(cat {f}; {text} cat /dev/zero) --out {tmp_path / 'o'} -f tables -q", timeout=120)
    assert r.returncode == 1, r.stderr
    assert r.stderr.strip().splitlines() == ["skipped /dev/fd/63:4: binary data (NUL characters), not text; rest of "
                                             "the file skipped"]
    assert len(papers_csv(tmp_path / "o")) == 3


def test_a_fifo_inside_a_folder_is_reported_not_read(tmp_path):
    (tmp_path / "in").mkdir()
    write_jsonl(tmp_path / "in" / "a.jsonl", records(2))
    os.mkfifo(tmp_path / "in" / "b.jsonl")
    r = kg("build", tmp_path / "in", "--out", tmp_path / "o", "-f", "tables", "-q", timeout=120)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        f"skipped {tmp_path / 'in' / 'b.jsonl'}: not a regular file (a FIFO, socket or device); skipped"]
    assert len(papers_csv(tmp_path / "o")) == 2


# -- 8: misdetection --------------------------------------------------------------------------------

def test_documented_fields_with_doi_ids_are_json_lines(tmp_path):
    """id, title, abstract, categories with DOI ids: taken for the arXiv snapshot, 0 of 20 built."""
    recs = [dict(r, id=f"10.48550/example.{i}", categories="cs.LG cs.CL") for i, r in enumerate(records(20))]
    f = write_jsonl(tmp_path / "papers.jsonl", recs)
    assert detect_reader(f) == "jsonl"
    r = kg("build", f, "--out", tmp_path / "o", "-f", "tables", "-q")
    assert r.returncode == 0, r.stderr
    assert list(papers_csv(tmp_path / "o")["id"]) == [r["id"] for r in recs]


def test_an_id_that_is_not_an_arxiv_id_in_the_arxiv_snapshot_still_builds(tmp_path):
    src = shared_path("data", "arxiv", "arxiv_cs_daily_2025_2026.jsonl.gz")
    with gzip.open(src, "rt", encoding="utf-8") as z:
        lines = [next(z) for _ in range(30)]
    doi = dict(json.loads(lines[7]), id="10.1145/3544548.3581388", abstract=records(1)[0]["abstract"])
    f = tmp_path / "snapshot.jsonl"
    f.write_text("".join(lines) + json.dumps(doi) + "\n", encoding="utf-8")
    assert detect_reader(f) == "arxiv"
    report = ReadReport()
    papers = list(read_papers([f], report=report))
    assert report.skipped == 0 and len(papers) == 31
    assert papers[0].id == "arXiv:" + json.loads(lines[0])["id"] and papers[0].url.startswith("https://arxiv.org/abs/")
    assert papers[-1].id == doi["id"] and papers[-1].url is None


# -- 9, 10: nothing readable, some inputs unreadable -------------------------------------------------

def test_a_build_of_which_nothing_is_readable_keeps_the_previous_one(tmp_path):
    out = tmp_path / "o"
    good = write_jsonl(tmp_path / "good.jsonl", records(4))
    assert kg("build", good, "--out", out, "-q").returncode == 0
    before = snapshot(out)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{broken\n" * 20 + '{"title": "no abstract"}\n', encoding="utf-8")
    line = one_line(kg("build", bad, "--out", out))
    assert line == (f"kg: error: nothing could be read: 21 skipped (the first: {bad}:1: malformed JSON (Expecting "
                    f"property name enclosed in double quotes at column 2); skipped); nothing built, {out} left as it "
                    "was")
    assert snapshot(out) == before
    line = one_line(kg("build", "--update", bad, "--out", out))  # nothing new: the same
    assert "nothing could be read: 21 skipped" in line
    assert snapshot(out) == before


def test_an_unreadable_file_beside_readable_ones_is_skipped(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    write_jsonl(tmp_path / "in" / "a.jsonl", records(2))
    (tmp_path / "in" / "sub" / "empty.jsonl").write_bytes(b"")
    (tmp_path / "in" / "sub" / "blob.bin").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    (tmp_path / "in" / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    other = write_jsonl(tmp_path / "b.jsonl", records(1, start=5))
    r = kg("build", tmp_path / "in", other, tmp_path / "missing.jsonl", "--out", tmp_path / "o", "-f", "tables", "-q")
    assert r.returncode == 1, r.stderr
    assert sorted(r.stderr.strip().splitlines()) == sorted([
        f"skipped {tmp_path / 'in' / 'gone.jsonl'}: a broken link; skipped",
        f"skipped {tmp_path / 'missing.jsonl'}: no such file or folder; skipped",
        f"skipped {tmp_path / 'in' / 'sub' / 'blob.bin'}: looks like a binary file, not text; skipped",
        f"skipped {tmp_path / 'in' / 'sub' / 'empty.jsonl'}: empty file; skipped"])
    assert list(papers_csv(tmp_path / "o")["title"]) == ["Paper 0", "Paper 1", "Paper 5"]


# -- 11: one build at a time ----------------------------------------------------------------------------

def _build_waiting_on_a_fifo(tmp_path: Path, out: Path, **kw) -> tuple[subprocess.Popen, Path]:
    """A build that reads a FIFO nobody writes to yet: it holds the output folder until the
    test writes its input (once its staging folder is there, it is under way)."""
    fifo = tmp_path / "later.jsonl"
    os.mkfifo(fifo)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(fifo), "--out", str(out), "-f", "tables",
                             "-q"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    end = time.monotonic() + 60
    while not any(out.glob(".kg-build-*")) and proc.poll() is None and time.monotonic() < end:
        time.sleep(0.01)
    assert proc.poll() is None, "the build ended"
    return proc, fifo


def test_a_second_build_into_the_same_folder_stops_and_names_the_first(tmp_path):
    out = tmp_path / "o"
    first, fifo = _build_waiting_on_a_fifo(tmp_path, out)
    try:
        t = time.monotonic()
        line = one_line(kg("build", write_jsonl(tmp_path / "x.jsonl", records(2)), "--out", out))
        assert time.monotonic() - t < 30
        assert line.startswith(f"kg: error: {out}: another kg build is writing into this folder (pid {first.pid} on ")
        assert ", started 20" in line
        write_jsonl(fifo, records(3, start=10))  # the first build's input comes: it finishes
        assert first.wait(timeout=300) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert list(papers_csv(out)["title"]) == ["Paper 10", "Paper 11", "Paper 12"]  # the first build's
    assert not (out / ".kg-lock").exists()


def test_the_lock_of_a_killed_build_does_not_block_the_next(tmp_path):
    out = tmp_path / "o"
    proc, _ = _build_waiting_on_a_fifo(tmp_path, out, start_new_session=True)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (out / ".kg-lock").exists()  # left behind, as a kill leaves it
    r = kg("build", write_jsonl(tmp_path / "x.jsonl", records(2)), "--out", out, "-f", "tables", "-q")
    assert r.returncode == 0, r.stderr
    assert len(papers_csv(out)) == 2


def test_links_planted_in_the_output_folder_are_never_followed(tmp_path):
    """A `.kg-current` pointing outside the versions (the previous version is removed after a
    switch) and a `.kg-lock` link (the lock file is truncated): neither touches its target."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep\n")
    out = tmp_path / "o"
    out.mkdir()
    (out / ".kg-current").symlink_to(victim)
    f = write_jsonl(tmp_path / "x.jsonl", records(2))
    assert kg("build", f, "--out", out, "-f", "tables", "-q").returncode == 0
    assert kg("build", f, "--out", out, "-f", "tables", "-q").returncode == 0
    assert (victim / "keep.txt").read_text() == "keep\n" and len(papers_csv(out)) == 2
    out2 = tmp_path / "o2"
    out2.mkdir()
    (out2 / ".kg-lock").symlink_to(victim / "keep.txt")
    assert "cannot write the output folder" in one_line(kg("build", f, "--out", out2, "-f", "tables"))
    assert (victim / "keep.txt").read_text() == "keep\n"


# -- 12: control characters in messages, NUL in tables ------------------------------------------------

def test_control_characters_in_file_names_are_escaped_in_every_message(tmp_path):
    evil = "\x1b[2J\x1b[31mred\u202e\x07"
    folder = tmp_path / f"in{evil}"
    folder.mkdir()
    f = folder / f"papers{evil}.jsonl"
    f.write_text(json.dumps(records(1)[0]) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / f"out{evil}"
    r = kg("build", f, folder / f"missing{evil}.csv", "--out", out, "-f", "tables")
    assert r.returncode == 1, r.stderr
    shown = "\\x1b[2J\\x1b[31mred\\u202e\\x07"
    assert r.stderr.splitlines() == [
        f"skipped {tmp_path}/in{shown}/missing{shown}.csv: no such file or folder; skipped",
        f"skipped {tmp_path}/in{shown}/papers{shown}.jsonl:2: malformed JSON (Expecting property name enclosed in "
        "double quotes at column 2); skipped"]
    assert f"wrote to {tmp_path}/out{shown}/:" in r.stdout
    for text in (r.stdout, r.stderr):
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    line = one_line(kg("build", folder / f"missing{evil}.csv", "--out", out))
    assert line.startswith(f"kg: error: {tmp_path}/in{shown}/missing{shown}.csv: no such file or folder")
    r = kg("build", f, "--out", out, "--format", f"turtle,{evil}")  # a usage error: usage, then the error
    assert r.returncode == 2 and "\x1b" not in r.stderr and "\u202e" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].endswith(
        f"unknown format(s) {shown}; choose from turtle, ntriples, jsonld, graphml, gexf, html, neo4j, tables, store, "
        "default or all")


def test_a_file_name_that_is_not_utf8_is_written_as_text(tmp_path):
    """A name with a byte that is not UTF-8 (Python holds it as a lone surrogate, which no
    UTF-8 output can hold: the Neo4j export ended the build with a traceback)."""
    name = os.fsdecode(b"caf\xe9.jsonl")
    write_jsonl(tmp_path / name, records(2))
    out = tmp_path / os.fsdecode(b"out\xff")
    r = kg("build", tmp_path / name, "--out", out, "-f", "tables,neo4j,ntriples", "-q")
    assert r.returncode == 0, r.stderr
    # (sources are relative to the input given: an absolute path keeps its name)
    assert list(papers_csv(out)["sources"]) == ["caf\\xe9.jsonl:1", "caf\\xe9.jsonl:2"]
    assert "caf\\\\xe9.jsonl:1" in (out / "graph.nt").read_text(encoding="utf-8")  # (N-Triples: \\ for \)
    (tmp_path / name).write_text("{broken\n", encoding="utf-8")
    line = one_line(kg("build", tmp_path / name, "--out", out))
    assert line.startswith(f"kg: error: nothing could be read: 1 skipped ({tmp_path}/caf\\xe9.jsonl:1: malformed JSON")
    assert line.endswith(f"nothing built, {tmp_path}/out\\xff left as it was")


def test_nul_characters_never_reach_the_tables(tmp_path):
    """NULs in a title, an abstract (in a sentence with entities) and an author: U+FFFD in
    papers.csv, mentions.csv and the Neo4j CSVs, never a raw NUL."""
    s = sample_sentences()
    f = write_jsonl(tmp_path / "nul.jsonl", [
        {"title": "A\x00B", "abstract": "We train a convolutional neural network\x00 on ImageNet and report top-1 "
                                        "accuracy. " + s[0], "authors": ["Ada\x00 Lovelace"]},
        {"title": "Clean", "abstract": s[1] + " " + s[2]}])
    out = tmp_path / "o"
    r = kg("build", f, "--out", out, "-f", "tables,neo4j", "-q")
    assert r.returncode == 0, r.stderr
    for p in [out / "papers.csv", out / "mentions.csv", out / "entities.csv", *(out / "neo4j").glob("*.csv")]:
        assert b"\x00" not in p.read_bytes(), p.name
    papers = papers_csv(out)
    assert list(papers["title"]) == ["A\ufffdB", "Clean"] and papers["authors"][0] == "Ada\ufffd Lovelace"
    with (out / "mentions.csv").open(encoding="utf-8", newline="") as fh:
        sentences = {row["sentence"] for row in csv.DictReader(fh)}
    assert any("convolutional neural network\ufffd on ImageNet" in x for x in sentences), sentences
