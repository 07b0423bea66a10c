"""How long graph.html takes to be usable in a real browser (Debian's Chromium, headless).

Builds, then opens in Chromium:

* the bundled sample (papers and entities, about 1,500 nodes: drawn whole);
* the view of the first ``--full-papers`` arXiv abstracts (``--max-nodes`` as the limit);
* the view of the first ``--papers`` arXiv abstracts: more nodes than ``--max-nodes``, so the
  page opens on the entities most papers mention;
* any ``--html`` pages given (for example a 75,000-paper build's ``graph.html``).

For each page prints the drawn node and edge counts, the file size, ``index`` (ms from the
page's script start to its index being ready), ``settle`` (ms of the first picture's physics
layout), ``ready`` (ms from the script start to the first picture settled), the wall time
from navigation start to ``body[data-layout=settled]`` (parsing the file included), and
``search`` (ms for the search box to answer a query over the whole index). Requests other
than file:// are aborted.

``--screenshot PATH`` also saves the README picture (docs/sample-view.png): the settled sample
view at 1400x900, zoomed a little, "ImageNet" typed in the search box and its node clicked so
the panel lists its papers. ``--sample-only`` skips the arXiv views.

Usage::

    python benchmarks/html_load.py [--papers 3000] [--full-papers 1200] [--max-nodes 2000] [--runs 2]
    python benchmarks/html_load.py --sample-only --html /tmp/view75k/graph.html --runs 3
    python benchmarks/html_load.py --sample-only --runs 1 --screenshot docs/sample-view.png
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARXIV = ROOT.parent / "shared" / "data" / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from kg.build import build  # noqa: E402
from kg.config import BuildConfig  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def first_papers(n: int, tmp: Path) -> Path:
    """The first ``n`` records of the arXiv snapshot as a JSONL file."""
    path = tmp / f"arxiv-{n}.jsonl"
    with gzip.open(ARXIV, "rt", encoding="utf-8") as src, path.open("w", encoding="utf-8") as dst:
        dst.writelines(islice(src, n))
    return path


def build_view(name: str, tmp: Path, inputs=(), max_nodes: int = 5000) -> Path:
    t = time.perf_counter()
    result = build(BuildConfig(inputs=tuple(inputs), out_dir=tmp / name, formats=("html",),
                               html_max_nodes=max_nodes, quiet=True, jobs=2))
    print(f"built {name}: {len(result.kg.extractions):,} papers, {len(result.kg.entities):,} entities "
          f"in {time.perf_counter() - t:.1f} s", flush=True)
    return result.outputs["html"][0]


def measure(ctx, path: Path, query: str = "transformer") -> dict:
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    t = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_selector("body[data-layout=settled]", state="attached", timeout=600_000)
    wall = time.perf_counter() - t
    info = page.evaluate("""q => {
        const b = window.kgNetwork.body, nav = performance.getEntriesByType('navigation')[0];
        const box = document.getElementById('search'), t = performance.now();
        box.value = q;
        box.dispatchEvent(new Event('input'));  // the search answers synchronously
        const searchMs = performance.now() - t;
        return {nodes: b.data.nodes.length, edges: b.data.edges.length,
                cut: !!document.getElementById('cut-note'), mode: document.body.dataset.mode,
                settleMs: Number(document.body.dataset.settleMs), readyMs: Number(document.body.dataset.readyMs),
                indexMs: Number(document.body.dataset.indexMs), searchMs,
                answer: document.getElementById('search-status').textContent,
                domContentLoadedMs: nav ? Math.round(nav.domContentLoadedEventEnd) : null};
    }""", query)
    page.close()
    info.update(wall=wall, errors=errors, mb=path.stat().st_size / 1e6)
    return info


def screenshot(ctx, path: Path, out: Path, query: str = "ImageNet", zoom: float = 1.4) -> None:
    """The sample view for the README (see the module docstring)."""
    page = ctx.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-layout=settled]", state="attached", timeout=600_000)
    page.fill("#search", query)
    point = page.evaluate("""([label, zoom]) => {
        const net = window.kgNetwork, nodes = net.body.data.nodes;
        const id = nodes.getIds({filter: n => n.label === label})[0];
        net.moveTo({position: {x: 0, y: 0}, scale: net.getScale() * zoom, animation: false});
        const c = net.canvasToDOM(net.getPositions([id])[id]);
        const box = document.querySelector('#graph canvas').getBoundingClientRect();
        return {x: box.left + c.x, y: box.top + c.y, hit: net.getNodeAt(c) === id};
    }""", [query, zoom])
    if not point["hit"]:
        raise RuntimeError(f"{query} is covered by another node at zoom {zoom}")
    page.mouse.click(point["x"], point["y"])
    box = page.locator("#graph").bounding_box()
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] - 3, steps=5)  # off the node: no tooltip
    page.wait_for_timeout(500)
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out))
    page.close()
    print(f"wrote {out}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=3000, help="arXiv abstracts for the entity (cut) view")
    ap.add_argument("--full-papers", type=int, default=1200, help="arXiv abstracts for the uncut view")
    ap.add_argument("--max-nodes", type=int, default=BuildConfig.html_max_nodes,
                    help="BuildConfig.html_max_nodes for the arXiv views")
    ap.add_argument("--html", type=Path, action="append", default=[],
                    help="also measure this graph.html (repeatable)")
    ap.add_argument("--query", default="transformer", help="what to type in the search box")
    ap.add_argument("--runs", type=int, default=2, help="page loads per view (a fresh tab each)")
    ap.add_argument("--sample-only", action="store_true", help="measure the bundled sample only")
    ap.add_argument("--screenshot", type=Path, help="also save a 1400x900 PNG of the sample view here")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kg-html-load-") as d:
        tmp = Path(d)
        views = {"sample": build_view("sample", tmp, max_nodes=BuildConfig.html_max_nodes)}
        if args.sample_only:
            pass
        elif ARXIV.is_file():
            views[f"arxiv-{args.full_papers}"] = build_view(
                f"arxiv-{args.full_papers}", tmp, [first_papers(args.full_papers, tmp)], args.max_nodes)
            views[f"arxiv-{args.papers}"] = build_view(
                f"arxiv-{args.papers}", tmp, [first_papers(args.papers, tmp)], args.max_nodes)
        else:
            print(f"{ARXIV} not found: only the sample is measured")
        for h in args.html:
            views[str(h)[-24:]] = h

        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(str(tmp / "profile"), executable_path=CHROMIUM,
                                                        headless=True, args=ARGS,
                                                        viewport={"width": 1400, "height": 900})
            ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "about:", "data:"))
                      else r.abort())
            print(f"\nChromium {ctx.browser.version if ctx.browser else ''}, 1400x900, {args.runs} run(s) each; "
                  "median shown")
            print(f"{'view':<24}{'nodes':>7}{'edges':>8}{'mode':>9}{'MB':>6}{'DCL ms':>8}{'index':>7}"
                  f"{'settle':>8}{'ready':>7}{'wall s':>8}{'search':>8}  answer")
            for name, path in views.items():
                runs = [measure(ctx, path, args.query) for _ in range(args.runs)]
                r = runs[0]

                def med(k):
                    return statistics.median(x[k] or 0 for x in runs)
                print(f"{name:<24}{r['nodes']:>7,}{r['edges']:>8,}{r['mode'] or '-':>9}{r['mb']:>6.1f}"
                      f"{med('domContentLoadedMs'):>8,.0f}{med('indexMs'):>7,.0f}{med('settleMs'):>8,.0f}"
                      f"{med('readyMs'):>7,.0f}{med('wall'):>8.1f}{med('searchMs'):>8,.0f}  {r['answer']}"
                      + (f"  errors: {r['errors']}" if any(x["errors"] for x in runs) else ""), flush=True)
            if args.screenshot:
                screenshot(ctx, views["sample"], args.screenshot)
            ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
