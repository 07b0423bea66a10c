"""Query worker processes, seen from the process that uses them (``kg serve``, ``kg query``).

A :class:`WorkerPool` keeps ``size`` :mod:`kg.query.worker` processes, each with the graph open.
A query takes an idle worker, sends it the job and waits for the answer until a deadline. A
worker that misses the deadline is killed (SIGKILL: the query stops using CPU at once), and one
that dies (a crash, the memory cap) is reaped; either way a new worker is started in its place and
only the query it was running fails (:class:`QueryError`, with an HTTP status and one line).

Cost, measured on the sample build (2 shared cores): through a worker, an HTTP query to ``kg serve``
takes 0.04-0.09 ms (5-7 %) longer than on a thread of the server (median of 500: an ``ASK`` 0.91 ms
against 0.85 ms, an example query 1.74 ms against 1.65 ms); a new worker is ready 170 ms (median)
after it is started.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kg.config import QUERY_MAX_MEMORY_MB
from kg.errors import KgError
from kg.query.worker import recv_frame, recv_json, send_json


class QueryError(Exception):
    """A query that got no answer: ``status`` is the HTTP status, ``message`` one line for the user,
    ``headers`` any HTTP headers to send with it."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class Worker:
    """One worker process and its two pipes. Not thread-safe: one user at a time (the pool's job).

    Its stderr goes to an anonymous temporary file, read only to explain its death (pyoxigraph
    prints "memory allocation of N bytes failed" before it aborts), so nothing it prints reaches
    the user's terminal or the server's log.
    """

    def __init__(self, graph: Path, max_memory_mb: int, allow_service: bool):
        self.max_memory_mb = max_memory_mb
        self.warning: str | None = None
        to_child, self._to_child = os.pipe()
        self._from_child, from_child = os.pipe()
        self._stderr = tempfile.TemporaryFile()
        cfg = {"graph": str(graph), "fds": [to_child, from_child], "max_memory_mb": max_memory_mb,
               "allow_service": allow_service}
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kg.query.worker", json.dumps(cfg)], pass_fds=(to_child, from_child),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr)
        except OSError as e:
            for fd in (self._to_child, self._from_child):
                os.close(fd)
            self._stderr.close()
            raise KgError(f"cannot start a query worker: {e}") from None
        finally:
            os.close(to_child)
            os.close(from_child)
        self.ready = False

    def wait_ready(self, deadline: float | None = None) -> None:
        """Wait until the graph is open.

        Raises
        ------
        KgError
            The worker could not open the graph (its one-line reason), or died.
        TimeoutError
            At ``deadline``.
        """
        if self.ready:
            return
        try:
            msg = recv_json(self._from_child, deadline)
        except EOFError:
            raise KgError(f"a query worker stopped while starting ({self.death()}): "
                          f"{self.last_words() or 'no message'}") from None
        if "error" in msg:
            raise KgError(msg["error"])
        self.warning = msg.get("warning")
        self.ready = True

    def ask(self, job: dict, deadline: float) -> dict:
        """Send a job, return the answer's JSON header.

        Raises
        ------
        TimeoutError
            At ``deadline`` (the worker is still busy: kill it).
        QueryError
            The worker died on this query.
        """
        try:
            send_json(self._to_child, job)
            return recv_json(self._from_child, deadline)
        except (EOFError, BrokenPipeError):
            raise self.died() from None

    def body(self, length: int, deadline: float):
        """The answer's body, ``length`` bytes, as it arrives (raises like :meth:`ask`)."""
        while length > 0:
            try:
                chunk = recv_frame(self._from_child, deadline)
            except EOFError:
                raise self.died() from None
            length -= len(chunk)
            yield chunk

    def died(self) -> QueryError:
        """The error for the query this worker died on."""
        how = self.death()
        if "memory allocation of" in self.last_words():
            return QueryError(503, f"query stopped: it needs more memory than the {self.max_memory_mb} MiB "
                                   f"allowed (--max-memory)")
        return QueryError(500, f"query failed: the query engine crashed on it ({how}); "
                               f"nothing else was affected")

    def last_words(self, size: int = 2000) -> str:
        """The end of what the (dead) worker wrote to stderr."""
        try:
            end = os.fstat(self._stderr.fileno()).st_size
            data = os.pread(self._stderr.fileno(), size, max(0, end - size))
        except (OSError, ValueError):
            return ""
        return data.decode("utf-8", "replace").strip()

    def death(self) -> str:
        try:
            code = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            return "not exiting"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}"

    def kill(self) -> None:
        """Stop the process now (SIGKILL), reap it and close the pipes. Idempotent."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._to_child = self._from_child = -1
        self._stderr.close()


class WorkerPool:
    """``size`` workers on one graph (see the module doc). Thread-safe.

    Each of the ``size`` slots holds a worker, or None where one could not be started (it is tried
    again when the slot is next taken).
    """

    def __init__(self, graph: Path, size: int = 1, max_memory_mb: int = QUERY_MAX_MEMORY_MB,
                 allow_service: bool = False):
        self.graph = Path(graph)
        self.size = size
        self.max_memory_mb = max_memory_mb
        self.allow_service = allow_service
        self._idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        self._live: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        try:
            workers = [self._start() for _ in range(size)]
            workers[0].wait_ready()  # the graph's errors (no build here, a bad file) surface now
        except BaseException:
            self.close()
            raise
        if workers[0].warning:
            print(f"kg: warning: {workers[0].warning}", file=sys.stderr)
        for w in reversed(workers):
            self._idle.put(w)

    def _start(self) -> Worker:
        w = Worker(self.graph, self.max_memory_mb, self.allow_service)
        with self._lock:
            if self._closed:
                w.kill()
                raise KgError("the query workers are closed")
            self._live.add(w)
        return w

    def acquire(self, deadline: float) -> Worker | None:
        """An idle, ready worker, or None if none frees up by ``deadline``.

        Raises
        ------
        QueryError
            No worker could be started in a free slot (500).
        """
        try:
            w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None
        try:
            if w is None:
                w = self._start()
            w.wait_ready(deadline)
        except TimeoutError:
            self._idle.put(w)  # still starting: the next query gets it
            return None
        except KgError as e:
            self.discard(w)
            raise QueryError(500, f"query failed: no query worker could start: {e}") from None
        return w

    def release(self, w: Worker) -> None:
        """Give back a worker that answered completely."""
        self._idle.put(w)

    def discard(self, w: Worker | None) -> None:
        """Kill ``w`` (whatever it is doing) and start another in its slot."""
        if w is not None:
            w.kill()
            with self._lock:
                self._live.discard(w)
        try:
            w = self._start()
        except KgError:
            w = None  # tried again when the slot is next taken
        self._idle.put(w)

    def close(self) -> None:
        """Kill every worker."""
        with self._lock:
            self._closed = True
            live, self._live = self._live, set()
        for w in live:
            w.kill()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
