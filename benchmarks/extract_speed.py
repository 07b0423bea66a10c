"""Extraction speed, one process: abstracts/s per component, against bare tokenization.

    python benchmarks/extract_speed.py [N] [--model DIR]   # first N abstracts of the arXiv sample (default 5000)

Prints the time of bare `spacy.blank("en")` tokenization of the texts (the baseline) and of the
project's tokenizer (:mod:`kg.extract.tokenizer`); seconds per stage of the default pipeline
(each over all the pre-tokenized Docs; the LaTeX markup removal that comes before tokenization
is one; the learned recognizer is the last), abstracts per second and the ratio to the
baseline, measured side by side in this process; then each mode as `kg extract` runs it (texts
streamed through `nlp.pipe`): `--fast` (the rules) and the default, each with and without
result extraction (`kg_results`), in turn over short slices of the texts (CPU time of this
process), abstracts per CPU second with results and the ratio to the baseline's CPU time, and what results
add to each mode: the median of the per-slice ratios.

Everything runs with the garbage collector tuned as a build and `kg extract` run extraction
(:func:`kg.gctune.use_bulk_gc`; `--default-gc` keeps Python's default thresholds, with which
`--fast` took about 10% more CPU time in fresh processes, and the default mode the same: until
2026-12-07 this benchmark measured with those).
"""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

ARXIV = Path(__file__).resolve().parents[2] / "shared" / "data" / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"


def main() -> None:
    import argparse

    import spacy

    from kg.config import ExtractConfig
    from kg.extract import make_pipeline
    from kg.markup import strip_markup

    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=5000)
    ap.add_argument("--model", type=Path, help="a recognizer model folder (default: the packaged one)")
    ap.add_argument("--repeat", type=int, default=5, help="slices the texts are cut into for the with/without "
                    "comparison (default 5)")
    ap.add_argument("--rounds", type=int, default=2, help="passes over the slices (default 2)")
    ap.add_argument("--default-gc", action="store_true", help="keep Python's default collector thresholds "
                    "(default: those of a build, kg.gctune.use_bulk_gc)")
    args = ap.parse_args()
    if not args.default_gc:
        from kg.gctune import use_bulk_gc

        use_bulk_gc()  # as in the workers of kg build and kg extract
    n = args.n
    texts = []
    with gzip.open(ARXIV, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            texts.append(f"{r['title']}\n\n{r['abstract']}")
            if len(texts) >= n:
                break
    bare = spacy.blank("en")
    for x in texts[:200]:  # warm up
        bare.make_doc(x)
    t, cpu = time.perf_counter(), time.process_time()
    for x in texts:
        bare.make_doc(x)
    base, base_cpu = time.perf_counter() - t, time.process_time() - cpu  # (the streamed modes are timed in CPU)
    print(f"{'tokenize (spacy.blank)':24s} {base:7.2f} s  {n / base:8.0f} abstracts/s  (the baseline)")
    nlp = make_pipeline(ExtractConfig(recognizer_model=args.model))
    list(nlp.pipe(texts[:200]))  # warm up
    t = time.perf_counter()
    docs = [nlp.make_doc(x) for x in texts]
    tok = time.perf_counter() - t
    print(f"{'tokenize (kg tokenizer)':24s} {tok:7.2f} s  {n / tok:8.0f} abstracts/s  ({tok / base:.2f}x)")
    t = time.perf_counter()
    clean = [strip_markup(x)[0] for x in texts]
    dt = time.perf_counter() - t
    print(f"{'LaTeX markup (kg.markup)':24s} {dt:7.2f} s")
    docs = [nlp.make_doc(x) for x in clean]
    total = tok + dt
    for name, proc in nlp.pipeline:
        t = time.perf_counter()
        docs = [proc(d) for d in docs]
        dt = time.perf_counter() - t
        total += dt
        print(f"{name:24s} {dt:7.2f} s")
    print(f"{'sum of the stages':24s} {total:7.2f} s  {n / total:8.0f} abstracts/s  "
          f"({total / base:.2f}x tokenization)")
    # What kg extract runs: texts streamed through nlp.pipe (each component takes batches of 64),
    # with and without results. On a shared machine both wall and CPU time swing with the other
    # processes' load, by more than the difference measured; so the two pipelines of a mode run
    # in turn over short slices, many times, and the median of the per-slice ratios is reported.
    for mode, learned in (("--fast (rules)", False), ("default (learned)", True)):
        pair = [make_pipeline(ExtractConfig(use_recognizer=learned, use_results=r, recognizer_model=args.model))
                for r in (False, True)]
        for p in pair:
            list(p.pipe(texts[:100]))
        ratios, totals = [], [0.0, 0.0]
        size = max(50, n // max(1, args.repeat))
        for _ in range(max(1, args.rounds)):
            for k in range(0, n, size):
                chunk = texts[k:k + size]
                took = []
                for i, p in enumerate(pair):
                    t = time.process_time()
                    for _ in p.pipe((strip_markup(x)[0] for x in chunk), batch_size=64):
                        pass
                    took.append(time.process_time() - t)
                    totals[i] += took[-1]
                ratios.append(took[1] / took[0])
        ratios.sort()
        median = ratios[len(ratios) // 2]
        per_s = n * max(1, args.rounds) / totals[1]
        print(f"{mode:20s} without results {totals[0]:7.2f} s CPU, with {totals[1]:7.2f} s CPU "
              f"({per_s:.0f} abstracts/s, {n / base_cpu / per_s:.2f}x tokenization); "
              f"results add {100 * (median - 1):+.1f}% (median of {len(ratios)} slice ratios, "
              f"quartiles {ratios[len(ratios) // 4]:.3f}-{ratios[3 * len(ratios) // 4]:.3f})")


if __name__ == "__main__":
    main()
