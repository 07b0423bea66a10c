"""The `kg` command: help, exit codes, one-line errors, and `kg extract` / `kg eval`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kg.cli import build_parser, main

from tests.conftest import shared_path


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for cmd in ("build", "extract", "eval", "query", "stats"):
        assert cmd in out
    for cmd in ("build", "extract", "eval", "query", "stats"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        assert "usage: kg " + cmd in capsys.readouterr().out


def test_build_with_bad_record_exits_1_and_builds_the_rest(tmp_path, sample_dir):
    text = (sample_dir / "002_662f2098daad3e29.txt").read_text(encoding="utf-8")
    abstracts = [l for l in text.split("\n") if len(l) > 300][:3]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join([json.dumps({"title": "A", "abstract": abstracts[0]}), "{broken",
                            json.dumps({"title": "B", "abstract": abstracts[1]})]) + "\n", encoding="utf-8")
    r = run("build", str(f), "--out", str(tmp_path / "o"), "--format", "tables", "-q")
    assert r.returncode == 1
    assert r.stderr.strip() == f"skipped {f}:2: malformed JSON (Expecting property name enclosed in double quotes " \
                               f"at column 2); skipped"
    assert (tmp_path / "o" / "papers.csv").read_text().count("\n") >= 3


def test_build_report_counts_one_paper_in_the_singular(tmp_path, capsys):
    f = tmp_path / "one.jsonl"
    f.write_text(json.dumps({"title": "Notes", "abstract": "We thank the reviewers for their comments."}) + "\n",
                 encoding="utf-8")
    assert main(["build", str(f), "--out", str(tmp_path / "o"), "--fast", "--format", "tables"]) == 0
    out = capsys.readouterr().out
    assert "read 1 entry: 1 paper (0 duplicates merged" in out
    assert "extracted 0 entities" in out and "; 0 mentions; 1 paper without entities" in out


def test_build_report_counts_one_duplicate_record_and_entity_in_the_singular(tmp_path, capsys):
    paper = {"id": "2501.00001", "title": "Sparse attention",
             "abstract": "We train a Transformer with sparse attention on ImageNet."}
    f = tmp_path / "three.jsonl"
    f.write_text(json.dumps(paper) + "\n" + json.dumps(paper) + "\n{not json\n", encoding="utf-8")
    assert main(["build", str(f), "--out", str(tmp_path / "o"), "--fast", "--format", "tables"]) == 1
    out = capsys.readouterr().out
    assert "read 2 entries: 1 paper (1 duplicate merged, 0 untitled), 1 record skipped" in out
    built = (tmp_path / "o" / "entities.csv").read_text(encoding="utf-8").splitlines()
    n = len(built) - 1  # (the header)
    assert f"extracted {n} {'entity' if n == 1 else 'entities'} (" in out


def test_counted_gives_the_singular_for_one_only():
    from kg.errors import counted

    assert [counted(n, "entry", "entries") for n in (0, 1, 2)] == ["0 entries", "1 entry", "2 entries"]
    assert counted(1, "record") == "1 record" and counted(1234, "paper", sep=",") == "1,234 papers"


@pytest.mark.parametrize("make,message", [
    (lambda d: d / "missing.jsonl", "no such file or folder"),
    (lambda d: (d / "empty.jsonl").write_text("") and d / "empty.jsonl" or d / "empty.jsonl", "empty file"),
    (lambda d: (d / "t.csv").write_text("title,year\nx,1\n") and d / "t.csv", "CSV has no abstract column"),
])
def test_fatal_input_errors_are_one_line_exit_2(tmp_path, make, message):
    path = make(tmp_path)
    r = run("build", str(path), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and message in lines[0] and str(path) in lines[0]
    assert "Traceback" not in r.stderr


def test_unknown_format_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(["build", "--format", "turtle,pdf"])
    assert e.value.code == 2 and "unknown format(s) pdf" in capsys.readouterr().err


def test_format_names_and_groups(capsys):
    from kg.config import DEFAULT_FORMATS, EXPORT_FORMATS

    def parsed(*argv):
        return build_parser().parse_args(["build", *argv]).format

    assert parsed() is None  # the build decides: DEFAULT_FORMATS, or the previous build's with --update
    assert parsed("--format", "all") == EXPORT_FORMATS
    assert parsed("-f", "default,gexf") == (*DEFAULT_FORMATS, "gexf")
    assert parsed("-f", "ntriples, jsonld,ntriples") == ("ntriples", "jsonld")
    with pytest.raises(SystemExit):
        parsed("-f", ",")
    assert "(none given)" in capsys.readouterr().err


def test_default_build_writes_one_rendering_per_need(tmp_path, sample_dir):
    """Without --format: the store, Turtle, GraphML, the HTML view, Neo4j and the tables; no
    N-Triples, JSON-LD or GEXF (issue 19). The help says so."""
    from kg.export import OUTPUT_NAMES

    text = (sample_dir / "002_662f2098daad3e29.txt").read_text(encoding="utf-8")
    abstracts = [l for l in text.split("\n") if len(l) > 300][:4]
    f = tmp_path / "in.jsonl"
    f.write_text("".join(json.dumps({"title": f"P{i}", "abstract": a}) + "\n" for i, a in enumerate(abstracts)),
                 encoding="utf-8")
    out = tmp_path / "o"
    assert main(["build", str(f), "--out", str(out), "--fast", "-q"]) == 0
    names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert names == {"store", "graph.ttl", "graph.graphml", "graph.html", "leaderboards.html", "neo4j", "papers.csv",
                     "entities.csv", "mentions.csv", "results.csv"}
    assert all((out / n).exists() for n in names)
    for fmt in ("ntriples", "jsonld", "gexf"):
        assert not any((out / n).exists() for n in OUTPUT_NAMES[fmt])
    assert main(["build", str(f), "--out", str(out), "--fast", "-q", "--format", "all"]) == 0
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == names | {"graph.nt", "graph.jsonld",
                                                                                     "graph.gexf"}
    helped = run("build", "--help").stdout
    assert "graph.nt, graph.jsonld and graph.gexf with --format ntriples,jsonld,gexf or --format all" in \
        " ".join(helped.split())


def test_extract_keeps_input_ids(tmp_path):
    gold = shared_path("gold", "daily-papers-dev.jsonl")
    out = tmp_path / "pred.jsonl"
    assert main(["extract", str(gold), "-o", str(out), "-q"]) == 0
    rows = [json.loads(l) for l in out.read_text().splitlines()]
    ids = [json.loads(l)["id"] for l in gold.read_text().splitlines() if l.strip()]
    assert [r["id"] for r in rows] == ids
    e = rows[0]["entities"][0]
    assert set(e) == {"name", "type", "mentions", "proposed", "confidence"}


def test_extract_writes_each_id_exactly_as_the_input_wrote_it(tmp_path, sample_dir):
    # issue 14, bug 1: "2505.13201" came out as "arXiv:2505.13201" and a version suffix was lost
    abstract = next((sample_dir).glob("*.txt")).read_text(encoding="utf-8")[2000:2600]
    ids = ["2505.13201", "2505.13202v2", "arXiv:2505.13203", "10.1145/3580305.3599256"]
    src = tmp_path / "papers.jsonl"
    src.write_text("".join(json.dumps({"id": i, "title": f"Paper {n}", "abstract": f"{abstract} ({n})"}) + "\n"
                           for n, i in enumerate(ids)), encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    for fast in ([], ["--fast"]):
        assert main(["extract", str(src), "-o", str(out), "-q", *fast]) == 0
        assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ids


def test_min_confidence_keeps_the_recognizers_more_confident_entities(tmp_path, sample_dir):
    # --min-confidence is the recognizer's limit (ExtractConfig.recognizer_min_confidence): a
    # higher one keeps fewer entities, none below it; a lower one keeps some below the default
    page = sorted(sample_dir.glob("*.txt"))[0]
    found = {}
    for limit in ("0.3", "0.9"):
        out = tmp_path / f"pred-{limit}.jsonl"
        assert main(["extract", str(page), "-o", str(out), "-q", "--jobs", "1", "--min-confidence", limit]) == 0
        found[limit] = [e for line in out.read_text(encoding="utf-8").splitlines()
                        for e in json.loads(line)["entities"]]
    assert found["0.9"] and all(e["confidence"] >= 0.9 for e in found["0.9"])
    assert len(found["0.9"]) < len(found["0.3"])
    assert any(e["confidence"] < 0.7 for e in found["0.3"])  # (the default limit is 0.7)


@pytest.mark.parametrize("args,message,usage", [
    (["--fast", "--min-confidence", "0.7"], "kg: error: --min-confidence is the learned recognizer's limit", False),
    (["--no-rules", "--min-confidence", "0.7"], "kg: error: --min-confidence is the learned recognizer's limit", False),
    (["--min-confidence", "1.5"], "argument --min-confidence: not a number from 0 to 1: '1.5'", True),
    (["--min-confidence", "nan"], "argument --min-confidence: not a number from 0 to 1: 'nan'", True),
])
def test_min_confidence_errors_are_one_line(tmp_path, sample_dir, args, message, usage):
    page = sorted(sample_dir.glob("*.txt"))[0]
    r = run("extract", str(page), "-o", str(tmp_path / "pred.jsonl"), *args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    if usage:  # argparse's usage, then its one-line error
        assert lines[0].startswith("usage: kg extract") and sum("error" in line for line in lines) == 1
    else:
        assert len(lines) == 1
    assert message in lines[-1] and "Traceback" not in r.stderr
    assert not (tmp_path / "pred.jsonl").exists()


def test_eval_agrees_with_the_reference_scorer(tmp_path, capsys):
    """kg eval and ../shared/gold/score.py give the same figures on the same predictions."""
    gold = shared_path("gold", "daily-papers-dev.jsonl")
    scorer = shared_path("gold", "score.py")
    pred = tmp_path / "pred.jsonl"
    assert main(["extract", str(gold), "-o", str(pred), "-q"]) == 0
    ref = subprocess.run([sys.executable, str(scorer), str(pred), "--gold", str(gold), "--per-type"],
                         capture_output=True, text=True, check=True).stdout
    assert main(["eval", str(gold)]) == 0
    ours = capsys.readouterr().out

    def figures(text, label_first):
        rows = {}
        for line in text.splitlines():
            parts = line.replace("P=", "").replace("R=", "").replace("F1=", "").split()
            if parts and parts[0] in ("Method", "Architecture", "Dataset", "Metric", "Task", "ALL"):
                rows[parts[0]] = tuple(round(float(x), 3) for x in parts[1:4])
        return rows

    assert figures(ours, True) == figures(ref, True)
    assert len(figures(ours, True)) == 6


def test_every_subcommand_and_option_is_described(capsys):
    # `kg stats --help` said only its usage, `kg query --format` had no help text
    with pytest.raises(SystemExit):
        main(["stats", "--help"])
    out = capsys.readouterr().out
    assert "Summarize a built graph" in out and "kg build" in out
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--format {table,csv,json}, -f {table,csv,json} table: aligned text" in out


def test_stats_without_a_build_says_to_run_kg_build(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no outputs/ here
    assert main(["stats"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg: error: outputs: no such graph file or build folder (run `kg build` first") \
        and "\n" not in err
    (tmp_path / "outputs").mkdir()
    assert main(["stats"]) == 2
    assert "run `kg build` first" in capsys.readouterr().err


def test_eval_results_scores_the_dev_set_and_lists_errors(capsys):
    gold = shared_path("gold", "results", "results-dev.jsonl")
    assert main(["eval", "--results", str(gold), "--fast", "--split", "odd", "--errors"]) == 0
    out = capsys.readouterr().out
    levels = re.findall(r"^\((metric, value, kind(?:, dataset)?)\)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)$",
                        out, re.M)
    assert [lv[0] for lv in levels] == ["metric, value, kind", "metric, value, kind, dataset"]
    assert all(int(lv[5]) == 98 for lv in levels)  # the gold results of the odd papers
    assert float(levels[0][3]) >= float(levels[1][3]) > 0.3
    assert "  FN  " in out and "false positives" in out


def test_eval_needs_a_gold_file(capsys):
    assert main(["eval"]) == 2
    assert "no gold file" in capsys.readouterr().err
