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

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from kg.errors import InputError
from kg.model import Paper, Problem, ReadReport
from kg.read import daily_papers, jsonl, tabular
from kg.read.dedupe import Deduplicator
from kg.read.textio import READ_ERRORS, open_text, read_error

Reader = Callable[[Path, "str | None"], Iterator["Paper | Problem"]]

READERS: dict[str, Reader] = {
    "daily-papers": daily_papers.read,
    "jsonl": jsonl.read,
    "csv": tabular.read,
    "arxiv": jsonl.read_arxiv,
}

_COMPRESSED = (".gz", ".bz2")
#: detect_reader reads at most this much of the first line to recognize the arXiv snapshot.
FIRST_LINE_MAX_CHARS = 64 * 1024 * 1024
_BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "csv",
              ".txt": None}


def _stem_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in _COMPRESSED:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def detect_reader(path: Path, encoding: str | None = None) -> str:
    """Choose a reader from the file's extension, then its first lines.

    Raises
    ------
    InputError
        If the file is missing, empty, or matches no known format.
    """
    try:
        with open_text(path, encoding) as f:
            head = f.read(8192)
            first = head.lstrip().split("\n", 1)[0]
            if "\n" not in head.lstrip() and len(head) == 8192:
                # The first record is longer than the head (a long abstract): read all of it,
                # or an arXiv snapshot would not be recognized as one.
                first += f.readline(FIRST_LINE_MAX_CHARS)
    except READ_ERRORS as e:
        raise read_error(e, path) from None
    if not head.strip():
        raise InputError("empty file", str(path))
    suffix = _stem_suffix(path)
    first = first.rstrip("\r\n")
    if first.startswith("{") or suffix in (".jsonl", ".ndjson", ".json"):
        try:
            obj = json.loads(first)
        except (ValueError, RecursionError):  # malformed, an over-long integer, nested too deeply
            obj = None
        if isinstance(obj, dict) and "id" in obj and ("categories" in obj or "update_date" in obj) \
                and "abstract" in obj:
            return "arxiv"
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if daily_papers.looks_like_listing(head):
        return "daily-papers"
    low = first.lower()
    if ("abstract" in low or "summary" in low) and ("," in first or "\t" in first):
        return "csv"
    raise InputError(
        "unknown input format (expected a Daily Papers page, JSON Lines, CSV or the arXiv "
        "snapshot; use --reader to name one)", str(path))


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the files inside folders named (recursively, sorted, hidden and
    documentation files skipped).

    Raises
    ------
    InputError
        If a path does not exist, or a folder holds no input file.
    """
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and _stem_suffix(f) not in (".md", ".rst", ".html", ".py")
            )
            if not found:
                raise InputError("folder holds no input files", str(p))
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise InputError("no such file or folder", str(p))
    return out


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
        Filled in with counts and the problems of skipped records.

    Raises
    ------
    InputError
        For a missing, empty or unreadable file; a bad *record* is reported, not raised.
    """
    corpus = Corpus(paths, reader=reader, encoding=encoding)
    papers = list(corpus)
    for paper in papers:
        yield corpus.finalize(paper)
    if report is not None:
        corpus.fill(report)


class Corpus:
    """The papers of a set of input files, read lazily, deduplicated and reported.

    Iterating yields each unique paper at its first occurrence; :meth:`finalize` merges in
    duplicates seen later (call it once the iteration is over) and :attr:`problems` lists
    the records that were skipped.
    """

    def __init__(self, paths: Iterable[Path], reader: str | None = None, encoding: str | None = None):
        if reader is not None and reader not in READERS:
            raise InputError(f"unknown reader {reader!r} (choose from {', '.join(READERS)})")
        self.files = expand_paths(paths)
        self.reader = reader
        self.encoding = encoding
        self.problems: list[Problem] = []
        self._dedupe = Deduplicator()
        self.papers = 0

    def _items(self) -> Iterator[Paper | Problem]:
        for path in self.files:
            name = self.reader or detect_reader(path, self.encoding)
            yield from READERS[name](path, self.encoding)

    def __iter__(self) -> Iterator[Paper]:
        for item in self._dedupe.unique(self._items()):
            if isinstance(item, Problem):
                self.problems.append(item)
            else:
                self.papers += 1
                yield item

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
        return report
