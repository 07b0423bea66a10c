#!/usr/bin/env python3
"""Build the part-of-speech word lists the extractor's rules use (``ontology/lexicon/``).

The pipeline has no tagger (``spacy.blank("en")``), so the rules cannot tell that the word before
a head noun is a verb ("to *boost* detection") or an evaluative adjective ("*precise*
segmentation") rather than a modifier that names a subtype ("*object* detection", "*semantic*
segmentation"). These lists give that signal. They are read off unlabelled text, the arXiv
abstracts in ``data/arxiv/`` under ``--shared``, by the company each word keeps:

``verbs.txt``
    Words that are mostly verbs: often followed by a determiner or an object pronoun ("enhance
    the", "guide their"; at least ``VERB_MIN`` of their occurrences) and seldom preceded by one
    ("the design" makes "design" a noun too; at most ``NOUN_MAX``). Only base forms are listed:
    the rules already know "-ing", "-ed" and "-s" forms by their endings.
``adjectives.txt``
    Words that are often predicative or graded ("is noisy", "are inaccurate", "more precise"; at
    least ``PRED_MIN`` of their occurrences, and predicative at least ``PRED_ALONE_MIN``, since
    "more" also precedes nouns of amount: "more data"): evaluative adjectives, which describe a thing
    rather than name a kind of it. Classifying modifiers ("semantic", "visual", "medical",
    "zero-shot") are almost never used so and stay off the list. Participles ("-ed", "-ing")
    are left out, as the rules know them by their endings.

A word needs ``MIN_COUNT`` occurrences to be judged. Deterministic: a rerun on the same data
gives byte-identical files. Licence of the lists: MIT, like the project (they hold single English
words and counts of nothing else).

    python ontology/scripts/build_lexicon.py [--shared PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DEFAULT_OUT = REPO_ROOT / "ontology" / "lexicon"
CORPUS = Path("data") / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"

MIN_COUNT = 20
VERB_MIN = 0.15
NOUN_MAX = 0.05
PRED_MIN = 0.02
PRED_ALONE_MIN = 0.005

TOKEN = re.compile(r"[A-Za-z][A-Za-z\-']*|[0-9]+|[^\sA-Za-z0-9]")
WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
#: What follows a verb: its object's determiner or pronoun.
OBJECT_STARTS = frozenset("the a an this these those their its our such both each them it".split())
#: What precedes a noun.
DETERMINERS = frozenset("the a an this these those their its our".split())
#: What precedes a predicative or graded adjective.
PREDICATIVE_CUES = frozenset("""is are be remains remain was were being become becomes became
    very highly too so increasingly""".split())
#: What precedes a graded adjective, or a noun of amount ("more data"): it counts only for a word
#: that is also predicative at least ``PRED_ALONE_MIN`` of the time.
GRADE_CUES = frozenset("more most less".split())
#: Function words are never judged (the rules treat them apart).
FUNCTION_WORDS = frozenset("""a an the this these those their its our your his her my of in on at to for
    with by from via into onto over under about above below between among through during before after
    and or but nor so yet if than that which who whom whose what when where while how why as it they
    we he she you them us i not no only also just even then thus hence there here both each all any
    some such more most less least very too""".split())


def count(corpus: Path) -> tuple[Counter, Counter, Counter, Counter, Counter]:
    """Occurrences, verb, noun, predicative and graded contexts of each word."""
    n, verb, noun, pred, grade = Counter(), Counter(), Counter(), Counter(), Counter()
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            w = [t.lower() for t in TOKEN.findall(f"{r.get('title') or ''} . {r.get('abstract') or ''}")]
            for i, x in enumerate(w):
                n[x] += 1
                before = w[i - 1] if i else ""
                if i + 1 < len(w) and w[i + 1] in OBJECT_STARTS:
                    verb[x] += 1
                if before in DETERMINERS:
                    noun[x] += 1
                if before in PREDICATIVE_CUES:
                    pred[x] += 1
                elif before in GRADE_CUES:
                    grade[x] += 1
    return n, verb, noun, pred, grade


def lists(n: Counter, verb: Counter, noun: Counter, pred: Counter, grade: Counter) -> tuple[list[str], list[str]]:
    """The verbs and the adjectives (see the module docstring)."""
    verbs, adjectives = [], []
    for w, c in n.items():
        if c < MIN_COUNT or not WORD.fullmatch(w) or w in FUNCTION_WORDS:
            continue
        if verb[w] / c >= VERB_MIN and noun[w] / c <= NOUN_MAX and not w.endswith(("s", "ed", "ing")):
            verbs.append(w)
        elif pred[w] / c >= PRED_ALONE_MIN and (pred[w] + grade[w]) / c >= PRED_MIN \
                and not w.endswith(("ed", "ing")):
            adjectives.append(w)
    return sorted(verbs), sorted(adjectives)


def write(path: Path, words: list[str], what: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(f"# {what}\n# generated by ontology/scripts/build_lexicon.py; do not edit\n")
        f.writelines(w + "\n" for w in words)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder (default: %(default)s)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    args = p.parse_args(argv)
    corpus = args.shared / CORPUS
    if not corpus.is_file():
        print(f"error: {corpus} not found (use --shared)", file=sys.stderr)
        return 2
    verbs, adjectives = lists(*count(corpus))
    write(args.out / "verbs.txt", verbs, "words that are mostly verbs (base forms), from arXiv abstracts")
    write(args.out / "adjectives.txt", adjectives, "predicative or graded adjectives, from arXiv abstracts")
    print(f"{args.out}: {len(verbs)} verbs, {len(adjectives)} adjectives")
    return 0


if __name__ == "__main__":
    sys.exit(main())
