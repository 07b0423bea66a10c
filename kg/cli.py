"""The `kg` command. One function per subcommand; the work happens in the stage packages.

Exit codes: 0 success, 1 success with some input records skipped (each reported with file
and line), 2 usage or fatal error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from kg import __version__
from kg.config import EXPORT_FORMATS, READERS, BuildConfig, ExtractConfig
from kg.errors import KgError, path_text, printable

EXIT_OK, EXIT_SKIPPED, EXIT_FATAL = 0, 1, 2
FAST_HELP = ("rules only: vocabularies, abbreviations and pattern rules without the learned recognizer; "
             "several times faster, lower recall")


def _print(*args, quiet: bool = False, **kw) -> None:
    if not quiet:
        print(*args, **kw)


def _report_problems(problems, skipped: int) -> None:
    """Print the problems kept (the first PROBLEMS_LISTED) and how many more were counted."""
    for p in problems:
        print(f"skipped {p}", file=sys.stderr)
    if skipped > len(problems):
        print(f"... and {skipped - len(problems):,} more skipped (not listed)", file=sys.stderr)


def _formats(value: str) -> tuple[str, ...]:
    names = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [n for n in names if n not in EXPORT_FORMATS]
    if bad:
        raise argparse.ArgumentTypeError(
            f"unknown format(s) {printable(', '.join(bad))}; choose from {', '.join(EXPORT_FORMATS)}")
    return names


def _extract_config(args) -> ExtractConfig:
    return ExtractConfig(use_rules=not getattr(args, "no_rules", False),
                         use_recognizer=not (getattr(args, "fast", False) or getattr(args, "no_rules", False)),
                         recognizer_model=getattr(args, "model", None))


# -- build -----------------------------------------------------------------------------------

def cmd_build(args) -> int:
    from kg.build import build
    from kg.extract import default_jobs

    config = BuildConfig(
        inputs=tuple(args.inputs), out_dir=args.out, formats=args.format or EXPORT_FORMATS,
        reader=args.reader, encoding=args.encoding,
        jobs=args.jobs if args.jobs is not None else min(default_jobs(), 2),
        extract=_extract_config(args), verbose=args.verbose, quiet=args.quiet, update=args.update,
        engine=args.engine, scheduler=args.scheduler,
    )
    if args.update and not args.inputs:
        raise KgError("--update needs the new input files to add")
    t0 = time.perf_counter()
    result = build(config)
    r, kg = result.report, result.kg
    q = args.quiet
    _report_problems(r.problems, r.skipped)
    types = {}
    for e in kg.entities.values():
        types[e.type] = types.get(e.type, 0) + 1
    _print(f"read {r.entries} entries: {r.papers} papers ({r.duplicates} duplicates merged, "
           f"{r.untitled} untitled), {r.skipped} records skipped", quiet=q)
    _print(f"extracted {len(kg.entities)} entities "
           f"({', '.join(f'{n} {t}' for t, n in sorted(types.items()))}); "
           f"{kg.mention_count} mentions; {kg.papers_without_entities} papers without entities",
           quiet=q)
    if not kg.evidence:
        _print(f"large build: co-occurrence edges need >= {kg.cooccurrence.min_weight} shared papers, and the RDF "
               "links papers to entities without a node per mention (mentions.csv and neo4j/ keep the evidence)",
               quiet=q)
    _print(f"wrote to {printable(path_text(config.out_dir))}/:", quiet=q)
    for fmt, paths in result.outputs.items():
        if fmt != "cache":
            _print(f"  {fmt:9s} " + ", ".join(printable(path_text(p)) for p in paths), quiet=q)
    if args.verbose:
        for stage, secs in result.timings.items():
            print(f"  time {stage:16s} {secs:7.3f} s", file=sys.stderr)
        print(f"  time {'total':16s} {time.perf_counter() - t0:7.3f} s", file=sys.stderr)
    return EXIT_SKIPPED if r.skipped else EXIT_OK


# -- extract / eval ----------------------------------------------------------------------------

def cmd_extract(args) -> int:
    from kg.atomic import atomic_write
    from kg.extract import default_jobs, extract_parallel, paper_entities, paper_results
    from kg.read import Corpus

    corpus = Corpus(args.inputs, reader=args.reader, encoding=args.encoding)
    n = 0
    with atomic_write(Path(args.output)) as f:
        for ex in extract_parallel(corpus, _extract_config(args), args.jobs or min(default_jobs(), 2)):
            ents = [{k: e[k] for k in ("name", "type", "mentions", "proposed", "confidence")}
                    for e in paper_entities(ex)]
            pid = ex.paper.source_id or ex.paper.id  # the input's own id, as it wrote it
            f.write(json.dumps({"id": pid, "entities": ents, "results": paper_results(ex)}, ensure_ascii=False) + "\n")
            n += 1
        if not corpus.records:  # nothing could be read: no predictions file
            raise corpus.unreadable()
    _report_problems(corpus.problems, corpus.skipped)
    _print(f"wrote {n} papers to {printable(path_text(args.output))}", quiet=args.quiet)
    return EXIT_SKIPPED if corpus.skipped else EXIT_OK


def cmd_eval(args) -> int:
    from kg.evaluate.gold import format_score, load_gold, score
    from kg.extract import extract, make_pipeline, paper_entities
    from kg.model import Paper

    if args.results is not None:
        if args.gold is not None:
            raise KgError("give either a gold file or --results GOLD, not both")
        return _eval_results(args)
    if args.gold is None:
        raise KgError("no gold file: give one, or --results GOLD for the results gold set")
    nlp = make_pipeline(_extract_config(args))
    if args.format == "scierc":
        from kg.evaluate.scierc import score_scierc

        sc = score_scierc(args.gold, nlp)
        print(format_score(sc, f"SciERC mention-level (exact span and type): {args.gold}"))
    else:
        gold = load_gold(args.gold)
        if args.split in ("even", "odd"):
            gold = gold[0::2] if args.split == "even" else gold[1::2]
        elif args.split:
            from kg.train.data import eval_ids

            held_out = eval_ids()
            gold = [g for g in gold if (g["id"] in held_out) == (args.split == "eval")]
            if not gold:
                raise KgError(f"no paper of the gold file is in the arXiv {args.split} split", str(args.gold))
        papers = [Paper(id=g["id"], title=g.get("title") or None, abstract=g.get("abstract") or "")
                  for g in gold]
        preds = {ex.paper.id: paper_entities(ex) for ex in extract(papers, nlp)}
        sc = score(gold, preds)
        print(format_score(sc, f"entity-level (GUIDELINES.md section 9): {args.gold}"))
    if args.errors:
        print("\nfalse positives (paper, type, text):")
        for pid, t, s in sc.false_positives:
            print(f"  FP  {pid}  {t:12s} {s}")
        print("\nmisses (paper, type, gold name):")
        for pid, t, s in sc.misses:
            print(f"  FN  {pid}  {t:12s} {s}")
    return EXIT_OK


def _eval_results(args) -> int:
    from kg.evaluate.results import format_result, format_results_score, load_results_gold, score_results
    from kg.extract import extract, make_pipeline, paper_results
    from kg.extract.vocabulary import load_vocabulary
    from kg.model import Paper

    gold = load_results_gold(args.results)
    if args.split in ("even", "odd"):
        gold = gold[0::2] if args.split == "even" else gold[1::2]
    elif args.split:
        raise KgError("--results takes --split even or odd (the results dev set has no arXiv split)")
    papers = [Paper(id=g["id"], title=g.get("title") or None, abstract=g["abstract"]) for g in gold]
    preds = {ex.paper.id: paper_results(ex) for ex in extract(papers, make_pipeline(_extract_config(args)))}
    sc = score_results(gold, preds, load_vocabulary())
    part = f" ({args.split} papers)" if args.split else ""
    print(format_results_score(sc, f"results (RESULTS-GUIDELINES.md matching rule): {args.results}{part}"))
    if args.errors:
        print("\nfalse positives (paper, result) at the dataset level:")
        for pid, level, r in sc.false_positives:
            if level == "+dataset":
                print(f"  FP  {pid}  {format_result(r)}")
        print("\nmisses (paper, gold result) at the dataset level:")
        for pid, level, r in sc.misses:
            if level == "+dataset":
                print(f"  FN  {pid}  {format_result(r)}")
    return EXIT_OK


# -- query / stats -------------------------------------------------------------------------------

def cmd_query(args) -> int:
    from kg.query import format_results, run_query_isolated

    text = args.query
    if text.endswith(".rq") or (len(text) < 4096 and Path(text).is_file()):
        path = Path(text)
        if not path.is_file():
            raise KgError("no such query file", str(path))
        text = path.read_text(encoding="utf-8")
    if args.timeout <= 0 or args.max_memory < 0:
        raise KgError("--timeout must be > 0 and --max-memory >= 0")
    columns, rows = run_query_isolated(args.graph, text, timeout=args.timeout, allow_service=args.allow_service,
                                       max_memory_mb=args.max_memory)
    sys.stdout.write(format_results(columns, rows, args.format))
    return EXIT_OK


def cmd_stats(args) -> int:
    from kg.query import graph_stats, open_graph

    store = open_graph(args.graph)
    print(graph_stats(store, top=args.top))
    return EXIT_OK


def cmd_leaderboard(args) -> int:
    from kg.query.leaderboard import format_boards, graph_leaderboards

    boards = graph_leaderboards(args.graph, dataset=args.dataset, metric=args.metric, task=args.task, top=args.top)
    sys.stdout.write(format_boards(boards))
    return EXIT_OK


# -- parser ---------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build a knowledge graph of methods, architectures, datasets, metrics and tasks "
                    "from research-paper abstracts, and query it.",
        epilog="Exit codes: 0 success, 1 some input records skipped, 2 usage or fatal error.",
    )
    parser.add_argument("--version", action="version", version=f"paper-kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def extraction_options(p):
        p.add_argument("--fast", action="store_true", help=FAST_HELP)
        p.add_argument("--model", type=Path, metavar="DIR",
                       help="a recognizer model folder made by `kg train` (default: the packaged one)")
        p.add_argument("--no-rules", action="store_true",
                       help="vocabularies and abbreviations only (implies --fast)")

    def input_options(p):
        p.add_argument("--reader", choices=READERS, help="force an input reader (default: detect per file)")
        p.add_argument("--encoding", help="input encoding (default: BOM, else UTF-8 with cp1252 fallback)")
        p.add_argument("--jobs", "-j", type=int, help="worker processes for extraction (default: up to 2)")
        extraction_options(p)
        p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")

    p = sub.add_parser("build", help="build the graph and write every export",
                       description="Read papers, extract entities, assemble the graph and export it. "
                                   "With no PATH, builds the bundled sample corpus (Daily Papers pages).")
    p.add_argument("inputs", nargs="*", type=Path, metavar="PATH",
                   help="input files or folders (Daily Papers text, JSONL, CSV, arXiv snapshot; .gz/.bz2 ok)")
    p.add_argument("--out", "-o", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    p.add_argument("--format", "-f", type=_formats, metavar="FMT[,FMT...]",
                   help=f"exports to write (default: all): {', '.join(EXPORT_FORMATS)}")
    p.add_argument("--update", action="store_true",
                   help="add PATH... to the previous build in --out: only new papers are extracted, and the "
                        "result equals a full rebuild of old and new inputs")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="where extraction runs: local worker processes (--jobs), or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    p.add_argument("--verbose", "-v", action="store_true", help="print per-stage timings")
    input_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("extract", help="extract entities per paper to JSON Lines",
                       description="Write one JSON object per paper: "
                                   '{"id", "entities": [{"name", "type", "mentions", "proposed", "confidence"}], '
                                   '"results": [{"metric", "value", "number", "number_high", "unit", "sign", "kind", '
                                   '"dataset", "system", "proposed", "evidence"}]}.')
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    p.add_argument("-o", "--output", required=True, type=Path, help="predictions file (.jsonl)")
    input_options(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("eval", help="score extraction against a gold file",
                       description="Run extraction on the gold file's own title + abstract and print precision, "
                                   "recall and F1 per type and overall.")
    p.add_argument("gold", type=Path, nargs="?", help="gold JSONL (daily-papers format) or SciERC JSON lines")
    p.add_argument("--results", type=Path, metavar="GOLD",
                   help="score result extraction against a results gold file (../shared/gold/results/"
                        "results-dev.jsonl): P/R/F1 at (metric, value, kind) and (metric, value, kind, dataset)")
    p.add_argument("--format", choices=("gold", "scierc"), default="gold",
                   help="gold: entity-level, GUIDELINES.md rule; scierc: mention-level exact span and type")
    p.add_argument("--errors", action="store_true", help="list false positives and misses")
    p.add_argument("--split", choices=("even", "odd", "eval", "train"),
                   help="score only part of the gold file: 'eval' / 'train', the papers of the arXiv annotations "
                        "that are in / not in the recognizer's evaluation split (kg/train/annotations/"
                        "arxiv-eval-ids.txt); 'even' / 'odd', the papers at even or odd positions (the dev set: "
                        "the rules were tuned on 'even')")
    extraction_options(p)
    p.set_defaults(func=cmd_eval)

    from kg.query import add_limit_options

    def graph_option(p):
        p.add_argument("--graph", "-g", type=Path, default=Path("outputs"),
                       help="a build folder or any RDF file (default: outputs/)")

    p = sub.add_parser("query", help="run SPARQL over a built graph",
                       description="Run a SPARQL query (a string or a .rq file) and print the results. "
                                   "The query runs in a worker process, stopped at --timeout.")
    p.add_argument("query", help="SPARQL text or a .rq file")
    graph_option(p)
    p.add_argument("--format", "-f", choices=("table", "csv", "json"), default="table")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds before the query is stopped")
    add_limit_options(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("stats", help="counts per type, top entities, papers without entities")
    graph_option(p)
    p.add_argument("--top", type=int, default=10, help="how many top entities per type")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("leaderboard", help="results per dataset and metric, best first",
                       description="Print the absolute results a built graph holds, one board per (dataset, metric), "
                                   "best first in the metric's direction (lower is better for error, loss, latency, "
                                   "perplexity, ...: ontology/results/metric_direction.csv), with system, paper, "
                                   "date and the evidence sentence.")
    graph_option(p)
    p.add_argument("--dataset", "-d", help="only this dataset (its name or part of it)")
    p.add_argument("--metric", "-m", help="only this metric (its name or part of it)")
    p.add_argument("--task", "-t", help="only results of papers addressing a task whose name contains this")
    p.add_argument("--top", "-n", type=int, help="the best N results of each board")
    p.set_defaults(func=cmd_leaderboard)

    from kg.serve import add_serve_parser
    from kg.train import add_train_parser
    from kg.validate import add_validate_parser

    add_validate_parser(sub)
    add_serve_parser(sub)
    add_train_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_FATAL
    try:
        return args.func(args)
    except KgError as e:
        print(f"kg: error: {e}", file=sys.stderr)
        return EXIT_FATAL
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
