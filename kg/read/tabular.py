"""Reader for CSV (and TSV) tables with a header row naming ``title`` and ``abstract`` columns."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from kg.config import MAX_TEXT_CHARS
from kg.errors import InputError, path_text
from kg.model import Paper, Problem, Source
from kg.read.fields import ALIASES, RecordError, record_to_paper, shown
from kg.read.textio import LongLine, TextFile, text_lines

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

#: After this many rows with a quote left open to the end of the file (or past
#: MAX_TEXT_CHARS), the rest of the file is reported as one skipped block instead of being
#: parsed again (bounds the work on a file full of stray quotes).
MAX_REPARSES = 100


class _RowTooLong(Exception):
    """The row being parsed holds a line too long to read, or runs over several lines past
    MAX_TEXT_CHARS (a stray quote swallowing the rows after it)."""


class _Lines:
    """A line iterator for csv.reader that remembers the lines of the row being parsed, and
    stops a row that grows past MAX_TEXT_CHARS over several lines (memory stays bounded)."""

    def __init__(self, lines):
        self._it = iter(lines)
        self.row: list[str | LongLine] = []
        self._chars = 0
        self.exhausted = False

    def __iter__(self):
        return self

    def new_row(self) -> None:
        self.row = []
        self._chars = 0

    def rest(self):
        """The lines not read yet."""
        return self._it

    def __next__(self) -> str:
        try:
            line = next(self._it)
        except StopIteration:
            self.exhausted = True
            raise
        self.row.append(line)
        if isinstance(line, LongLine):
            raise _RowTooLong
        self._chars += len(line)
        if self._chars > MAX_TEXT_CHARS and len(self.row) > 1:
            raise _RowTooLong
        return line


def _open_quote(lines: list[str], delimiter: str) -> bool:
    """True if the row made of ``lines`` ends inside a quoted field (its quote never closes)."""
    try:
        for _ in csv.reader(iter(lines), delimiter=delimiter, strict=True):
            pass
    except csv.Error as e:
        return "unexpected end of data" in str(e)
    return False


def read(path: Path | TextFile, encoding: str | None = None) -> Iterator[Paper | Problem]:
    """Yield a Paper per good row and a Problem per bad one.

    A row whose quoted field is never closed would swallow the rest of the file as one
    field; it is reported as a Problem and the lines after its first line are read again,
    so the records after it are not lost. So is a row that runs over several lines past
    MAX_TEXT_CHARS (a stray quote that a later one closes). A line too long to read is a
    Problem of its own.

    Raises
    ------
    InputError
        If the table has no header or no abstract column (nothing could be read), or the
        file cannot be decoded or decompressed.
    """
    p = path_text(path)
    lines = text_lines(path, encoding)
    try:
        first_line = next(lines)
    except StopIteration:
        raise InputError("empty file", p) from None
    if isinstance(first_line, LongLine):
        raise InputError(f"bad CSV header: {first_line.problem()}", p, 1)
    tabs = Path(p).suffix.lower() in (".tsv", ".tab") or first_line.count("\t") > first_line.count(",")
    delimiter = "\t" if tabs else ","
    source = _Lines(chain([first_line], lines))
    reader = csv.reader(source, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("empty file", p) from None
    except csv.Error as e:
        raise InputError(f"bad CSV header: {e}", p, 1) from None
    except _RowTooLong:
        raise InputError(f"bad CSV header: runs past {MAX_TEXT_CHARS:,} characters (a quote never closed?)",
                         p, 1) from None
    names = [h.strip().lower() for h in header]
    if not any(a in names for a in ALIASES["abstract"]):
        raise InputError(
            f"CSV has no abstract column (expected one of {', '.join(ALIASES['abstract'])}; "
            f"found {', '.join(shown(n, 30) for n in names[:10]) or 'none'}"
            f"{', ...' if len(names) > 10 else ''})", p, 1)
    reparses = 0
    offset = 0  # file line number = offset + lines the current reader consumed
    while True:
        line = offset + reader.line_num + 1
        source.new_row()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            yield Problem(Source(p, line), f"bad CSV row ({e}); skipped")
            continue
        except _RowTooLong:
            if len(source.row) == 1:  # a line too long to read, on its own
                yield Problem(Source(p, line), source.row[0].problem())
                offset += 1  # the reader did not count it
                continue
            end = line + len(source.row) - 1
            if reparses >= MAX_REPARSES:
                yield Problem(Source(p, line), f"row runs past {MAX_TEXT_CHARS:,} characters (lines {line}-{end}); "
                                               "rest of the file skipped")
                break
            reparses += 1
            yield Problem(Source(p, line), f"row runs past {MAX_TEXT_CHARS:,} characters over lines {line}-{end} "
                                           f"(a quote never closed?); lines {line + 1}-{end} read again as rows; "
                                           "skipped")
            source = _Lines(chain(source.row[1:], source.rest()))
            offset = line
            reader = csv.reader(source, delimiter=delimiter)
            continue
        if source.exhausted and len(source.row) > 1 and _open_quote(source.row, delimiter):
            # A quote opened on `line` never closed: the row swallowed the rest of the file.
            end = line + len(source.row) - 1
            if reparses >= MAX_REPARSES:
                yield Problem(Source(p, line), f"quoted field never closed (lines {line}-{end}); "
                                               "rest of the file skipped")
                break
            reparses += 1
            yield Problem(Source(p, line), f"quoted field never closed (lines {line + 1}-{end} read "
                                           "again as rows); skipped")
            source = _Lines(source.row[1:])
            offset = line  # the next row starts at file line `line + 1`
            reader = csv.reader(source, delimiter=delimiter)
            continue
        if not any(c.strip() for c in row):
            continue
        src = Source(p, line)
        if len(row) != len(names):
            yield Problem(src, f"row has {len(row)} fields, header has {len(names)}; skipped")
            continue
        try:
            yield record_to_paper(dict(zip(names, row)), src)
        except RecordError as e:
            yield Problem(src, f"{e}; skipped")
