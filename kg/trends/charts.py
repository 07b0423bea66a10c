"""Line charts of the rising and falling entities, as SVG and PNG (matplotlib, Agg).

Figures are made with matplotlib's object API (no pyplot, no global state, no display);
text uses the DejaVu Sans font matplotlib ships, so nothing is looked up or fetched. The SVG
keeps its text as text (smaller, searchable; a browser draws it in its own sans-serif) and
is the same bytes for the same report (fixed ids, no date).
"""

from __future__ import annotations

import io
import math
import re

from kg.trends.compute import Trend, TrendReport
from kg.trends.render import score_text

#: Chart size in inches, and PNG resolution.
FIGSIZE = (11.0, 5.0)
DPI = 100
#: Period labels drawn on the x axis at most (every n-th past it).
MAX_TICKS = 18
_RC = {"font.family": "DejaVu Sans", "font.size": 9, "svg.fonttype": "none", "svg.hashsalt": "paper-kg",
       "axes.spines.top": False, "axes.spines.right": False}


def chart_name(name: str) -> str:
    """A file name stem for a chart ("Method", "selected")."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "chart"


def _label(tr: Trend, with_type: bool) -> str:
    text = tr.entity.label if len(tr.entity.label) <= 40 else tr.entity.label[:39] + "…"
    text = text.replace("$", r"\$")  # matplotlib reads $...$ as mathematics
    score = "n/a" if tr.slope is None else score_text(tr.slope)
    return f"{text} ({tr.entity.type}, {score})" if with_type else f"{text} ({score})"


def _panel(ax, report: TrendReport, trends: list[Trend], title: str, with_type: bool = False) -> None:
    tl = report.timeline
    x = list(range(len(tl.periods)))
    w0, w1 = report.window[0], report.window[-1]
    ax.axvspan(w0 - 0.5, w1 + 0.5, color="#f0f0f0", zorder=0, label="_window")
    for tr in trends:
        y = [math.nan if v is None else v for v in tr.shares]
        ax.plot(x, y, marker="o", markersize=3, linewidth=1.6, label=_label(tr, with_type))
    step = max(1, math.ceil(len(x) / MAX_TICKS))
    ticks = x[::-1][::step][::-1]
    slanted = len(tl.periods) > 8
    sep = " (" if slanted else "\n("
    ax.set_xticks(ticks, [f"{tl.periods[t]}{sep}{int(tl.period_papers[t]):,})" for t in ticks],
                  rotation=45 if slanted else 0, ha="right" if slanted else "center",
                  rotation_mode="anchor" if slanted else "default", fontsize=7.5)
    ax.set_xlim(-0.5, len(x) - 0.5)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"% of the {tl.by}'s papers")
    ax.set_title(title, loc="left", fontsize=10)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    if trends:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.2), ncol=2)
    else:
        ax.text(0.5, 0.5, "none in the window", transform=ax.transAxes, ha="center", color="#777777")


def figure(report: TrendReport, entity_type: str | None):
    """The chart of one type (rising beside falling), or of the selected entities (None)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    by = report.config.by
    note = (f"share of each {by}'s papers (its papers in brackets); scores fitted over "
            f"{report.window_periods[0]} .. {report.window_periods[-1]} (shaded)")
    if entity_type is None:
        ax = fig.subplots()
        _panel(ax, report, report.selected, "", with_type=True)
        fig.suptitle(f"Selected entities: {note}", x=0.01, ha="left", fontsize=10)
    else:
        left, right = fig.subplots(1, 2)
        _panel(left, report, report.rising.get(entity_type, []), "rising")
        _panel(right, report, report.falling.get(entity_type, []), "falling")
        fig.suptitle(f"{entity_type}: {note}", x=0.01, ha="left", fontsize=10)
    return fig


def render_charts(report: TrendReport) -> dict[str, tuple[bytes, bytes]]:
    """Every chart of the report as (SVG, PNG) bytes, by name: one per type ranked, or
    ``selected`` for the entities asked for."""
    import matplotlib

    names = ["selected"] if report.config.entities else list(report.rising)
    out = {}
    with matplotlib.rc_context(_RC):
        for name in names:
            fig = figure(report, None if name == "selected" else name)
            svg, png = io.BytesIO(), io.BytesIO()
            fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "paper-kg"})
            fig.savefig(png, format="png", metadata={"Software": "paper-kg"})
            out[chart_name(name)] = svg.getvalue(), png.getvalue()
    return out
