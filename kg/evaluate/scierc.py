"""Mention-level scoring on SciERC (DyGIE JSON-lines: ``sentences`` of tokens, ``ner`` spans
with document-level token offsets and inclusive ends).

The document text is the tokens joined by single spaces; a predicted mention counts when its
character span maps exactly onto a gold token span of the same type. Our types map as
Method and Architecture -> Method, Task -> Task, Metric -> Metric; Dataset (SciERC's
Material is broader) and SciERC's Generic, Material and OtherScientificTerm are not scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.evaluate.gold import Counts, Score
from kg.model import Paper, Source

TYPE_MAP = {"Method": "Method", "Architecture": "Method", "Task": "Task", "Metric": "Metric"}
SCORED = ("Method", "Task", "Metric")


def scierc_documents(path: Path, labels=SCORED) -> Iterator[tuple[str, list[str], list[tuple[int, int, str]]]]:
    """Yield ``(doc_key, words, spans)`` per SciERC document (DyGIE JSON lines).

    Spans are ``(start token, end token exclusive, label)`` with document-level offsets, sorted;
    only ``labels`` are kept.

    Raises
    ------
    InputError
        For a missing file or a line that is not a SciERC record.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                words = [t for s in doc["sentences"] for t in s]
                spans = sorted({(s, e + 1, t) for sent in doc["ner"] for s, e, t in sent if t in labels})
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
                raise InputError(f"not a SciERC record ({e})", str(path), n) from None
            yield doc.get("doc_key", f"{path.name}#{n}"), words, spans


def read_scierc(path: Path) -> Iterator[tuple[Paper, list[tuple[int, int]], set[tuple[int, int, str]]]]:
    """Yield (paper, token char offsets, gold spans) per document; the paper's text is the
    tokens joined by single spaces."""
    path = Path(path)
    for n, (key, tokens, spans) in enumerate(scierc_documents(path), 1):
        offsets, pos = [], 0
        for t in tokens:
            offsets.append((pos, pos + len(t)))
            pos += len(t) + 1
        yield Paper(id=key, abstract=" ".join(tokens), sources=(Source(str(path), n),)), offsets, set(spans)


def score_scierc(path: Path, nlp) -> Score:
    """Run the pipeline on every SciERC document and score mentions (exact span and type)."""
    from kg.extract import extract

    docs = list(read_scierc(path))
    sc = Score(by_type={t: Counts() for t in SCORED})
    for (paper, offsets, gold), ex in zip(docs, extract((d[0] for d in docs), nlp)):
        starts = {s: i for i, (s, _) in enumerate(offsets)}
        ends = {e: i + 1 for i, (_, e) in enumerate(offsets)}
        pred = set()
        for m in ex.mentions:
            t = TYPE_MAP.get(m.type)
            if t is None:
                continue
            s, e = starts.get(m.start), ends.get(m.end)
            pred.add((s, e, t) if s is not None and e is not None else (-m.start, -m.end, t))

        def text(s: int, e: int) -> str:  # token span, or negated character offsets (unaligned)
            return paper.abstract[offsets[s][0]:offsets[e - 1][1]] if s >= 0 else paper.abstract[-s:-e]

        for s, e, t in pred:
            c = sc.by_type[t]
            c.n_p += 1
            if (s, e, t) in gold:
                c.tp_p += 1
            else:
                sc.false_positives.append((paper.id, t, text(s, e)))
        for s, e, t in gold:
            c = sc.by_type[t]
            c.n_g += 1
            if (s, e, t) in pred:
                c.tp_r += 1
            else:
                sc.misses.append((paper.id, t, text(s, e)))
    return sc
