"""Leaderboards: the absolute results of a graph per (dataset, metric), best first.

A board holds every absolute result measured on one dataset in one metric (results without a
dataset, and changes such as "+3.1", are on no board). Its rows are ranked in the metric's
direction: lower is better when the metric's name holds a word that
``ontology/results/metric_direction.csv`` marks ``lower`` (error, loss, latency, perplexity, FID,
time, memory, ...), the word nearest the end of the name deciding ("top-1 error" is lower,
"success rate" higher); higher is better otherwise. A percentage and a fraction in one board
("85.1%" and "0.79") are compared on one scale (the fraction times 100); a range ranks by its
lower end.

Pure functions over :class:`Entry` records: the build's ``leaderboards.html``
(:mod:`kg.export.leaderboards`) makes entries from the extractions, ``kg leaderboard``
(:mod:`kg.query.leaderboard`) from a built graph.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kg.config import ontology_dir
from kg.extract.normalize import entity_key, spelling


@dataclass(frozen=True)
class Entry:
    """One absolute result on a dataset, with what a leaderboard shows of it."""

    dataset: str  #: the dataset's label (the entity's, else as written)
    metric: str  #: the metric's label
    value: str  #: as written
    number: float
    unit: str
    system: str | None
    proposed: bool
    paper_id: str
    paper_title: str | None
    date: str | None  #: ISO date, or the date as the input wrote it
    sentence: str
    dataset_key: str = ""  #: grouping keys (default: entity keys of the labels)
    metric_key: str = ""
    url: str | None = None


@dataclass
class Board:
    """The ranked results of one (dataset, metric)."""

    dataset: str
    metric: str
    direction: str  #: "higher" or "lower" (is better)
    entries: list[Entry] = field(default_factory=list)


@lru_cache(maxsize=2)
def metric_directions(path: str | None = None) -> dict[str, str]:
    """Words of metric names and the direction they make a metric better in (``lower`` or
    ``higher``), from ``ontology/results/metric_direction.csv``.

    Raises
    ------
    ValueError
        The file lacks the ``word`` and ``direction`` columns or holds another direction (names the file and line).
    """
    p = path or str(ontology_dir() / "results" / "metric_direction.csv")
    out: dict[str, str] = {}
    with open(p, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), 2):
            word, d = (row.get("word") or "").strip().lower(), (row.get("direction") or "").strip()
            if not word or d not in ("lower", "higher"):
                raise ValueError(f"{p}:{n}: expected a word and a direction (lower or higher)")
            out[word] = d
    return out


_WORDS_RE = re.compile(r"[a-z0-9@]+")


def direction(metric: str, directions: dict[str, str] | None = None) -> str:
    """Whether a higher or a lower value of a metric is better: the direction of the word of its
    name nearest the end that the direction table knows ("lower" for "average geodesic errors",
    "higher" for "attack success rate"); "higher" when none is known."""
    table = directions if directions is not None else metric_directions()
    words = _WORDS_RE.findall(metric.lower().replace("-", " "))
    for w in reversed(words):
        d = table.get(w) or (table.get(w[:-1]) if w.endswith("s") else None)
        if d:
            return d
    return "higher"


def _scale(entries: list[Entry]) -> list[float]:
    """Numbers on one scale: fractions <= 1 times 100 when the board also holds percentages."""
    pct = any(e.unit == "%" for e in entries)
    return [e.number * 100 if pct and not e.unit and abs(e.number) <= 1 else e.number for e in entries]


def leaderboards(entries: Iterable[Entry], dataset: str | None = None, metric: str | None = None,
                 top: int | None = None, directions: dict[str, str] | None = None) -> list[Board]:
    """Group entries by (dataset, metric) and rank each board best first.

    Parameters
    ----------
    entries : iterable of Entry
    dataset, metric : str, optional
        Keep the boards whose dataset (metric) is this one: the same entity key, or, when no
        board has that key, a label containing it (case-insensitive).
    top : int, optional
        Keep the best ``top`` rows of each board.
    directions : dict, optional
        The direction table (default: :func:`metric_directions`).

    Returns
    -------
    list of Board
        Boards with the most rows first, then by dataset and metric.
    """
    groups: dict[tuple[str, str], list[Entry]] = {}
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    for e in entries:
        k = (e.dataset_key or entity_key(e.dataset), e.metric_key or entity_key(e.metric))
        groups.setdefault(k, []).append(e)
        labels.setdefault(k, (e.dataset, e.metric))
    keys = list(groups)
    for i, want in ((0, dataset), (1, metric)):
        if want:
            wk = entity_key(want)
            sp = spelling(wk)
            exact = [k for k in keys if k[i] == wk] or [k for k in keys if sp and spelling(k[i]) == sp]
            keys = exact or [k for k in keys if want.lower() in labels[k][i].lower() or wk in k[i]]
    boards = []
    for k in keys:
        rows = groups[k]
        d = direction(labels[k][1], directions)
        nums = _scale(rows)
        order = sorted(range(len(rows)), key=lambda i: (-nums[i] if d == "higher" else nums[i], rows[i].paper_id))
        ranked = [rows[i] for i in order]
        boards.append((len(rows), Board(labels[k][0], labels[k][1], d, ranked[:top] if top else ranked)))
    boards.sort(key=lambda nb: (-nb[0], nb[1].dataset.lower(), nb[1].metric.lower()))
    return [b for _, b in boards]
