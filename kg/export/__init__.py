"""Export stage: render the assembled graphs to files. Exports never re-derive content.

One module per format; each has ``write(bundle, out_dir) -> list[Path]`` and writes every
file atomically (:func:`kg.atomic.atomic_write`).

=============  ==============================================================================
``turtle``     ``graph.ttl`` (:mod:`kg.export.rdf`)
``ntriples``   ``graph.nt``
``jsonld``     ``graph.jsonld``
``graphml``    ``graph.graphml`` for Gephi/yEd/Cytoscape: scalar attributes only
``gexf``       ``graph.gexf`` for Gephi, with colours and sizes
``html``       ``graph.html``: interactive, offline view (:mod:`kg.export.html`); ``leaderboards.html``
``neo4j``      ``neo4j/``: ``neo4j-admin database import`` CSVs and a ``LOAD CSV`` script
``tables``     ``papers.csv``, ``entities.csv``, ``mentions.csv``, ``results.csv`` (pandas)
``store``      ``store/``: an on-disk pyoxigraph store that ``kg query`` and ``kg serve`` use
=============  ==============================================================================

:func:`export` writes several formats with one pass over the papers: the formats that write
something per paper are sinks (:mod:`kg.export.sinks`) fed together (the store loads in a
background thread meanwhile), and Turtle and JSON-LD are then made from the N-Triples that
pass wrote. With ``jobs > 1`` and a large graph, the formats in :data:`SIDE_FORMATS` run in
a second process (:func:`kg.export.sinks.beside`) over a pass of their own, while this one
writes the RDF formats, Turtle and JSON-LD included. Files are staged and moved into place
together at the end (:mod:`kg.staging`).
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
from rdflib import Graph

from kg.assemble.merge import KnowledgeGraph, Spool
from kg.config import EXPORT_FORMATS, BuildConfig
from kg.export.sinks import SideProcess, Sink, beside, run_sinks
from kg.progress import bar, progress
from kg.staging import move_into, staging

MODULES = {
    "turtle": "kg.export.rdf", "ntriples": "kg.export.rdf", "jsonld": "kg.export.rdf",
    "graphml": "kg.export.graphml", "gexf": "kg.export.graphml", "html": "kg.export.html",
    "neo4j": "kg.export.neo4j", "tables": "kg.export.tables", "store": "kg.export.store",
}
assert set(MODULES) == set(EXPORT_FORMATS)
#: What each format writes in the output folder (files, or a folder).
OUTPUT_NAMES = {
    "turtle": ("graph.ttl",), "ntriples": ("graph.nt",), "jsonld": ("graph.jsonld",),
    "graphml": ("graph.graphml",), "gexf": ("graph.gexf",), "html": ("graph.html", "leaderboards.html"),
    "neo4j": ("neo4j",), "tables": ("papers.csv", "entities.csv", "mentions.csv", "results.csv"), "store": ("store",),
}
assert set(OUTPUT_NAMES) == set(EXPORT_FORMATS)
#: Formats written from the stream of papers (each module has ``sink_<format>``).
SINK_FORMATS = ("ntriples", "graphml", "gexf", "html", "neo4j", "tables", "store")
#: Formats made from the N-Triples file.
FROM_NTRIPLES = ("turtle", "jsonld")
#: Formats a second process writes when two cores are given; the RDF formats stay in this
#: one (they share the N-Triples), with Neo4j and the build's cache, and Turtle and JSON-LD
#: follow here while the second process still runs. Measured at 74,728 papers (--fast, default
#: exports, a quiet 2-core machine), the second process's pass took 57.8 s (GraphML 19 s,
#: tables 22 s, HTML 8 s) of a 57.9 s export; with the HTML view moved to this process,
#: this one became the longer side (61.1 s, the second 45.2 s), so it stays there.
SIDE_FORMATS = ("graphml", "gexf", "html", "tables")
#: Papers from which a second export process pays for its start and its own pass.
PARALLEL_MIN_PAPERS = 5_000
#: The second pass's process may come to copy this process's memory (CPython's reference
#: counts write to every object it reads: measured, a child that reads all of a 10k-paper
#: graph held in memory copies all of it), so it runs only while this process holds at most
#: this much private memory and at most half of what the machine has free. Larger builds
#: export in one process and keep their measured peak (a million papers held 3.3 GB once;
#: now less than this, and measured with a second process: 1.76 GB for all processes).
SIDE_MAX_BYTES = 1_500_000_000


#: The key under which :func:`export`'s ``timings`` get the second process's pass, when one ran.
SECOND_PROCESS = "second process"


def _room_for_a_copy() -> bool:
    """Whether a forked process could copy this one's private memory within the limits."""
    used = free = None
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as f:
            used = sum(int(line.split()[1]) * 1024 for line in f if line.startswith("Private_"))
        with open("/proc/meminfo", encoding="ascii") as f:
            free = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:"))
    except (OSError, ValueError, StopIteration):
        pass
    if used is None:  # no /proc: the peak so far (kilobytes on Linux, bytes on macOS)
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        used = peak if sys.platform == "darwin" else peak * 1024
    return used <= SIDE_MAX_BYTES and (free is None or 2 * used <= free)


