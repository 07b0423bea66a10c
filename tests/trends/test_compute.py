"""Counting and scoring (kg.trends.compute) on a dated slice of the arXiv corpus: every count
equals a SPARQL count of the same thing on the same build, and the score is the slope it says."""

from __future__ import annotations

import numpy as np
import pytest

from kg.config import TrendsConfig
from kg.errors import KgError
from kg.query import open_graph, run_query
from kg.trends import analyze, load
from kg.trends.compute import MIN_FIT_PERIODS, NothingToTrend, trends
from kg.trends.source import LINK_PROPERTIES, PREFIXES, open_build_data

#: The period of a dcterms:date, computed in SPARQL (independently of kg.trends.compute).
PERIOD_SPARQL = {
    "month": 'CONCAT(STR(YEAR(?date)), "-", IF(MONTH(?date) < 10, "0", ""), STR(MONTH(?date)))',
    "quarter": 'CONCAT(STR(YEAR(?date)), "-Q", STR(FLOOR((MONTH(?date) - 1) / 3) + 1))',
    "year": "STR(YEAR(?date))",
}


def sparql(build_dir, text):
    store = open_graph(build_dir)
    return run_query(store, PREFIXES + text)[1]


@pytest.fixture(scope="module")
def store_of(arxiv_slice):
    return open_graph(arxiv_slice[0])


@pytest.mark.parametrize("by", ["month", "quarter"])
def test_counts_equal_a_sparql_count_on_the_same_build(arxiv_slice, store_of, by):
    build_dir, records, no_year, no_date = arxiv_slice
    tl = load(open_build_data(build_dir), TrendsConfig(by=by))
    period = PERIOD_SPARQL[by]
    # papers per period
    rows = run_query(store_of, PREFIXES + f"""SELECT ?period (COUNT(DISTINCT ?paper) AS ?n) WHERE {{
        ?paper a kg:Paper ; dcterms:date ?date . BIND ({period} AS ?period) }} GROUP BY ?period""")[1]
    expected = {p: int(n) for p, n in rows}
    got = {p: int(n) for p, n in zip(tl.periods, tl.period_papers) if n}
    assert got == expected
    assert sum(expected.values()) == tl.dated == len(records) - no_year - no_date
    # papers per entity and period, for every entity
    rows = run_query(store_of, PREFIXES + f"""SELECT ?e ?period (COUNT(DISTINCT ?paper) AS ?n) WHERE {{
        VALUES ?p {{ {' '.join(LINK_PROPERTIES)} }}
        ?paper ?p ?e ; dcterms:date ?date . BIND ({period} AS ?period) }} GROUP BY ?e ?period""")[1]
    expected = {(e, p): int(n) for e, p, n in rows}
    got = {(k, tl.periods[t]): int(n) for k, row in zip(tl.keys, tl.counts) for t, n in enumerate(row) if n}
    assert len(expected) > 1000  # a real slice: hundreds of entities over many periods
    assert got == expected
    # papers without a full date: counted apart, as the build holds them
    (undated,), = run_query(store_of, PREFIXES + """SELECT (COUNT(DISTINCT ?paper) AS ?n) WHERE {
        ?paper a kg:Paper ; kg:dateText ?t . FILTER NOT EXISTS { ?paper dcterms:date ?d } }""")[1]
    (nodate,), = run_query(store_of, PREFIXES + """SELECT (COUNT(DISTINCT ?paper) AS ?n) WHERE {
        ?paper a kg:Paper . FILTER NOT EXISTS { ?paper dcterms:date ?d } FILTER NOT EXISTS { ?paper kg:dateText ?t } }""")[1]
    assert (tl.undated, tl.no_date) == (int(undated), int(nodate)) == (no_year, no_date)
    assert tl.papers == len(records)


def test_periods_run_from_the_first_dated_paper_to_the_last(arxiv_slice):
    tl = load(open_build_data(arxiv_slice[0]), TrendsConfig(by="month"))
    dates = sorted(r["listing_date"] for r in arxiv_slice[1] if "-" in r.get("listing_date", ""))
    assert (str(tl.first), str(tl.last)) == (dates[0], dates[-1])
    assert tl.periods[0] == dates[0][:7] and tl.periods[-1] == dates[-1][:7]
    first, last = tl.first, tl.last
    assert len(tl.periods) == (last.year - first.year) * 12 + last.month - first.month + 1 >= 15  # every month


