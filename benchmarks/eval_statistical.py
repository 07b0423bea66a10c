"""Evaluate the optional statistical recognizer (``kg_statistical``) against the rules.

Prints, for several pipelines:

(a) SciERC dev mention-level P/R/F1 (exact span and type; Method/Task/Metric);
(b) entity-level P/R/F1 on the daily-papers gold, split into the even-index half (the only
    half looked at for decisions) and the odd-index half (reported, never tuned on);
(c) speed: the component alone on 1,000 arXiv abstracts, and the whole pipelines.

Usage::

    python benchmarks/eval_statistical.py [--model DIR] [--speed-n 1000] [--no-speed]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from itertools import islice
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from kg.config import ExtractConfig  # noqa: E402
from kg.evaluate.gold import format_score, load_gold, score  # noqa: E402
from kg.evaluate.scierc import score_scierc  # noqa: E402
from kg.extract import extract, make_pipeline, paper_entities  # noqa: E402
from kg.extract import statistical  # noqa: E402,F401  (registers kg_statistical)
from kg.model import Paper  # noqa: E402


def statistical_only(model: str | None, confidence: float = 0.6) -> spacy.Language:
    """sentencizer + kg_sentences + kg_statistical + kg_entities: no vocabulary, rules or abbreviations."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_statistical", config={"model": model, "confidence": confidence})
    nlp.add_pipe("kg_entities")
    return nlp


def with_statistical(config: ExtractConfig, model: str | None, confidence: float = 0.6) -> spacy.Language:
    nlp = make_pipeline(config)
    nlp.add_pipe("kg_statistical", before="kg_entities", config={"model": model, "confidence": confidence})
    return nlp


def pipelines(model: str | None) -> dict[str, spacy.Language]:
    return {
        "rules (default pipeline)": make_pipeline(),
        "statistical only": statistical_only(model),
        "statistical + vocabulary + abbreviations (use_rules=False)": with_statistical(
            ExtractConfig(use_rules=False), model),
        "statistical + default pipeline": with_statistical(ExtractConfig(), model),
    }


def compact(sc, types) -> str:
    parts = []
    for t in types:
        c = sc.by_type[t]
        parts.append(f"{t} {c.precision:.3f}/{c.recall:.3f}/{c.f1:.3f}")
    o = sc.overall
    return "  ".join(parts) + f"  | ALL P {o.precision:.3f} R {o.recall:.3f} F1 {o.f1:.3f}"


def gold_papers(gold: list[dict]) -> list[Paper]:
    return [Paper(id=g["id"], title=g.get("title") or None, abstract=g.get("abstract") or "") for g in gold]


def arxiv_texts(n: int) -> list[str]:
    path = SHARED / "data" / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        recs = [json.loads(line) for line in islice(f, n)]
    return [f"{r['title']}\n\n{r['abstract']}" for r in recs]


def speed(model: str | None, n: int) -> None:
    texts = arxiv_texts(n)
    base = spacy.blank("en")
    base.add_pipe("sentencizer")
    base.add_pipe("kg_sentences")
    docs = list(base.pipe(texts))
    comp = statistical.StatisticalRecognizer(statistical.load_model(model), 0.6)
    comp_docs = list(comp.pipe(docs[:50]))  # warm-up
    for d in docs:
        d._.kg_candidates = None
    t0 = time.perf_counter()
    comp_docs = list(comp.pipe(docs))
    dt = time.perf_counter() - t0
    ntok = sum(len(d) for d in docs)
    ncand = sum(len(d._.kg_candidates or []) for d in comp_docs)
    print(f"kg_statistical alone: {n} abstracts in {dt:.2f} s = {n / dt:.0f} abstracts/s "
          f"({ntok / dt:.0f} tokens/s, {ncand / n:.1f} candidates per abstract), 1 process")
    for name, nlp in (("default pipeline", make_pipeline()),
                      ("default + kg_statistical", with_statistical(ExtractConfig(), model))):
        papers = [Paper(id=str(i), abstract=t) for i, t in enumerate(texts)]
        list(extract(papers[:50], nlp))
        t0 = time.perf_counter()
        list(extract(papers, nlp))
        dt = time.perf_counter() - t0
        print(f"{name:28s}: {n / dt:.0f} abstracts/s (1 process)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="trained model folder (default: the packaged kg/models/scierc-ner)")
    ap.add_argument("--scierc", type=Path, default=SHARED / "data" / "scierc" / "dev.json")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold" / "daily-papers-dev.jsonl")
    ap.add_argument("--speed-n", type=int, default=1000)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--full", action="store_true", help="print full per-type tables")
    args = ap.parse_args(argv)
    if not args.scierc.is_file():
        print(f"{args.scierc} not found (../shared is absent)", file=sys.stderr)
        return 2

    pipes = pipelines(args.model)
    print("(a) SciERC dev, mention-level exact span and type: P/R/F1 per type")
    for name, nlp in pipes.items():
        sc = score_scierc(args.scierc, nlp)
        print(f"  {name}\n    {compact(sc, ('Method', 'Task', 'Metric'))}")
        if args.full:
            print(format_score(sc))

    if args.gold.is_file():
        gold = load_gold(args.gold)
        halves = {"even half (gold[0::2], for decisions)": gold[0::2],
                  "odd half (gold[1::2], report only)": gold[1::2]}
        types = ("Method", "Architecture", "Dataset", "Metric", "Task")
        print("\n(b) daily-papers gold, entity-level (GUIDELINES.md section 9)")
        for hname, part in halves.items():
            print(f"  {hname}: {len(part)} papers")
            for name, nlp in pipes.items():
                preds = {ex.paper.id: paper_entities(ex) for ex in extract(gold_papers(part), nlp)}
                sc = score(part, preds)
                print(f"    {name}\n      {compact(sc, types)}")
                if args.full:
                    print(format_score(sc))
    else:
        print(f"\n(b) skipped: {args.gold} not found")

    if not args.no_speed:
        print("\n(c) speed")
        speed(args.model, args.speed_n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
