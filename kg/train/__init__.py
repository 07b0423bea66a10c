"""Training of the learned recognizer (see :mod:`kg.train.recognizer`).

:func:`add_train_parser` registers the ``kg train`` subcommand on the command line's
subparsers; :func:`cmd_train` runs it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.train.recognizer import TrainConfig, train_recognizer

__all__ = ["add_train_parser", "cmd_train", "train_recognizer", "TrainConfig", "DEFAULT_OUT"]

#: Where ``kg train`` writes by default: never over the packaged model.
DEFAULT_OUT = Path("kg-model")


def add_train_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``kg train [--out DIR] [--shared DIR] [--extra FILE ...] [--seed N] ...``."""
    d = TrainConfig()
    p = subparsers.add_parser(
        "train", help="train the learned recognizer from the annotations in ../shared",
        description="Train the recognizer of the default pipeline (a CRF over token features, and with "
                    "--passes 2 a second CRF over the first one's output; see kg/extract/recognizer.py and the "
                    "README's Extraction section) from the arXiv annotations in ../shared/gold/arxiv "
                    "(without their evaluation split) and the project's own (kg/train/annotations), with word "
                    "clusters from the arXiv abstracts. Seeded: the same data give the same model. "
                    "Use the result with `kg build --model DIR`; the packaged model is replaced only when "
                    "--out names its folder.")
    p.add_argument("--out", "-o", type=Path, default=DEFAULT_OUT,
                   help=f"model folder to write (default: ./{DEFAULT_OUT}; the packaged model is kg/models/arxiv-crf)")
    p.add_argument("--shared", type=Path, default=None,
                   help="the shared data folder (default: ../shared beside the checkout, or $KG_SHARED)")
    p.add_argument("--extra", type=Path, nargs="+", default=(), metavar="FILE",
                   help="more annotation files in the gold format to train on")
    p.add_argument("--no-project-annotations", dest="project_annotations", action="store_false",
                   help="train on the arXiv set of ../shared alone, without kg/train/annotations "
                        "(to measure what they add)")
    p.add_argument("--seed", type=int, default=d.seed, help=f"random seed (default: {d.seed})")
    p.add_argument("--c1", type=float, default=d.c1, help=f"L1 penalty (default: {d.c1})")
    p.add_argument("--c2", type=float, default=d.c2, help=f"L2 penalty (default: {d.c2})")
    p.add_argument("--max-iterations", type=int, default=d.max_iterations,
                   help=f"L-BFGS iterations (default: {d.max_iterations})")
    p.add_argument("--passes", type=int, choices=(1, 2), default=d.passes,
                   help=f"1: one CRF; 2: a second CRF that reads the first one's output (default: {d.passes})")
    p.add_argument("--folds", type=int, default=d.folds,
                   help=f"with two passes: folds of the training papers, each tagged for the second CRF by a first "
                        f"CRF trained without it (default: {d.folds})")
    p.add_argument("--jobs", "-j", type=int, default=2,
                   help="processes for training the CRFs (default: 2; the model does not depend on it)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(func=cmd_train)
    return p


def cmd_train(args) -> int:
    """Train and save the model; exit code 0."""
    config = TrainConfig(c1=args.c1, c2=args.c2, max_iterations=args.max_iterations, seed=args.seed,
                         project_annotations=args.project_annotations, passes=args.passes,
                         folds=args.folds)
    train_recognizer(args.out, args.shared, config, tuple(args.extra), quiet=args.quiet,
                     log=(lambda *a: None) if args.quiet else print, jobs=args.jobs)
    return 0
