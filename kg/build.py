"""`kg build`: read -> extract -> assemble -> export, with per-stage timings.

A build holds the output folder's lock (:mod:`kg.lock`: a second build into the same folder
stops at once and names the first). It keeps its work files (the spool of extractions) in a
staging folder inside the output folder, exports into a version folder of its own and
switches the output folder to it in one step (:mod:`kg.staging`), so an interrupted build
leaves the previous outputs intact and a reader never sees half of one build and half of
another. When no record at all could be read, nothing is written.
"""

from __future__ import annotations

import contextlib
import shutil
import stat
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.assemble import KnowledgeGraph, assemble
from kg.assemble.merge import Spool
from kg.cache import CACHE_DIR, UpdateCorpus, read_cache, read_manifest, sink_cache, with_prior
from kg.config import DEFAULT_FORMATS, EXPORT_FORMATS, BuildConfig, CurationConfig, sample_corpus_dir
from kg.curation import Curation, fingerprint, load_curation, recorded
from kg.errors import InputError, KgError, path_text
from kg.export import OUTPUT_NAMES, Bundle, export
from kg.extract import extract_parallel
from kg.gctune import bulk_gc
from kg.lock import locked
from kg.model import ReadReport
from kg.progress import progress, progress_bytes
from kg.read import Corpus
from kg.staging import current_version, make_staging, new_version, publish, recover


#: Every name a build writes in its output folder (an older folder's plain files by these names
#: are its previous build, see :func:`kg.staging.publish`).
_OUTPUTS = (CACHE_DIR, *(name for names in OUTPUT_NAMES.values() for name in names))


@dataclass
class BuildResult:
    """What a build did: counts, problems, written files and stage timings (seconds)."""

    report: ReadReport
    kg: KnowledgeGraph
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    curation: Curation | None = None  #: the stop lists and merges applied (kg.curation)


@contextlib.contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    t = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t


def build(config: BuildConfig) -> BuildResult:
    """Run the whole pipeline (with the garbage collector tuned for it, see :mod:`kg.gctune`).

    Raises
    ------
    KgError
        For unusable input (missing, empty, unknown format) or output (not writable).
    """
    with bulk_gc():
        return _build(config)


def _build(config: BuildConfig) -> BuildResult:
    timings: dict[str, float] = {}
    config = with_curation(config, config.curation)
    inputs = config.inputs or (sample_corpus_dir(),)
    out_dir = Path(config.out_dir)
    with contextlib.ExitStack() as stack:
        with _timed(timings, "start-up"):
            try:  # fail on an unwritable output folder, or one in use, before any work is done
                out_dir.mkdir(parents=True, exist_ok=True)
                stack.enter_context(locked(out_dir))
                recover(out_dir)
                staging = make_staging(out_dir)
            except OSError as e:
                raise KgError(f"cannot write the output folder: {e.strerror or e}", str(out_dir)) from None
            stack.callback(shutil.rmtree, staging, ignore_errors=True)
            reextract = False
            formats = config.formats
            if formats is None:
                formats = (previous_formats(out_dir) or DEFAULT_FORMATS) if config.update else DEFAULT_FORMATS
            if config.update:
                manifest = read_manifest(out_dir)
                if not config.curation:  # an update applies the previous build's curation
                    config = with_curation(config, recorded(manifest, out_dir / CACHE_DIR))
                    if config.curation and not config.quiet:
                        print("kg: --update applies the curation of the previous build (recorded in "
                              f"{path_text(out_dir / CACHE_DIR)}/)", file=sys.stderr)
                curation = load_curation(config.curation, config.extract)
                cached = read_cache(out_dir, config.extract)
                before = (manifest.get("curation") or {}).get("fingerprint") or fingerprint(CurationConfig())
                reextract = before != fingerprint(config.curation)
                if reextract and not config.quiet:
                    print(f"kg: the curation files differ from the previous build's: its {manifest.get('papers', 0):,} "
                          "papers are extracted again", file=sys.stderr)
                corpus = UpdateCorpus(cached, config.inputs, reader=config.reader, encoding=config.encoding,
                                      reextract=reextract)
                prior = corpus.prior
            else:
                curation = load_curation(config.curation, config.extract)
                corpus = Corpus(inputs, reader=config.reader, encoding=config.encoding)
                prior = deque()
        return _run(config, formats, corpus, prior, out_dir, staging, timings, curation, reextract)


