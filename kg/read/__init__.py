"""Read stage: files in, :class:`~kg.model.Paper` records out.

One module per input format, each a generator of ``Paper | Problem``:

================  =====================================================================
``daily-papers``  Daily Papers listing pages as text (:mod:`kg.read.daily_papers`)
``jsonl``         JSON Lines with title, abstract and optional metadata (:mod:`kg.read.jsonl`)
``csv``           CSV/TSV with a header row (:mod:`kg.read.tabular`)
``arxiv``         arXiv metadata snapshot, JSON Lines with arXiv ids (:mod:`kg.read.jsonl`)
================  =====================================================================

Any of them may be gzip- or bz2-compressed. :func:`read_papers` picks the reader per file,
merges duplicates and gives each paper a stable id.
"""

from __future__ import annotations

import functools
import json
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from kg.config import MAX_TEXT_CHARS, PROBLEMS_LISTED
from kg.errors import InputError, path_text
from kg.model import Paper, Problem, ReadReport, Source
from kg.read import daily_papers, jsonl, tabular
from kg.read.dedupe import Deduplicator
from kg.read.fields import arxiv_id
from kg.read.textio import TextFile, opened

#: A reader takes a file (a path, or a :class:`~kg.read.textio.TextFile` already open) and an
#: encoding, and yields a Paper per good record and a Problem per bad one.
Reader = Callable[["Path | TextFile", "str | None"], Iterator["Paper | Problem"]]

READERS: dict[str, Reader] = {
    "daily-papers": daily_papers.read,
    "jsonl": jsonl.read,
    "csv": tabular.read,
    "arxiv": jsonl.read_arxiv,
}

_COMPRESSED = (".gz", ".bz2")
_BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "csv",
              ".txt": None}


def _stem_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in _COMPRESSED:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def looks_like_arxiv(record: object) -> bool:
    """Whether a JSON record is one of the arXiv metadata snapshot: an abstract, the snapshot's
    ``categories`` or ``update_date``, and an id that is an arXiv id (a file of DOIs with the
    same field names is generic JSON Lines)."""
    return isinstance(record, dict) and "abstract" in record and ("categories" in record or "update_date" in record) \
        and isinstance(record.get("id"), str) and arxiv_id(record["id"]) is not None


def detect_reader(source: Path | TextFile, encoding: str | None = None) -> str:
    """Choose a reader from the file's extension, then its first lines.

    Parameters
    ----------
    source : Path or TextFile
        A file, or one already open (its first lines are buffered for this and read again
        by the reader).
    encoding : str, optional
        Force an encoding (when ``source`` is a path).

    Raises
    ------
    InputError
        If the file is missing, empty, or matches no known format.
    """
    with opened(source, encoding) as f:
        head_lines, path = f.head_lines, f.path
    texts = [line for line in head_lines if isinstance(line, str)]
    head = "".join(texts)
    if not head.strip() and len(texts) == len(head_lines):
        raise InputError("empty file", path_text(path))
    suffix = _stem_suffix(path)
    first = next((line for line in head_lines if not isinstance(line, str) or line.strip()), "")
    first = first.strip() if isinstance(first, str) else ""
    if first.startswith("{") or suffix in (".jsonl", ".ndjson", ".json"):
        try:
            obj = json.loads(first)
        except (ValueError, RecursionError):  # malformed, an over-long integer, nested too deeply
            obj = None
        return "arxiv" if looks_like_arxiv(obj) else "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if daily_papers.looks_like_listing(head):
        return "daily-papers"
    low = first.lower()
    if ("abstract" in low or "summary" in low) and ("," in first or "\t" in first):
        return "csv"
    raise InputError(
        "unknown input format (expected a Daily Papers page, JSON Lines, CSV or the arXiv "
        "snapshot; use --reader to name one)", path_text(path))


