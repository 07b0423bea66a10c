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
from kg.config import DEFAULT_FORMATS, EXPORT_FORMATS, ON_REQUEST_FORMATS, READERS, BuildConfig, CurationConfig, ExtractConfig
from kg.errors import KgError, counted, path_text, printable
from kg.gctune import bulk_gc

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
    """``--format``: names from EXPORT_FORMATS, ``default`` (DEFAULT_FORMATS) or ``all``."""
    groups = {"all": EXPORT_FORMATS, "default": DEFAULT_FORMATS}
    names = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [n for n in names if n not in EXPORT_FORMATS and n not in groups]
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"unknown format(s) {printable(', '.join(bad)) or '(none given)'}; choose from "
            f"{', '.join(EXPORT_FORMATS)}, default or all")
    return tuple(dict.fromkeys(f for n in names for f in groups.get(n, (n,))))


FORMAT_HELP = (
    f"exports to write, comma-separated: {', '.join(EXPORT_FORMATS)}; 'default' or 'all'. "
    f"Default: one rendering per need: {', '.join(DEFAULT_FORMATS)} (the store for kg query/serve, "
    "Turtle for other RDF tools, GraphML for Gephi/networkx/yEd, the HTML view, Neo4j import files, CSV tables). "
    f"{', '.join(ON_REQUEST_FORMATS)} render the same triples or graph again and are written on request. "
    "With --update, default: the formats of the previous build")


def _extract_config(args) -> ExtractConfig:
    learned = not (getattr(args, "fast", False) or getattr(args, "no_rules", False))
    limit = getattr(args, "min_confidence", None)
    if limit is not None and not learned:
        raise KgError("--min-confidence is the learned recognizer's limit: it does not go with --fast or --no-rules")
    return ExtractConfig(use_rules=not getattr(args, "no_rules", False),
                         use_recognizer=learned,
                         recognizer_model=getattr(args, "model", None),
                         recognizer_min_confidence=ExtractConfig.recognizer_min_confidence if limit is None else limit,
                         extra_vocab=tuple(getattr(args, "vocab", None) or ()))


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:  # (also NaN)
        raise argparse.ArgumentTypeError(f"not a number from 0 to 1: {text!r}")
    return value


def _curation_config(args) -> CurationConfig:
    return CurationConfig(vocab=tuple(args.vocab or ()), stoplist=tuple(args.stoplist or ()),
                          merge=tuple(args.merge or ()))


# -- build -----------------------------------------------------------------------------------

def cmd_build(args) -> int:
    from kg.build import build
    from kg.extract import default_jobs

    config = BuildConfig(
        inputs=tuple(args.inputs), out_dir=args.out, formats=args.format,
        reader=args.reader, encoding=args.encoding,
        jobs=args.jobs if args.jobs is not None else min(default_jobs(), 2),
        extract=_extract_config(args), verbose=args.verbose, quiet=args.quiet, update=args.update,
        engine=args.engine, scheduler=args.scheduler, curation=_curation_config(args),
    )
    if args.update and not args.inputs and not config.curation:
        raise KgError("--update needs the new input files to add (or another --vocab/--stoplist/--merge to apply "
                      "to the previous build)")
    t0 = time.perf_counter()
    result = build(config)
    r, kg = result.report, result.kg
    q = args.quiet
    _report_problems(r.problems, r.skipped)
    types = {}
    for e in kg.entities.values():
        types[e.type] = types.get(e.type, 0) + 1
    _print(f"read {counted(r.entries, 'entry', 'entries')}: {counted(r.papers, 'paper')} "
           f"({counted(r.duplicates, 'duplicate')} merged, {r.untitled} untitled), "
           f"{counted(r.skipped, 'record')} skipped", quiet=q)
    _print(f"extracted {counted(len(kg.entities), 'entity', 'entities')} "
           f"({', '.join(f'{n} {t}' for t, n in sorted(types.items()))}); "
           f"{counted(kg.mention_count, 'mention')}; {counted(kg.papers_without_entities, 'paper')} without entities",
           quiet=q)
    if not kg.evidence:
        _print(f"large build: co-occurrence edges need >= {kg.cooccurrence.min_weight} shared papers, and the RDF "
               "links papers to entities without a node per mention (mentions.csv and neo4j/ keep the evidence)",
               quiet=q)
    if result.curation is not None and result.curation.config:
        _print(f"curation: {printable(result.curation.summary())}", quiet=q)
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

    from kg.curation import load_curation

    config = _extract_config(args)
    curation = load_curation(_curation_config(args), config)
    corpus = Corpus(args.inputs, reader=args.reader, encoding=args.encoding)
    n = 0
    # (bulk_gc: the collector tuned as in a build, which the workers of a pool set for themselves;
    # it matters with --jobs 1, where this process extracts)
    with bulk_gc(), atomic_write(Path(args.output)) as f:
        for ex in curation.apply_all(extract_parallel(corpus, config, args.jobs or min(default_jobs(), 2))):
            ents = [{"name": curation.entity_name(e["key"], e["name"]),
                     **{k: e[k] for k in ("type", "mentions", "proposed", "confidence")}}
                    for e in paper_entities(ex)]
            pid = ex.paper.source_id or ex.paper.id  # the input's own id, as it wrote it
            f.write(json.dumps({"id": pid, "entities": ents, "results": paper_results(ex)}, ensure_ascii=False) + "\n")
            n += 1
        if not corpus.records:  # nothing could be read: no predictions file
            raise corpus.unreadable()
    _report_problems(corpus.problems, corpus.skipped)
    _print(f"wrote {counted(n, 'paper')} to {printable(path_text(args.output))}", quiet=args.quiet)
    return EXIT_SKIPPED if corpus.skipped else EXIT_OK


