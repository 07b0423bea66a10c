"""Tables (pandas) as CSV: ``papers.csv``, ``entities.csv``, ``mentions.csv``.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
prefixed with a single quote, the OWASP-recommended neutralization.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kg.atomic import atomic_write

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(v):
    """Neutralize spreadsheet formulas in text cells; other values pass through."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def papers_frame(kg) -> pd.DataFrame:
    rows = []
    for ex in kg.extractions:
        p = ex.paper
        rows.append({
            "id": p.id, "title": p.title, "abstract": p.abstract, "date": p.date.isoformat() if p.date else None,
            "date_text": p.date_text, "author_count": p.author_count, "authors": "; ".join(p.authors),
            "url": p.url, "categories": " ".join(p.categories), "upvotes": p.upvotes,
            "sources": "; ".join(str(s) for s in p.sources),
            "entity_count": len({m.key for m in ex.mentions}),
        })
    return pd.DataFrame(rows, columns=["id", "title", "abstract", "date", "date_text", "author_count", "authors",
                                       "url", "categories", "upvotes", "sources", "entity_count"])


def entities_frame(kg) -> pd.DataFrame:
    rows = [{"key": e.key, "label": e.label, "type": e.type, "alt_labels": "; ".join(e.alt_labels),
             "paper_count": len(e.papers), "proposed_by": "; ".join(e.proposed_by),
             "in_vocabulary": e.in_vocabulary} for e in kg.entities.values()]
    return pd.DataFrame(rows, columns=["key", "label", "type", "alt_labels", "paper_count", "proposed_by",
                                       "in_vocabulary"])


def mentions_frame(kg) -> pd.DataFrame:
    rows = []
    for ex in kg.extractions:
        for m in ex.mentions:
            rows.append({"paper_id": ex.paper.id, "entity_key": m.key, "type": kg.entity_type(m.key),
                         "text": m.text, "start": m.start, "end": m.end, "sentence_index": m.sentence,
                         "sentence": ex.sentences[m.sentence] if m.sentence < len(ex.sentences) else "",
                         "rule": m.rule, "proposed": m.proposed, "confidence": m.confidence})
    return pd.DataFrame(rows, columns=["paper_id", "entity_key", "type", "text", "start", "end", "sentence_index",
                                       "sentence", "rule", "proposed", "confidence"])


def write_frame(df: pd.DataFrame, path: Path) -> Path:
    df = df.apply(lambda col: col.map(safe_cell) if col.dtype == object else col)
    with atomic_write(path, "w", newline="") as f:
        df.to_csv(f, index=False)
    return path


def write_tables(bundle, out_dir: Path) -> list[Path]:
    kg = bundle.kg
    out = Path(out_dir)
    return [write_frame(papers_frame(kg), out / "papers.csv"),
            write_frame(entities_frame(kg), out / "entities.csv"),
            write_frame(mentions_frame(kg), out / "mentions.csv")]
