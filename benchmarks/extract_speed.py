"""Extraction speed, one process: abstracts/s per component, against bare tokenization.

    python benchmarks/extract_speed.py [N] [--model DIR]   # first N abstracts of the arXiv sample (default 5000)

Prints seconds per stage of the default pipeline (each over all the pre-tokenized Docs; the
learned recognizer is the last), abstracts per second and the ratio to `spacy.blank("en")`
tokenization of the same texts, measured side by side in this process; then each mode as
`kg extract` runs it (texts streamed through `nlp.pipe`): `--fast` (the rules) and the default,
each with and without result extraction (`kg_results`), in turn, the best of --repeat runs in CPU
time of this process (on a shared machine, wall time swings with the other processes' load), and
what results add to the time of each mode.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

ARXIV = Path(__file__).resolve().parents[2] / "shared" / "data" / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"


def main() -> None:
    import argparse

    from kg.config import ExtractConfig
    from kg.extract import make_pipeline

    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=5000)
    ap.add_argument("--model", type=Path, help="a recognizer model folder (default: the packaged one)")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each mode (the best is kept; default 2)")
    args = ap.parse_args()
    n = args.n
    texts = []
    with gzip.open(ARXIV, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            texts.append(f"{r['title']}\n\n{r['abstract']}")
            if len(texts) >= n:
                break
    nlp = make_pipeline(ExtractConfig(recognizer_model=args.model))
    list(nlp.pipe(texts[:200]))  # warm up
    t = time.perf_counter()
    docs = [nlp.make_doc(x) for x in texts]
    tok = time.perf_counter() - t
    total = tok
    print(f"{'tokenize (spacy.blank)':24s} {tok:7.2f} s  {n / tok:8.0f} abstracts/s")
    for name, proc in nlp.pipeline:
        t = time.perf_counter()
        docs = [proc(d) for d in docs]
        dt = time.perf_counter() - t
        total += dt
        print(f"{name:24s} {dt:7.2f} s")
    print(f"{'sum of the stages':24s} {total:7.2f} s  {n / total:8.0f} abstracts/s  "
          f"({total / tok:.2f}x tokenization)")
    # What kg extract runs: texts streamed through nlp.pipe (each component takes batches of 64),
    # with and without results, the runs of the four pipelines interleaved so that a busy machine
    # slows them alike.
    pipes = {}
    for mode, learned in (("--fast (rules)", False), ("default (learned)", True)):
        for results in (False, True):
            p = make_pipeline(ExtractConfig(use_recognizer=learned, use_results=results, recognizer_model=args.model))
            list(p.pipe(texts[:200]))
            pipes[mode, results] = p
    best: dict = {}
    for _ in range(max(1, args.repeat)):
        for key, pipe in pipes.items():
            t = time.process_time()  # CPU time of this process: what other processes on a busy machine change least
            for _ in pipe.pipe(texts, batch_size=64):
                pass
            dt = time.process_time() - t
            best[key] = min(best.get(key, dt), dt)
    for (mode, results), dt in best.items():
        name = f"{mode}{' + results' if results else ''}"
        print(f"{name:28s} {dt:7.2f} s CPU  {n / dt:8.0f} abstracts/s")
    for mode in ("--fast (rules)", "default (learned)"):
        ratio = best[mode, True] / best[mode, False]
        print(f"results add {100 * (ratio - 1):+.1f}% to {mode} ({ratio:.3f}x)")


if __name__ == "__main__":
    main()