def cmd_eval(args) -> int:
    with bulk_gc():  # (it extracts in this process: the collector tuned as in a build's workers)
        return _eval(args)


def _eval(args) -> int:
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

def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a long query is no file name ("File name too long")
        return False


def cmd_query(args) -> int:
    from kg.query import example_description, example_params, example_queries, format_results, run_query_isolated
    from kg.query.text import PREFIXES, parse_param

    examples = example_queries()
    if args.list:
        width = max(map(len, examples))
        for name, text in examples.items():
            print(f"{name:{width}s}  {example_description(text)}")
            for param in example_params(text):
                print(f"{'':{width}s}    --param {param}")
        return EXIT_OK
    if args.example:
        if args.query is not None:
            raise KgError("give a query or --example NAME, not both")
        if args.example not in examples:
            raise KgError(f"no example query {printable(args.example)!r}; `kg query --list` shows them: "
                          + ", ".join(examples))
        text = examples[args.example]
    elif args.query is None:
        raise KgError("give a SPARQL query (text or a .rq file), --example NAME or --list")
    else:
        text = args.query
        if text.endswith(".rq") or (len(text) < 4096 and _is_file(text)):
            path = Path(text)
            if not path.is_file():
                raise KgError("no such query file", str(path))
            text = path.read_text(encoding="utf-8")
    bindings = dict(parse_param(p) for p in args.param or ())
    if args.timeout <= 0 or args.max_memory < 0:
        raise KgError("--timeout must be > 0 and --max-memory >= 0")
    columns, rows = run_query_isolated(args.graph, text, timeout=args.timeout, allow_service=args.allow_service,
                                       max_memory_mb=args.max_memory, prefixes=PREFIXES, bindings=bindings,
                                       typed=args.format == "json")
    sys.stdout.write(format_results(columns, rows, args.format))
    return EXIT_OK


def cmd_stats(args) -> int:
    from kg.query import graph_stats, open_graph

    store = open_graph(args.graph)
    print(graph_stats(store, top=args.top))
    return EXIT_OK


