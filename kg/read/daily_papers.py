"""Reader for Daily Papers listing pages saved as text.

A page has a short header (ending at the page date after "byAK and the research
community"), then entries separated by blank lines::

    <title>                  optional: some entries have none
    <abstract>               one long line
      • 5 authors            optional footer: author count and/or an organisation line,
    ·                        a middle dot,
    Jun 29, 2024             and a date, with or without a year, maybe an upvote count ("Oct 15 2")

The pure parser :func:`parse_listing` works on numbered lines; :func:`read` wraps it for a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.model import Paper, Problem, Source
from kg.read.fields import parse_date, shown
from kg.read.textio import numbered_lines

#: A block at least this long is an abstract; titles in real listings stay under ~250.
ABSTRACT_MIN_CHARS = 300
TITLE_MAX_CHARS = 300

_DATE = re.compile(
    r"^(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:, ?\d{4})?)"
    r"(?: (?P<upvotes>[0-9]{1,9}))?$"
)
#: Counts are ASCII digits and bounded (int() refuses strings of more than 4300 digits).
_AUTHORS = re.compile(r"^[•\-*]?\s*([0-9]{1,9}) authors?$")
_DOT = "·"
_WS = re.compile(r"\s+")


def looks_like_listing(head: str) -> bool:
    """True if the text looks like a Daily Papers page (used to pick the reader)."""
    return "byAK and the research community" in head or bool(
        re.search(r"^\s*•\s*\d+ authors?\s*$", head, re.M)
    ) or bool(re.search(r"^\s*·\s*$", head, re.M))


def _blocks(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, list[str]]]:
    """Group non-blank lines into blocks separated by blank lines; yield (first line no, lines)."""
    cur: list[str] = []
    start = 0
    for n, line in lines:
        if line.strip():
            if not cur:
                start = n
            cur.append(line.strip())
        elif cur:
            yield start, cur
            cur = []
    if cur:
        yield start, cur


def _is_footer(block: list[str]) -> bool:
    return any(l == _DOT or _AUTHORS.match(l) for l in block) or (
        len(block) == 1 and bool(_DATE.match(block[0]))
    )


def parse_listing(lines: Iterable[tuple[int, str]], path: str) -> Iterator[Paper | Problem]:
    """Parse a listing page into papers (ids left empty; see kg.read.dedupe).

    Parameters
    ----------
    lines : iterable of (int, str)
        Numbered lines of the page.
    path : str
        The file name recorded in each paper's source.

    Yields
    ------
    Paper or Problem
        A paper per abstract; a Problem for text that is neither title, abstract nor footer.
    """
    blocks = list(_blocks(lines))
    # Skip the page header: everything up to the date line after the "byAK" line.
    start = 0
    for i, (_, b) in enumerate(blocks):
        if any(l.startswith("byAK and the research community") for l in b):
            start = i + 1
            if start < len(blocks) and len(blocks[start][1]) == 1 and _DATE.match(blocks[start][1][0]):
                start += 1
            break
    pending_title: tuple[int, str] | None = None
    current: dict | None = None

    def flush() -> Iterator[Paper]:
        nonlocal current
        if current is not None:
            yield Paper(id="", **current)
            current = None

    for n, block in blocks[start:]:
        if _is_footer(block):
            if current is None:
                yield Problem(Source(path, n), "footer (authors/date) with no abstract before it; skipped")
                continue
            for line in block:
                if m := _AUTHORS.match(line):
                    current["author_count"] = int(m[1])
                elif m := _DATE.match(line):
                    current["date_text"] = m["date"]
                    current["date"] = parse_date(m["date"])
                    current["upvotes"] = int(m["upvotes"]) if m["upvotes"] else None
            yield from flush()
            continue
        text = _WS.sub(" ", " ".join(block))  # whitespace collapsed, as kg.read.fields.clean does
        if len(text) >= ABSTRACT_MIN_CHARS or (pending_title is not None and len(text) > len(pending_title[1])
                                               and text[-1:] in ".!?)"):
            yield from flush()
            src_line = pending_title[0] if pending_title else n
            current = {
                "title": pending_title[1] if pending_title else None,
                "abstract": text,
                "sources": (Source(path, src_line),),
            }
            pending_title = None
        else:
            yield from flush()
            if pending_title is not None:
                yield Problem(Source(path, pending_title[0]),
                              f"title with no abstract: {shown(pending_title[1])}; skipped")
            if len(text) > TITLE_MAX_CHARS:
                yield Problem(Source(path, n), "text block too long for a title, too short for an abstract; skipped")
                pending_title = None
            else:
                pending_title = (n, text)
    yield from flush()
    if pending_title is not None:
        yield Problem(Source(path, pending_title[0]), f"title with no abstract: {shown(pending_title[1])}; skipped")


def read(path: Path, encoding: str | None = None) -> Iterator[Paper | Problem]:
    """Read one listing page (plain, gzip or bz2)."""
    yield from parse_listing(numbered_lines(path, encoding), str(path))
