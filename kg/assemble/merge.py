"""Merge per-paper extractions into one graph: one entity per concept across papers.

Assembly streams: each extraction is aggregated into the entity table and co-occurrence
counts as it arrives, then put in a :class:`Spool` that keeps it in memory for small builds
and on disk (pickled in chunks) for large ones. Exporters iterate the spool as often as they
need, so no stage holds the whole corpus as Python objects once it outgrows memory.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np

from kg.assemble.spelling import one_per_spelling, rekey, spelling_merges
from kg.atomic import atomic_write, umask
from kg.model import ENTITY_TYPES, Entity, Extraction, Paper

#: Extractions kept in memory before the spool moves to disk.
SPOOL_MEMORY_LIMIT = 20_000
#: Pair codes kept in a Python list before they move to a numpy chunk.
BUFFER_CODES = 1_000_000
#: Pair codes buffered before they are folded into the table of distinct pairs (8 bytes each).
COMPACT_CODES = 20_000_000
_CHUNK = 2_000


class Spool:
    """An append-only, re-iterable sequence of extractions, in memory or in a temp file.

    Parameters
    ----------
    directory : Path, optional
        Where the spill file goes (default: the system temp folder).
    finalize : callable, optional
        Applied to each paper as it is read back (the reader's duplicate merge, which is
        only complete once the whole input has been read).
    memory_limit : int
        Items kept in memory before spilling to disk.
    """

    def __init__(self, directory: Path | None = None, finalize: Callable[[Paper], Paper] | None = None,
                 memory_limit: int = SPOOL_MEMORY_LIMIT):
        self._items: list[Extraction] = []
        self._dir = directory
        self._file = None
        self._path: str | None = None
        self._len = 0
        self.finalize = finalize
        self.memory_limit = memory_limit
        self._saved = False
        #: key -> the key it merges into, applied as the spool is read (:mod:`kg.assemble.spelling`)
        self.merges: dict[str, str] = {}

    def append(self, ex: Extraction) -> None:
        if self._saved:
            raise RuntimeError("a spool saved by hard link takes no more items")
        self._items.append(ex)
        self._len += 1
        if self._file is not None and len(self._items) >= _CHUNK:
            self._flush()
        elif self._file is None and len(self._items) > self.memory_limit:
            fd, self._path = tempfile.mkstemp(prefix=".kg-spool-", suffix=".pickle", dir=self._dir)
            self._file = os.fdopen(fd, "wb")
            self._flush()

    def _flush(self) -> None:
        pickle.dump(self._items, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._items = []

    def flush(self) -> None:
        """Write every item still in memory to the spill file, if there is one (before another
        process reads it, or the file is saved)."""
        if self._file is not None:
            if self._items:
                self._flush()
            self._file.flush()

    @property
    def on_disk(self) -> bool:
        return self._file is not None

    def __len__(self) -> int:
        return self._len

    def _raw(self) -> Iterator[Extraction]:
        if self._file is not None:
            self.flush()
            yield from read_spool_file(self._path)
        yield from self._items

    def save(self, path: Path) -> None:
        """Write the items, as appended (before ``finalize``), to ``path`` in the format of the
        spill file (:func:`read_spool_file` reads it), atomically.

        A spool on disk is hard-linked to ``path`` (copied where the two are on different file
        systems), which costs next to nothing where pickling a million extractions again took
        minutes; the spool then takes no more items (they would change the saved file).
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self._file is None:
            with atomic_write(path, "wb") as f:
                for i in range(0, len(self._items), _CHUNK):
                    pickle.dump(self._items[i:i + _CHUNK], f, protocol=pickle.HIGHEST_PROTOCOL)
            return
        self.flush()
        os.fsync(self._file.fileno())
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            try:
                os.link(self._path, tmp)
            except OSError:  # another file system, or one without hard links
                shutil.copyfile(self._path, tmp)
            self._saved = True
            os.chmod(tmp, 0o666 & ~umask())  # the spill file was made private (0600)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def __iter__(self) -> Iterator[Extraction]:
        fin, merges = self.finalize, self.merges
        for ex in self._raw():
            if fin is not None:
                paper = fin(ex.paper)
                if paper is not ex.paper:
                    ex = Extraction(paper, ex.mentions, ex.sentences, ex.evaluations, ex.results)
            yield rekey(ex, merges) if merges else ex

    def close(self) -> None:
        """Remove the spill file (the spool is empty afterwards)."""
        if self._file is not None:
            self._file.close()
            try:
                os.unlink(self._path)
            except OSError:
                pass
            self._file = None
        self._items = []
        self._len = 0

    def __del__(self):  # pragma: no cover - best effort
        self.close()


def read_spool_file(path: Path | str) -> Iterator[Extraction]:
    """The extractions of a spill file (or of one saved by :meth:`Spool.save`), in order."""
    with open(path, "rb") as f:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            yield from chunk


