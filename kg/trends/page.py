"""``trends.html``: the charts (inline SVG) with the table, one offline page.

The page loads nothing: no script, no style sheet, no font and no image from anywhere (the
charts are inline SVG, the style is in the page), so it opens the same without a network.
"""

from __future__ import annotations

import html
import re

from kg.trends.compute import Trend, TrendReport
from kg.trends.render import score_definition, score_text, sections, summary

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 1.5rem auto;
       max-width: 1160px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
p.meta { color: #444; font-size: 0.92rem; }
figure { margin: 0.5rem 0; } figure svg { width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.4rem 0 1rem; }
th, td { padding: 2px 8px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; }
thead th { border-bottom: 1px solid #999; } tbody tr:nth-child(even) { background: #f6f6f6; }
td.up { color: #1a7f37; } td.down { color: #b42318; } tr.total td { color: #555; font-style: italic; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
"""


def inline_svg(svg: bytes) -> str:
    """An SVG file's ``<svg>`` element, for a page (the XML declaration, doctype and comments
    before it dropped)."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    if start < 0:
        raise ValueError("not an SVG document")
    return re.sub(r"<!--.*?-->", "", text[start:], flags=re.S)


def _table(report: TrendReport, caption: str, trends: list[Trend], with_type: bool) -> str:
    tl, w = report.timeline, report.window
    e = html.escape
    head = "".join(f"<th>{e(tl.periods[t])}</th>" for t in w)
    rows = [f'<tr class="total"><td>papers of the period</td><td>{int(tl.period_papers[w].sum()):,}</td>'
            + "".join(f"<td>{int(tl.period_papers[t]):,}</td>" for t in w) + "<td></td></tr>"]
    for tr in trends:
        name = e(tr.entity.label) + (f" <small>({e(tr.entity.type)})</small>" if with_type else "")
        cells = "".join("<td>-</td>" if tr.shares[t] is None else
                        f'<td title="{tr.papers[t]:,} of {int(tl.period_papers[t]):,} papers">{tr.shares[t]:.1f}%</td>'
                        for t in w)
        cls = "" if tr.slope is None else (' class="up"' if tr.slope > 0 else ' class="down"' if tr.slope < 0 else "")
        score = score_text(tr.slope)
        note = "" if tr.ranked or not with_type else f" <small>(&lt; {report.config.min_papers} papers)</small>"
        rows.append(f"<tr><td>{name}</td><td>{tr.window_papers:,}</td>{cells}<td{cls}>{score}{note}</td></tr>")
    if not trends:
        rows.append(f'<tr><td colspan="{len(w) + 3}">none among the ranked entities</td></tr>')
    return (f"<table><caption>{e(caption)}</caption><thead><tr><th>entity</th><th>papers</th>{head}"
            f"<th>score</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def page(report: TrendReport, charts: dict[str, tuple[bytes, bytes]], title: str = "Trends") -> str:
    """The whole page: what was counted, the score's definition, then per chart the chart and
    its table(s). ``charts`` as :func:`kg.trends.charts.render_charts` gives them."""
    from kg.trends.charts import chart_name

    e = html.escape
    parts = [f"<h1>{e(title)}</h1>", f'<p class="meta">{e(summary(report))}.</p>',
             f'<p class="meta">{e(score_definition(report))}. Hover a share for its count of papers; the '
             f"charts show every {e(report.config.by)}, the window shaded.</p>"]
    by_type: dict[str, list[tuple[str, list[Trend]]]] = {}
    for typ, direction, trends in sections(report):
        by_type.setdefault(typ or "selected", []).append((direction, trends))
    for name, blocks in by_type.items():
        heading = "Selected entities" if name == "selected" else name
        parts.append(f"<h2>{e(heading)}</h2>")
        svg = charts.get(chart_name(name))
        if svg is not None:
            parts.append(f'<figure aria-label="{e(heading)} chart">{inline_svg(svg[0])}</figure>')
        for direction, trends in blocks:
            cap = "selected entities" if name == "selected" else f"{name}, {direction}"
            parts.append(_table(report, cap, trends, with_type=name == "selected"))
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
            f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
