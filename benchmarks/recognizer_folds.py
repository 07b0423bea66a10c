"""Cross-validation of the learned recognizer on its training papers: what a change to its
features, rules or settings is worth, measured without touching the evaluation split.

    python benchmarks/recognizer_folds.py [--folds 4] [--only 0,1] [--limits 0.5,0.7] [--jobs 2]

The training papers of ``kg train`` (the arXiv set without its evaluation split, and the
project's annotations) go once through the rule pipeline to their features, with the packaged
model's word clusters (so no clusters are made, and two commits with the same clusters compare
their features and rules alone). The papers are cut into ``--folds`` seeded folds (seed 0); for
each fold a CRF is trained on the other folds with ``kg train``'s settings, and the whole default
pipeline, with that CRF and the names the other folds give forms (``names.tsv``), extracts the
fold's papers, scored by ``kg eval``'s scorer. Prints, per fold and confidence limit, P, R, F1 and
F1 per type, then the mean F1 over the folds. Run it on two commits to compare them: about 12
minutes on 2 cores for 4 folds of 3,030 papers. ``--papers N`` takes the first N papers only
(a smoke run).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

TYPES = ("Method", "Architecture", "Dataset", "Metric", "Task")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=4, help="folds of the training papers (default 4)")
    ap.add_argument("--only", default="", help="comma-separated folds to score (default: all)")
    ap.add_argument("--limits", default="0.5,0.7", help="recognizer confidence limits to score at (default 0.5,0.7)")
    ap.add_argument("--jobs", type=int, default=2, help="CRFs trained at once (default 2)")
    ap.add_argument("--papers", type=int, default=0, help="the first N training papers only (a smoke run)")
    ap.add_argument("--max-iterations", type=int, default=None, help="L-BFGS iterations (default: kg train's)")
    ap.add_argument("--shared", type=Path, default=None, help="the shared data folder (default: as kg train)")
    args = ap.parse_args()

    from kg.config import ExtractConfig
    from kg.evaluate.gold import score
    from kg.extract import extract, make_pipeline, paper_entities
    from kg.extract.features import WordFeatures
    from kg.extract.recognizer import DEFAULT_MODEL, read_clusters
    from kg.model import Paper
    from kg.train import data as D
    from kg.train import recognizer as R
    from kg.train.names import learn_names, write_names

    limits = [float(x) for x in args.limits.split(",")]
    folds_to_score = [int(x) for x in args.only.split(",")] if args.only else list(range(args.folds))
    if args.folds < 2 or not all(0 <= k < args.folds for k in folds_to_score):
        sys.exit(f"recognizer_folds: --folds must be at least 2 and --only among 0..{args.folds - 1}")
    cfg = R.TrainConfig()
    if args.max_iterations:
        cfg = dataclasses.replace(cfg, max_iterations=args.max_iterations)
    params = R.crf_params(cfg)
    t0 = time.perf_counter()
    records = D.training_records(args.shared)
    if args.papers:
        records = records[:args.papers]
    words = WordFeatures(read_clusters(DEFAULT_MODEL / "clusters.tsv"))
    sequences = [(x, y) for x, y, _entities, _lower in R.labelled_papers(records, words)]
    folds = R.fold_ids(len(records), args.folds, cfg.seed)
    print(f"{len(records)} training papers, {args.folds} folds; features in {time.perf_counter() - t0:.0f} s",
          flush=True)
    work = Path(tempfile.mkdtemp(prefix="kg-folds-"))
    try:
        R.train_crfs(sequences, [(str(work / f"fold{k}.crfsuite"), k) for k in folds_to_score], params, folds,
                     args.jobs)
        print(f"CRFs trained in {time.perf_counter() - t0:.0f} s", flush=True)
        print(f"{'fold':>4} {'limit':>5} {'P':>6} {'R':>6} {'F1':>6}  " + " ".join(f"{t:>12}" for t in TYPES))
        f1s: dict[float, list[float]] = {lim: [] for lim in limits}
        for k in folds_to_score:
            model = work / f"model{k}"
            shutil.copytree(DEFAULT_MODEL, model)
            shutil.copy(work / f"fold{k}.crfsuite", model / "model.crfsuite")
            (model / "second.crfsuite").unlink(missing_ok=True)
            write_names(learn_names([r for r, f in zip(records, folds) if f != k]), model / "names.tsv")
            gold = [r for r, f in zip(records, folds) if f == k]
            papers = [Paper(id=g["id"], title=g.get("title") or None, abstract=g.get("abstract") or "") for g in gold]
            for lim in limits:
                nlp = make_pipeline(ExtractConfig(recognizer_model=str(model), recognizer_min_confidence=lim))
                sc = score(gold, {ex.paper.id: paper_entities(ex) for ex in extract(papers, nlp)})
                o = sc.overall
                f1s[lim].append(o.f1)
                print(f"{k:>4} {lim:>5} {o.precision:6.3f} {o.recall:6.3f} {o.f1:6.4f}  "
                      + " ".join(f"{sc.by_type[t].f1 if t in sc.by_type else 0:12.3f}" for t in TYPES), flush=True)
        for lim in limits:
            print(f"mean F1 at limit {lim}: {sum(f1s[lim]) / len(f1s[lim]):.4f} over folds {folds_to_score}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
