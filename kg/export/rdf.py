"""RDF exports: Turtle (``graph.ttl``), N-Triples (``graph.nt``) and JSON-LD (``graph.jsonld``).

All three derive from the bundle's N-Triples file, streamed; Turtle and JSON-LD are
serialized by pyoxigraph with our prefixes (many times faster than rdflib on large graphs;
the tests read every file back with rdflib and with pyoxigraph).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph

from kg.assemble.rdf import PREFIXES, EntityRefs, entity_lines, paper_lines
from kg.atomic import atomic_write
from kg.export.sinks import Sink
from kg.progress import reading


def _write(bundle, path: Path, fmt, quiet: bool) -> list[Path]:
    with reading(bundle.ntriples_file, path.name, quiet) as src, atomic_write(path, "wb") as f:
        # lenient: the file is our own N-Triples (every export's output is read back by
        # rdflib and pyoxigraph in the tests), so checking each IRI and language tag again
        # only costs time (Turtle from 1.05 million triples: 3.4-4.3 s strict, 2.4-2.9 s lenient)
        triples = pyoxigraph.parse(src, format=pyoxigraph.RdfFormat.N_TRIPLES, lenient=True)
        pyoxigraph.serialize(triples, f, fmt, prefixes=PREFIXES)
    return [path]


def write_turtle(bundle, out_dir: Path, quiet: bool = True) -> list[Path]:
    """Write ``graph.ttl`` from the bundle's N-Triples (with a progress bar unless ``quiet``)."""
    return _write(bundle, Path(out_dir) / "graph.ttl", pyoxigraph.RdfFormat.TURTLE, quiet)


class PaperTriples:
    """The N-Triples of the paper last asked for, as UTF-8 bytes, made once for every sink
    that wants them (the N-Triples file and the store, fed the same paper in turn); and the
    entities' N-Triples, made once for as many sinks as :attr:`consumers` says.

    Parameters
    ----------
    kg : KnowledgeGraph
    work_dir : Path, optional
        Where the entities' temporary file goes (default: the system's temporary folder).
    """

    def __init__(self, kg, work_dir: Path | None = None):
        self.kg = kg
        self.work_dir = work_dir
        self._refs = EntityRefs()
        self._ex = None
        self._data = b""
        #: How many sinks will ask for :meth:`entities` (the export sets it): with more than
        #: one, the first one's chunks are kept in a temporary file for the others.
        self.consumers = 1
        self._kept: tuple | None = None  # (file, chunk sizes) of the entities' chunks
        self._served = 0

    def _entity_chunks(self, chunk_bytes: int) -> Iterator[bytes]:
        buf: list[str] = []
        size = 0
        for line in entity_lines(self.kg, refs=self._refs):
            buf.append(line)
            size += len(line) + 1
            if size >= chunk_bytes:
                yield "".join(line + "\n" for line in buf).encode("utf-8")
                buf, size = [], 0
        if buf:
            yield "".join(line + "\n" for line in buf).encode("utf-8")

    def entities(self, chunk_bytes: int = 8 << 20) -> Iterator[bytes]:
        """The entities' N-Triples (types, labels, co-occurrence) in chunks of about
        ``chunk_bytes``, never all in memory at once (a large graph has many co-occurrence
        links). Made once: with :attr:`consumers` above one, the
        first caller's chunks go to a temporary file as they are made, and the next callers
        read them back from it (the chunks then have the first caller's size)."""
        if self.consumers <= 1:
            yield from self._entity_chunks(chunk_bytes)
            return
        if self._kept is None:
            f = tempfile.TemporaryFile(prefix=".kg-entities-", dir=self.work_dir)
            sizes = []
            try:
                for chunk in self._entity_chunks(chunk_bytes):
                    f.write(chunk)
                    sizes.append(len(chunk))
                    yield chunk
            except BaseException:
                f.close()
                raise
            self._kept = (f, sizes)
        else:
            f, sizes = self._kept
            f.seek(0)
            for n in sizes:
                yield f.read(n)
        self._served += 1
        if self._served >= self.consumers:  # the last one: the file goes
            self._kept[0].close()
            self._kept = None
            self._served = 0

    def __call__(self, ex) -> bytes:
        if ex is not self._ex:
            self._ex = ex
            lines = paper_lines(ex, self.kg, self.kg.evidence, self._refs)
            self._data = "".join(line + "\n" for line in lines).encode("utf-8")
        return self._data


def sink_ntriples(bundle, out_dir: Path) -> Sink:
    """Write ``graph.nt`` from the stream of papers; it becomes the bundle's N-Triples file,
    which the Turtle and JSON-LD exports then read."""
    path = Path(out_dir) / "graph.nt"
    triples = bundle.paper_triples
    with atomic_write(path, "wb") as f:
        while (ex := (yield)) is not None:
            f.write(triples(ex))
        f.writelines(triples.entities())
    bundle.ntriples_file = path
    return [path]


def write_ntriples(bundle, out_dir: Path) -> list[Path]:
    path = Path(out_dir) / "graph.nt"
    src = bundle.ntriples_file
    if src.resolve() != path.resolve():
        with atomic_write(path, "wb") as f, open(src, "rb") as r:
            shutil.copyfileobj(r, f, 1 << 20)
    return [path]


def write_jsonld(bundle, out_dir: Path, quiet: bool = True) -> list[Path]:
    """Write ``graph.jsonld`` from the bundle's N-Triples (with a progress bar unless ``quiet``)."""
    return _write(bundle, Path(out_dir) / "graph.jsonld", pyoxigraph.RdfFormat.JSON_LD, quiet)
