"""Tables (pandas) as CSV: ``papers.csv``, ``entities.csv``, ``mentions.csv``.

Rows stream from the graph (:mod:`kg.export.sinks`) in chunks of :data:`CHUNK_ROWS`, each
chunk a DataFrame appended to the file, so memory stays flat however many papers there are.
Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
prefixed with a single quote, the OWASP-recommended neutralization.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from kg.atomic import atomic_write
from kg.export.sinks import Sink, write_one

CHUNK_ROWS = 50_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

PAPER_COLUMNS = ["id", "title", "abstract", "date", "date_text", "author_count", "authors", "url", "categories",
                 "upvotes", "sources", "entity_count"]
ENTITY_COLUMNS = ["key", "label", "type", "alt_labels", "paper_count", "proposed_by", "in_vocabulary"]
MENTION_COLUMNS = ["paper_id", "entity_key", "type", "text", "start", "end", "sentence_index", "sentence", "rule",
                   "proposed", "confidence"]


def safe_cell(v):
    """Neutralize spreadsheet formulas in text cells; other values pass through."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def paper_row(ex) -> dict:
    p = ex.paper
    return {"id": p.id, "title": p.title, "abstract": p.abstract, "date": p.date.isoformat() if p.date else None,
            "date_text": p.date_text, "author_count": p.author_count, "authors": "; ".join(p.authors),
            "url": p.url, "categories": " ".join(p.categories), "upvotes": p.upvotes,
            "sources": "; ".join(str(s) for s in p.sources),
            "entity_count": len({m.key for m in ex.mentions})}


def entity_rows(kg) -> Iterator[dict]:
    for e in kg.entities.values():
        yield {"key": e.key, "label": e.label, "type": e.type, "alt_labels": "; ".join(e.alt_labels),
               "paper_count": len(e.papers), "proposed_by": "; ".join(e.proposed_by),
               "in_vocabulary": e.in_vocabulary}


def mention_rows(ex, kg) -> Iterator[dict]:
    for m in ex.mentions:
        yield {"paper_id": ex.paper.id, "entity_key": m.key, "type": kg.entity_type(m.key), "text": m.text,
               "start": m.start, "end": m.end, "sentence_index": m.sentence,
               "sentence": ex.sentences[m.sentence] if m.sentence < len(ex.sentences) else "",
               "rule": m.rule, "proposed": m.proposed, "confidence": m.confidence}


def frame(rows: Iterable[dict], columns: list[str]) -> pd.DataFrame:
    """One DataFrame of rows (for small graphs and interactive use)."""
    return pd.DataFrame(list(rows), columns=columns)


class ChunkedCsv:
    """Rows appended to an open CSV file through pandas, :data:`CHUNK_ROWS` at a time,
    formulas neutralized; :meth:`close` writes the rest (and the header of an empty table)."""

    def __init__(self, f: IO[str], columns: list[str]):
        self.f, self.columns = f, columns
        self.rows: list[dict] = []
        self.header = True

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_ROWS:
            self._flush()

    def extend(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.add(row)

    def _flush(self) -> None:
        df = pd.DataFrame(self.rows, columns=self.columns)
        df = df.map(safe_cell)  # every column: pandas 3 stores text as StringDtype, not object
        df.to_csv(self.f, index=False, header=self.header)
        self.header = False
        self.rows = []

    def close(self) -> None:
        if self.rows or self.header:
            self._flush()


def write_rows(rows: Iterable[dict], columns: list[str], path: Path) -> Path:
    """Write rows to CSV through pandas, chunk by chunk, formulas neutralized."""
    with atomic_write(path, "w", newline="") as f:
        table = ChunkedCsv(f, columns)
        table.extend(rows)
        table.close()
    return path


def sink_tables(bundle, out_dir: Path) -> Sink:
    """Write ``papers.csv``, ``mentions.csv`` (from the stream of papers) and ``entities.csv``."""
    kg = bundle.kg
    out = Path(out_dir)
    with atomic_write(out / "papers.csv", "w", newline="") as pf, \
            atomic_write(out / "mentions.csv", "w", newline="") as mf:
        papers, mentions = ChunkedCsv(pf, PAPER_COLUMNS), ChunkedCsv(mf, MENTION_COLUMNS)
        while (ex := (yield)) is not None:
            papers.add(paper_row(ex))
            mentions.extend(mention_rows(ex, kg))
        papers.close()
        mentions.close()
    return [out / "papers.csv", write_rows(entity_rows(kg), ENTITY_COLUMNS, out / "entities.csv"),
            out / "mentions.csv"]


def write_tables(bundle, out_dir: Path) -> list[Path]:
    return write_one("tables", sink_tables(bundle, out_dir), bundle.kg.extractions)
