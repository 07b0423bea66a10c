"""trends.html (kg.trends.page): the charts inline with their tables, and nothing loaded from
anywhere, checked in the text and in headless Chromium (skips without it, as the view's tests do)."""

from __future__ import annotations

import html as _html
import os
import re
from pathlib import Path

import pytest

from kg.trends.page import page
from kg.trends.render import score_text

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
LOCAL = ("file:", "about:", "data:")


@pytest.fixture(scope="module")
def written(slice_report, slice_charts, tmp_path_factory):
    report = slice_report
    text = page(report, slice_charts, "Trends <of> a slice")
    path = tmp_path_factory.mktemp("page") / "trends.html"
    path.write_text(text, encoding="utf-8")
    return report, text, path


def test_page_has_each_chart_inline_and_each_table(written):
    report, text, _ = written
    assert text.count("<svg") == 5 and "<?xml" not in text and "<!DOCTYPE svg" not in text
    assert "<title>Trends &lt;of&gt; a slice</title>" in text  # text is escaped
    assert text.count("<table>") == 10
    assert _html.escape(f"{report.timeline.dated:,} of {report.timeline.papers:,} papers have a full date") in text
    for t in report.rising:
        for tr in report.rising[t] + report.falling[t]:
            assert f"<td>{_html.escape(tr.entity.label)}</td>" in text and f"{score_text(tr.slope)}</td>" in text
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", text)
    assert "default-src 'none'" in text


def test_page_loads_offline_in_chromium(written):
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    report, _, path = written
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            ctx = browser.new_context(viewport={"width": 1200, "height": 900})
            requests, problems = [], []
            ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL)
                      else (requests.append(r.request.url), r.abort()))
            pg = ctx.new_page()
            pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            pg.on("pageerror", lambda e: problems.append(str(e)))
            pg.goto(path.resolve().as_uri())
            pg.wait_for_load_state("load")
            sizes = pg.eval_on_selector_all("figure svg", "els => els.map(e => e.getBoundingClientRect().width)")
            rows = pg.eval_on_selector_all("tbody tr", "els => els.length")
        finally:
            browser.close()
    assert requests == [] and problems == []
    assert len(sizes) == 5 and all(w > 600 for w in sizes)  # drawn, at the page's width
    listed = sum(len(report.rising[t]) + len(report.falling[t]) for t in report.rising)
    assert rows == listed + 10 + sum(1 for t in report.rising for v in (report.rising[t], report.falling[t]) if not v)
