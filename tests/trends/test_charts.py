"""Charts (kg.trends.charts): an SVG and a PNG per type, drawn offline, the same bytes each time."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest

from kg.config import TrendsConfig
from kg.trends import analyze
from kg.trends.charts import DPI, FIGSIZE, render_charts
from kg.trends.render import score_text

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def report(slice_report):
    return slice_report


def test_one_svg_and_png_per_type_with_a_line_per_entity(report, slice_charts):
    charts = slice_charts
    assert list(charts) == ["Method", "Architecture", "Dataset", "Metric", "Task"]
    for name, (svg, png) in charts.items():
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        text = " ".join(t for el in root.iter(f"{SVG}text") for t in el.itertext())
        for tr in report.rising[name] + report.falling[name]:
            assert tr.entity.label[:39] in text and score_text(tr.slope) in text
        assert f"{name}: share of each quarter's papers" in text and "rising" in text and "falling" in text
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == (round(FIGSIZE[0] * DPI), round(FIGSIZE[1] * DPI))
        assert b"http" not in svg.replace(b"http://www.w3.org/", b"").replace(b"http://purl.org/", b"") \
            .replace(b"http://creativecommons.org/", b"").replace(b"https://matplotlib.org", b"")


def test_charts_are_the_same_bytes_each_time(arxiv_slice, slice_charts):
    again = analyze(arxiv_slice[0], TrendsConfig(by="quarter", min_papers=3, top=3, types=("Task",)))[1]
    assert render_charts(again)["Task"] == slice_charts["Task"]


def test_selected_entities_share_one_chart(arxiv_slice, report):
    names = [tr.entity.label for tr in report.rising["Task"][:2]]
    chosen = analyze(arxiv_slice[0], TrendsConfig(by="quarter", entities=tuple(names)))[1]
    charts = render_charts(chosen)
    assert list(charts) == ["selected"]
    text = ET.fromstring(charts["selected"][0])
    labels = " ".join(t for el in text.iter(f"{SVG}text") for t in el.itertext())
    assert all(f"{n} (Task," in labels for n in names)
