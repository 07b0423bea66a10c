"""`kg trends` as text: an aligned table, CSV (one row per entity and period) or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from kg.errors import printable
from kg.trends.compute import MIN_FIT_PERIODS, Trend, TrendReport


def score_definition(report: TrendReport) -> str:
    """The score, in one sentence, with this report's window and limits."""
    c, p = report.config, report.window_periods
    unit = f"{c.by}s"
    return (f"score = weighted least-squares slope of the share (percent of the {c.by}'s dated papers that mention "
            f"the entity) over the last {len(p)} {unit} ({p[0]} .. {p[-1]}), each {c.by} weighted by its "
            f"papers, in percentage points per {c.by}; ranked: entities in >= {c.min_papers} papers of those "
            f"{unit} (at least {MIN_FIT_PERIODS} {unit} with papers needed)")


def summary(report: TrendReport) -> str:
    """What was counted: dated papers, their span, and the papers left out."""
    tl = report.timeline
    unit = f"{tl.by}s" if len(tl.periods) != 1 else tl.by
    return (f"{tl.dated:,} of {tl.papers:,} papers have a full date ({tl.first} .. {tl.last}: "
            f"{len(tl.periods)} {unit}); not counted: {tl.undated:,} with a date without a year, "
            f"{tl.no_date:,} with no date")


def sections(report: TrendReport) -> Iterator[tuple[str, str, list[Trend]]]:
    """(type, direction, trends) in print order; direction is rising, falling or selected."""
    if report.config.entities:
        yield "", "selected", report.selected
        return
    for t in report.rising:
        yield t, "rising", report.rising[t]
        yield t, "falling", report.falling[t]


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}%"


def score_text(v: float | None) -> str:
    """A score as printed: signed, two decimals ("+0.00", never "-0.00"); "-" for none."""
    return "-" if v is None else f"{round(v, 2) + 0.0:+.2f}"


def table(report: TrendReport) -> str:
    """Aligned text: one header, the papers of each period, then a block per type and
    direction (or the entities asked for) with the share in each period of the window."""
    tl, w = report.timeline, report.window
    selected = bool(report.config.entities)
    cols = ["", "papers", *(tl.periods[t] for t in w), "score"]
    body: list[list[str] | str] = [["papers of the period", f"{int(tl.period_papers[w].sum()):,}",
                                    *(f"{int(tl.period_papers[t]):,}" for t in w), ""]]
    for typ, direction, trends in sections(report):
        body.append(f"{typ}, {direction}:" if typ else "selected entities:")
        if not trends:
            body.append(f"  (none {direction} among the ranked entities)")
        for tr in trends:
            name = printable(tr.entity.label) + (f" ({tr.entity.type})" if selected else "")
            note = "" if tr.ranked or not selected else f"  (< {report.config.min_papers} papers: not ranked)"
            body.append(["  " + name, f"{tr.window_papers:,}", *(_pct(tr.shares[t]) for t in w),
                         score_text(tr.slope), note])
    grid = [cols] + [r for r in body if isinstance(r, list)]
    widths = [min(48, max(len(r[i]) for r in grid)) for i in range(len(cols))]

    def line(vals: list[str]) -> str:
        first = vals[0] if len(vals[0]) <= widths[0] else vals[0][: widths[0] - 1] + "…"
        rest = [v.rjust(wd) for v, wd in zip(vals[1:len(cols)], widths[1:])]
        return ("  ".join([first.ljust(widths[0]), *rest]) + "".join(vals[len(cols):])).rstrip()

    lines = [summary(report), score_definition(report), "", line(cols)]
    lines += [line(r) if isinstance(r, list) else r for r in body]
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ["type", "direction", "rank", "entity", "iri", "score", "window_papers", "ranked",
               "period", "in_window", "period_papers", "papers", "share"]


def rows(report: TrendReport) -> Iterator[list]:
    """One row per listed entity and period (every period of the timeline)."""
    tl, w = report.timeline, set(report.window)
    for _typ, direction, trends in sections(report):
        for rank, tr in enumerate(trends, 1):
            for t, period in enumerate(tl.periods):
                share = tr.shares[t]
                yield [tr.entity.type, direction, rank, tr.entity.label, tr.entity.key,
                       "" if tr.slope is None else f"{tr.slope:.4f}", tr.window_papers, tr.ranked, period,
                       t in w, int(tl.period_papers[t]), tr.papers[t], "" if share is None else f"{share:.4f}"]


def to_csv(report: TrendReport) -> str:
    """CSV with a header row (:data:`CSV_COLUMNS`); shares in percent."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    out.writerows(rows(report))
    return buf.getvalue()


def to_dict(report: TrendReport) -> dict:
    """Everything the report holds, as JSON-ready data."""
    tl, c = report.timeline, report.config

    def trend(tr: Trend, rank: int) -> dict:
        return {"rank": rank, "entity": tr.entity.label, "type": tr.entity.type, "iri": tr.entity.key,
                "score": tr.slope, "window_papers": tr.window_papers, "ranked": tr.ranked,
                "papers": list(tr.papers), "share": list(tr.shares)}

    return {
        "by": c.by, "periods": tl.periods, "period_papers": [int(v) for v in tl.period_papers],
        "window": report.window_periods, "min_papers": c.min_papers, "score": score_definition(report),
        "papers": {"all": tl.papers, "dated": tl.dated, "date_without_year": tl.undated, "no_date": tl.no_date,
                   "first": str(tl.first), "last": str(tl.last)},
        "ranked_entities": report.ranked,
        "trends": [{"type": typ or None, "direction": direction,
                    "entities": [trend(tr, i) for i, tr in enumerate(trends, 1)]}
                   for typ, direction, trends in sections(report)],
    }


def to_json(report: TrendReport) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"


def render(report: TrendReport, fmt: str = "table") -> str:
    if fmt == "csv":
        return to_csv(report)
    if fmt == "json":
        return to_json(report)
    return table(report)
