"""The nasty input corpus (tests/data/nasty, described in its README.md): each file's
documented behaviour, and `kg build` over the readable ones.

* ``fatal/``: each file alone is refused with one line, ``kg: error: FILE[:LINE]: reason``,
  exit 2; beside a readable input each is reported and skipped (exit 1), and the folder of
  them alone is one line saying nothing could be read (exit 2);
* ``readable/``: each file gives its good records and reports its bad ones with file and
  line; `kg build` over the folder exits 1, prints every skip and the count, builds every good
  record, and every export parses back. Formula-like cells are neutralized in the pandas
  tables, not in the Neo4j CSVs (they are data for Neo4j).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import networkx as nx
import pandas as pd
import pyoxigraph
import pytest
import rdflib

from kg.errors import InputError
from kg.model import ReadReport
from kg.read import read_papers

from tests.robustness.nasty import KG_DATA, NASTY_DIR, ROOT, baseline_markup, markup

READABLE = NASTY_DIR / "readable"
FATAL = NASTY_DIR / "fatal"

#: file -> (papers, duplicates, lines skipped)
EXPECTED: dict[str, tuple[int, int, list[int]]] = {
    "xss-titles.jsonl": (11, 0, []),
    "broken-lines.jsonl": (2, 0, [2, 3, 4, 5, 6, 8, 10]),
    "formulas.csv": (4, 0, [6, 10]),
    "unclosed-quote.csv": (3, 0, [3]),
    "odd-layout.txt": (5, 0, [7, 26, 34]),
    "latin1.csv": (1, 0, []),
    "cp1252-mixed.jsonl": (2, 0, []),
    "utf16-bom.jsonl": (2, 0, []),
    "utf16le-nobom.csv": (1, 0, []),
    "utf8-bom.jsonl": (2, 0, []),
    "compressed.jsonl.bz2": (1, 0, []),
    "compressed.csv.gz": (1, 0, []),
    "arxiv.jsonl": (3, 1, []),
    "truncated.jsonl.gz": (36, 0, [37]),
}

#: file -> what the one-line error says
FATAL_REASONS: dict[str, str] = {
    "corrupt.csv.gz": "cannot decompress",
    "binary.bin": "looks like a binary file, not text",
    "empty.jsonl": "empty file",
    "blank.txt": "empty file",
    "unknown.txt": "unknown input format",
    "no-abstract-column.csv": "CSV has no abstract column",
}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def kg(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=600)


def test_corpus_is_complete_and_small():
    assert sorted(p.name for p in READABLE.iterdir()) == sorted(EXPECTED)
    assert sorted(p.name for p in FATAL.iterdir()) == sorted(FATAL_REASONS)
    total = sum(p.stat().st_size for p in NASTY_DIR.rglob("*") if p.is_file())
    assert total < 200_000, f"the nasty corpus is {total} bytes"


# -- each file ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_readable_file(name):
    path = READABLE / name
    n, dups, lines = EXPECTED[name]
    report = ReadReport()
    papers = list(read_papers([path], report=report))
    assert (len(papers), report.duplicates) == (n, dups)
    assert [p.source.line for p in report.problems] == lines
    for p in report.problems:
        assert str(p).startswith(f"{path}:{p.source.line}: ") and str(p).endswith("skipped")
        assert str(p).isprintable() and len(str(p)) < 300, str(p)  # nothing from the data acts on a terminal
    for p in papers:
        assert p.abstract and "\n" not in p.abstract
        for s in (p.title or "", p.abstract):
            s.encode("utf-8")  # no lone surrogate left: every export can write it


def test_texts_are_kept():
    """Hostile titles stay text, exactly (but for whitespace collapsing and the lone surrogate)."""
    titles = {p.title for p in read_papers([READABLE / "xss-titles.jsonl"])}
    assert {"<img src=x onerror=alert(1)>", "</script><script>alert(document.cookie)</script>",
            '" . <x> <y> "z', '\\" and > and """ and \\u0000 and \ufffd NUL',  # a NUL cannot stand in CSV or XML
            "\x1b[31mred\x1b[0m \u202eevil\u202c \u200f RTL mark", "line break and tab separator vertical",
            "\ufffd lone surrogate, \U0001f9e0 emoji, \u00e9\u0301 accents", "=1+1"} <= titles
    csv_titles = [p.title for p in read_papers([READABLE / "formulas.csv"])]
    assert csv_titles == ["=cmd|' /C calc'!A0", "+1", "-1", "=1 tab first"]
    assert [p.title for p in read_papers([READABLE / "cp1252-mixed.jsonl"])][0] == \
        "caf\u00e9 na\u00efve \u201cquoted\u201d \u00e2\x81 cut"  # every byte kept, none dropped
    assert [p.title for p in read_papers([READABLE / "latin1.csv"])] == ["Café au lait: naïve résumé - quotes"]
    arxiv = list(read_papers([READABLE / "arxiv.jsonl"]))
    # read as the arXiv snapshot; an id that is not an arXiv id is kept as it is
    assert [p.id for p in arxiv] == ["arXiv:2101.00001", "<script>not-an-id", "arXiv:2101.00002"]
    assert [p.url for p in arxiv] == ["https://arxiv.org/abs/2101.00001", None, "https://arxiv.org/abs/2101.00002"]
    assert len(arxiv[0].sources) == 2


