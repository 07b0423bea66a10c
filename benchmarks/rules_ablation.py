"""Does each hand rule earn its place? Fast-mode F1 with each rule or resolver filter removed.

    python benchmarks/rules_ablation.py            # one row per rule and filter, each removed alone
    python benchmarks/rules_ablation.py --greedy   # remove the cheapest one under the limits, again and again

Scored on the arXiv annotations' training split and the dev set (``../shared/gold``), never on
the evaluation split, which must stay untuned. The rules read only the vocabulary's candidates,
never each other's, so dropping a rule's candidates ("rule:head-noun", ...) is the same as deleting
the code that makes them: the pipeline runs once up to the rules, and each variant only resolves
again. A resolver filter (is_metric_use, ...) is switched off for its variant.

``--greedy`` removes, round after round, the rule or filter whose removal costs least, as long as
it costs less than ``--max-train`` F1 on the training split and at most ``--max-dev`` on the dev
set, and measures the others again without it: rules that find the same things each look
dispensable alone, and the second of two stays.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "gold"
TRAIN = (SHARED / "arxiv" / "arxiv-annotated.jsonl", "train")
DEV = (SHARED / "daily-papers-dev.jsonl", None)


def load(path: Path, split: str | None) -> list[dict]:
    """Gold records of a file, or of its arXiv training split (the evaluation split is refused)."""
    from kg.evaluate.gold import load_gold

    gold = load_gold(path)
    if split == "eval":
        raise SystemExit("the evaluation split stays untuned: ablate on the training split or the dev set")
    if split == "train":
        from kg.train.data import eval_ids

        held_out = eval_ids()
        gold = [g for g in gold if g["id"] not in held_out]
    return gold


class GoldSet:
    """A gold set, run once through the fast pipeline; :meth:`f1` resolves again without some rules."""

    def __init__(self, nlp, gold: list[dict]):
        from kg.markup import strip_markup
        from kg.model import Paper

        self.gold = gold
        self.papers = [Paper(id=g["id"], title=g.get("title") or None, abstract=g.get("abstract") or "")
                       for g in gold]
        self.resolver = nlp.get_pipe("kg_entities")
        before = nlp.pipe_names.index("kg_entities")
        with nlp.select_pipes(enable=nlp.pipe_names[:before]):
            self.read = [strip_markup(p.text) for p in self.papers]  # as extract() reads them
            self.docs = list(nlp.pipe(text for text, _ in self.read))
        self.candidates = [list(d._.kg_candidates or []) for d in self.docs]

    def rules(self) -> set[str]:
        return {c.rule for cands in self.candidates for c in cands if c.rule.startswith("rule:")}

    def f1(self, without: frozenset[str] = frozenset()) -> float:
        from kg.evaluate.gold import score
        from kg.extract import paper_entities
        from kg.extract.pipeline import _found, to_extraction

        preds = {}
        for paper, doc, cands, read in zip(self.papers, self.docs, self.candidates, self.read):
            doc._.kg_candidates = [c for c in cands if c.rule not in without]
            self.resolver(doc)
            preds[paper.id] = paper_entities(to_extraction(paper, _found(doc, *read)))
        return score(self.gold, preds).overall.f1


@contextmanager
def patched(module, name: str, replacement: Callable):
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


def filters() -> dict[str, Callable]:
    """Resolver filters by name, each with a function that makes a context switching it off."""
    from kg.extract import entities
    from kg.extract.vocabulary import Vocabulary

    return {
        "filter:is_metric_use": lambda: patched(entities, "is_metric_use", lambda *a, **k: True),
        "filter:is_task_modifier": lambda: patched(entities, "is_task_modifier", lambda *a, **k: False),
        "filter:generic_spans": lambda: patched(Vocabulary, "generic_spans", lambda self, lower: []),
    }


def scores(sets: list[GoldSet], removed: frozenset[str]) -> list[float]:
    """F1 per gold set with the rules and filters in ``removed`` gone."""
    switches = filters()
    with ExitStack() as stack:
        for name in removed & switches.keys():
            stack.enter_context(switches[name]())
        return [s.f1(removed) for s in sets]


def main() -> None:
    from kg.config import ExtractConfig
    from kg.extract import make_pipeline

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--greedy", action="store_true", help="remove rules one by one while they cost little")
    ap.add_argument("--max-train", type=float, default=0.002, help="remove only below this cost on the train split")
    ap.add_argument("--max-dev", type=float, default=0.005, help="... and at most this cost on the dev set")
    ap.add_argument("--keep", nargs="*", default=[], help="rules or filters never to remove")
    args = ap.parse_args()
    nlp = make_pipeline(ExtractConfig(use_recognizer=False))
    sets = [GoldSet(nlp, load(*TRAIN)), GoldSet(nlp, load(*DEV))]
    names = sorted(set().union(*(s.rules() for s in sets))) + list(filters())
    removed: frozenset[str] = frozenset()
    order: list[str] = []
    while True:
        base = scores(sets, removed)
        print(f"\n{'removed':34s} {'train split F1':>24s} {'dev F1':>24s}")
        print(f"{'(none more)':34s} {base[0]:24.4f} {base[1]:24.4f}" + (f"   after removing {len(removed)}" if removed else ""))
        rows = []
        for name in names:
            if name in removed:
                continue
            train, dev = scores(sets, removed | {name})
            rows.append((base[0] - train, base[1] - dev, name))
            print(f"{name:34s} {train:15.4f} ({train - base[0]:+.4f}) {dev:15.4f} ({dev - base[1]:+.4f})", flush=True)
        if not args.greedy:
            return
        cheap = [r for r in rows if r[0] < args.max_train and r[1] <= args.max_dev and r[2] not in args.keep]
        if not cheap:
            print("\nno rule or filter left that costs less than the limits; removed, in order:", ", ".join(order))
            return
        cost_train, cost_dev, name = min(cheap)
        removed |= {name}
        order.append(name)
        print(f"-> remove {name} (costs {cost_train:+.4f} train, {cost_dev:+.4f} dev)")


if __name__ == "__main__":
    main()
