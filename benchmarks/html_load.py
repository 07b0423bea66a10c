"""How long graph.html takes to settle in a real browser (Debian's Chromium, headless).

Builds, then opens in Chromium:

* the bundled sample (papers and entities, about 1,000 nodes);
* a full view (papers and entities) of the first ``--full-papers`` arXiv abstracts, sized to
  stay just under ``--max-nodes`` so nothing is cut;
* the entity view of the first ``--papers`` arXiv abstracts: more than ``--max-nodes``
  entities, so the page shows the ``--max-nodes`` most frequent ones.

For each page prints the node and edge counts, the file size, ``data-settle-ms`` (the page's
own time from creating the network to the end of the physics layout) and the wall time from
navigation start to ``body[data-layout=settled]``. Requests other than file:// are aborted.

``--screenshot PATH`` also saves the README picture (docs/sample-view.png): the settled sample
view at 1400x900, zoomed a little, "ImageNet" typed in the search box and its node clicked so
the panel lists its papers. ``--sample-only`` skips the arXiv views.

Usage::

    python benchmarks/html_load.py [--papers 3000] [--full-papers 1200] [--max-nodes 5000] [--runs 2]
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


def measure(ctx, path: Path) -> dict:
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    t = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_selector("body[data-layout=settled]", state="attached", timeout=600_000)
    wall = time.perf_counter() - t
    info = page.evaluate("""() => {
        const b = window.kgNetwork.body, nav = performance.getEntriesByType('navigation')[0];
        return {nodes: b.data.nodes.length, edges: b.data.edges.length,
                cut: !!document.getElementById('cut-note'),
                settleMs: Number(document.body.dataset.settleMs),
                domContentLoadedMs: nav ? Math.round(nav.domContentLoadedEventEnd) : null};
    }""")
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
    ap.add_argument("--max-nodes", type=int, default=5000, help="BuildConfig.html_max_nodes for the arXiv views")
    ap.add_argument("--runs", type=int, default=2, help="page loads per view (a fresh tab each)")
    ap.add_argument("--sample-only", action="store_true", help="measure the bundled sample only")
    ap.add_argument("--screenshot", type=Path, help="also save a 1400x900 PNG of the sample view here")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kg-html-load-") as d:
        tmp = Path(d)
        views = {"sample": build_view("sample", tmp, max_nodes=1500)}
        if args.sample_only:
            pass
        elif ARXIV.is_file():
            views[f"arxiv-{args.full_papers}-full"] = build_view(
                f"arxiv-{args.full_papers}-full", tmp, [first_papers(args.full_papers, tmp)], args.max_nodes)
            views[f"arxiv-{args.papers}-entities"] = build_view(
                f"arxiv-{args.papers}-entities", tmp, [first_papers(args.papers, tmp)], args.max_nodes)
        else:
            print(f"{ARXIV} not found: only the sample is measured")

        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(str(tmp / "profile"), executable_path=CHROMIUM,
                                                        headless=True, args=ARGS,
                                                        viewport={"width": 1400, "height": 900})
            ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "about:", "data:"))
                      else r.abort())
            print(f"\nChromium {ctx.browser.version if ctx.browser else ''}, 1400x900, {args.runs} run(s) each; "
                  "median shown")
            print(f"{'view':<24}{'nodes':>7}{'edges':>8}{'cut':>5}{'MB':>6}"
                  f"{'settle-ms':>11}{'wall s':>8}{'DCL ms':>8}")
            for name, path in views.items():
                runs = [measure(ctx, path) for _ in range(args.runs)]
                r = runs[0]
                settle = statistics.median(x["settleMs"] for x in runs)
                wall = statistics.median(x["wall"] for x in runs)
                dcl = statistics.median(x["domContentLoadedMs"] or 0 for x in runs)
                print(f"{name:<24}{r['nodes']:>7,}{r['edges']:>8,}{'yes' if r['cut'] else 'no':>5}"
                      f"{r['mb']:>6.1f}{settle:>11,.0f}{wall:>8.1f}{dcl:>8,.0f}"
                      + (f"  errors: {r['errors']}" if any(x["errors"] for x in runs) else ""), flush=True)
            if args.screenshot:
                screenshot(ctx, views["sample"], args.screenshot)
            ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
