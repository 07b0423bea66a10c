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
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from itertools import chain
from pathlib import Path

from kg import __version__
from kg.assemble.merge import Spool, read_spool_file
from kg.atomic import atomic_write
from kg.config import CurationConfig, ExtractConfig, ontology_dir
from kg.errors import KgError
from kg.export.sinks import Sink
from kg.model import Extraction, Paper, Problem
from kg.read import Corpus
from kg.read.dedupe import apply_patch

CACHE_DIR = ".kg-cache"


def fingerprint(config: ExtractConfig) -> str:
    """Identifies the extraction but for a user's vocabularies (``extra_vocab``, which the
    curation's fingerprint covers, :func:`kg.curation.fingerprint`): same fingerprints, same
    mentions for the same text. The files of the vocabularies and of the results' and rules'
    word lists, the extraction and curation code (a change to it, such as reading LaTeX markup, finds
    other mentions; the version number alone is not bumped for each) and, unless ``--fast``, the
    recognizer's model count (a retrained model finds other mentions)."""
    from kg import curation, extract, markup

    h = hashlib.sha1(f"{__version__}|{replace(config, extra_vocab=())!r}".encode())
    h.update(Path(markup.__file__).read_bytes())
    h.update(Path(curation.__file__).read_bytes())  # (the cache holds the extractions as curated)
    folders = [Path(config.vocab_dir) if config.vocab_dir else ontology_dir() / "vocab", ontology_dir() / "lexicon",
               ontology_dir() / "results", Path(extract.__file__).parent]
    if config.use_recognizer:
        from kg.extract.recognizer import model_dir

        folders.append(model_dir(config.recognizer_model))
    for folder in folders:
        for f in sorted(folder.glob("*")):
            if f.is_file():
                h.update(f.name.encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def sink_cache(out_dir: Path, config: ExtractConfig, extractions: Spool,
               patches: Mapping[str, Paper], curation: CurationConfig = CurationConfig()) -> Sink:
    """Keep the build's extractions for a later `--update`: the spool as it was appended
    (hard-linked, see :meth:`Spool.save`), the patches that merge duplicates into its papers
    (:meth:`kg.read.Corpus.patches`), which :func:`read_cache` applies, and the curation files
    it was made with (copies, their hashes and their paths as given, :func:`kg.curation.keep`)."""
    from kg.curation import keep

    folder = Path(out_dir) / CACHE_DIR
    while (yield) is not None:  # the spool already holds every extraction
        pass
    extractions.save(folder / "extractions.pickle")
    with atomic_write(folder / "patches.pickle", "wb") as f:
        pickle.dump(dict(patches), f, protocol=pickle.HIGHEST_PROTOCOL)
    kept = keep(curation, folder)
    with atomic_write(folder / "manifest.json") as f:
        json.dump({"fingerprint": fingerprint(config), "papers": len(extractions), "version": __version__,
                   "curation": kept}, f, indent=1)
    return [folder]


def read_manifest(out_dir: Path) -> dict:
    """The manifest of the previous build's cache in ``out_dir``.

    Raises
    ------
    KgError
        If there is no previous build (cache) there.
    """
    try:
        manifest = json.loads((Path(out_dir) / CACHE_DIR / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError
        return manifest
    except (OSError, ValueError):
        raise KgError("no previous build to update here (run `kg build` without --update first)",
                      str(out_dir)) from None


def read_cache(out_dir: Path, config: ExtractConfig) -> Iterator[Extraction]:
    """The extractions of the previous build in ``out_dir``, duplicates merged into their papers.

    The cache is checked at once; the extractions then stream from its file, so an update
    holds no more of the previous build in memory than a full build does (a list of them took
    1.7 GB at 75,000 papers).

    Raises
    ------
    KgError
        If there is no cache, or a different pipeline made it (a full build is needed).
    """
    folder = Path(out_dir) / CACHE_DIR
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        patches = _read_patches(folder / "patches.pickle")
        if not (folder / "extractions.pickle").is_file():
            raise FileNotFoundError(folder / "extractions.pickle")
    except (OSError, ValueError, pickle.UnpicklingError, EOFError):
        raise KgError("no previous build to update here (run `kg build` without --update first)",
                      str(out_dir)) from None
    if manifest.get("fingerprint") != fingerprint(config):
        raise KgError("the previous build was made with other vocabularies, settings or version; "
                      "run a full `kg build` (without --update)", str(out_dir))
    return _patched(folder / "extractions.pickle", patches)


def _patched(path: Path, patches: Mapping[str, Paper]) -> Iterator[Extraction]:
    for ex in read_spool_file(path):
        paper = apply_patch(ex.paper, patches)
        yield ex if paper is ex.paper else Extraction(paper, ex.mentions, ex.sentences, ex.evaluations, ex.results)


def _read_patches(path: Path) -> dict[str, Paper]:
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:  # a cache from before patches were kept held merged papers
        return {}


class UpdateCorpus(Corpus):
    """A corpus whose first papers are those of a previous build (already extracted).

    The previous build's papers stream from its cache; as each is read, its extraction waits
    in :attr:`prior` for :func:`with_prior` to take it.

    Parameters
    ----------
    cached : iterable of Extraction
        The previous build's extractions (:func:`read_cache`).
    paths, reader, encoding
        The new input, as for :class:`~kg.read.Corpus`.
    """

    def __init__(self, cached: Iterable[Extraction], paths, reader=None, encoding=None, reextract: bool = False):
        super().__init__(paths, reader=reader, encoding=encoding)
        self._cached = cached
        self.reextract = reextract  #: the previous build's papers are extracted again (its curation changed)
        self.prior: deque[Extraction] = deque()

    def _items(self) -> Iterator[Paper | Problem]:
        for ex in self._cached:
            if not self.reextract:
                self.prior.append(ex)
            yield ex.paper
        yield from super()._items()


def with_prior(prior: deque[Extraction], papers: Iterable[Paper], extract) -> Iterator[Extraction]:
    """The cached extraction of each paper whose extraction waits in ``prior`` (the previous
    build's papers, which an :class:`UpdateCorpus` yields first and never drops), then
    ``extract`` over the rest of ``papers``.

    Raises
    ------
    RuntimeError
        If a paper is not the one whose extraction waits first (the corpus dropped one).
    """
    it = iter(papers)
    for paper in it:
        if not prior:
            yield from extract(chain((paper,), it))
            return
        ex = prior.popleft()
        if ex.paper.id != paper.id:
            raise RuntimeError(f"cached extraction of {ex.paper.id} met paper {paper.id}")
        yield Extraction(paper, ex.mentions, ex.sentences, ex.evaluations, ex.results)