def with_curation(config: BuildConfig, curation: CurationConfig) -> BuildConfig:
    """``config`` with ``curation`` (its vocabularies also in the extraction settings)."""
    return replace(config, curation=curation, extract=replace(config.extract, extra_vocab=curation.vocab))


def previous_formats(out_dir: Path) -> tuple[str, ...]:
    """The export formats of the build in ``out_dir``: those whose every output is there
    (empty when there is none). `kg build --update` without ``--format`` writes these again,
    so an update of a build made with ``--format all`` keeps its N-Triples, JSON-LD and GEXF."""
    out_dir = Path(out_dir)
    return tuple(f for f in EXPORT_FORMATS if all((out_dir / name).exists() for name in OUTPUT_NAMES[f]))


def _run(config: BuildConfig, formats: tuple[str, ...], corpus: Corpus, prior: deque, out_dir: Path, staging: Path,
         timings: dict[str, float], curation: Curation, reextract: bool = False) -> BuildResult:
    """Read, extract and assemble into ``staging``; export into a new version folder and
    publish it (the build's lock held)."""
    kg = None
    try:
        with _timed(timings, "read+extract+assemble"):
            total = None if isinstance(corpus, UpdateCorpus) else corpus.bytes_total
            if total:  # the input's size is known: a bar of the bytes read, with an ETA
                papers = progress_bytes(corpus, "extract", total, lambda: corpus.bytes_read, unit="paper",
                                        quiet=config.quiet)
            else:
                papers = progress(corpus, "extract", unit="paper", quiet=config.quiet)
            if config.engine == "dask":
                from kg.extract.distributed import extract_dask

                def extractor(rest):
                    return curation.apply_all(extract_dask(rest, config.extract, config.scheduler))
            else:
                jobs = config.jobs if reextract else _jobs_for(corpus.files, config.jobs)

                def extractor(rest):
                    return curation.apply_all(extract_parallel(rest, config.extract, jobs))
            extractions = with_prior(prior, papers, extractor)
            kg = assemble(extractions, finalize=corpus.finalize, spool_dir=staging)
        if not corpus.records and not (config.update and not config.inputs):
            # every input unreadable, every record skipped: keep the previous build (an update with
            # no new input, only another curation, has the previous build's papers)
            e = corpus.unreadable()
            raise InputError(f"{e.message}; nothing built, {path_text(out_dir)} left as it was", e.path, e.line)
        report = corpus.fill(ReadReport())
        bundle = Bundle(kg, config, work_dir=staging)
        result = BuildResult(report, kg, timings=timings, curation=curation)
        spent: dict[str, float] = {}
        version = new_version(out_dir)
        try:
            with _timed(timings, "export"):
                def cache(folder: Path):
                    return sink_cache(folder, config.extract, kg.extractions, corpus.patches, config.curation)

                written = export(bundle, formats, version, extra={"cache": cache}, timings=spent,
                                 quiet=config.quiet, jobs=config.jobs)
                publish(version, out_dir, known=_OUTPUTS)
        except BaseException:
            if current_version(out_dir) != version:  # (a failure after the switch keeps it)
                shutil.rmtree(version, ignore_errors=True)
            raise
        result.outputs = {f: [out_dir / p.relative_to(version) for p in paths] for f, paths in written.items()}
        timings.update((f"export:{f}" if f != "cache" else f, t) for f, t in spent.items())
    except OSError as e:
        raise KgError(f"cannot write outputs: {e.strerror or e}",
                      getattr(e, "filename", None) or str(out_dir)) from None
    finally:
        if kg is not None and isinstance(kg.extractions, Spool) and kg.extractions.on_disk:
            kg.extractions.close()  # its spill file lived in the staging folder
    return result


#: Below this much input a worker pool costs more to start than it saves.
POOL_MIN_BYTES = 2_000_000


def _jobs_for(files: list[Path], jobs: int) -> int:
    try:
        stats = [f.stat() for f in files]
    except OSError:
        return jobs
    if not all(stat.S_ISREG(s.st_mode) for s in stats):  # a pipe: its size is not known
        return jobs
    return jobs if sum(s.st_size for s in stats) >= POOL_MIN_BYTES else 1
