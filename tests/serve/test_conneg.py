"""Content negotiation for kg serve's /id/ resources (:mod:`kg.serve.conneg`), with the Accept
headers real clients send."""

from __future__ import annotations

from kg.serve import RESOURCE_TYPES
from kg.serve.conneg import choose

OFFERS = list(RESOURCE_TYPES)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_choose_follows_q_values_and_specificity():
    assert choose(None, OFFERS) == "text/html"
    assert choose(BROWSER, OFFERS) == "text/html"
    assert choose("text/turtle", OFFERS) == "text/turtle"
    assert choose("text/html;q=0.5, text/turtle;q=0.9", OFFERS) == "text/turtle"
    assert choose("application/*;q=0.8, application/n-triples", OFFERS) == "application/n-triples"
    assert choose("text/*, text/html;q=0", OFFERS) == "text/turtle"  # the specific range wins, and refuses
    assert choose("*/*;q=0.1, text/html;q=0", OFFERS) == "text/turtle"
    assert choose("application/ld+json;q=0.4, application/json;q=0.6", OFFERS) == "application/json"
    assert choose("image/png", OFFERS) is None
    assert choose("text/turtle;q=0", OFFERS) is None
    assert choose("text/turtle;q=2, application/ld+json", OFFERS) == "application/ld+json"  # q out of range: 0