@pytest.mark.parametrize("name", sorted(FATAL_REASONS))
def test_fatal_file_raises_input_error(name):
    path = FATAL / name
    with pytest.raises(InputError) as e:
        list(read_papers([path]))
    msg = str(e.value)
    assert msg.startswith(f"{path}:") and FATAL_REASONS[name] in msg
    assert msg.isprintable()


def test_fatal_files_exit_2_with_one_line(tmp_path):
    procs = {name: subprocess.Popen([sys.executable, "-m", "kg", "build", str(FATAL / name), "--out",
                                     str(tmp_path / name)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, cwd=ROOT)
             for name in sorted(FATAL_REASONS)}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 2, (name, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in err, (name, err)
        assert lines[0].startswith(f"kg: error: {FATAL / name}") and FATAL_REASONS[name] in lines[0], lines[0]
        outputs = [p for p in (tmp_path / name).rglob("*") if p.is_file()] if (tmp_path / name).exists() else []
        assert outputs == [], (name, outputs)


def test_fatal_files_beside_a_readable_one_are_skipped(tmp_path):
    """A folder of unreadable files next to a readable file: each is reported and skipped
    (exit 1) and the readable one builds; the folder alone: one line, nothing readable, exit 2."""
    good = READABLE / "xss-titles.jsonl"
    r = kg("build", FATAL, good, "--out", tmp_path / "o", "-f", "tables", "-q")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == len(FATAL_REASONS), lines
    for name, reason in FATAL_REASONS.items():
        (line,) = [l for l in lines if l.startswith(f"skipped {FATAL / name}:")]
        assert reason in line and line.endswith("; skipped"), line
    assert len(pd.read_csv(tmp_path / "o" / "papers.csv")) == EXPECTED[good.name][0]
    r = kg("build", FATAL, "--out", tmp_path / "o", "-f", "tables")
    assert r.returncode == 2
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith(f"kg: error: nothing could be read: {len(FATAL_REASONS)} skipped (the first: {FATAL}/")
    assert len(pd.read_csv(tmp_path / "o" / "papers.csv")) == EXPECTED[good.name][0]  # the previous build stays


# -- kg build over the readable folder ---------------------------------------------------------------

@pytest.fixture(scope="module")
def folder_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("nasty-build") / "out"
    r = kg("build", READABLE, "--out", out, "--format", "all")
    return r, out


def test_folder_build_exits_1_and_reports_every_skip(folder_build):
    r, _ = folder_build
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    n_skipped = sum(len(v[2]) for v in EXPECTED.values())
    n_papers = sum(v[0] for v in EXPECTED.values())
    n_dups = sum(v[1] for v in EXPECTED.values())
    dups = f"{n_dups} duplicate{'' if n_dups == 1 else 's'}"  # (the report counts in the singular for one)
    assert f"read {n_papers + n_dups} entries: {n_papers} papers ({dups} merged" in r.stdout
    assert f"{n_skipped} record{'' if n_skipped == 1 else 's'} skipped" in r.stdout
    skipped = [l for l in r.stderr.splitlines() if l.startswith("skipped ")]
    assert len(skipped) == n_skipped == len(r.stderr.strip().splitlines())
    assert sorted(re.match(r"skipped (.+?):(\d+): ", l).groups() for l in skipped) == \
        sorted((str(READABLE / name), str(line)) for name, (_, _, lines) in EXPECTED.items() for line in lines)
    for line in skipped:
        assert line.isprintable(), repr(line)  # no ANSI escape, no line break from the data


def _good_papers():
    return [p for name in sorted(EXPECTED) for p in read_papers([READABLE / name])]


def _unneutralized(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def test_folder_build_builds_every_good_record(folder_build):
    _, out = folder_build
    good = _good_papers()
    tp = pd.read_csv(out / "papers.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    assert len(tp) == len(good)
    assert sorted(map(_unneutralized, tp["id"])) == sorted(p.id for p in good)
    assert sorted(_unneutralized(t) for t in tp["title"] if t) == sorted(p.title for p in good if p.title)
    assert sorted(map(_unneutralized, tp["abstract"])) == sorted(p.abstract for p in good)


def test_folder_build_exports_parse_back(folder_build):
    _, out = folder_build
    n = len(_good_papers())
    g_nt = rdflib.Graph().parse(out / "graph.nt", format="nt")
    g_ttl = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    g_jsonld = rdflib.Graph().parse(out / "graph.jsonld", format="json-ld")
    assert len(g_nt) == len(g_ttl) == len(g_jsonld) > 0
    assert set(pyoxigraph.parse(path=str(out / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)) == \
        set(pyoxigraph.parse(path=str(out / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE))
    paper = rdflib.URIRef("https://w3id.org/paper-kg/ontology#Paper")
    assert len(set(g_nt.subjects(rdflib.RDF.type, paper))) == n
    for name, reader in (("graph.graphml", nx.read_graphml), ("graph.gexf", nx.read_gexf)):
        g = reader(out / name)
        assert sum(1 for _, a in g.nodes(data=True) if a.get("kind") == "Paper") == n, name
    for f in sorted((out / "neo4j").glob("*.csv")):
        with f.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) == f.read_bytes().count(b"\n"), f"{f.name}: a record spans lines"
        assert all(len(r) == len(rows[0]) for r in rows), f.name
    page = (out / "graph.html").read_text(encoding="utf-8")
    data = KG_DATA.search(page).group(1)
    assert "<" not in data
    doc = json.loads(data)
    assert len(doc["P"]["id"]) == n
    titles = set(doc["P"]["title"])
    assert "<img src=x onerror=alert(1)>" in titles and "</script><script>alert(document.cookie)</script>" in titles
    assert markup(page) == baseline_markup(), "markup from the data in the page"


def test_neo4j_csvs_keep_formula_cells_as_data(folder_build):
    """The Neo4j CSVs are data for Neo4j: no neutralizing quote (it would change ids and titles)."""
    _, out = folder_build
    with (out / "neo4j" / "papers.csv").open(encoding="utf-8", newline="") as fh:
        titles = {row["title"] for row in csv.DictReader(fh)}
    assert {"=cmd|' /C calc'!A0", "+1", "-1", "=1+1"} <= titles


def test_tables_neutralize_formula_cells(folder_build):
    """Cells a spreadsheet would run as formulas start with a quote in every pandas table."""
    _, out = folder_build
    for name in ("papers.csv", "entities.csv", "mentions.csv"):
        with (out / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(FORMULA_START), (name, cell)
    tp = pd.read_csv(out / "papers.csv", dtype=str, keep_default_na=False)
    assert {"'=cmd|' /C calc'!A0", "'+1", "'-1", "'=1+1"} <= set(tp["title"])
