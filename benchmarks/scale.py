"""Scale benchmark: `kg build` of 10k / 30k / 75k real arXiv abstracts.

    python benchmarks/scale.py [--sizes 10000,30000,74728] [--jobs 2] [--fast] [--engine dask]
                               [--formats default|all|FMT,...] [--rdflib] [--floor] [--resample N]

``--fast`` builds with the rules alone (`kg build --fast`); the default is the learned
recognizer. ``--formats`` takes what `kg build --format` takes (default: the default exports).
``--engine dask`` extracts on a local Dask cluster of ``--jobs`` single-threaded workers.

For each size it prints, measured side by side on the same cores:

* the baseline: bare ``spacy.blank("en")`` tokenization of the same titles + abstracts with
  a pool of ``--jobs`` processes (the floor any spaCy-based extractor stands on);
* `kg build` wall time (in a fresh subprocess, start-up included), papers/s, the ratio to the
  baseline (and the ratio of CPU times, steadier on a busy machine), the time of each stage, the peak RSS of the largest process of the build and the
  peak memory of all its processes together (proportional set size, sampled twice a second:
  pages that forked workers share are counted once), the CPU time of all its processes, and
  the size of every output;
* with ``--rdflib``: a plain rdflib in-memory build of the same triples (parse the build's
  N-Triples, serialize Turtle) against our pyoxigraph Turtle export;
* with ``--floor``: the same build once more as `kg build --update` with nothing new, which
  reads the input and assembles and exports the whole graph but extracts nothing (every
  extraction comes from the cache): what the build costs beyond extraction, against the same
  baseline.

Benchmarks are not tests; CI runs only a smoke run (``tests/test_benchmarks.py``: ``--sizes 150,300``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARXIV = ROOT.parent / "shared" / "data" / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"

_NLP = None


def _tok_init():
    global _NLP
    import spacy

    _NLP = spacy.blank("en")


def _tok(texts):
    return sum(len(_NLP.make_doc(t)) for t in texts)


def _cpu_of_children() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def tokenize_baseline(texts: list[str], jobs: int) -> tuple[float, float]:
    """Seconds to tokenize ``texts`` with ``jobs`` worker processes (pool start-up included),
    and the CPU seconds of those processes (which, unlike the wall time, a busy machine
    hardly changes)."""
    t, cpu = time.perf_counter(), _cpu_of_children()
    chunks = [texts[i:i + 500] for i in range(0, len(texts), 500)]
    pool = mp.get_context("fork").Pool(jobs, initializer=_tok_init)
    try:
        sum(pool.imap(_tok, chunks))
    finally:
        pool.close()
        pool.join()  # (the workers reaped: their CPU time is counted)
    return time.perf_counter() - t, _cpu_of_children() - cpu


BUILD = """
import json, os, resource, sys, threading, time
t = time.perf_counter()


def tree_pss_mb(pid):
    # proportional set size of a process and all its descendants: memory they really use
    # together (pages shared after fork counted once)
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, StopIteration, ValueError):
            pass
    return total / 1024


def own_peak_mb():
    # VmHWM: ru_maxrss survives exec, so it would report the benchmark process that started
    # this one (grown by the rdflib comparison) instead of the build
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


peak = [0.0]


def sample():
    while True:
        peak[0] = max(peak[0], tree_pss_mb(os.getpid()))
        time.sleep(0.5)


if os.path.exists("/proc/self/smaps_rollup"):
    threading.Thread(target=sample, daemon=True).start()
from kg.build import build
from kg.config import BuildConfig, ExtractConfig
opt = json.loads(sys.argv[1])
engine = opt["engine"]
if engine == "dask":  # a local cluster of `jobs` single-threaded worker processes (as --engine dask starts
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=opt["jobs"], threads_per_worker=1, processes=True, dashboard_address=None)
    scheduler = cluster.scheduler_address
else:
    scheduler = None
r = build(BuildConfig(inputs=(opt["src"],), out_dir=opt["out"], jobs=opt["jobs"], formats=tuple(opt["formats"]),
                      quiet=True, update=opt["update"], engine=engine, scheduler=scheduler,
                      extract=ExtractConfig(use_recognizer=not opt["fast"])))