def expand_paths(paths: Iterable[Path], errors: list[InputError] | None = None,
                 names: dict[Path, str] | None = None) -> list[Path]:
    """Files named, and the files inside folders named (recursively, sorted, hidden and
    documentation files skipped).

    Parameters
    ----------
    paths : iterable of Path
    errors : list, optional
        Receives an InputError for each path that does not exist, each folder that holds no
        input file, and each entry of a folder that is not a regular file (a FIFO, a socket,
        a broken link, a link to a folder), instead of raising.
    names : dict, optional
        Receives each file's name for its papers' sources (:func:`source_name`; messages
        name files as the paths given).

    Raises
    ------
    InputError
        Without ``errors``, for the first such path.
    """
    out: list[Path] = []
    problems: list[InputError] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = []
            for f in sorted(p.rglob("*")):
                if any(part.startswith(".") for part in f.relative_to(p).parts) \
                        or _stem_suffix(f) in (".md", ".rst", ".html", ".py") or (f.is_dir() and not f.is_symlink()):
                    continue
                if f.is_file():
                    found.append(f)
                elif f.is_dir():  # not followed (it could loop): name it to read it
                    problems.append(InputError("a link to a folder, not followed", path_text(f)))
                else:  # read only when named: a FIFO in a folder could block the build
                    problems.append(InputError("a broken link" if f.is_symlink() and not f.exists() else
                                               "not a regular file (a FIFO, socket or device)", path_text(f)))
            if not found:
                problems.append(InputError("folder holds no input files", path_text(p)))
            out.extend(found)
            if names is not None:
                names.update((f, source_name(f, p)) for f in found)
        elif p.exists():
            out.append(p)
            if names is not None:
                names[p] = source_name(p, p)
        else:
            problems.append(InputError("no such file or folder", path_text(p)))
    if problems and errors is None:
        raise problems[0]
    if errors is not None:
        errors.extend(problems)
    return out


def source_name(path: Path, given: Path) -> str:
    """The name a file read for the input ``given`` (the file itself, or a folder holding it)
    has in its papers' sources: relative to the input given, never an absolute path of the
    building machine (exports carry sources). A relative input keeps its path as given
    (``data/a.jsonl``); an absolute one keeps its last part: a file its name (``a.jsonl``), a
    folder its name and the path inside it (``daily-papers/000.txt``). Pipes and devices
    (``/dev/stdin``, ``/dev/fd/63``) keep their path.
    """
    path, given = Path(path), Path(given)
    if not path.is_absolute() or str(path).startswith(("/dev/", "/proc/")):
        return path_text(path)
    if path == given:
        return path_text(path.name or path)
    try:
        return path_text(Path(given.name) / path.relative_to(given))
    except ValueError:
        return path_text(path.name)


def read_papers(paths: Iterable[Path], reader: str | None = None, encoding: str | None = None,
                report: ReadReport | None = None) -> Iterator[Paper]:
    """Stream unique papers from files and folders.

    Each paper is yielded once the whole input is read, with its duplicates (same id,
    title or abstract) merged in; use :class:`Corpus` to start work at each paper's first
    occurrence instead.

    Parameters
    ----------
    paths : iterable of Path
        Files or folders.
    reader : str, optional
        Force a reader by name (see READERS); by default detected per file.
    encoding : str, optional
        Force an encoding.
    report : ReadReport, optional
        Filled in with counts and the problems of skipped records and files.

    Raises
    ------
    InputError
        When no input could be read at all (missing, empty, unreadable): a bad *record*, or
        a bad file beside a readable one, is reported, not raised.
    """
    corpus = Corpus(paths, reader=reader, encoding=encoding)
    papers = list(corpus)
    if not corpus.files_read:
        raise corpus.unreadable()
    for paper in papers:
        yield corpus.finalize(paper)
    if report is not None:
        corpus.fill(report)


