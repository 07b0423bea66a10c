"""Papers per period for each entity, and the entities rising and falling fastest.

Pure functions over plain records: papers with their dates, (paper, entity) links and the
entities' labels and types, as :mod:`kg.trends.source` reads them from a build.

Definitions (the ones ``kg trends --help`` and the README state):

* A paper counts only when it has a full date (``Paper.date``: a year, a month and a day).
  Papers without one are counted apart, never placed in a period: those with a date written
  without a year (``Paper.date_text`` only, "Oct 15") and those with no date at all.
* Periods are calendar months (``2025-03``), quarters (``2025-Q1``) or years (``2025``), every
  one from the first dated paper's to the last's, empty ones included.
* ``papers[e, t]`` is the number of dated papers of period ``t`` that mention entity ``e``;
  ``n[t]`` the number of dated papers of period ``t``; the share is ``100 * papers[e, t] / n[t]``
  (percent of the period's papers), so that a growing corpus does not make everything grow.
* The window is the last ``window`` periods. The score of an entity is the weighted
  least-squares slope of its share against the period number over the window's periods that
  have papers, each period weighted by its number of papers ``n[t]`` (a period with few papers,
  such as a month the corpus only begins or ends in, counts for little): in percentage points
  per period. It needs at least :data:`MIN_FIT_PERIODS` periods with papers in the window.
* An entity is ranked only if at least ``min_papers`` papers of the window mention it. Rising
  entities are those with a positive score, highest first; falling ones those with a negative
  score, lowest first (ties: more papers in the window first, then the label).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from kg.config import TREND_PERIODS, TrendsConfig
from kg.errors import KgError
from kg.model import ENTITY_TYPES

#: A slope needs at least this many periods with papers in the window.
MIN_FIT_PERIODS = 3


class NothingToTrend(KgError):
    """The build has no dated papers, too few periods, or no entity frequent enough to rank."""


@dataclass(frozen=True)
class EntityInfo:
    """What a trend names an entity by."""

    key: str  #: the entity's IRI in the build
    label: str
    type: str
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class PaperDate:
    """A paper's id and its date, as the build holds them."""

    id: str
    date: _dt.date | None  #: the full date, or None
    has_date_text: bool = False  #: a date written without a year (kept as text only)


@dataclass
class Timeline:
    """Dated papers per period, and per period for each entity.

    Attributes
    ----------
    by : str
        ``month``, ``quarter`` or ``year``.
    periods : list of str
        Every period from the first dated paper's to the last's.
    period_papers : numpy.ndarray
        Dated papers per period (int, one per period).
    keys : list of str
        The entities mentioned by at least one dated paper (rows of ``counts``).
    counts : numpy.ndarray
        ``counts[i, t]``: dated papers of period ``t`` that mention ``keys[i]``.
    entities : dict
        ``EntityInfo`` by key (all of the build's entities).
    papers, dated, undated, no_date : int
        Papers in all; with a full date; with a date without a year; with no date.
    first, last : datetime.date or None
        The earliest and latest full dates.
    """

    by: str
    periods: list[str]
    period_papers: np.ndarray
    keys: list[str]
    counts: np.ndarray
    entities: dict[str, EntityInfo]
    papers: int
    dated: int
    undated: int
    no_date: int
    first: _dt.date | None = None
    last: _dt.date | None = None

    def row(self, key: str) -> np.ndarray:
        """Papers per period that mention ``key`` (zeros for an entity no dated paper mentions)."""
        i = self._index.get(key)
        return self.counts[i] if i is not None else np.zeros(len(self.periods), dtype=np.int64)

    def __post_init__(self):
        self._index = {k: i for i, k in enumerate(self.keys)}


@dataclass(frozen=True)
class Trend:
    """One entity's series and score."""

    entity: EntityInfo
    papers: tuple[int, ...]  #: papers per period (every period of the timeline)
    shares: tuple[float | None, ...]  #: percent of the period's papers (None: a period without papers)
    window_papers: int  #: papers of the window that mention it
    slope: float | None  #: the score, percentage points per period (None: not enough periods)
    ranked: bool  #: window_papers >= min_papers (and a slope)


@dataclass
class TrendReport:
    """What `kg trends` prints and draws."""

    timeline: Timeline
    config: TrendsConfig
    window: list[int]  #: indices of the window's periods
    fit_periods: int  #: periods of the window that have papers
    ranked: int  #: entities that met min_papers
    rising: dict[str, list[Trend]] = field(default_factory=dict)  #: by type
    falling: dict[str, list[Trend]] = field(default_factory=dict)
    selected: list[Trend] = field(default_factory=list)  #: --entity, in the order asked

    @property
    def window_periods(self) -> list[str]:
        return [self.timeline.periods[t] for t in self.window]


def period_index(d: _dt.date, by: str) -> int:
    """A running number of ``d``'s period: consecutive periods get consecutive numbers."""
    if by == "month":
        return d.year * 12 + d.month - 1
    if by == "quarter":
        return d.year * 4 + (d.month - 1) // 3
    if by == "year":
        return d.year
    raise KgError(f"unknown period {by!r}; choose from {', '.join(TREND_PERIODS)}")