wall = time.perf_counter() - t
if engine == "dask":
    cluster.close()  # (its workers' CPU time counts once they have ended)
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"wall": wall, "cpu": cpu, "timings": r.timings, "papers": r.report.papers,
                  "entities": len(r.kg.entities), "mentions": r.kg.mention_count,
                  "rss_parent_mb": own_peak_mb(),
                  "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "pss_total_mb": peak[0]}))
"""


def run_build(src: Path, out_dir: Path, jobs: int, formats: str, update: bool = False, fast: bool = False,
              engine: str = "local") -> dict:
    """Build ``src`` into ``out_dir`` in a fresh process (``kg build --update`` with
    ``update``); its figures (its last line of output), or exit with its error."""
    opt = {"src": str(src), "out": str(out_dir), "jobs": jobs, "formats": formats.split(","), "update": update,
           "fast": fast, "engine": engine}
    out = subprocess.run([sys.executable, "-c", BUILD, json.dumps(opt)], capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines or not lines[-1].startswith("{"):
        sys.exit(f"the build failed (exit code {out.returncode}):\n{out.stderr[-3000:]}")
    r = json.loads(lines[-1])
    r["sizes"] = output_sizes(Path(out_dir))
    return r


def output_sizes(out_dir: Path) -> dict[str, int]:
    """Bytes of each output at its documented path (links followed; the build's machinery and
    the ``--update`` cache, a hard link to the spool, left out)."""
    sizes = {}
    for p in sorted(out_dir.iterdir()):
        if p.name.startswith("."):
            continue
        files = [p] if p.is_file() else [q for q in p.rglob("*") if q.is_file()]
        sizes[p.name] = sum(q.stat().st_size for q in files)
    return sizes


def sizes_text(sizes: dict[str, int]) -> str:
    total = sum(sizes.values())
    parts = ", ".join(f"{k} {v / 1e6:.1f}" for k, v in sorted(sizes.items(), key=lambda kv: -kv[1]))
    return f"outputs {total / 1e6:.1f} MB: {parts}"


def formats_arg(value: str) -> str:
    """``--formats`` as `kg build --format` takes it, as a comma-separated list of names."""
    from kg.cli import _formats

    return ",".join(_formats(value))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,30000,74728")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--formats", default="default", help="as kg build --format (default: the default exports)")
    ap.add_argument("--fast", action="store_true", help="rules only (kg build --fast)")
    ap.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="dask: extract on a local Dask cluster of --jobs workers")
    ap.add_argument("--rdflib", action="store_true", help="also time a plain rdflib build of the same triples")
    ap.add_argument("--floor", action="store_true",
                    help="also time the build with nothing to extract (kg build --update of the same input)")
    ap.add_argument("--resample", type=int, metavar="N",
                    help="build N abstracts resampled from the corpus (ids made unique), e.g. 1000000")
    args = ap.parse_args()
    if not ARXIV.is_file():
        sys.exit(f"{ARXIV} not found (../shared is needed for this benchmark)")
    formats = formats_arg(args.formats)
    mode = dict(fast=args.fast, engine=args.engine)
    print(f"mode: {'--fast (rules)' if args.fast else 'default (rules + learned recognizer)'}, engine {args.engine}, "
          f"--jobs {args.jobs}; formats {formats}", flush=True)
    if args.resample:
        return resampled(args.resample, args.jobs, formats, mode)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with gzip.open(ARXIV, "rt", encoding="utf-8") as f:
        lines = [l for _, l in zip(range(max(sizes)), f)]
    print(f"{'papers':>7} {'tokenize s':>10} {'build s':>8} {'papers/s':>8} {'ratio':>6} {'peak RSS MB':>11} "
          f"{'all procs MB':>12} {'CPU s':>7} {'CPU ratio':>9}  stages (s)")
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / "in.jsonl"
            src.write_text("".join(lines[:n]), encoding="utf-8")
            texts = [f"{r['title']}\n\n{r['abstract']}" for r in map(json.loads, lines[:n])]
            base, base_cpu = tokenize_baseline(texts, args.jobs)
            r = run_build(src, Path(d) / "out", args.jobs, formats, **mode)
            rss = max(r["rss_parent_mb"], r["rss_worker_mb"])
            stages = " ".join(f"{k}={v:.1f}" for k, v in r["timings"].items() if v >= 0.05)
            print(f"{n:7d} {base:10.1f} {r['wall']:8.1f} {n / r['wall']:8.0f} {r['wall'] / base:6.2f} "
                  f"{rss:11.0f} {r['pss_total_mb']:12.0f} {r['cpu']:7.1f} {r['cpu'] / base_cpu:9.2f}  {stages}", flush=True)
            print(f"        {sizes_text(r['sizes'])}", flush=True)
            rows.append((n, base, r))
            if args.floor:
                u = run_build(src, Path(d) / "out", args.jobs, formats, update=True, **mode)
                print(f"        without extraction (kg build --update, nothing new): {u['wall']:.1f} s, "
                      f"{u['wall'] / base:.2f}x tokenization; read+assemble {u['timings']['read+extract+assemble']:.1f} s, "
                      f"export {u['timings']['export']:.1f} s; CPU {u['cpu']:.1f} s, {u['cpu'] / base_cpu:.2f}x "
                      f"tokenization's ({base_cpu:.1f} s)", flush=True)
            rdf = next((Path(d) / "out" / f for f in ("graph.nt", "graph.ttl") if (Path(d) / "out" / f).exists()), None)
            if args.rdflib and rdf is not None:
                from rdflib import Graph

                t = time.perf_counter()
                g = Graph()
                g.parse(rdf, format="nt" if rdf.suffix == ".nt" else "turtle")
                g.serialize(Path(d) / "rdflib.ttl", format="turtle")
                rt = time.perf_counter() - t
                ours = r["timings"].get("export:turtle", float("nan"))
                print(f"        rdflib parse ({rdf.name})+Turtle of {len(g):,} triples: {rt:.1f} s; "
                      f"ours (pyoxigraph Turtle export): {ours:.1f} s; ratio {rt / ours:.1f}x")
    if len(rows) > 1:
        (n0, _, r0), (n1, _, r1) = rows[0], rows[-1]
        print(f"cost per paper: {r0['wall'] / n0 * 1000:.2f} ms at {n0}, {r1['wall'] / n1 * 1000:.2f} ms at {n1}")


def resampled(n: int, jobs: int, formats: str, mode: dict) -> None:
    """Build ``n`` abstracts cycled from the corpus, each copy with an id of its own."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "resampled.jsonl.gz"
        t = time.perf_counter()
        with gzip.open(ARXIV, "rt", encoding="utf-8") as f:
            base = [json.loads(l) for l in f]
        with gzip.open(src, "wt", encoding="utf-8", compresslevel=1) as out:
            for k in range(n):
                r = base[k % len(base)]
                copy = k // len(base)
                out.write(json.dumps({"id": f"{r['id']}-c{copy}" if copy else r["id"], "title": r["title"],
                                      "abstract": r["abstract"], "authors": r["authors"],
                                      "listing_date": r.get("listing_date")}) + "\n")
        del base
        print(f"wrote {n:,} resampled abstracts in {time.perf_counter() - t:.0f} s", flush=True)
        r = run_build(src, Path(d) / "out", jobs, formats, **mode)
        rss = max(r["rss_parent_mb"], r["rss_worker_mb"])
        stages = " ".join(f"{k}={v:.0f}" for k, v in r["timings"].items() if v >= 0.5)
        print(f"{n:,} papers: build {r['wall']:.0f} s ({n / r['wall']:.0f} papers/s), peak RSS {rss:.0f} MB "
              f"(all processes together {r['pss_total_mb']:.0f} MB), CPU {r['cpu']:.0f} s; stages (s): {stages}")
        print(sizes_text(r["sizes"]))


if __name__ == "__main__":
    main()
