"""Reader for CSV (and TSV) tables with a header row naming ``title`` and ``abstract`` columns."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Paper, Problem, Source
from kg.read.fields import ALIASES, RecordError, record_to_paper
from kg.read.textio import open_text

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read(path: Path, encoding: str | None = None) -> Iterator[Paper | Problem]:
    """Yield a Paper per good row and a Problem per bad one.

    Raises
    ------
    InputError
        If the table has no header or no abstract column (nothing could be read).
    """
    p = str(path)
    with open_text(path, encoding) as f:
        first_line = f.readline()
    tabs = path.suffix.lower() in (".tsv", ".tab") or first_line.count("\t") > first_line.count(",")
    delimiter = "\t" if tabs else ","
    with open_text(path, encoding) as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError("empty file", p) from None
        except csv.Error as e:
            raise InputError(f"bad CSV header: {e}", p, 1) from None
        names = [h.strip().lower() for h in header]
        if not any(a in names for a in ALIASES["abstract"]):
            raise InputError(
                f"CSV has no abstract column (expected one of {', '.join(ALIASES['abstract'])}; "
                f"found {', '.join(names) or 'none'})", p, 1)
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                yield Problem(Source(p, line), f"bad CSV row ({e}); skipped")
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