def period_name(index: int, by: str) -> str:
    """The name of period number ``index`` (see :func:`period_index`): 2025-03, 2025-Q1, 2025."""
    if by == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if by == "quarter":
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if by == "year":
        return f"{index:04d}"
    raise KgError(f"unknown period {by!r}; choose from {', '.join(TREND_PERIODS)}")


def timeline(papers: Iterable[PaperDate], links: Iterable[tuple[str, str]],
             entities: Mapping[str, EntityInfo], by: str = "month") -> Timeline:
    """Count dated papers per period, in all and for each entity.

    Parameters
    ----------
    papers : iterable of PaperDate
        Every paper of the build (undated ones are counted apart).
    links : iterable of (paper id, entity key)
        Which paper mentions which entity; a pair given twice counts once.
    entities : mapping of key to EntityInfo
        Labels and types; links to keys not in it are ignored.
    by : str
        ``month``, ``quarter`` or ``year``.
    """
    if by not in TREND_PERIODS:
        raise KgError(f"unknown period {by!r}; choose from {', '.join(TREND_PERIODS)}")
    where: dict[str, int] = {}
    seen: set[str] = set()
    undated = no_date = 0
    first = last = None
    for p in papers:
        if p.id in seen:  # the same paper twice (a source that repeats rows): its first row counts
            continue
        seen.add(p.id)
        if p.date is None:
            if p.has_date_text:
                undated += 1
            else:
                no_date += 1
            continue
        where[p.id] = period_index(p.date, by)
        first = p.date if first is None or p.date < first else first
        last = p.date if last is None or p.date > last else last
    if not where:
        return Timeline(by, [], np.zeros(0, dtype=np.int64), [], np.zeros((0, 0), dtype=np.int64),
                        dict(entities), len(seen), 0, undated, no_date)
    lo, hi = min(where.values()), max(where.values())
    n_periods = hi - lo + 1
    period_papers = np.bincount(np.fromiter(where.values(), dtype=np.int64, count=len(where)) - lo,
                                minlength=n_periods)
    code: dict[str, int] = {}
    pairs = set()
    for pid, key in links:
        t = where.get(pid)
        if t is None or key not in entities:
            continue
        i = code.setdefault(key, len(code))
        pairs.add((pid, i))
    keys = list(code)
    if pairs:
        rows = np.fromiter((i for _, i in pairs), dtype=np.int64, count=len(pairs))
        cols = np.fromiter((where[pid] - lo for pid, _ in pairs), dtype=np.int64, count=len(pairs))
        counts = np.bincount(rows * n_periods + cols, minlength=len(keys) * n_periods).reshape(len(keys), n_periods)
    else:
        counts = np.zeros((0, n_periods), dtype=np.int64)
    return Timeline(by, [period_name(lo + t, by) for t in range(n_periods)], period_papers, keys, counts,
                    dict(entities), len(seen), len(where), undated, no_date, first, last)


