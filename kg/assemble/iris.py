"""Stable, readable IRIs from ids and keys, never from raw text.

Papers ``{ns}paper/{slug}``, entities ``{ns}entity/{slug}``, mentions
``{ns}mention/{paper slug}/{n}``, evaluations ``{ns}evaluation/{paper slug}/{n}``, results
``{ns}result/{paper slug}/{n}``. A slug
keeps [A-Za-z0-9._-]; when that loses characters, a short hash of the original is appended,
so two ids never share an IRI and any title or id is safe in an IRI.
"""

from __future__ import annotations

import hashlib
import re

from rdflib import URIRef

from kg.config import RESOURCE_NS

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _slug(text: str, lower: bool) -> str:
    s = _UNSAFE.sub("-", text.lower() if lower else text).strip("-.")
    exact = text.replace(" ", "-").lower() if lower else text
    if s != exact or not s:
        s = f"{s}-{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}".strip("-")
    return s


def paper_slug(paper_id: str) -> str:
    """``arXiv:2101.00001`` -> ``arxiv-2101.00001``; other ids kept where safe."""
    if paper_id.startswith("arXiv:") and not _UNSAFE.search(paper_id[6:]):
        return "arxiv-" + paper_id[6:]
    return _slug(paper_id, lower=False)


def entity_slug(key: str) -> str:
    return _slug(key, lower=True)


def paper_iri(paper_id: str) -> URIRef:
    return URIRef(f"{RESOURCE_NS}paper/{paper_slug(paper_id)}")


def entity_iri(key: str) -> URIRef:
    return URIRef(f"{RESOURCE_NS}entity/{entity_slug(key)}")


def mention_iri(paper_id: str, n: int) -> URIRef:
    return URIRef(f"{RESOURCE_NS}mention/{paper_slug(paper_id)}/{n}")


def evaluation_iri(paper_id: str, n: int) -> URIRef:
    return URIRef(f"{RESOURCE_NS}evaluation/{paper_slug(paper_id)}/{n}")


def result_iri(paper_id: str, n: int) -> URIRef:
    return URIRef(f"{RESOURCE_NS}result/{paper_slug(paper_id)}/{n}")