@dataclass
class Bundle:
    """What exporters render: the merged graph, and its RDF and NetworkX forms (made once,
    on first use).

    ``work_dir`` is the build's staging folder; the N-Triples every RDF export derives from
    are streamed to ``work_dir/graph.nt`` (which is the ``ntriples`` export itself).
    """

    kg: KnowledgeGraph
    config: BuildConfig = field(default_factory=BuildConfig)
    work_dir: Path | None = None

    @cached_property
    def ntriples_file(self) -> Path:
        """The RDF graph as an N-Triples file, written (atomically) on first use."""
        from kg.assemble.rdf import write_ntriples
        from kg.atomic import atomic_write

        if self.work_dir is None:
            self.work_dir = Path(tempfile.mkdtemp(prefix="kg-bundle-"))
        path = Path(self.work_dir) / "graph.nt"
        with atomic_write(path, "wb") as f:
            write_ntriples(self.kg, f)
        return path

    @cached_property
    def paper_triples(self):
        """Each paper's N-Triples, made once per paper for all the sinks that write them."""
        from kg.export.rdf import PaperTriples

        return PaperTriples(self.kg, self.work_dir)

    @cached_property
    def flat_papers(self):
        """Each paper's GraphML/GEXF node and edges, made once per paper for both sinks."""
        from kg.export.graphml import FlatPapers

        return FlatPapers(self.kg)

    @property
    def ntriples(self) -> bytes:
        """The N-Triples as bytes (small graphs and tests)."""
        return self.ntriples_file.read_bytes()

    @cached_property
    def rdf(self) -> Graph:
        """The RDF graph in rdflib (parsed from the N-Triples; for small graphs and validation)."""
        from kg.assemble.rdf import to_rdf

        return to_rdf(data=self.ntriples)

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        from kg.assemble.nx import to_networkx

        return to_networkx(self.kg)


def writer(fmt: str):
    """The ``write`` function of a format."""
    module = importlib.import_module(MODULES[fmt])
    return getattr(module, f"write_{fmt}")


def sink(fmt: str):
    """The ``sink`` function of a format written from the stream of papers."""
    module = importlib.import_module(MODULES[fmt])
    return getattr(module, f"sink_{fmt}")


def _from_ntriples(formats: Iterable[str], bundle: Bundle, out_dir: Path, timings: dict[str, float],
                   quiet: bool = True) -> dict[str, list[Path]]:
    """Write formats made from the N-Triples (:data:`FROM_NTRIPLES`) in turn, timed, each with
    a progress bar of the N-Triples read unless ``quiet``."""
    written = {}
    for f in formats:
        assert f in FROM_NTRIPLES, f
        t = time.perf_counter()
        written[f] = writer(f)(bundle, out_dir, quiet=quiet)
        timings[f] = time.perf_counter() - t
    return written


def _counted(items: Iterable, counter, every: int = 500) -> Iterator:
    """``items``, telling ``counter.value`` how many have passed (every ``every`` items)."""
    n = 0
    for n, item in enumerate(items, 1):
        yield item
        if n % every == 0:
            counter.value = n
    counter.value = n


def _wait_for(other: SideProcess, done, total: int, quiet: bool) -> None:
    """Wait for the second process, with a bar of the papers its pass has done."""
    if not other.running():
        return
    with bar("export (second process)", total=total, unit="paper", quiet=quiet) as update:
        shown = 0
        while not other.wait(0.25):
            now = done.value
            update(now - shown)
            shown = now


