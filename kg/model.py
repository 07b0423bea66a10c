"""Plain records that flow through the pipeline: read -> extract -> assemble -> export.

They hold data only. Every stage takes and returns these, so the same code serves a few
hundred papers in memory and a million streamed through worker processes (they pickle).
"""

from __future__ import annotations

import datetime as _dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Literal, NamedTuple

from kg.errors import printable

EntityType = Literal["Method", "Architecture", "Dataset", "Metric", "Task"]

#: The five entity types, in a fixed order used by every export.
ENTITY_TYPES: tuple[EntityType, ...] = ("Method", "Architecture", "Dataset", "Metric", "Task")


def _fast_pickle(cls):
    """Pickle a frozen dataclass as its constructor call.

    The default for frozen, slotted dataclasses restores each object through
    ``dataclasses.fields()``, which dominated reading a spool of extractions back (every
    export reads it); the constructor is several times faster.
    """
    get = operator.attrgetter(*(f.name for f in fields(cls)))
    single = len(fields(cls)) == 1

    def __reduce__(self):
        values = get(self)
        return cls, (values,) if single else values

    cls.__reduce__ = __reduce__
    return cls


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Source:
    """Where a record was read: a file and a 1-based line number (the line it starts on; 0
    for a whole file, in a Problem)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as the input gave it. Fields the input does not hold stay empty.

    Attributes
    ----------
    id : str
        Stable identifier: the input's id (arXiv id, DOI, ...) when it has one, otherwise a
        hash of the normalized title (or of the abstract for untitled entries).
    title : str or None
        The title, or None for an untitled entry.
    abstract : str
        The abstract text (never empty).
    date_text : str or None
        The date exactly as the input wrote it ("Jun 29, 2024", "Oct 15").
    date : datetime.date or None
        The parsed date, only when the input gives a full date (a year included).
    authors : tuple of str
        Author names when the input lists them.
    author_count : int or None
        Number of authors ("5 authors" in a listing, or len(authors)).
    sources : tuple of Source
        Every place this paper was read from (several after merging duplicates).
    url, categories, upvotes, extra
        Optional metadata kept as given.
    source_id : str or None
        The id exactly as the input wrote it ("2505.13201v2"; ``id`` is normalized:
        "arXiv:2505.13201"), which ``kg extract`` writes back.
    """

    id: str
    abstract: str
    title: str | None = None
    date_text: str | None = None
    date: _dt.date | None = None
    authors: tuple[str, ...] = ()
    author_count: int | None = None
    sources: tuple[Source, ...] = ()
    url: str | None = None
    categories: tuple[str, ...] = ()
    upvotes: int | None = None
    extra: tuple[tuple[str, str], ...] = ()
    source_id: str | None = None

    @property
    def text(self) -> str:
        """The text entities are extracted from, as written: title, a blank line, abstract
        (extraction reads it without LaTeX formatting, :mod:`kg.markup`; mention offsets index
        this text)."""
        return f"{self.title}\n\n{self.abstract}" if self.title else self.abstract


class Mention(NamedTuple):
    """One occurrence of an entity in a paper's text, with its evidence.

    Character offsets index into :attr:`Paper.text`. A named tuple rather than a frozen
    dataclass like the other records: a build moves ten mentions per paper between processes
    and reads them back from its spool twice, and a tuple unpickles 2.5x faster (2.3 against
    5.9 microseconds a mention, measured).
    """

    key: str  #: normalized entity key (see :func:`kg.extract.normalize.entity_key`)
    label: str  #: canonical label of the entity
    type: EntityType
    text: str  #: surface form as written (without LaTeX formatting: :mod:`kg.markup`)
    start: int
    end: int
    sentence: int  #: sentence index within the paper text
    rule: str  #: component or rule that found it ("vocabulary", "abbreviation", "rule:head-noun", ...)
    proposed: bool  #: the paper introduces this entity as its contribution
    confidence: float
    in_vocabulary: bool = False


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Evaluation:
    """A paper reporting a metric on a dataset, said in one sentence."""

    dataset: str  #: entity key
    metric: str  #: entity key
    sentence: int


ResultKind = Literal["absolute", "delta"]


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Result:
    """One number a paper reports as a measured outcome, tied to a named metric
    (``../shared/gold/results/RESULTS-GUIDELINES.md``; found by :mod:`kg.extract.results`).

    Strings are as the text writes them, without LaTeX formatting ("10.3%" for ``10.3\\%``,
    :mod:`kg.markup`); keys are entity keys (:func:`kg.extract.normalize.entity_key`)
    that join a result to the paper's entities.
    """

    metric: str  #: the metric as the text names it for this number ("top-1 accuracy")
    metric_key: str  #: entity key of the metric (of the Metric mention it is, when there is one)
    value: str  #: the value as written ("85.1%", "+3.1", "2.5x", "16-28%")
    number: float  #: the value parsed (the lower end of a range; signed)
    number_high: float | None  #: the upper end of a range, or the spread after "±"; None for one number
    unit: str  #: "%", "pp", "points", "x", a unit word ("ms", "dB"), or ""
    sign: str  #: "+", "-" or "" as written
    kind: ResultKind  #: "absolute": a level reached; "delta": a change relative to something else
    sentence: int  #: index of the evidence sentence in :attr:`Extraction.sentences`
    dataset: str | None = None  #: the dataset as written, or None
    dataset_key: str | None = None
    system: str | None = None  #: the model or method that reached it, as written, or None
    system_key: str | None = None
    proposed: bool = False  #: the paper's own method or model reached it

    def with_keys(self, rename: Callable[[str], str]) -> Result:
        """This result with its entity keys (metric, dataset, system) passed through ``rename``;
        itself when none changes."""
        keys = {f: new for f in ("metric_key", "dataset_key", "system_key")
                if (k := getattr(self, f)) and (new := rename(k)) != k}
        return replace(self, **keys) if keys else self


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Extraction:
    """A paper with what the extractor found in it."""

    paper: Paper
    mentions: tuple[Mention, ...] = ()
    sentences: tuple[str, ...] = ()  #: the evidence sentences, without LaTeX formatting (:mod:`kg.markup`)
    evaluations: tuple[Evaluation, ...] = ()
    results: tuple[Result, ...] = ()


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Entity:
    """An entity merged across papers (one concept, one node)."""

    key: str
    type: EntityType
    label: str
    alt_labels: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()  #: ids of the papers that mention it
    proposed_by: tuple[str, ...] = ()
    in_vocabulary: bool = False


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Problem:
    """A record that could not be read, reported and skipped."""

    source: Source
    message: str

    def __str__(self) -> str:
        """``PATH:LINE: message``, control characters escaped (:func:`kg.errors.printable`)."""
        return printable(f"{self.source}: {self.message}")


@dataclass
class ReadReport:
    """Counts and problems of one read; filled in while the reader streams."""

    entries: int = 0  #: records read, duplicates included
    papers: int = 0  #: unique papers after merging
    duplicates: int = 0
    untitled: int = 0
    problems: list[Problem] = field(default_factory=list)  #: the first PROBLEMS_LISTED skipped
    skipped: int = 0  #: records and files skipped, all counted
