"""The HTML pages of entities and papers (:mod:`kg.lookup.page`), from real records of the sample build."""

from __future__ import annotations

import pytest

from kg.assemble.iris import entity_iri
from kg.lookup import open_lookup
from kg.lookup.page import record_page


@pytest.fixture(scope="module")
def build(sample_build):
    return sample_build[0]


def test_page_escapes_text_from_papers(build):
    """Labels, sentences and titles come from papers: markup in them is shown, never run."""
    lookup = open_lookup(build)
    rec = lookup.entity(str(entity_iri("imagenet")))
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    rec["label"] = evil
    rec["aliases"] = [evil]
    ev = rec["evidence"][0]
    ev["sentence"] = evil + ev["sentence"]
    ev["mark"] = [0, 8]
    ev["paper"]["title"] = evil
    rec["cooccurring"]["Method"][0]["label"] = evil
    page = record_page(rec)
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "<mark>&lt;script&gt;</mark>" in page
    paper = lookup.paper(rec["evidence"][1]["paper"]["iri"])
    paper["title"] = evil
    paper["url"] = "javascript:alert(3)"
    paper["text"] = evil + paper["text"]
    page = record_page(paper)
    assert "<script" not in page and "javascript:" not in page
