"""`kg trends` end to end: output, charts and page written into the build, and the sample,
whose papers are too few per month to trend (one line, exit code 2, no traceback)."""

from __future__ import annotations

import json
import os
import re

import pytest

from kg.cli import main
from kg.query import open_graph, run_query
from kg.trends.source import PREFIXES


def test_trends_prints_and_writes_charts_and_page_into_the_build(arxiv_slice, capsys):
    build_dir = arxiv_slice[0]
    assert main(["trends", "-g", str(build_dir), "--by", "quarter", "--min-papers", "3", "--format", "json",
                 "-t", "Task", "-t", "Method"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)  # stdout holds the result only; what was written goes to stderr
    assert [(b["type"], b["direction"]) for b in data["trends"]] == [
        ("Method", "rising"), ("Method", "falling"), ("Task", "rising"), ("Task", "falling")]
    assert "wrote" in err and "trends.html" in err
    # written into the current build version, linked at the documented paths
    page, charts = build_dir / "trends.html", build_dir / "trends"
    assert os.readlink(page) == ".kg-current/trends.html" and os.readlink(charts) == ".kg-current/trends"
    assert sorted(p.name for p in charts.iterdir()) == ["Method.png", "Method.svg", "Task.png", "Task.svg"]
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "<table>" in html
    for b in data["trends"]:
        for e in b["entities"]:
            assert e["entity"].replace("&", "&amp;") in html
    # nothing in the page loads from anywhere: no src, no link, no url() but the charts' own #ids
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert set(re.findall(r"url\(([^)]*)\)", html)) <= {m for m in re.findall(r"url\((#[^)]*)\)", html)}
    assert not re.search(r"\b(src|href)\s*=", html.replace('xlink:href="#', ""))
    # a second run replaces them; --no-charts leaves them
    assert main(["trends", "-g", str(build_dir), "--by", "quarter", "--min-papers", "3", "-t", "Task", "-q"]) == 0
    assert sorted(p.name for p in charts.iterdir()) == ["Task.png", "Task.svg"]
    assert main(["trends", "-g", str(build_dir), "--by", "quarter", "--min-papers", "3", "--no-charts", "-q"]) == 0
    assert sorted(p.name for p in charts.iterdir()) == ["Task.png", "Task.svg"]
    assert not [p for p in (build_dir / ".kg-current").iterdir() if p.name.startswith(".kg-trends-")]


def test_the_next_build_removes_the_charts(arxiv_slice, tmp_path, capsys):
    """The charts belong to the build they were drawn from: a new build takes them away."""
    records = [r for r in arxiv_slice[1] if "-" in r.get("listing_date", "")]
    months = sorted({r["listing_date"][:7] for r in records})[:3]
    f = tmp_path / "three-months.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in records if r["listing_date"][:7] in months), encoding="utf-8")
    out = tmp_path / "b"
    assert main(["build", str(f), "--out", str(out), "--fast", "-f", "store", "-q"]) == 0
    assert main(["trends", "-g", str(out), "--min-papers", "1", "--top", "1", "-t", "Method", "-q"]) == 0
    assert "3 months" in capsys.readouterr().out
    assert (out / "trends.html").is_file() and (out / "trends" / "Method.svg").is_file()
    assert main(["build", str(f), "--out", str(out), "--fast", "-f", "store", "-q"]) == 0
    assert not (out / "trends.html").exists() and not (out / "trends").is_symlink()
    assert not (out / "trends.html").is_symlink() and not (out / ".kg-current" / "trends").exists()


def test_a_file_of_the_users_own_is_not_replaced(arxiv_slice, tmp_path, capsys):
    import shutil

    build_dir = tmp_path / "copy"
    shutil.copytree(arxiv_slice[0], build_dir, symlinks=True)
    for name in ("trends.html", "trends"):  # as after a build: no trends yet
        (build_dir / name).unlink(missing_ok=True)
        shutil.rmtree(build_dir / ".kg-current" / name, ignore_errors=True)
        (build_dir / ".kg-current" / name).unlink(missing_ok=True)
    (build_dir / "trends.html").write_text("mine", encoding="utf-8")
    assert main(["trends", "-g", str(build_dir), "--by", "quarter", "--min-papers", "3", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"kg: error: {build_dir / 'trends.html'}: cannot write the trends' charts: exists and is not "
                   "an output of this build (move it away)")
    assert (build_dir / "trends.html").read_text(encoding="utf-8") == "mine"
    assert not [p for p in (build_dir / ".kg-current").iterdir() if "trends" in p.name]
    assert not (build_dir / "trends").exists()


def test_sample_has_nothing_to_trend_by_month(sample_build, capsys):
    out_dir = sample_build[0]
    assert main(["trends", "-g", str(out_dir), "--no-charts"]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1 and "Traceback" not in err
    store = open_graph(out_dir)
    (dated,), = run_query(store, PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p dcterms:date ?d }")[1]
    (papers,), = run_query(store, PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a kg:Paper }")[1]
    # the sample's listings give most papers a year, a few months apart: too few papers per month
    assert lines[0].startswith("kg: error: nothing to trend: no entity is mentioned by at least 10 of the ")
    assert f"({int(papers) - int(dated)} more papers have no full date and are not counted)" in lines[0]


def test_no_dated_paper_is_nothing_to_trend(tmp_path, sample_dir, capsys):
    """Papers whose listing dates have no year: counted, said, never placed."""
    from kg.read import Corpus

    papers = [p for p in Corpus([sample_dir]) if p.date is None][:12]
    assert sum(p.date_text is not None for p in papers) >= 6
    f = tmp_path / "undated.jsonl"
    f.write_text("".join(json.dumps({"title": p.title, "abstract": p.abstract, "date": p.date_text}) + "\n"
                         for p in papers), encoding="utf-8")
    assert main(["build", str(f), "--out", str(tmp_path / "b"), "--fast", "-f", "store", "-q"]) == 0
    capsys.readouterr()
    assert main(["trends", "-g", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err.strip()
    with_text = sum(p.date_text is not None for p in papers)
    assert err == (f"kg: error: nothing to trend: none of the {len(papers)} papers has a full date ({with_text} have "
                   f"a date without a year, {len(papers) - with_text} none), and a date is never guessed")
    assert not (tmp_path / "b" / "trends.html").exists()


@pytest.mark.parametrize("args,message", [
    (["--window", "2"], "--window must be at least 3 periods"),
    (["--top", "0"], "--min-papers and --top must be at least 1"),
    (["-e", "no such entity xyz"], "no entity of the build is named 'no such entity xyz'"),
])
def test_bad_settings_are_one_line_errors(arxiv_slice, capsys, args, message):
    assert main(["trends", "-g", str(arxiv_slice[0]), "--no-charts", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg: error: ") and message in err and len(err.strip().splitlines()) == 1


def test_no_build_is_one_line_error(tmp_path, capsys):
    assert main(["trends", "-g", str(tmp_path)]) == 2
    assert "no built graph here" in capsys.readouterr().err
