"""Map loosely named record fields (JSON objects, CSV rows) onto a :class:`~kg.model.Paper`.

Shared by the JSON Lines, CSV and arXiv readers so that every format accepts the same
aliases and never invents a value the input does not hold.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any

from kg.model import Paper, Source

#: Accepted column names for each field, first match wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "paper_id", "arxiv_id", "doi", "identifier"),
    "title": ("title",),
    "abstract": ("abstract", "summary"),
    "authors": ("authors", "author", "creators"),
    "date": ("date", "published", "listing_date", "update_date", "published_date", "year"),
    "url": ("url", "link", "pdf_url"),
    "categories": ("categories", "category", "subjects"),
}

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$")
_ARXIV_ID = re.compile(r"^(?:arXiv:)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$", re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")


class RecordError(ValueError):
    """A record that cannot become a paper; the reader reports it with file and line."""


def shown(value: Any, limit: int = 60) -> str:
    """A value quoted for a one-line message: repr (control characters, line breaks and
    bidi marks escaped, so nothing from the data acts on the terminal), at most ``limit``
    characters of it, escapes counted (a NUL is four: ``\\x00``)."""
    s = str(value)
    r = repr(s[:limit])
    if len(r) > limit + 2:
        return r[:limit + 1] + "..."
    return r + ("..." if len(s) > limit else "")


def clean(value: Any) -> str | None:
    """Whitespace-collapsed string, or None for missing/empty/NaN values.

    Lone surrogates (a JSON ``"\\ud800"`` escape) and NUL characters become U+FFFD (see
    :func:`valid_text`). Everything else is kept.
    """
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas-like sources
        return None
    if not isinstance(value, (str, int, float)):
        raise RecordError(f"expected text, got {type(value).__name__}")
    s = " ".join(valid_text(str(value)).split())  # str.split() splits where regex \s+ would
    return s or None


def valid_text(s: str) -> str:
    """``s`` with lone surrogates and NUL characters replaced by U+FFFD, the replacement
    character: a lone surrogate is not a character (no UTF-8 output can hold it, the tokenizer
    refuses it) and a NUL cannot stand in a CSV cell, an XML file or a C string. Replaced, not
    dropped, so the text shows where something was."""
    if "\x00" in s:
        s = s.replace("\x00", "\ufffd")
    return s if s.isascii() else _SURROGATE.sub("\ufffd", s)


def parse_date(text: str | None) -> _dt.date | None:
    """Parse a full date ("2024-06-29", "Jun 29, 2024", "2024-06-29T10:00:00Z").

    Returns None when the text holds no year (a listing's "Oct 15") or no day: a partial
    date is kept as text only, never completed with a guessed year.
    """
    if not text:
        return None
    t = text.strip()
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})", t)
    try:
        if iso:
            return _dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        m = _MONTH_DAY_YEAR.match(t)
        if m and m[1].lower() in _MONTHS:
            return _dt.date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    except ValueError:
        return None
    return None


def split_authors(value: Any) -> tuple[str, ...]:
    """Authors given as a list, or as one string joined by commas, semicolons or "and"."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        names = []
        for a in value:
            if isinstance(a, (list, tuple)):  # arXiv authors_parsed: [last, first, suffix]
                a = " ".join(p for p in (clean(x) for x in (a[1:2] + a[:1] + a[2:3])) if p)
            c = clean(a)
            if c:
                names.append(c)
        return tuple(names)
    s = clean(value)
    if not s:
        return ()
    parts = re.split(r"\s*;\s*|\s*,\s*(?:and\s+)?|\s+and\s+", s)
    return tuple(p for p in (p.strip() for p in parts) if p)


def split_categories(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(c for c in (clean(v) for v in value) if c)
    s = clean(value)
    return tuple(re.split(r"[\s,;]+", s)) if s else ()


def arxiv_id(value: str | None) -> str | None:
    """The arXiv identifier without its version suffix, or None if ``value`` is not one."""
    if not value:
        return None
    m = _ARXIV_ID.match(value.strip())
    return m[1] if m else None


def first(record: Mapping[str, Any], field: str) -> Any:
    for name in ALIASES[field]:
        if name in record and record[name] not in (None, ""):
            return record[name]
    return None


def record_to_paper(record: Mapping[str, Any], source: Source, arxiv: bool = False) -> Paper:
    """Build a Paper from a mapping with loosely named fields.

    Parameters
    ----------
    record : Mapping
        One JSON object or CSV row; keys are matched case-insensitively against ALIASES.
    source : Source
        Where it was read.
    arxiv : bool
        The record comes from the arXiv metadata snapshot: an arXiv id gets its abstract page
        as ``url`` (any other id is kept as it is, as in generic JSON Lines).

    Raises
    ------
    RecordError
        If the record has no abstract or a field has the wrong shape.
    """
    if not isinstance(record, Mapping):
        raise RecordError(f"expected an object with title and abstract, got {type(record).__name__}")
    rec = {str(k).strip().lower(): v for k, v in record.items()}
    abstract = clean(first(rec, "abstract"))
    if not abstract:
        raise RecordError("record has no abstract")
    title = clean(first(rec, "title"))
    raw_id = clean(first(rec, "id"))
    date_text = clean(first(rec, "date"))
    authors = split_authors(rec.get("authors_parsed") or first(rec, "authors"))
    url = clean(first(rec, "url"))
    aid = arxiv_id(raw_id) if raw_id else None
    if aid and not url and arxiv:
        url = f"https://arxiv.org/abs/{aid}"
    known = {n for names in ALIASES.values() for n in names} | {"authors_parsed"}
    extra = tuple(sorted(
        (k, c) for k, v in rec.items() if k not in known
        for c in [clean(v) if isinstance(v, (str, int, float)) else None] if c
    ))
    return Paper(
        id=(f"arXiv:{aid}" if aid else raw_id) or "",
        title=title,
        abstract=abstract,
        date_text=date_text,
        date=parse_date(date_text),
        authors=authors,
        author_count=len(authors) or None,
        sources=(source,),
        url=url,
        categories=split_categories(first(rec, "categories")),
        extra=extra,
        source_id=raw_id or None,
    )
