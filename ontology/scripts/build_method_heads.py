#!/usr/bin/env python3
"""Build the list of head nouns that make a plain noun phrase a Method (``ontology/lexicon/method_heads.txt``).

Names of training and learning procedures end in a nominalization of what is done: "label
*smoothing*", "gradient *clipping*", "weight *averaging*", "simulated *annealing*". The rules
type a phrase of plain modifiers before such a head as a Method ("stochastic weight averaging").
The heads are read off the Papers with Code method table, not chosen by hand:

* the last word of every PwC method entry that :mod:`build_vocab` types ``Method`` (the same
  typing the vocabulary uses), when it is a nominalization ("-tion", "-sion", "-ing", "-ment",
  "-ance", "-ence");
* kept when at least ``MIN_METHODS`` Method entries end in it, at most ``MAX_OTHER_SHARE`` of the
  PwC entries ending in it are architectures (not "pooling", "attention", "embedding"), and at most
  ``MAX_OTHER_SHARE`` of all PwC names ending in it are task names ("pose *estimation*", "domain
  *adaptation*", "image *matching*" are tasks);
* and when the word is frequent in the arXiv abstracts under ``--shared`` (``MIN_ARXIV``
  occurrences), so that the list holds words the rules will meet.

Heads the rules already give a phrase type are left out (the rules' ``PHRASE_HEADS``, and training gerunds, which have their own rule), and so
are heads of another type in :data:`kg.extract.heads.HEAD_TYPES`, and so are words that are no procedures when they close a phrase
(:data:`NOT_HEADS`). Deterministic: a rerun on the same data gives a byte-identical file.

    python ontology/scripts/build_method_heads.py [--shared PATH] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_vocab  # noqa: E402

from kg.extract.heads import HEAD_TYPES  # noqa: E402
from kg.extract.lexicon import method_heads  # noqa: E402
from kg.extract.normalize import singularize  # noqa: E402
from kg.extract.rules import PHRASE_HEADS, TRAINING_HEADS  # noqa: E402

NOMINAL_SUFFIXES = ("tion", "sion", "ing", "ment", "ance", "ence")
MIN_METHODS = 2
MAX_OTHER_SHARE = 1 / 3
MIN_ARXIV = 100
#: Words with a nominal ending that close no procedure name ("string", "thing", "king"), and heads
#: whose phrases on a sample of the arXiv abstracts were mostly no methods: processes and
#: phenomena ("error propagation", "signal propagation", "noise suppression"), tasks ("ICD
#: coding", "agentic coding"), steps of a pipeline ("texture refinement", "query refinement") and
#: objectives ("profit maximization", "harm minimization").
NOT_HEADS = frozenset("""thing string king ring spring something nothing anything everything
    setting meaning morning evening building propagation coding suppression refinement
    maximization minimization""".split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=build_vocab.DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "ontology" / "lexicon" / "method_heads.txt")
    parser.add_argument("--verbose", action="store_true", help="print every candidate's counts")
    args = parser.parse_args(argv)

    methods = json.loads((args.shared / "data" / "pwc" / "methods.json").read_text(encoding="utf-8"))
    by_type: dict[str, Counter] = {"Method": Counter(), "Other": Counter()}
    for row in build_vocab.build_method_rows(methods):
        words = row.label.split()
        if len(words) < 2:
            continue
        head = singularize(words[-1].lower())
        by_type["Method" if row.type == "Method" else "Other"][head] += 1

    tasks: Counter = Counter()
    with open(args.shared / "data" / "pwc" / "tasks" / "all_tasks.txt", encoding="utf-8") as f:
        for line in f:
            words = line.strip().strip('"').split()
            if len(words) >= 2:
                tasks[singularize(words[-1].lower())] += 1
    for path in sorted((args.shared / "data" / "pwc" / "tasks").glob("*_tasks_detailed.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                words = (row.get("Task Name") or "").split()
                if len(words) >= 2:
                    tasks[singularize(words[-1].lower())] += 1

    own_heads = set(PHRASE_HEADS) - method_heads()  # the rules' own, not the last run's
    candidates = sorted(h for h, n in by_type["Method"].items()
                        if n >= MIN_METHODS and h.endswith(NOMINAL_SUFFIXES) and h.isalpha()
                        and h not in NOT_HEADS and HEAD_TYPES.get(h, "Method") == "Method"
                        and h not in own_heads and h not in TRAINING_HEADS)
    arxiv: Counter = Counter()
    wanted = set(candidates)
    word = re.compile(r"[a-z]+")
    with gzip.open(args.shared / "data" / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            for w in word.findall((rec.get("abstract") or "").lower()):
                if w in wanted:
                    arxiv[w] += 1

    kept = []
    for h in candidates:
        m, other = by_type["Method"][h], by_type["Other"][h]
        if other > MAX_OTHER_SHARE * (m + other) or tasks[h] > MAX_OTHER_SHARE * (m + other + tasks[h]):
            continue
        if arxiv[h] < MIN_ARXIV:
            continue
        kept.append(h)
    if args.verbose:
        for h in candidates:
            print(h, by_type["Method"][h], by_type["Other"][h], tasks[h], arxiv[h], h in kept, file=sys.stderr)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("# head nouns of Method names (nominalizations), from the Papers with Code method table\n")
        f.write("# generated by ontology/scripts/build_method_heads.py; do not edit\n")
        for h in kept:
            f.write(h + "\n")
    print(f"{len(kept)} heads -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
