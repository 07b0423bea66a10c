"""A small dated slice of the arXiv corpus, built once (rules only, the store) for the trends tests."""

from __future__ import annotations

import gzip
import json

import pytest

from kg.config import BuildConfig, ExtractConfig

from tests.conftest import shared_path

#: Every STEP-th paper of the corpus: 374 papers spread over its 17 months (2025-03 .. 2026-07).
STEP = 200
#: Of those, every NO_YEAR-th has its listing date written without a year ("Mar 18"), and every
#: NO_DATE-th (offset by one) has none: papers that must be counted apart, never placed.
NO_YEAR, NO_DATE = 25, 31


@pytest.fixture(scope="session")
def arxiv_slice(tmp_path_factory):
    """(build folder, records written, papers with a date without a year, papers without a date)."""
    src = shared_path("data", "arxiv", "arxiv_cs_daily_2025_2026.jsonl.gz")
    import datetime as dt

    out = tmp_path_factory.mktemp("trends")
    records, no_year, no_date = [], 0, 0
    with gzip.open(src, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % STEP:
                continue
            rec = json.loads(line)
            n = len(records)
            if n % NO_YEAR == 0:
                rec["listing_date"] = dt.date.fromisoformat(rec["listing_date"]).strftime("%b %d")
                no_year += 1
            elif n % NO_DATE == 1:
                del rec["listing_date"]
                no_date += 1
            records.append(rec)
    path = out / "slice.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    from kg.build import build

    build(BuildConfig(inputs=(path,), out_dir=out / "build", formats=("store",), quiet=True, jobs=1,
                      extract=ExtractConfig(use_recognizer=False)))
    return out / "build", records, no_year, no_date


@pytest.fixture(scope="session")
def slice_report(arxiv_slice):
    """The slice's trends by quarter (3 papers in the window at least, 3 per list)."""
    from kg.config import TrendsConfig
    from kg.trends import analyze

    return analyze(arxiv_slice[0], TrendsConfig(by="quarter", min_papers=3, top=3))[1]


@pytest.fixture(scope="session")
def slice_charts(slice_report):
    from kg.trends.charts import render_charts

    return render_charts(slice_report)
