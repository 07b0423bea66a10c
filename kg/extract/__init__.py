"""Extract stage: a spaCy pipeline on ``spacy.blank("en")`` that finds methods, architectures,
datasets, metrics and tasks in each paper's title and abstract.

Entry points: :func:`make_pipeline`, :func:`extract` (one process),
:func:`extract_parallel` (a process pool), :func:`paper_entities` (a paper's mentions
grouped into entities, the shape `kg extract` writes) and :func:`paper_results` (its results).
"""

from __future__ import annotations

from kg.extract.vocabulary import GENERIC_HEADS
from kg.extract.pipeline import default_jobs, extract, extract_parallel, make_pipeline
from kg.model import Extraction

__all__ = ["make_pipeline", "extract", "extract_parallel", "default_jobs", "paper_entities", "paper_results"]


def paper_results(ex: Extraction) -> list[dict]:
    """An extraction's results as ``kg extract`` writes them: the fields of the results gold set
    (``metric``, ``value``, ``kind``, ``dataset``, ``system``, ``proposed``, ``evidence``) and the
    parsed value (``number``, ``number_high``, ``unit``, ``sign``)."""
    n = len(ex.sentences)
    return [{"metric": r.metric, "value": r.value, "number": r.number, "number_high": r.number_high, "unit": r.unit,
             "sign": r.sign, "kind": r.kind, "dataset": r.dataset, "system": r.system, "proposed": r.proposed,
             "evidence": ex.sentences[r.sentence] if r.sentence < n else ""} for r in ex.results]


def paper_entities(ex: Extraction) -> list[dict]:
    """Group an extraction's mentions into one entry per entity.

    Returns
    -------
    list of dict
        ``{"name", "type", "key", "mentions", "proposed", "confidence"}`` in order of first
        mention; ``mentions`` lists the distinct surface forms.
    """
    out: dict[str, dict] = {}
    for m in ex.mentions:
        e = out.get(m.key)
        if e is None:
            e = out[m.key] = {"name": m.label, "type": m.type, "key": m.key, "mentions": [],
                              "proposed": False, "confidence": 0.0}
        if m.text not in e["mentions"]:
            e["mentions"].append(m.text)
        e["proposed"] = e["proposed"] or m.proposed
        e["confidence"] = max(e["confidence"], m.confidence)
    for key, e in out.items():
        e["name"] = paper_name(e["name"], e["mentions"])
    return list(out.values())


def _is_acronym(s: str) -> bool:
    """One all-capitals token, possibly with a plural "s" ("CNN", "GNNs"); "MS COCO" is a name."""
    return " " not in s and (s.isupper() or s[:-1].isupper() and s.endswith("s"))


def _without_generic_head(s: str) -> str:
    """The name without a trailing generic head noun ("Transformer architectures" -> "Transformer"),
    which the guidelines (section 4) leave out of a mention."""
    head, sep, last = s.rpartition(" ")
    return head if sep and last.lower() in GENERIC_HEADS else s


def paper_name(label: str, surfaces: list[str]) -> str:
    """The name of an entity as this paper writes it.

    The label when the paper writes it (in any case, or followed by a generic head noun such as
    "architecture"); otherwise the paper's longest spelling that is not an acronym, as written
    ("network pruning" rather than the vocabulary's "pruning", "MS COCO" rather than "COCO",
    "Video-LLMs" rather than a singular the paper never writes); the label for an entity the
    paper names only by an acronym ("CNN" -> "convolutional neural network").
    """
    if not surfaces:
        return label
    low = label.lower()
    forms = surfaces + [_without_generic_head(s) for s in surfaces]
    if any(s.lower() == low for s in forms):
        return label
    words = [s for s in surfaces if not _is_acronym(s)]
    if not words:
        return label
    return max(words, key=len)
