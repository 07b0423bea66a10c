"""The extraction cache behind `kg build --update`.

Every build leaves its extractions (papers with their mentions, duplicates merged) in
``OUT/.kg-cache/``, tagged with a fingerprint of the pipeline that made them (package
version, vocabularies, extraction settings). ``kg build --update NEW...`` reads them back as
the first papers of the build, extracts only the papers that are new, and assembles and
exports the whole graph: the result equals a full rebuild of the old and new inputs.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg import __version__
from kg.atomic import atomic_write
from kg.config import ExtractConfig, ontology_dir
from kg.errors import KgError
from kg.export.sinks import Sink
from kg.model import Extraction, Paper, Problem
from kg.read import Corpus

CACHE_DIR = ".kg-cache"
_CHUNK = 2_000


def fingerprint(config: ExtractConfig) -> str:
    """Identifies the extraction: same fingerprint, same mentions for the same text."""
    h = hashlib.sha1(f"{__version__}|{config!r}".encode())
    vocab = Path(config.vocab_dir) if config.vocab_dir else ontology_dir() / "vocab"
    for f in sorted(vocab.glob("*")):
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def sink_cache(out_dir: Path, config: ExtractConfig) -> Sink:
    """Store the stream of extractions (with their final, merged papers) for a later `--update`."""
    folder = Path(out_dir) / CACHE_DIR
    n = 0
    with atomic_write(folder / "extractions.pickle", "wb") as f:
        chunk: list[Extraction] = []
        while (ex := (yield)) is not None:
            chunk.append(ex)
            n += 1
            if len(chunk) >= _CHUNK:
                pickle.dump(chunk, f, protocol=pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, f, protocol=pickle.HIGHEST_PROTOCOL)
    with atomic_write(folder / "manifest.json") as f:
        json.dump({"fingerprint": fingerprint(config), "papers": n, "version": __version__}, f)
    return [folder]


def read_cache(out_dir: Path, config: ExtractConfig) -> Iterator[Extraction]:
    """The extractions of the previous build in ``out_dir``.

    Raises
    ------
    KgError
        If there is no cache, or a different pipeline made it (a full build is needed).
    """
    folder = Path(out_dir) / CACHE_DIR
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise KgError("no previous build to update here (run `kg build` without --update first)",
                      str(out_dir)) from None
    if manifest.get("fingerprint") != fingerprint(config):
        raise KgError("the previous build was made with other vocabularies, settings or version; "
                      "run a full `kg build` (without --update)", str(out_dir))
    with open(folder / "extractions.pickle", "rb") as f:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            yield from chunk


class UpdateCorpus(Corpus):
    """A corpus whose first papers are those of a previous build (already extracted)."""

    def __init__(self, prior: list[Extraction], paths, reader=None, encoding=None):
        super().__init__(paths, reader=reader, encoding=encoding)
        self.prior = prior

    def _items(self) -> Iterator[Paper | Problem]:
        for ex in self.prior:
            yield ex.paper
        yield from super()._items()


def with_prior(prior: list[Extraction], papers: Iterable[Paper], extract) -> Iterator[Extraction]:
    """Cached extractions for the first ``len(prior)`` papers (the previous build's, which a
    corpus yields first and never drops), then ``extract`` over the rest."""
    it = iter(papers)
    for ex, paper in zip(prior, it):
        yield Extraction(paper, ex.mentions, ex.sentences, ex.evaluations)
    yield from extract(it)
