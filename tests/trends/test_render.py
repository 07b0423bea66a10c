"""`kg trends` as text (kg.trends.render): the table, CSV and JSON say the same as the report."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kg.trends.render import CSV_COLUMNS, render, score_text


@pytest.fixture(scope="module")
def report(slice_report):
    return slice_report


def listed(report):
    return [(t, d, tr) for t in report.rising for d, trs in (("rising", report.rising[t]), ("falling", report.falling[t]))
            for tr in trs]


def test_csv_has_a_row_per_listed_entity_and_period(report):
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert list(rows[0]) == CSV_COLUMNS
    tl = report.timeline
    assert len(rows) == len(listed(report)) * len(tl.periods)
    by = {(r["iri"], r["direction"], r["period"]): r for r in rows}
    for t, d, tr in listed(report):
        for i, period in enumerate(tl.periods):
            r = by[(tr.entity.key, d, period)]
            assert (r["type"], r["entity"]) == (t, tr.entity.label)
            assert int(r["papers"]) == tr.papers[i] and int(r["period_papers"]) == tl.period_papers[i]
            assert float(r["share"]) == pytest.approx(100 * tr.papers[i] / tl.period_papers[i], abs=1e-4)
            assert float(r["score"]) == pytest.approx(tr.slope, abs=1e-4)
            assert (r["in_window"] == "True") == (i in report.window)


def test_json_holds_counts_periods_and_the_definition(report):
    data = json.loads(render(report, "json"))
    tl = report.timeline
    assert data["periods"] == tl.periods and sum(data["period_papers"]) == tl.dated
    assert data["papers"] == {"all": tl.papers, "dated": tl.dated, "date_without_year": tl.undated,
                              "no_date": tl.no_date, "first": str(tl.first), "last": str(tl.last)}
    assert "weighted least-squares slope" in data["score"] and data["window"] == report.window_periods
    got = [(b["type"], b["direction"], e["iri"], e["papers"], e["score"]) for b in data["trends"] for e in b["entities"]]
    assert got == [(t, d, tr.entity.key, list(tr.papers), tr.slope) for t, d, tr in listed(report)]


def test_table_states_what_was_counted_and_lists_every_entity(report):
    text = render(report)
    tl = report.timeline
    first = text.splitlines()[0]
    assert first.startswith(f"{tl.dated:,} of {tl.papers:,} papers have a full date")
    assert f"{tl.undated:,} with a date without a year, {tl.no_date:,} with no date" in first
    header = text.splitlines()[3].split()
    assert header == ["papers", *report.window_periods, "score"]
    for t, d, tr in listed(report):
        assert f"{t}, {d}:" in text
        line = next(x for x in text.splitlines() if x.startswith(f"  {tr.entity.label[:30]}"))
        assert line.split()[-1] == score_text(tr.slope)
