"""Tables as CSV for pandas and spreadsheets: ``papers.csv``, ``entities.csv``, ``mentions.csv``,
``results.csv``.

Rows stream from the graph (:mod:`kg.export.sinks`) to the files as the papers pass, so
memory stays flat however many papers there are; :func:`frame` gives a DataFrame of rows for
interactive use, and ``pandas.read_csv`` reads the files with the right column types. Cells
that a spreadsheet would run as a formula (starting with = + - @, tab or CR, after any quotes)
are prefixed with a single quote, the OWASP-recommended neutralization, in a way that removing
that quote gives back the text exactly (:mod:`kg.cells`: "'=x" is written "''=x"; the tables
once wrote "=x" and "'=x" alike).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from kg.atomic import atomic_write
from kg.cells import guard as _safe  # (the row builders' fast path: a cell known to be text or None)
from kg.export.sinks import Sink, write_one

PAPER_COLUMNS = ["id", "title", "abstract", "date", "date_text", "author_count", "authors", "url", "categories",
                 "upvotes", "sources", "entity_count"]
ENTITY_COLUMNS = ["key", "label", "type", "alt_labels", "paper_count", "proposed_by", "in_vocabulary"]
MENTION_COLUMNS = ["paper_id", "entity_key", "type", "text", "start", "end", "sentence_index", "sentence", "rule",
                   "proposed", "confidence"]
RESULT_COLUMNS = ["paper_id", "metric", "metric_key", "value", "number", "number_high", "unit", "sign", "kind",
                  "dataset", "dataset_key", "system", "system_key", "proposed", "sentence_index", "sentence"]


def safe_cell(v):
    """Neutralize spreadsheet formulas in text cells (see the module docstring); other values
    pass through."""
    return _safe(v) if isinstance(v, str) else v


# Rows are tuples in the order of their COLUMNS, text cells already neutralized, so the
# writer takes them as they are (dict rows through a DataFrame, with a map over every cell,
# cost twice as much).

def paper_row(ex) -> tuple:
    p = ex.paper
    return (_safe(p.id), _safe(p.title), _safe(p.abstract), p.date.isoformat() if p.date else None,
            _safe(p.date_text), p.author_count, _safe("; ".join(p.authors)), _safe(p.url),
            _safe(" ".join(p.categories)), p.upvotes, _safe("; ".join(str(s) for s in p.sources)),
            len({m.key for m in ex.mentions}))


def entity_rows(kg) -> Iterator[tuple]:
    for e in kg.entities.values():
        yield (_safe(e.key), _safe(e.label), e.type, _safe("; ".join(e.alt_labels)), len(e.papers),
               _safe("; ".join(e.proposed_by)), e.in_vocabulary)


def mention_rows(ex, kg) -> Iterator[tuple]:
    pid, sentences, n = _safe(ex.paper.id), ex.sentences, len(ex.sentences)
    entity_type = kg.entity_type
    for m in ex.mentions:
        yield (pid, _safe(m.key), entity_type(m.key), _safe(m.text), m.start, m.end, m.sentence,
               _safe(sentences[m.sentence]) if m.sentence < n else "", m.rule, m.proposed, m.confidence)


def result_rows(ex) -> Iterator[tuple]:
    """One row per result of a paper (:class:`kg.model.Result`), with its evidence sentence."""
    pid, sentences, n = _safe(ex.paper.id), ex.sentences, len(ex.sentences)
    for r in ex.results:
        yield (pid, _safe(r.metric), _safe(r.metric_key), _safe(r.value), r.number, r.number_high, r.unit or None,
               r.sign or None, r.kind, _safe(r.dataset), _safe(r.dataset_key), _safe(r.system), _safe(r.system_key),
               r.proposed, r.sentence, _safe(sentences[r.sentence]) if r.sentence < n else "")


def frame(rows: Iterable[tuple], columns: list[str]) -> pd.DataFrame:
    """One DataFrame of rows (for small graphs and interactive use)."""
    return pd.DataFrame(list(rows), columns=columns)


class CsvTable:
    """Rows (tuples, text cells neutralized by the row builders) written to an open CSV file
    as they come, header first.

    The dialect is pandas' ``to_csv`` default (it writes through the same :mod:`csv` writer):
    minimal quoting, ``\n`` line ends, empty cells for missing values. Written directly, an
    integer column stays integer when some rows lack a value (through a DataFrame it turned
    into floats, "3.0", chunk by chunk), and the table costs a third of the time.
    """

    def __init__(self, f: IO[str], columns: list[str]):
        self._writer = csv.writer(f, lineterminator="\n")
        self._writer.writerow(columns)

    def add(self, row: tuple) -> None:
        self._writer.writerow(row)

    def extend(self, rows: Iterable[tuple]) -> None:
        self._writer.writerows(rows)


def write_rows(rows: Iterable[tuple], columns: list[str], path: Path) -> Path:
    """Write rows to CSV (see :class:`CsvTable`)."""
    with atomic_write(path, "w", newline="") as f:
        CsvTable(f, columns).extend(rows)
    return path


def sink_tables(bundle, out_dir: Path) -> Sink:
    """Write ``papers.csv``, ``mentions.csv``, ``results.csv`` (from the stream of papers) and
    ``entities.csv``."""
    kg = bundle.kg
    out = Path(out_dir)
    with atomic_write(out / "papers.csv", "w", newline="") as pf, \
            atomic_write(out / "mentions.csv", "w", newline="") as mf, \
            atomic_write(out / "results.csv", "w", newline="") as rf:
        papers, mentions = CsvTable(pf, PAPER_COLUMNS), CsvTable(mf, MENTION_COLUMNS)
        results = CsvTable(rf, RESULT_COLUMNS)
        while (ex := (yield)) is not None:
            papers.add(paper_row(ex))
            mentions.extend(mention_rows(ex, kg))
            if ex.results:
                results.extend(result_rows(ex))
    return [out / "papers.csv", write_rows(entity_rows(kg), ENTITY_COLUMNS, out / "entities.csv"),
            out / "mentions.csv", out / "results.csv"]


def write_tables(bundle, out_dir: Path) -> list[Path]:
    return write_one("tables", sink_tables(bundle, out_dir), bundle.kg.extractions)