class Cooccurrence(Mapping):
    """Entity pairs and the number of papers that mention both, stored as numpy arrays.

    Iterating yields ``(key_a, key_b)`` with ``key_a < key_b``; :meth:`items` yields
    ``((key_a, key_b), weight)``. Only pairs with at least ``min_weight`` papers are kept.
    """

    def __init__(self, keys: list[str], a: np.ndarray, b: np.ndarray, w: np.ndarray, min_weight: int = 1):
        self._keys = keys
        self.min_weight = min_weight
        self._a, self._b, self._w = a, b, w
        self._index: dict[tuple[str, str], int] | None = None

    @classmethod
    def empty(cls) -> "Cooccurrence":
        z = np.zeros(0, dtype=np.int64)
        return cls([], z, z, z)

    def __len__(self) -> int:
        return len(self._w)

    def items(self) -> Iterator[tuple[tuple[str, str], int]]:
        keys = self._keys
        for a, b, w in zip(self._a.tolist(), self._b.tolist(), self._w.tolist()):
            ka, kb = keys[a], keys[b]
            yield ((ka, kb) if ka < kb else (kb, ka)), w

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return (pair for pair, _ in self.items())

    def keys(self) -> Iterator[tuple[str, str]]:
        return iter(self)

    def __getitem__(self, pair: tuple[str, str]) -> int:
        """Weight of a pair (builds a lookup table on first use; 0 for pairs never seen)."""
        if self._index is None:
            self._index = dict(self.items())
        return self._index.get(tuple(sorted(pair)), 0)


class _PairCounter:
    """Counts entity pairs per paper as int64 codes, summed with numpy.

    Codes are buffered in chunks; once :data:`COMPACT_CODES` are buffered they are folded
    into one sorted table of distinct pairs and their counts, so memory follows the number
    of distinct pairs, not the number of papers.
    """

    def __init__(self, compact_at: int = 0) -> None:
        self.index: dict[str, int] = {}
        self.keys: list[str] = []
        self._chunks: list[np.ndarray] = []
        self._buffered = 0
        self._buf: list[int] = []
        self._codes = np.zeros(0, dtype=np.int64)
        self._counts = np.zeros(0, dtype=np.int64)
        self.compact_at = compact_at or COMPACT_CODES

    def add(self, keys: Iterable[str]) -> None:
        ids = []
        for k in keys:
            i = self.index.get(k)
            if i is None:
                i = self.index[k] = len(self.keys)
                self.keys.append(k)
            ids.append(i)
        ids.sort()
        self._buf.extend((a << 32) | b for a, b in combinations(ids, 2))
        if len(self._buf) >= BUFFER_CODES:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            self._chunks.append(np.array(self._buf, dtype=np.int64))
            self._buffered += len(self._buf)
            self._buf = []
        if self._buffered >= self.compact_at:
            self._compact()

    def _compact(self) -> None:
        if not self._chunks:
            return
        codes = np.concatenate([self._codes, *self._chunks])
        counts = np.concatenate([self._counts, np.ones(self._buffered, dtype=np.int64)])
        self._chunks, self._buffered = [], 0
        self._codes, inverse = np.unique(codes, return_inverse=True)
        self._counts = np.bincount(inverse.ravel(), weights=counts, minlength=len(self._codes)).astype(np.int64)

    def result(self, min_weight: int) -> Cooccurrence:
        self._flush()
        self._compact()
        keep = self._counts >= min_weight
        codes, counts = self._codes[keep], self._counts[keep]
        self._codes = self._counts = np.zeros(0, dtype=np.int64)
        return Cooccurrence(self.keys, codes >> 32, codes & 0xFFFFFFFF, counts, min_weight)

    def merge(self, merges: Mapping[str, str]) -> None:
        """Count the pairs of a key that ``merges`` names as pairs of the key it merges into
        (each paper counted its keys once per spelling: :func:`kg.assemble.spelling.one_per_spelling`)."""
        self._flush()
        self._compact()
        moved = {self.index[k]: self._id(c) for k, c in merges.items() if k in self.index}
        if not moved or not len(self._codes):
            return
        to = np.arange(len(self.keys), dtype=np.int64)
        for i, j in moved.items():
            to[i] = j
        a, b = to[self._codes >> 32], to[self._codes & 0xFFFFFFFF]
        codes = (np.minimum(a, b) << 32) | np.maximum(a, b)
        self._codes, inverse = np.unique(codes, return_inverse=True)
        self._counts = np.bincount(inverse.ravel(), weights=self._counts, minlength=len(self._codes)).astype(np.int64)

    def _id(self, key: str) -> int:
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.keys)
            self.keys.append(key)
        return i


