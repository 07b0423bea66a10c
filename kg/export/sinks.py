"""One pass over the papers for every export.

Reading a large build's papers back from its spool costs about as much as rendering one
export (unpickling ~75,000 extractions takes ~7 s), and five exports write something per
paper. So those exports are *sinks*: generator coroutines that receive the extractions one
at a time and the end of the stream as ``None``, and return the files they wrote::

    def sink_example(bundle, out_dir) -> Sink:
        with atomic_write(Path(out_dir) / "example.csv") as f:
            while (ex := (yield)) is not None:
                f.write(ex.paper.id + "\\n")
            ...                                  # whole-graph parts (entities) at the end
        return [Path(out_dir) / "example.csv"]

:func:`run_sinks` drives any number of them over one pass. A sink that fails, or a pass that
is interrupted, closes every sink: ``GeneratorExit`` runs their ``with`` blocks' exits, so
their atomic writes are abandoned and no half-written file appears.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable, Mapping
from pathlib import Path

from kg.model import Extraction

#: An export that consumes extractions (then ``None``) and returns the paths it wrote.
Sink = Generator[None, "Extraction | None", list[Path]]


def run_sinks(sinks: Mapping[str, Sink], extractions: Iterable[Extraction],
              timings: dict[str, float] | None = None) -> dict[str, list[Path]]:
    """Feed every extraction to every sink in one pass; the paths each sink wrote, by name.

    Parameters
    ----------
    sinks : mapping of str to Sink
        Started or not (each is primed here).
    extractions : iterable of Extraction
        Read once.
    timings : dict, optional
        Receives the seconds spent in each sink (its share of the pass), by name.

    Raises
    ------
    RuntimeError
        If a sink does not finish when the stream ends (a sink that loops forever).
    """
    active = list(sinks.items())
    spent = dict.fromkeys(sinks, 0.0)
    clock = time.perf_counter
    try:
        for name, s in active:
            t = clock()
            next(s)
            spent[name] += clock() - t
        for ex in extractions:
            for name, s in active:
                t = clock()
                s.send(ex)
                spent[name] += clock() - t
        out: dict[str, list[Path]] = {}
        for name, s in active:
            t = clock()
            try:
                s.send(None)
            except StopIteration as stop:
                out[name] = stop.value
            else:
                raise RuntimeError(f"the {name} export did not stop at the end of the papers")
            finally:
                spent[name] += clock() - t
        return out
    finally:
        for _, s in active:
            s.close()  # no-op for finished sinks; abandons the files of the others
        if timings is not None:
            timings.update(spent)


def write_one(name: str, sink: Sink, extractions: Iterable[Extraction]) -> list[Path]:
    """Run a single sink over ``extractions`` (what a format's ``write_*`` function does)."""
    return run_sinks({name: sink}, extractions)[name]
