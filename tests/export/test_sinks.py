"""One pass over the papers feeds every export (kg.export.sinks), with the same files as
writing each format on its own, and a failure anywhere leaves no file behind."""

from __future__ import annotations

import pyoxigraph
import pytest

from kg.assemble import assemble
from kg.config import EXPORT_FORMATS, BuildConfig, sample_corpus_dir
from kg.export import OUTPUT_NAMES, SECOND_PROCESS, Bundle, export, sink, writer
from kg.export.sinks import run_sinks
from kg.extract import extract, make_pipeline
from kg.read import Corpus


class CountingList(list):
    """A list that counts how often it is iterated from the start."""

    passes = 0

    def __iter__(self):
        self.passes += 1
        return super().__iter__()


@pytest.fixture(scope="module")
def sample_kg():
    corpus = Corpus([sample_corpus_dir()])
    kg = assemble(list(extract(corpus, make_pipeline())), finalize=corpus.finalize)
    kg.extractions = CountingList(kg.extractions)
    return kg


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_one_pass_writes_what_each_writer_writes(sample_kg, tmp_path):
    # a page limit below the graph's size takes the entity view, which keeps only some papers
    config = BuildConfig(html_max_nodes=300)
    together, alone = tmp_path / "together", tmp_path / "alone"
    sample_kg.extractions.passes = 0
    out = export(Bundle(sample_kg, config, work_dir=together), EXPORT_FORMATS, together)
    assert sample_kg.extractions.passes == 1
    assert list(out) == list(EXPORT_FORMATS)
    assert {p.name for p in together.iterdir()} == {n for f in EXPORT_FORMATS for n in OUTPUT_NAMES[f]}
    for fmt in EXPORT_FORMATS:
        if fmt != "store":  # a database folder: compared by its answers in tests/query
            writer(fmt)(Bundle(sample_kg, config, work_dir=alone), alone)
    got, want = _files(together), _files(alone)
    got = {k: v for k, v in got.items() if not k.startswith("store/")}
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name
    # the store, loaded in a background thread during the pass, holds exactly the N-Triples
    # (compared through a store of its own: stores keep numbers in canonical form)
    store = pyoxigraph.Store.read_only(str(together / "store"))
    reference = pyoxigraph.Store()
    reference.bulk_load(path=str(together / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(store) == len(reference) > 0
    assert {q.triple for q in store} == {q.triple for q in reference}


def test_the_entities_triples_are_made_once_for_two_sinks(sample_kg, tmp_path, monkeypatch):
    """With two consumers (the N-Triples file and the store), the entities' triples are made by
    the first and read back from a temporary file by the second: the same bytes as made anew,
    in as many chunks, and the file is gone once both have them."""
    from kg.export import rdf

    made = []
    real = rdf.entity_lines
    monkeypatch.setattr(rdf, "entity_lines", lambda *a, **k: (made.append(1), real(*a, **k))[1])
    alone = b"".join(rdf.PaperTriples(sample_kg).entities())
    triples = rdf.PaperTriples(sample_kg, tmp_path)
    triples.consumers = 2
    made.clear()
    first = list(triples.entities(4096))
    assert len(first) > 10 and [p.name for p in tmp_path.iterdir()] == []  # (unnamed temporary file)
    second = list(triples.entities(1 << 20))
    assert len(made) == 1
    assert second == first and b"".join(first) == alone
    assert triples._kept is None  # closed after the second
    assert b"".join(triples.entities(4096)) == alone  # a later round makes them again


def test_a_failing_sink_abandons_every_file(sample_kg, tmp_path):
    def broken():
        seen = 0
        while (yield) is not None:
            seen += 1
            if seen == 10:
                raise ValueError("disk on fire")
        return []

    bundle = Bundle(sample_kg, work_dir=tmp_path)
    sinks = {f: sink(f)(bundle, tmp_path) for f in ("ntriples", "graphml", "gexf", "neo4j", "tables", "html", "store")}
    with pytest.raises(ValueError, match="disk on fire"):
        run_sinks({**sinks, "broken": broken()}, sample_kg.extractions)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not (tmp_path / "store").exists()


def test_a_sink_that_does_not_stop_is_an_error(sample_kg):
    def endless():
        while True:
            yield

    with pytest.raises(RuntimeError, match="endless"):
        run_sinks({"endless": endless()}, sample_kg.extractions[:3])


def test_unknown_format_is_named(sample_kg, tmp_path):
    with pytest.raises(ValueError, match="pdf"):
        export(Bundle(sample_kg), ["graphml", "pdf"], tmp_path)


def test_turtle_alone_leaves_no_ntriples_in_the_output_folder(sample_kg, tmp_path):
    out = export(Bundle(sample_kg), ["turtle"], tmp_path)
    assert out == {"turtle": [tmp_path / "graph.ttl"]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


# -- two processes ---------------------------------------------------------------------------

@pytest.fixture
def two_processes(monkeypatch):
    """Export with a second process even for the small sample, counting the processes made."""
    import kg.export
    import kg.export.sinks
    from kg.export.sinks import SideProcess

    made = []

    class Counted(SideProcess):
        def __init__(self, *args):
            made.append(self)
            super().__init__(*args)

    monkeypatch.setattr(kg.export, "PARALLEL_MIN_PAPERS", 1)
    monkeypatch.setattr(kg.export.sinks, "SideProcess", Counted)
    return made


def _spilled(sample_kg, tmp_path):
    """The sample graph with its extractions in a Spool on disk (the large-build case)."""
    from kg.assemble.merge import Spool

    spool = Spool(tmp_path, memory_limit=50)
    for ex in sample_kg.extractions:
        spool.append(ex)
    assert spool.on_disk
    sample_kg = type(sample_kg)(**{**vars(sample_kg), "extractions": spool})
    return sample_kg


@pytest.mark.parametrize("still_running", [True, False], ids=["rdf-here-meanwhile", "jsonld-beside-turtle"])
def test_two_processes_write_the_same_files(sample_kg, tmp_path, two_processes, monkeypatch, capsys,
                                            still_running):
    # When this process's pass ends before the second one's, it writes Turtle and JSON-LD
    # meanwhile, then shows the second one's progress; when the second has finished, JSON-LD
    # goes to a new process beside Turtle.
    import kg.progress
    from kg.export.sinks import SideProcess

    monkeypatch.setattr(SideProcess, "running", lambda self: still_running)
    monkeypatch.setattr(kg.progress, "_wanted", lambda quiet: not quiet)  # as on a terminal
    formats = [f for f in EXPORT_FORMATS if f != "store"]
    one, two = tmp_path / "one", tmp_path / "two"
    export(Bundle(sample_kg, work_dir=one), formats, one, jobs=1)
    assert two_processes == []
    # from a spool on disk: the child reads the spill file the parent wrote (flushed first)
    spilled = _spilled(sample_kg, tmp_path)
    timings: dict[str, float] = {}
    capsys.readouterr()
    out = export(Bundle(spilled, work_dir=two), formats, two, jobs=2, timings=timings, quiet=False)
    assert len(two_processes) == (1 if still_running else 2)
    bars = capsys.readouterr().err
    assert "graph.ttl:" in bars and ("export (second process):" in bars) == still_running
    assert list(out) == formats and set(timings) == {*formats, SECOND_PROCESS}
    assert timings[SECOND_PROCESS] >= timings["graphml"] + timings["tables"]
    assert _files(one) == _files(two)


def test_a_failure_in_the_second_process_leaves_no_file(sample_kg, tmp_path, two_processes, monkeypatch):
    import kg.export.graphml

    def broken(ex):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.export.graphml, "paper_node", broken)  # the forked child has it too
    with pytest.raises(OSError, match="No space left"):
        export(Bundle(sample_kg, work_dir=tmp_path), ["ntriples", "graphml", "tables"], tmp_path, jobs=2)
    assert len(two_processes) == 1
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_failure_after_this_side_finished_leaves_the_earlier_files(sample_kg, tmp_path, two_processes,
                                                                     monkeypatch):
    # This process has written its files (N-Triples, Turtle) when the second one fails: the
    # files of an earlier export stay as they were, and nothing new appears.
    import kg.export.graphml
    from kg.export.sinks import SideProcess

    formats = ["ntriples", "turtle", "graphml"]
    export(Bundle(sample_kg, work_dir=tmp_path), formats, tmp_path)
    before = _files(tmp_path)
    real_result = SideProcess.result

    def late(self, timings=None):
        assert list(tmp_path.glob(".kg-build-*/graph.ttl"))  # this side's files are staged
        return real_result(self, timings)

    monkeypatch.setattr(SideProcess, "result", late)
    monkeypatch.setattr(SideProcess, "running", lambda self: True)
    monkeypatch.setattr(kg.export.graphml, "paper_node", lambda ex: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        export(Bundle(sample_kg, work_dir=tmp_path / "work"), formats, tmp_path, jobs=2)
    assert len(two_processes) == 1
    assert _files(tmp_path) == before


def test_a_failure_here_stops_the_second_process_and_leaves_no_file(sample_kg, tmp_path, two_processes,
                                                                      monkeypatch):
    import kg.export.rdf

    def broken(ex, kg, *args):
        raise ValueError("bad paper")

    monkeypatch.setattr(kg.export.rdf, "paper_lines", broken)
    with pytest.raises(ValueError, match="bad paper"):
        export(Bundle(sample_kg, work_dir=tmp_path), ["ntriples", "graphml", "tables"], tmp_path, jobs=2)
    assert len(two_processes) == 1
    assert not two_processes[0]._proc.is_alive()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_second_process_that_dies_is_a_clear_error(tmp_path):
    import os
    import signal

    from kg.errors import KgError
    from kg.export.sinks import beside

    def killed(timings):
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does

    with pytest.raises(KgError, match="killed by signal 9"):
        with beside(killed) as other:
            other.result()


def test_no_second_pass_process_when_memory_is_short(sample_kg, tmp_path, two_processes, monkeypatch):
    # a process holding more than SIDE_MAX_BYTES exports in one pass (a forked copy could
    # double its memory); JSON-LD still goes beside Turtle, which copies nothing of the graph
    import kg.export

    monkeypatch.setattr(kg.export, "SIDE_MAX_BYTES", 1)
    formats = ["ntriples", "graphml", "tables", "turtle", "jsonld"]
    export(Bundle(sample_kg, work_dir=tmp_path), formats, tmp_path, jobs=2)
    assert len(two_processes) == 1
    assert {p.name for p in tmp_path.iterdir()} >= {"graph.nt", "graph.graphml", "papers.csv", "graph.ttl",
                                                     "graph.jsonld"}
