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

:func:`beside` runs an export job in a forked process (:class:`SideProcess`), for example a
second group of sinks over a pass of its own, so a build with two cores renders two groups
of exports at once.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import shutil
import signal
import sys
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from pathlib import Path

from kg.errors import KgError
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


def _side_main(conn, job: Callable[[dict[str, float]], dict[str, list[Path]]]) -> None:
    # SIGTERM (a cancel from the parent) becomes SystemExit, so the job's sinks are closed
    # and their atomic writes abandoned.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    spent: dict[str, float] = {}
    try:
        written = job(spent)
    except BaseException as e:  # reported to the parent, which raises it
        try:
            conn.send(("error", e, spent))
        except Exception:  # an exception that does not pickle
            conn.send(("error", RuntimeError(f"{type(e).__name__}: {e}"), spent))
    else:
        conn.send(("ok", written, spent))
    finally:
        conn.close()


class SideProcess:
    """An export job run by a forked child process: ``job(timings)`` writes files and returns
    their paths by name (for example :func:`run_sinks` over a pass of its own).

    The child inherits the assembled graph copy-on-write; nothing is pickled but the result
    (the paths written and the seconds spent). If this process fails before it has the
    result, :meth:`cancel` stops the child, which abandons its files. Use :func:`beside`.

    Parameters
    ----------
    job : callable
        Called in the child with a dict that receives seconds per format.

    Raises
    ------
    ValueError
        Where processes cannot be forked (the caller runs the job itself instead).
    """

    def __init__(self, job: Callable[[dict[str, float]], dict[str, list[Path]]]):
        if "fork" not in mp.get_all_start_methods():
            raise ValueError("this platform cannot fork a process")
        ctx = mp.get_context("fork")
        self._conn, child_end = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_side_main, args=(child_end, job), name="kg-export", daemon=True)
        self._proc.start()
        child_end.close()
        #: The paths the child wrote, once :meth:`result` has them.
        self.written: dict[str, list[Path]] = {}

    def wait(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds for the job to end; whether it has (finished,
        failed or died)."""
        return self._conn.poll(timeout)

    def running(self) -> bool:
        """Whether the job still runs."""
        return not self.wait(0)

    def result(self, timings: dict[str, float] | None = None) -> dict[str, list[Path]]:
        """Wait for the child; the paths it wrote, by name.

        Raises
        ------
        Exception
            The child's own error, re-raised here.
        KgError
            If the child died without a word (killed, out of memory).
        """
        try:
            status, value, spent = self._conn.recv()
        except EOFError:
            self._proc.join()
            code = self._proc.exitcode
            how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with code {code}"
            raise KgError(f"the second export process {how} before it finished (out of memory? "
                          "try --jobs 1)") from None
        self._proc.join()
        if timings is not None:
            timings.update(spent)
        if status == "error":
            raise value
        self.written = value
        return value

    def cancel(self) -> dict[str, list[Path]]:
        """Stop the child if it still runs (its sinks abandon their files). Returns the files
        it had finished, for the caller to remove."""
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()
        if not self._conn.closed:
            try:
                if self._conn.poll():
                    status, value, _ = self._conn.recv()
                    if status == "ok":
                        self.written = value
            except Exception:  # a message cut short by the stop: the child wrote nothing
                pass
            self._conn.close()
        return self.written


def remove_outputs(written: Mapping[str, list[Path]]) -> None:
    """Delete written files and folders (of an export that failed elsewhere)."""
    for paths in written.values():
        for p in paths:
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


@contextlib.contextmanager
def beside(job: Callable[[dict[str, float]], dict[str, list[Path]]], enabled: bool = True
           ) -> Iterator[SideProcess | None]:
    """Start ``job`` in a :class:`SideProcess` (if ``enabled`` and this platform forks) for
    the duration of the block; yields it, or None when the caller must run the job itself.

    If the block fails, the child is stopped and any files it finished are removed, so a
    failure on either side leaves no new file from the other.
    """
    other = None
    if enabled:
        with contextlib.suppress(ValueError):
            other = SideProcess(job)
    try:
        yield other
    except BaseException:
        if other is not None:
            remove_outputs(other.cancel())
        raise
    finally:
        if other is not None:
            other.cancel()