class Corpus:
    """The papers of a set of input files, read lazily, deduplicated and reported.

    Iterating yields each unique paper at its first occurrence; :meth:`finalize` merges in
    duplicates seen later (call it once the iteration is over). A record that cannot be read,
    and a file or folder that cannot be read at all, is reported and skipped: :attr:`skipped`
    counts them, :attr:`problems` lists the first :data:`~kg.config.PROBLEMS_LISTED`.
    :meth:`unreadable` says why nothing was read when no record was.
    """

    def __init__(self, paths: Iterable[Path], reader: str | None = None, encoding: str | None = None):
        if reader is not None and reader not in READERS:
            raise InputError(f"unknown reader {reader!r} (choose from {', '.join(READERS)})")
        self._path_errors: list[InputError] = []
        self.names: dict[Path, str] = {}  #: each file's name in sources (:func:`source_name`)
        self.files = expand_paths(paths, self._path_errors, self.names)
        self._done_bytes = 0  # sizes of the files read to their end
        self._current: TextFile | None = None
        self.reader = reader
        self.encoding = encoding
        self.problems: list[Problem] = []
        self.skipped = 0  #: records and files skipped
        self.records = 0  #: records read from the input files (duplicates included)
        self.files_read = 0  #: input files read to their end, or up to a record (good or bad) at least
        self._first_error: InputError | None = None  # raised as it is when it is all there is
        self._failed = 0  # paths and files that could not be read (at all, or to their end)
        self._dedupe = Deduplicator()
        self.papers = 0

    def _failure(self, e: InputError, path: Path | str, rest: bool = False) -> Problem:
        self._failed += 1
        self._first_error = self._first_error or e
        return Problem(Source(e.path or path_text(path), e.line or 0),
                       f"{e.message}; {'rest of the file skipped' if rest else 'skipped'}")

    def _items(self) -> Iterator[Paper | Problem]:
        for e in self._path_errors:
            yield self._failure(e, e.path or "")
        for path in self.files:
            read = 0
            try:
                with TextFile(path, self.encoding) as f:
                    self._current = f
                    name = self.reader or detect_reader(f)
                    source = self.names.get(path, str(f))
                    for item in READERS[name](f, self.encoding):
                        read += 1
                        if isinstance(item, Paper):
                            if len(item.text) > MAX_TEXT_CHARS:
                                item = Problem(item.sources[0], f"text of {len(item.text):,} characters, longer than "
                                                                f"the {MAX_TEXT_CHARS:,} a paper may have; skipped")
                            else:
                                self.records += 1
                                if source != str(f):  # (messages name the file as given, sources as in names)
                                    item = replace(item, sources=tuple(Source(source, s.line) for s in item.sources))
                        yield item
                self.files_read += 1
            except InputError as e:
                self.files_read += read > 0  # read up to a record at least
                yield self._failure(e, path, rest=read > 0)
            finally:
                self._current = None
                self._done_bytes += self._sizes.get(path, 0)

    @functools.cached_property
    def _sizes(self) -> dict[Path, int]:
        out = {}
        for f in self.files:
            try:
                st = f.stat()
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                out[f] = st.st_size
        return out

    @property
    def bytes_total(self) -> int | None:
        """The size of the input files together, or None when one is no regular file (a pipe)."""
        return sum(self._sizes.values()) if len(self._sizes) == len(self.files) else None

    @property
    def bytes_read(self) -> int:
        """Bytes of the input files read so far (for a progress bar's total and ETA)."""
        f = self._current
        pos = f.position() if f is not None else None
        return self._done_bytes + (pos or 0)

    def __iter__(self) -> Iterator[Paper]:
        for item in self._dedupe.unique(self._items()):
            if isinstance(item, Problem):
                self.skipped += 1
                if len(self.problems) < PROBLEMS_LISTED:
                    self.problems.append(item)
            else:
                self.papers += 1
                yield item

    def unreadable(self) -> InputError:
        """Why no record could be read (call it once the iteration is over): the one input's
        own error when there was a single input, else a count of what was skipped and the first
        of it."""
        if self._first_error is not None and self._failed == self.skipped == 1:
            return self._first_error
        if not self.skipped:
            return InputError("no records in the input")
        first = "the first: " if self.skipped > 1 else ""
        return InputError(f"nothing could be read: {self.skipped:,} skipped ({first}{self.problems[0]})")

    def finalize(self, paper: Paper) -> Paper:
        return self._dedupe.finalize(paper)

    @property
    def patches(self) -> Mapping[str, Paper]:
        """What :meth:`finalize` merges into papers, by paper id (duplicates folded together)."""
        return self._dedupe.patches

    def fill(self, report: ReadReport) -> ReadReport:
        report.entries = self._dedupe.entries
        report.papers = self.papers
        report.duplicates = self._dedupe.duplicates
        report.untitled = self._dedupe.untitled
        report.problems = list(self.problems)
        report.skipped = self.skipped
        return report
