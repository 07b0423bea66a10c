"""Reader for JSON Lines: one object per line with ``title``, ``abstract`` and optional metadata.

The arXiv metadata snapshot (``id``, ``title``, ``abstract``, ``authors``, ``categories``,
``update_date``) is the same layout with arXiv ids; :func:`read_arxiv` reads it (a record
whose id is not an arXiv id is read as generic JSON Lines would read it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.errors import path_text
from kg.model import Paper, Problem, Source
from kg.read.fields import RecordError, record_to_paper
from kg.read.textio import LongLine, TextFile, numbered_lines


def read(path: Path | TextFile, encoding: str | None = None, arxiv: bool = False) -> Iterator[Paper | Problem]:
    """Yield a Paper per good line and a Problem (file, line, reason) per bad one."""
    p = path_text(path)
    for n, line in numbered_lines(path, encoding):
        src = Source(p, n)
        if isinstance(line, LongLine):
            yield Problem(src, line.problem())
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Problem(src, f"malformed JSON ({e.msg} at column {e.colno}); skipped")
            continue
        except ValueError:  # an integer longer than sys.get_int_max_str_digits() digits
            yield Problem(src, "malformed JSON (a number too long to read); skipped")
            continue
        except RecursionError:
            yield Problem(src, "JSON nested too deeply; skipped")
            continue
        try:
            yield record_to_paper(obj, src, arxiv=arxiv)
        except RecordError as e:
            yield Problem(src, f"{e}; skipped")


def read_arxiv(path: Path | TextFile, encoding: str | None = None) -> Iterator[Paper | Problem]:
    """Read the arXiv metadata snapshot format (JSON Lines with arXiv ids)."""
    return read(path, encoding, arxiv=True)