def shares(counts: np.ndarray, period_papers: np.ndarray) -> np.ndarray:
    """Percent of each period's papers (NaN where a period has none); rows of ``counts`` are entities."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(period_papers > 0, 100.0 * counts / np.maximum(period_papers, 1), np.nan)


def slopes(counts: np.ndarray, period_papers: np.ndarray) -> np.ndarray:
    """The weighted least-squares slope of each row's share against the period number.

    Periods without papers are left out; the others are weighted by their papers. With fewer
    than :data:`MIN_FIT_PERIODS` such periods every slope is NaN.

    Parameters
    ----------
    counts : numpy.ndarray
        Papers per period (entities by periods) over the periods to fit.
    period_papers : numpy.ndarray
        The periods' papers.

    Returns
    -------
    numpy.ndarray
        Percentage points per period, one per row.
    """
    keep = period_papers > 0
    if keep.sum() < MIN_FIT_PERIODS:
        return np.full(len(counts), np.nan)
    w = period_papers[keep].astype(float)
    x = np.arange(len(period_papers), dtype=float)[keep]
    xc = x - (w * x).sum() / w.sum()
    y = shares(counts[:, keep], period_papers[keep])
    # sum(w * xc) == 0, so the share's weighted mean drops out of the numerator
    return (y * (w * xc)).sum(axis=1) / (w * xc * xc).sum()


def _trend(tl: Timeline, key: str, window: list[int], slope: float | None, min_papers: int) -> Trend:
    row = tl.row(key)
    share = shares(row[None, :], tl.period_papers)[0]
    wp = int(row[window].sum()) if window else 0
    s = None if slope is None or np.isnan(slope) else float(slope)
    return Trend(tl.entities[key], tuple(int(v) for v in row),
                 tuple(None if np.isnan(v) else float(v) for v in share), wp, s,
                 s is not None and wp >= min_papers)


def find_entities(tl: Timeline, names: Iterable[str]) -> list[str]:
    """Keys of the entities named (label, alternative label or IRI; case-insensitive), in order.

    Raises
    ------
    KgError
        Naming every name that matches no entity of the build.
    """
    by_name: dict[str, list[str]] = {}
    for key, e in tl.entities.items():
        for n in {n.casefold() for n in (key, e.label, *e.alt_labels)}:
            by_name.setdefault(n, []).append(key)
    found, missing = [], []
    for name in names:
        keys = by_name.get(name.strip().casefold())
        if not keys:
            missing.append(name)
        found += [k for k in sorted(keys or (), key=lambda k: (ENTITY_TYPES.index(tl.entities[k].type)
                                                               if tl.entities[k].type in ENTITY_TYPES else 9, k))
                  if k not in found]
    if missing:
        raise KgError(f"no entity of the build is named {', '.join(repr(m) for m in missing)} "
                      "(a label or alternative label, as `kg stats` or entities.csv shows it)")
    return found


def trends(tl: Timeline, config: TrendsConfig = TrendsConfig()) -> TrendReport:
    """Rank the entities of ``tl`` by the score (see the module's docstring), or follow the
    ones ``config.entities`` names.

    Raises
    ------
    NothingToTrend
        No paper has a full date; the window has fewer than MIN_FIT_PERIODS periods with
        papers; or (when ranking) no entity of the types asked is in ``min_papers`` papers of
        the window. The message says which, with the counts.
    KgError
        A bad setting, or a name in ``config.entities`` that matches no entity.
    """
    if config.window < MIN_FIT_PERIODS:
        raise KgError(f"--window must be at least {MIN_FIT_PERIODS} periods (a slope needs {MIN_FIT_PERIODS})")
    if config.min_papers < 1 or config.top < 1:
        raise KgError("--min-papers and --top must be at least 1")
    bad = [t for t in config.types if t not in ENTITY_TYPES]
    if bad:
        raise KgError(f"unknown entity type(s) {', '.join(bad)}; choose from {', '.join(ENTITY_TYPES)}")
    undated = _undated_text(tl)
    if tl.dated == 0:
        raise NothingToTrend(f"nothing to trend: none of the {tl.papers:,} papers has a full date "
                             f"({tl.undated:,} have a date without a year, {tl.no_date:,} none), and a date "
                             "is never guessed")
    n_periods = len(tl.periods)
    window = list(range(max(0, n_periods - config.window), n_periods))
    fit = int((tl.period_papers[window] > 0).sum())
    unit = f"{config.by}s" if config.by != "quarter" else "quarters"
    if fit < MIN_FIT_PERIODS:
        raise NothingToTrend(
            f"nothing to trend: the {tl.dated:,} papers with a full date fall in {fit} "
            f"{unit if fit != 1 else config.by} of the last {config.window} ({tl.periods[window[0]]} .. "
            f"{tl.periods[-1]}), and a slope needs papers in at least {MIN_FIT_PERIODS}{undated}"
            + {"year": "; try a shorter period (--by quarter)", "quarter": "; try a shorter period (--by month)"}
            .get(config.by, ""))
    keys = tl.keys
    slope = slopes(tl.counts[:, window], tl.period_papers[window]) if keys else np.zeros(0)
    in_window = tl.counts[:, window].sum(axis=1) if keys else np.zeros(0, dtype=np.int64)
    report = TrendReport(tl, config, window, fit, 0)
    if config.entities:
        report.selected = [_trend(tl, k, window, slope[tl._index[k]] if k in tl._index else 0.0, config.min_papers)
                           for k in find_entities(tl, config.entities)]
        return report
    types = config.types or ENTITY_TYPES
    ok = [i for i, k in enumerate(keys)
          if in_window[i] >= config.min_papers and tl.entities[k].type in types]
    report.ranked = len(ok)
    if not ok:
        raise NothingToTrend(
            f"nothing to trend: no {'/'.join(types) if config.types else 'entity'} is mentioned by at least "
            f"{config.min_papers} of the {int(tl.period_papers[window].sum()):,} papers of the last "
            f"{len(window)} {unit} ({tl.periods[window[0]]} .. {tl.periods[-1]}){undated}; try "
            + {"month": "a longer period (--by quarter, --by year) or ", "quarter": "a longer period (--by year) or "}
            .get(config.by, "") + "a lower --min-papers")
    for t in types:
        mine = [i for i in ok if tl.entities[keys[i]].type == t]

        def order(i, sign):
            return (-sign * slope[i], -in_window[i], tl.entities[keys[i]].label.casefold(), keys[i])

        up = sorted((i for i in mine if slope[i] > 0), key=lambda i: order(i, 1))[: config.top]
        down = sorted((i for i in mine if slope[i] < 0), key=lambda i: order(i, -1))[: config.top]
        report.rising[t] = [_trend(tl, keys[i], window, slope[i], config.min_papers) for i in up]
        report.falling[t] = [_trend(tl, keys[i], window, slope[i], config.min_papers) for i in down]
    return report


def _undated_text(tl: Timeline) -> str:
    rest = tl.undated + tl.no_date
    if not rest:
        return ""
    return f" ({rest:,} more papers have no full date and are not counted)"