def cmd_show(args) -> int:
    from kg.lookup import NotFound, open_lookup
    from kg.lookup.text import format_record

    if args.top < 1 or args.evidence < 0:
        raise KgError("--top must be >= 1 and --evidence >= 0")
    lookup = open_lookup(args.graph)
    try:
        rec = lookup.show(args.name, top=args.top, evidence=args.evidence)
    except NotFound as e:
        if args.format == "json":
            print(json.dumps({"error": "not found", "query": args.name, "suggestions": e.suggestions},
                             ensure_ascii=False, indent=2))
        raise
    if args.format == "json":
        print(json.dumps(rec, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_record(rec))
    return EXIT_OK


def cmd_trends(args) -> int:
    from kg.config import TrendsConfig
    from kg.model import ENTITY_TYPES
    from kg.trends import analyze, write_outputs
    from kg.trends.render import render

    config = TrendsConfig(by=args.by, window=args.window, min_papers=args.min_papers, top=args.top,
                          types=tuple(t for t in ENTITY_TYPES if t in (args.type or ())),
                          entities=tuple(args.entity or ()))
    build, report = analyze(args.graph, config, quiet=args.quiet)
    sys.stdout.write(render(report, args.format))
    sys.stdout.flush()
    if not args.no_charts:
        written = write_outputs(build, report)
        _print(f"wrote {', '.join(printable(path_text(p)) for p in written)} (SVG and PNG charts, and the page)",
               quiet=args.quiet, file=sys.stderr)
    return EXIT_OK


TRENDS_SCORE_HELP = (
    "Only papers with a full date count (a date written without a year is counted and reported, never "
    "placed in a period). For each entity and period: the share = papers of the period that mention the "
    "entity / the period's papers (percent). The score is the weighted least-squares slope of the share "
    "against the period number over the last --window periods (those without papers left out; at least 3 "
    "with papers needed), each period weighted by its number of papers, in percentage points per period. "
    "Entities mentioned by at least --min-papers papers of the window are ranked: rising = the highest "
    "positive scores, falling = the lowest negative ones, --top of each per type. The table is printed; "
    "the charts (BUILD/trends/TYPE.svg and .png) and BUILD/trends.html are written into the build (the "
    "next kg build removes them). "
    "Exit code 2 with one line when there is nothing to trend (no dated papers, too few periods, or no "
    "entity frequent enough).")


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
        p.add_argument("--min-confidence", type=_probability, metavar="P",
                       help="keep the learned recognizer's entities of at least this confidence, from 0 to 1 "
                            "(default: 0.7, precision 0.76 at recall 0.63 out of fold; lower finds more entities "
                            "and more wrong ones: 0.5 gave 0.71 and 0.67; see the README's Quality section)")

    def input_options(p):
        p.add_argument("--reader", choices=READERS, help="force an input reader (default: detect per file)")
        p.add_argument("--encoding", help="input encoding (default: BOM, else UTF-8 with cp1252 fallback)")
        p.add_argument("--jobs", "-j", type=int, help="worker processes for extraction (default: up to 2)")
        extraction_options(p)
        p.add_argument("--vocab", action="append", type=Path, metavar="FILE",
                       help="extra concepts, a CSV in the format of ontology/vocab/ (label,type,aliases,"
                            "case_sensitive,source); they win over the packaged vocabularies; repeatable")
        p.add_argument("--stoplist", action="append", type=Path, metavar="FILE",
                       help="names that are never entities, one a line (a label, an alias or a key; # comments); "
                            "repeatable")
        p.add_argument("--merge", action="append", type=Path, metavar="FILE",
                       help="'alias -> canonical' lines: the alias's mentions become the canonical entity's; "
                            "repeatable")
        p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")

    p = sub.add_parser("build", help="build the graph and write its exports",
                       description="Read papers, extract entities, assemble the graph and export it. "
                                   "With no PATH, builds the bundled sample corpus (Daily Papers pages). "
                                   "Writes to --out: store/, graph.ttl, graph.graphml, graph.html, leaderboards.html, "
                                   "neo4j/, papers.csv, entities.csv, mentions.csv and results.csv (graph.nt, graph.jsonld and "
                                   "graph.gexf with --format ntriples,jsonld,gexf or --format all).")
    p.add_argument("inputs", nargs="*", type=Path, metavar="PATH",
                   help="input files or folders (Daily Papers text, JSONL, CSV, arXiv snapshot; .gz/.bz2 ok)")
    p.add_argument("--out", "-o", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    p.add_argument("--format", "-f", type=_formats, metavar="FMT[,FMT...]", help=FORMAT_HELP)
    p.add_argument("--update", action="store_true",
                   help="add PATH... to the previous build in --out: only new papers are extracted, and the "
                        "result equals a full rebuild of old and new inputs. With no --vocab/--stoplist/--merge it "
                        "applies the previous build's curation; with any, exactly those (the previous papers are "
                        "then extracted again if the curation differs)")
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
                                   "The prefixes kg, skos, dcterms, schema, prov, rdf, rdfs, xsd and owl are "
                                   "predeclared (a PREFIX line of the query wins). The query runs in a worker "
                                   "process, stopped at --timeout.")
    p.add_argument("query", nargs="?", help="SPARQL text or a .rq file")
    p.add_argument("--list", action="store_true", help="list the example queries and what they show")
    p.add_argument("--example", "-e", metavar="NAME", help="run the example query NAME (see --list)")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE",
                   help="bind ?NAME to VALUE, a string literal whatever it holds; NAME=<IRI> binds an IRI, "
                        "NAME:=TERM a Turtle term (5, true, \"2024-01-01\"^^xsd:date, kg:Dataset). Bound by a "
                        "VALUES block at the start of the WHERE clause, never by editing the text; repeatable")
    graph_option(p)
    p.add_argument("--format", "-f", choices=("table", "csv", "json"), default="table",
                   help="table: aligned text (default); csv: a header row, then one row per result; json: a "
                        "list of objects with typed values (numbers, booleans, {\"@id\": IRI}, null when "
                        "unbound, dates as ISO strings)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds before the query is stopped")
    add_limit_options(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("stats", help="counts per type, top entities, papers without entities",
                       description="Summarize a built graph: the number of papers and of entities of each type, "
                                   "the entities of each type that most papers mention (--top), and the papers in "
                                   "which no entity was found. Reads the build in --graph (default: outputs/, "
                                   "written by `kg build`).")
    graph_option(p)
    p.add_argument("--top", type=int, default=10, help="how many top entities per type")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("show", help="what the graph knows about one entity or paper",
                       description="Show an entity (by label, alias, key or IRI) or a paper (by id or IRI): type, "
                                   "labels, papers per year, the papers that propose it with the sentence that says "
                                   "so, the entities it co-occurs with, the datasets and metrics it is evaluated "
                                   "with, and evidence sentences with the mention marked [[like this]]. An unknown "
                                   "name lists the closest labels (exit code 2).")
    p.add_argument("name", help="an entity's label, alias or key (\"LoRA\", \"CNNs\"), a paper id, or an IRI")
    graph_option(p)
    p.add_argument("--format", "-f", choices=("text", "json"), default="text",
                   help="text for reading, json (the whole record) for scripts (default: text)")
    p.add_argument("--top", type=int, default=5, help="co-occurring entities listed per type (default: 5)")
    p.add_argument("--evidence", type=int, default=10,
                   help="evidence sentences shown, one per paper, most recent first (default: 10)")
    p.set_defaults(func=cmd_show)

    from kg.config import TREND_PERIODS, TrendsConfig
    from kg.model import ENTITY_TYPES

    d = TrendsConfig()
    p = sub.add_parser("trends", help="entities rising and falling over time, with charts",
                       description="Papers per period for each entity, as a share of the period's papers, and "
                                   "the entities rising and falling fastest. " + TRENDS_SCORE_HELP)
    graph_option(p)
    p.add_argument("--by", choices=TREND_PERIODS, default=d.by, help=f"period (default: {d.by})")
    p.add_argument("--type", "-t", action="append", choices=ENTITY_TYPES, metavar="TYPE",
                   help=f"rank only this type (repeat for more): {', '.join(ENTITY_TYPES)} (default: all)")
    p.add_argument("--top", "-n", type=int, default=d.top, help=f"entities per type and direction (default: {d.top})")
    p.add_argument("--window", "-k", type=int, default=d.window,
                   help=f"periods the score is fitted over, the last ones (default: {d.window})")
    p.add_argument("--min-papers", type=int, default=d.min_papers,
                   help="papers of the window that must mention an entity for it to be ranked "
                        f"(default: {d.min_papers})")
    p.add_argument("--entity", "-e", nargs="+", action="extend", metavar="NAME",
                   help="follow these entities (label or alternative label, case-insensitive) instead of ranking")
    p.add_argument("--format", "-f", choices=("table", "csv", "json"), default="table",
                   help="table (default), csv (a row per entity and period) or json")
    p.add_argument("--no-charts", action="store_true", help="print only; write no charts or page")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but the result and errors")
    p.set_defaults(func=cmd_trends)

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
