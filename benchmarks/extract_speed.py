"""Extraction speed, one process: abstracts/s per component, against bare tokenization.

    python benchmarks/extract_speed.py [N] [--model DIR]   # first N abstracts of the arXiv sample (default 5000)

Prints seconds per stage of the default pipeline (each over all the pre-tokenized Docs; the
learned recognizer is the last), abstracts per second and the ratio to `spacy.blank("en")`
tokenization of the same texts, measured side by side in this process; then each mode as
`kg extract` runs it (texts streamed through `nlp.pipe`): `--fast` (the rules) and the default.
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
    # What kg extract runs: texts streamed through nlp.pipe (each component takes batches of 64)
    fast = make_pipeline(ExtractConfig(use_recognizer=False))
    list(fast.pipe(texts[:200]))
    for name, pipe in (("--fast (rules)", fast), ("default (learned)", nlp)):
        t = time.perf_counter()
        for _ in pipe.pipe(texts, batch_size=64):
            pass
        dt = time.perf_counter() - t
        print(f"{name:24s} {dt:7.2f} s  {n / dt:8.0f} abstracts/s  ({dt / tok:.2f}x tokenization)")

if __name__ == "__main__":
    main()
