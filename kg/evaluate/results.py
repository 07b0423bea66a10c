"""Scoring extracted results against the results gold set (``../shared/gold/results/``).

The matching rule of ``RESULTS-GUIDELINES.md``: a predicted result matches a gold result of the
same paper when the values are equal as numbers (%, units, "+", "x" and spaces ignored; a range
equal at both ends), the kinds are equal, and the metrics are equal case-insensitively or are
surface forms of the same metric entity (the extractor's own merge: entity keys, and the
vocabulary's aliases, so "accuracy" and "Acc." or "AUC" and "AUROC" are one metric). At the
second level the datasets must also be equal (case-insensitively or as one entity) or both null.
Each gold result matches at most one prediction (greedy, in order).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.extract.normalize import entity_key
from kg.extract.values import same_number

LEVELS = ("metric+value+kind", "+dataset")


def load_results_gold(path: Path) -> list[dict]:
    """Read a results gold file: one JSON object per paper with ``id``, ``abstract`` and ``results``.

    Raises
    ------
    KgError
        The file is missing or a line is not such an object (names file and line).
    """
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    d = json.loads(line)
                    ok = isinstance(d, dict) and isinstance(d.get("id"), str) and isinstance(d.get("abstract"), str) \
                        and isinstance(d.get("results"), list) \
                        and all(isinstance(r, dict) and {"metric", "value", "kind"} <= r.keys() for r in d["results"])
                except ValueError:
                    ok = False
                if not ok:
                    raise KgError("not a results gold record (id, abstract, results: [{metric, value, kind, ...}])",
                                  f"{path}:{n}")
                out.append(d)
    except OSError as e:
        raise KgError(f"cannot read the gold file ({e.strerror or e})", str(path)) from None
    if not out:
        raise KgError("the gold file holds no paper", str(path))
    return out


def _metric_keys(name: str, vocab) -> set[str]:
    keys = {name.strip().lower(), entity_key(name)}
    if vocab is not None:
        c = vocab.lookup(name)
        if c is not None and c.type == "Metric":
            keys.add(entity_key(c.label))
    return keys


def _same_dataset(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.strip().lower() == b.strip().lower() or entity_key(a) == entity_key(b)


@dataclass
class LevelScore:
    """Counts of one level."""

    tp_pred: int = 0
    tp_gold: int = 0
    pred: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp_pred / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ResultsScore:
    """Scores at both levels, and the errors of the second level."""

    levels: dict[str, LevelScore] = field(default_factory=lambda: {k: LevelScore() for k in LEVELS})
    false_positives: list[tuple[str, str, dict]] = field(default_factory=list)  #: (paper, level, prediction)
    misses: list[tuple[str, str, dict]] = field(default_factory=list)  #: (paper, level, gold result)


def score_results(gold: list[dict], predictions: dict[str, list[dict]], vocab=None) -> ResultsScore:
    """Score predictions (paper id -> result dicts as :func:`kg.extract.paper_results` makes them) against gold."""
    sc = ResultsScore()
    for g in gold:
        pid = g["id"]
        preds = predictions.get(pid, [])
        golds = g["results"]
        for level, lv in sc.levels.items():
            with_ds = level == "+dataset"
            lv.pred += len(preds)
            lv.gold += len(golds)
            used: set[int] = set()
            matched_pred: set[int] = set()
            for gi, gr in enumerate(golds):
                gkeys = _metric_keys(gr["metric"], vocab)
                for pi, pr in enumerate(preds):
                    if pi in matched_pred:
                        continue
                    if pr["kind"] == gr["kind"] and same_number(pr["value"], gr["value"]) \
                            and gkeys & _metric_keys(pr["metric"], vocab) \
                            and (not with_ds or _same_dataset(pr.get("dataset"), gr.get("dataset"))):
                        used.add(gi)
                        matched_pred.add(pi)
                        break
            lv.tp_gold += len(used)
            lv.tp_pred += len(matched_pred)
            sc.false_positives += [(pid, level, p) for i, p in enumerate(preds) if i not in matched_pred]
            sc.misses += [(pid, level, r) for i, r in enumerate(golds) if i not in used]
    return sc


def format_results_score(sc: ResultsScore, title: str) -> str:
    """The scores as a small table."""
    lines = [title, f"{'level':28s} {'P':>6s} {'R':>6s} {'F1':>6s}   {'pred':>5s} {'gold':>5s}"]
    names = {"metric+value+kind": "(metric, value, kind)", "+dataset": "(metric, value, kind, dataset)"}
    for k, lv in sc.levels.items():
        lines.append(f"{names[k]:28s} {lv.precision:6.3f} {lv.recall:6.3f} {lv.f1:6.3f}   {lv.pred:5d} {lv.gold:5d}")
    return "\n".join(lines)


def format_result(r: dict) -> str:
    """One result on one line, for error listings."""
    ds = f" on {r.get('dataset')}" if r.get("dataset") else ""
    return f"{r['metric']} = {r['value']} ({r['kind']}){ds}"