def test_score_is_the_weighted_least_squares_slope_of_the_share(arxiv_slice):
    cfg = TrendsConfig(by="quarter", min_papers=3, top=5)
    _, report = analyze(arxiv_slice[0], cfg)
    tl = report.timeline
    w = report.window
    n = tl.period_papers[w]
    keep = n > 0
    assert len(w) == cfg.window and keep.sum() >= MIN_FIT_PERIODS
    listed = [tr for t in report.rising for tr in report.rising[t] + report.falling[t]]
    assert len(listed) >= 20
    for tr in listed:
        share = 100 * tl.row(tr.entity.key)[w] / np.maximum(n, 1)
        x = np.arange(len(w))[keep]
        slope = np.polyfit(x, share[keep], 1, w=np.sqrt(n[keep]))[0]  # polyfit squares the weights
        assert tr.slope == pytest.approx(slope, abs=1e-9)
        assert tr.window_papers == tl.row(tr.entity.key)[w].sum() >= cfg.min_papers
        assert tr.ranked


def test_rising_and_falling_are_the_extremes_of_each_type(arxiv_slice):
    cfg = TrendsConfig(by="quarter", min_papers=3, top=4)
    _, report = analyze(arxiv_slice[0], cfg)
    tl, w = report.timeline, report.window
    from kg.trends.compute import slopes

    for t in report.rising:
        rising, falling = report.rising[t], report.falling[t]
        assert all(tr.entity.type == t for tr in rising + falling)
        assert [tr.slope for tr in rising] == sorted((tr.slope for tr in rising), reverse=True)
        assert [tr.slope for tr in falling] == sorted(tr.slope for tr in falling)
        assert all(tr.slope > 0 for tr in rising) and all(tr.slope < 0 for tr in falling)
        # nothing ranked of this type scores beyond the lists' ends
        others = [i for i, k in enumerate(tl.keys) if tl.entities[k].type == t
                  and tl.counts[i, w].sum() >= cfg.min_papers]
        s = slopes(tl.counts[others][:, w], tl.period_papers[w])
        if len(rising) == cfg.top:
            assert (s <= rising[-1].slope + 1e-12).sum() >= len(others) - cfg.top
        if len(falling) == cfg.top:
            assert (s >= falling[-1].slope - 1e-12).sum() >= len(others) - cfg.top


def test_types_top_and_named_entities(arxiv_slice):
    _, report = analyze(arxiv_slice[0], TrendsConfig(by="quarter", min_papers=3, top=2, types=("Task", "Dataset")))
    assert list(report.rising) == ["Task", "Dataset"]
    assert all(len(v) <= 2 for v in [*report.rising.values(), *report.falling.values()])
    top = max(report.rising["Task"] + report.falling["Task"], key=lambda tr: tr.window_papers)
    name = top.entity.label.upper()  # names are matched case-insensitively
    _, chosen = analyze(arxiv_slice[0], TrendsConfig(by="quarter", entities=(name,)))
    assert [tr.entity.key for tr in chosen.selected] == [top.entity.key]
    assert chosen.selected[0].papers == top.papers and chosen.selected[0].slope == pytest.approx(top.slope)
    with pytest.raises(KgError, match="no entity of the build is named 'no such entity xyz'"):
        analyze(arxiv_slice[0], TrendsConfig(entities=("no such entity xyz",)))


def test_nothing_to_trend_says_why(arxiv_slice):
    _, _, no_year, no_date = arxiv_slice
    tl = load(open_build_data(arxiv_slice[0]), TrendsConfig(by="year"))
    assert tl.periods == ["2025", "2026"]
    with pytest.raises(NothingToTrend, match=rf"fall in 2 years of the last 6 \(2025 \.\. 2026\), and a slope needs "
                                             rf"papers in at least 3 \({no_year + no_date} more papers have no full "
                                             r"date and are not counted\); try a shorter period \(--by quarter\)"):
        trends(tl, TrendsConfig(by="year"))
    tl = load(open_build_data(arxiv_slice[0]), TrendsConfig(by="month"))
    window = tl.period_papers[-6:].sum()
    with pytest.raises(NothingToTrend, match=rf"no entity is mentioned by at least 10000 of the {window} papers of "
                                             rf"the last 6 months \({tl.periods[-6]} \.\. {tl.periods[-1]}\) "
                                             r".*; try a longer period \(--by quarter, --by year\) or a lower --min-papers"):
        trends(tl, TrendsConfig(min_papers=10000))
