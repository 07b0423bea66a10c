"""Entity-level scoring against the daily-papers gold format.

Matching rule (GUIDELINES.md section 9, as the reference ``score.py`` implements it): a
predicted entity is correct when its type equals a gold entity's type in the same paper and
its text equals, case-insensitively after trimming and collapsing whitespace, that gold
entity's canonical name or any of its mentions. Predictions are deduplicated per paper by
(type, normalized text). Precision = correct / predictions; recall = gold entities hit by at
least one prediction / gold entities.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.model import ENTITY_TYPES

_WS = re.compile(r"\s+")


def norm(s: str) -> str:
    return _WS.sub(" ", s.strip().lower())


def load_gold(path: Path) -> list[dict]:
    """Gold records: ``{"id", "title", "abstract", "entities": [...]}`` per line.

    Raises
    ------
    InputError
        For a missing file, a malformed line or a record without id/entities.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"malformed JSON ({e.msg})", str(path), n) from None
            if not isinstance(rec, dict) or "id" not in rec or "entities" not in rec:
                raise InputError("gold record needs 'id' and 'entities'", str(path), n)
            out.append(rec)
    if not out:
        raise InputError("empty gold file", str(path))
    return out


@dataclass
class Counts:
    tp_p: int = 0  #: correct predictions
    n_p: int = 0  #: predictions
    tp_r: int = 0  #: gold entities found
    n_g: int = 0  #: gold entities

    @property
    def precision(self) -> float:
        return self.tp_p / self.n_p if self.n_p else 0.0

    @property
    def recall(self) -> float:
        return self.tp_r / self.n_g if self.n_g else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    """Per-type and overall counts, plus the errors for ``--errors``."""

    by_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in ENTITY_TYPES})
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)  # (id, type, text)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (id, type, name)
    proposed_correct: int = 0
    proposed_total: int = 0

    @property
    def overall(self) -> Counts:
        c = Counts()
        for t in self.by_type.values():
            c.tp_p += t.tp_p
            c.n_p += t.n_p
            c.tp_r += t.tp_r
            c.n_g += t.n_g
        return c

    @property
    def proposed_accuracy(self) -> float:
        return self.proposed_correct / self.proposed_total if self.proposed_total else 0.0


def score(gold: Iterable[Mapping], predictions: Mapping[str, list[Mapping]]) -> Score:
    """Score predictions (paper id -> list of {"name", "type", ["proposed"]}) against gold."""
    sc = Score()
    for g in gold:
        pid = g["id"]
        surf = [(e["type"], {norm(e["name"])} | {norm(m) for m in e.get("mentions", [])}, e)
                for e in g["entities"]]
        preds: dict[tuple[str, str], Mapping] = {}
        for p in predictions.get(pid, []):
            preds.setdefault((p["type"], norm(p["name"])), p)
        matched: set[int] = set()
        for (t, s), p in preds.items():
            c = sc.by_type.setdefault(t, Counts())
            c.n_p += 1
            hits = [i for i, (gt, ss, _) in enumerate(surf) if gt == t and s in ss]
            if hits:
                c.tp_p += 1
                matched.update(hits)
                if "proposed" in p:
                    sc.proposed_total += 1
                    sc.proposed_correct += bool(p["proposed"]) == bool(surf[hits[0]][2].get("proposed"))
            else:
                sc.false_positives.append((pid, t, p["name"]))
        for i, (gt, _, e) in enumerate(surf):
            c = sc.by_type.setdefault(gt, Counts())
            c.n_g += 1
            if i in matched:
                c.tp_r += 1
            else:
                sc.misses.append((pid, gt, e["name"]))
    return sc


def format_score(sc: Score, title: str = "") -> str:
    """A table of precision, recall and F1 per type and overall."""
    lines = [title] if title else []
    lines.append(f"{'type':13s} {'P':>6s} {'R':>6s} {'F1':>6s}  {'pred':>5s} {'gold':>5s}")
    for t, c in list(sc.by_type.items()) + [("ALL", sc.overall)]:
        lines.append(f"{t:13s} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}  {c.n_p:5d} {c.n_g:5d}")
    if sc.proposed_total:
        lines.append(f"proposed flag accuracy on matched entities: {sc.proposed_accuracy:.3f} "
                     f"({sc.proposed_correct}/{sc.proposed_total})")
    return "\n".join(lines)
