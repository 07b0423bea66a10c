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

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.config import MAX_TEXT_CHARS
from kg.errors import path_text
from kg.model import Paper, Problem, Source
from kg.read.fields import parse_date, shown, valid_text
from kg.read.textio import LongLine, TextFile, numbered_lines

#: A block at least this long is an abstract; titles in real listings stay under ~250.
ABSTRACT_MIN_CHARS = 300
TITLE_MAX_CHARS = 300
#: The page header ("Daily Papers", "byAK and the research community", the page date) is
#: looked for in this many first blocks (real pages have it in the first ten).
HEADER_MAX_BLOCKS = 20

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


def _blocks(lines: Iterable[tuple[int, str | LongLine]], path: str) -> Iterator[tuple[int, list[str]] | Problem]:
    """Group non-blank lines into blocks separated by blank lines; yield (first line no, lines).

    A block longer than MAX_TEXT_CHARS, or holding a line too long to read, is yielded as a
    Problem instead and the rest of it read past (memory stays bounded).
    """
    cur: list[str] = []
    start = size = 0
    skipping: Problem | None = None
    for n, line in lines:
        if isinstance(line, str) and not line.strip():
            if skipping is not None:
                yield skipping
            elif cur:
                yield start, cur
            cur, size, skipping = [], 0, None
            continue
        if skipping is not None:
            continue
        if not cur:
            start = n
        if isinstance(line, LongLine):
            skipping = Problem(Source(path, n), line.problem())
            continue
        cur.append(line.strip())
        size += len(line)
        if size > MAX_TEXT_CHARS:
            skipping = Problem(Source(path, start), f"text block longer than the {MAX_TEXT_CHARS:,} characters a "
                                                    "paper may have; skipped")
    if skipping is not None:
        yield skipping
    elif cur:
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
    blocks = _blocks(lines, path)
    # Skip the page header: everything up to the date line after the "byAK" line, looked for
    # in the first blocks only (the page streams: memory stays bounded however long it is).
    first = list(itertools.islice(blocks, HEADER_MAX_BLOCKS + 1))
    start = 0
    for i, b in enumerate(first):
        if not isinstance(b, Problem) and any(l.startswith("byAK and the research community") for l in b[1]):
            start = i + 1
            if start < len(first) and not isinstance(first[start], Problem) and len(first[start][1]) == 1 \
                    and _DATE.match(first[start][1][0]):
                start += 1
            break
    yield from (b for b in first[:start] if isinstance(b, Problem))
    pending_title: tuple[int, str] | None = None
    current: dict | None = None

    def flush() -> Iterator[Paper]:
        nonlocal current
        if current is not None:
            yield Paper(id="", **current)
            current = None

    skipped_entry = False  # an abstract too long was skipped: its footer goes with it
    for item in itertools.chain(first[start:], blocks):
        if isinstance(item, Problem):  # a block too long: the abstract of an entry, skipped whole
            yield from flush()
            if pending_title is not None:
                item = Problem(Source(path, pending_title[0]), item.message)
                pending_title = None
            yield item
            skipped_entry = True
            continue
        n, block = item
        if _is_footer(block):
            if current is None and skipped_entry:
                skipped_entry = False
                continue
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
        skipped_entry = False
        text = valid_text(_WS.sub(" ", " ".join(block)))  # as kg.read.fields.clean makes it
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


def read(path: Path | TextFile, encoding: str | None = None) -> Iterator[Paper | Problem]:
    """Read one listing page (plain, gzip or bz2)."""
    yield from parse_listing(numbered_lines(path, encoding), path_text(path))