def export(bundle: Bundle, formats: Iterable[str], out_dir: Path,
           extra: Mapping[str, Callable[[Path], Sink]] | None = None, timings: dict[str, float] | None = None,
           quiet: bool = True, jobs: int = 1) -> dict[str, list[Path]]:
    """Write ``formats`` to ``out_dir`` with one pass over the papers; the files, by format.

    Every file is written into a staging folder inside ``out_dir`` (:mod:`kg.staging`) and
    moved into place once all are written, so a failure anywhere leaves ``out_dir`` as it was.

    Parameters
    ----------
    bundle : Bundle
    formats : iterable of str
        Names from :data:`kg.config.EXPORT_FORMATS`.
    out_dir : Path
    extra : mapping of str to callable, optional
        More sinks fed by the same pass (the build's extraction cache), each made by calling
        it with the folder to write in; their files are returned under their names.
    timings : dict, optional
        Receives seconds per format (a sink's share of the pass, plus its own work), and
        under :data:`SECOND_PROCESS` the whole pass of the second process if one ran.
    quiet : bool
        No progress bar.
    jobs : int
        With 2 or more, and at least :data:`PARALLEL_MIN_PAPERS` papers, the formats in
        :data:`SIDE_FORMATS` are written by a second process at the same time (while
        memory allows, see :data:`SIDE_MAX_BYTES`), and this process writes Turtle and
        JSON-LD while that one still runs (or, when it has finished, JSON-LD beside Turtle).
        The files are the same either way.

    Raises
    ------
    ValueError
        For an unknown format.
    """
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in MODULES]
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(unknown)} (known: {', '.join(EXPORT_FORMATS)})")
    out_dir = Path(out_dir)
    spent: dict[str, float] = {}
    with staging(out_dir) as stage:
        written = _export(bundle, formats, stage, extra or {}, spent, quiet, jobs)
        if timings is not None:
            timings.update((k, v) for k, v in spent.items()
                           if k in formats or k in (extra or {}) or k == SECOND_PROCESS)
        nt = bundle.__dict__.get("ntriples_file")
        out = {f: [move_into(p, stage, out_dir) for p in written[f]] for f in [*formats, *(extra or {})]}
        if nt is not None and Path(nt).parent == stage:  # the N-Triples export: the bundle's file moved
            bundle.ntriples_file = out_dir / Path(nt).name
    return out


def _export(bundle: Bundle, formats: list[str], out_dir: Path, extra: Mapping[str, Callable[[Path], Sink]],
            spent: dict[str, float], quiet: bool, jobs: int) -> dict[str, list[Path]]:
    """What :func:`export` does, writing into ``out_dir`` (its staging folder)."""
    kg = bundle.kg
    parallel = jobs > 1 and kg.paper_count >= PARALLEL_MIN_PAPERS
    side = [f for f in formats if f in SIDE_FORMATS] if parallel and _room_for_a_copy() else []
    here = [f for f in formats if f not in side]
    if not (here or extra):
        side = []  # nothing to run beside them: no second process
        here = formats
    sinks: dict[str, Sink] = {}
    if any(f in here for f in ("ntriples", *FROM_NTRIPLES)):
        if "ntriples" not in formats and bundle.work_dir is None:  # a by-product: not in out_dir
            bundle.work_dir = Path(tempfile.mkdtemp(prefix="kg-bundle-"))
        sinks["ntriples"] = sink("ntriples")(bundle, out_dir if "ntriples" in formats else bundle.work_dir)
    sinks.update((f, sink(f)(bundle, out_dir)) for f in here if f in SINK_FORMATS and f != "ntriples")
    # the sinks of this process that write the entities' triples make them once
    bundle.paper_triples.consumers = sum(f in sinks for f in ("ntriples", "store"))
    sinks.update((name, make(out_dir)) for name, make in extra.items())
    papers = progress(kg.extractions, "export", unit="paper", quiet=quiet, total=kg.paper_count)
    if side and isinstance(kg.extractions, Spool):
        kg.extractions.flush()  # the other process reads the spill file too
    done = mp.RawValue("q", 0) if side else None  # papers the second process has done (shared memory)

    def side_sinks() -> dict[str, Sink]:
        return {f: sink(f)(bundle, out_dir) for f in side}

    def side_job(t: dict[str, float]) -> dict[str, list[Path]]:
        start = time.perf_counter()
        written = run_sinks(side_sinks(), _counted(kg.extractions, done), t)
        t[SECOND_PROCESS] = time.perf_counter() - start
        return written

    with beside(side_job, enabled=bool(side)) as other:
        if side and other is None:  # no fork here: this process writes them all
            sinks.update(side_sinks())
        written = run_sinks(sinks, papers, spent)
        # The formats made from the N-Triples (Turtle, JSON-LD): here, while the second
        # pass still runs (each side is then about half the export time) ...
        if other is not None and other.running():
            written.update(_from_ntriples([f for f in formats if f in FROM_NTRIPLES], bundle, out_dir, spent, quiet))
        if other is not None:
            _wait_for(other, done, kg.paper_count, quiet)
            written.update(other.result(spent))
    # ... or, with the second process done or none, two at a time when possible.
    rest = [f for f in formats if f not in written]
    there = rest[1::2] if parallel else []
    with beside(lambda t: _from_ntriples(there, bundle, out_dir, t), enabled=bool(there)) as other:
        written.update(_from_ntriples([f for f in rest if f not in there or other is None], bundle, out_dir, spent,
                                      quiet))
        if other is not None:
            written.update(other.result(spent))
    return written