@dataclass
class KnowledgeGraph:
    """Papers with their extractions, and the merged entities.

    Attributes
    ----------
    extractions : Spool or list of Extraction
        One per paper, in input order (papers with no entity included); iterate it.
    entities : dict of str to Entity
        Merged entities by key.
    cooccurrence : Cooccurrence
        Entity pairs -> number of papers mentioning both.
    evidence : bool
        Whether the RDF carries a node per mention (off for very large builds; the mention
        tables always carry the evidence).
    """

    extractions: Spool | list = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    cooccurrence: Cooccurrence = field(default_factory=Cooccurrence.empty)
    evidence: bool = True
    mention_count: int = 0
    papers_without_entities: int = 0

    @property
    def papers(self) -> Iterator[Paper]:
        return (e.paper for e in self.extractions)

    @property
    def paper_count(self) -> int:
        return len(self.extractions)

    def entity_type(self, key: str) -> str:
        return self.entities[key].type


#: Above this many papers, co-occurrence pairs seen in a single paper are dropped and the RDF
#: leaves out per-mention nodes; both choices are printed by `kg build`.
LARGE_BUILD_PAPERS = 20_000


def assemble(extractions: Iterable[Extraction], finalize: Callable[[Paper], Paper] | None = None,
             spool_dir: Path | None = None, large: int = LARGE_BUILD_PAPERS,
             memory_limit: int = SPOOL_MEMORY_LIMIT) -> KnowledgeGraph:
    """Merge extractions into a :class:`KnowledgeGraph`, streaming.

    An entity's type is the one most of its mentions carry (vocabulary mentions count
    double); its label is the vocabulary label if any mention has one, else its most frequent
    label; its alternative labels are the other surface forms seen. Keys that differ only in
    their spaces merge into one (:mod:`kg.assemble.spelling`): the spool's extractions are read
    with the merged keys, and co-occurrence counts each paper once per merged pair.

    Parameters
    ----------
    extractions : iterable of Extraction
    finalize : callable, optional
        Applied to each paper when the spool is read (see kg.read.Corpus.finalize).
    spool_dir : Path, optional
        Where a large spool spills to disk.
    large : int
        Papers from which a build counts as large (see LARGE_BUILD_PAPERS).
    """
    spool = Spool(spool_dir, finalize, memory_limit)
    types: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, Counter] = defaultdict(Counter)
    vocab_label: dict[str, str] = {}
    surfaces: dict[str, dict[str, None]] = defaultdict(dict)
    papers: dict[str, list[str]] = defaultdict(list)
    proposed_by: dict[str, list[str]] = defaultdict(list)
    pairs = _PairCounter()
    mention_count = empty = 0
    paper_ids: list[str] = []  # in input order
    for ex in extractions:
        spool.append(ex)
        pid = ex.paper.id
        paper_ids.append(pid)
        keys: dict[str, None] = {}
        mention_count += len(ex.mentions)
        for m in ex.mentions:
            types[m.key][m.type] += 2 if m.in_vocabulary else 1
            labels[m.key][m.label] += 1
            if m.in_vocabulary:
                vocab_label.setdefault(m.key, m.label)
            surfaces[m.key].setdefault(m.text, None)
            if m.key not in keys:
                keys[m.key] = None
                papers[m.key].append(pid)
            if m.proposed and (not proposed_by[m.key] or proposed_by[m.key][-1] != pid):
                proposed_by[m.key].append(pid)
        if not keys:
            empty += 1
        pairs.add(one_per_spelling(keys) if len(keys) > 1 else keys)
    merges = spelling_merges({k: len(ps) for k, ps in papers.items()}, vocab_label)
    if merges:
        # an entity's papers stay in input order: the position of each paper of a key that merges
        merged = {p for pair in merges.items() for k in pair for table in (papers, proposed_by) for p in table.get(k, ())}
        position = {p: i for i, p in enumerate(paper_ids) if p in merged}
        for alias, key in merges.items():
            types[key].update(types.pop(alias))
            labels[key].update(labels.pop(alias))
            surfaces[key].update(surfaces.pop(alias))
            if alias in vocab_label:
                vocab_label.setdefault(key, vocab_label.pop(alias))
            for table in (papers, proposed_by):
                ids = table.pop(alias, None)
                if ids:
                    table[key] = sorted(set(table[key]).union(ids), key=position.__getitem__)
    spool.merges = merges
    pairs.merge(merges)
    is_large = len(spool) > large
    order = {t: i for i, t in enumerate(ENTITY_TYPES)}
    entities = {}
    for key in papers:
        typ = max(types[key].items(), key=lambda kv: (kv[1], -order[kv[0]]))[0]
        label = vocab_label.get(key) or labels[key].most_common(1)[0][0]
        alts = tuple(s for s in surfaces[key] if s != label)
        entities[key] = Entity(key=key, type=typ, label=label, alt_labels=alts,  # type: ignore[arg-type]
                               papers=tuple(papers[key]), proposed_by=tuple(proposed_by[key]),
                               in_vocabulary=key in vocab_label)
    return KnowledgeGraph(extractions=spool, entities=entities,
                          cooccurrence=pairs.result(min_weight=2 if is_large else 1),
                          evidence=not is_large, mention_count=mention_count, papers_without_entities=empty)
