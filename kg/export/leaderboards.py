"""``leaderboards.html``: the build's leaderboards (:mod:`kg.assemble.leaderboard`) as one
offline page.

One table per (dataset, metric), best first, with system, paper, date and the evidence sentence.
The page is static HTML with its style inline: no script, no request leaves it, and every text
from the data is escaped (:func:`html.escape`), so a title or sentence holding markup shows as
text. Written with the ``html`` export.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.assemble.leaderboard import Board, Entry, leaderboards
from kg.atomic import atomic_write

FILE = "leaderboards.html"
#: Boards with fewer rows are left off the page (one number is no ranking), unless no board has more.
MIN_ROWS = 2


def entries(ex, kg) -> Iterator[Entry]:
    """The leaderboard entries of one paper: its absolute results on a dataset."""
    p = ex.paper
    date = p.date.isoformat() if p.date else p.date_text
    for r in ex.results:
        if r.kind != "absolute" or r.dataset is None or r.sentence >= len(ex.sentences):
            continue
        ds = kg.entities.get(r.dataset_key) if r.dataset_key else None
        met = kg.entities.get(r.metric_key)
        metric = met.label if met is not None and met.type == "Metric" else r.metric
        dataset = ds.label if ds is not None and ds.type == "Dataset" else r.dataset
        yield Entry(dataset=dataset, metric=metric, value=r.value, number=r.number, unit=r.unit, system=r.system,
                    proposed=r.proposed, paper_id=p.id, paper_title=p.title, date=date,
                    sentence=ex.sentences[r.sentence], url=p.url)


_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5em auto;max-width:72em;
padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.1em;margin:1.6em 0 .4em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3em .5em;
text-align:left;vertical-align:top}th{background:#f4f4f4}td.v{white-space:nowrap;font-weight:600}
td.s{color:#555;font-size:.92em}.own{color:#0a6b2d}.dir{color:#666;font-weight:normal}
nav a{margin-right:.8em}
"""


def render(boards: list[Board], total: int) -> str:
    """The page of a list of boards (``total``: absolute results with a dataset in the build)."""
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           # no request may leave the page: nothing is loaded from anywhere
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           "<title>Leaderboards</title>", f"<style>{_STYLE}</style></head><body>",
           "<h1>Leaderboards</h1>",
           f"<p>{len(boards)} leaderboards from {total} absolute results with a dataset found in the abstracts. "
           "Best first in each metric's direction (lower is better for errors, losses, latency, perplexity, "
           "distances, time, memory, ...). Numbers are as the abstracts state them, read by an "
           "extractor: check the sentence. <span class=\"own\">Green</span>: the paper's own system.</p>"]
    for i, b in enumerate(boards):
        arrow = "lower is better" if b.direction == "lower" else "higher is better"
        out.append(f'<h2 id="b{i}">{e(b.dataset)} &middot; {e(b.metric)} <span class="dir">({arrow}, '
                   f"{len(b.entries)} results)</span></h2>")
        out.append("<table><tr><th>#</th><th>value</th><th>system</th><th>paper</th><th>date</th>"
                   "<th>evidence</th></tr>")
        for rank, x in enumerate(b.entries, 1):
            title = e(x.paper_title or x.paper_id)
            if x.url and x.url.startswith(("https://", "http://")):
                title = f'<a href="{e(x.url)}" rel="noreferrer noopener">{title}</a>'
            system = e(x.system) if x.system else "&mdash;"
            cls = ' class="own"' if x.proposed else ""
            out.append(f"<tr><td>{rank}</td><td class=\"v\">{e(x.value)}</td><td{cls}>{system}</td>"
                       f"<td>{title}<br><small>{e(x.paper_id)}</small></td><td>{e(x.date or '')}</td>"
                       f"<td class=\"s\">{e(x.sentence)}</td></tr>")
        out.append("</table>")
    if not boards:
        out.append("<p>No dataset has results in one metric from this build.</p>")
    out.append("</body></html>\n")
    return "\n".join(out)


def page_boards(all_entries: list[Entry]) -> list[Board]:
    """The boards the page shows: those with at least MIN_ROWS rows (all of them when none has)."""
    boards = leaderboards(all_entries)
    ranked = [b for b in boards if len(b.entries) >= MIN_ROWS]
    return ranked or boards


def write_leaderboards(all_entries: Iterable[Entry], out_dir: Path) -> Path:
    """Write ``leaderboards.html`` into ``out_dir`` (atomically)."""
    items = list(all_entries)
    path = Path(out_dir) / FILE
    with atomic_write(path) as f:
        f.write(render(page_boards(items), len(items)))
    return path
