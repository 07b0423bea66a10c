"""Training of the optional statistical recognizer (see :mod:`kg.train.ner`).

:func:`add_train_parser` registers the ``kg train`` subcommand on the command line's
subparsers; :func:`cmd_train` runs it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kg.train.ner import DEFAULT_MODEL_DIR, DEFAULT_STEPS, LABELS, train_ner

__all__ = ["add_train_parser", "cmd_train", "train_ner", "DEFAULT_MODEL_DIR", "LABELS"]


def add_train_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``kg train [--out DIR] [--max-steps N] [--scirex/--no-scirex] [--vectors/--no-vectors] ...``."""
    p = subparsers.add_parser(
        "train", help="train the optional statistical recognizer (SciERC [+ SciREX])",
        description="Train a small spaCy NER model (Method, Task, Metric) on SciERC train, optionally "
                    "with the SciREX train abstracts, on CPU; the SciERC dev split only picks the best "
                    "checkpoint. The model is used by the kg_statistical pipeline component.")
    p.add_argument("--out", "-o", type=Path, default=DEFAULT_MODEL_DIR,
                   help=f"model folder (default: {DEFAULT_MODEL_DIR})")
    p.add_argument("--max-steps", type=int, default=DEFAULT_STEPS,
                   help=f"training updates (default: {DEFAULT_STEPS})")
    p.add_argument("--scirex", action=argparse.BooleanOptionalAction, default=True,
                   help="also train on the SciREX train abstracts (default: yes)")
    p.add_argument("--vectors", action=argparse.BooleanOptionalAction, default=True,
                   help="first build small word vectors from unlabelled arXiv/SciERC/SciREX text (default: yes)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--data", type=Path, default=None,
                   help="folder with scierc/ and scirex/ (default: ../shared/data or $KG_SHARED_DATA)")
    p.set_defaults(func=cmd_train)
    return p


def cmd_train(args) -> int:
    """Train and report the dev scores of the saved model; exit code 0."""
    t0 = time.perf_counter()
    out = train_ner(args.out, max_steps=args.max_steps, seed=args.seed, use_scirex=args.scirex,
                    vectors=args.vectors, data_dir=args.data)
    meta = json.loads((Path(out) / "meta.json").read_text(encoding="utf-8"))
    perf = meta.get("performance", {})
    per_type = perf.get("ents_per_type") or {}
    print(f"saved {out} in {time.perf_counter() - t0:.0f} s; SciERC dev (spaCy tokens): "
          f"P {perf.get('ents_p', 0):.3f} R {perf.get('ents_r', 0):.3f} F1 {perf.get('ents_f', 0):.3f}")
    for label, s in sorted(per_type.items()):
        print(f"  {label:8s} P {s['p']:.3f} R {s['r']:.3f} F1 {s['f']:.3f}")
    return 0
