"""Hostile text for the robustness tests: a pool of nasty strings, real sentences from the
bundled sample pages, and Hypothesis strategies mixing the two.

Imported by the test modules as ``tests.robustness.nasty`` (not a test module itself).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
NASTY_DIR = ROOT / "tests" / "data" / "nasty"

#: Strings that break naive HTML, Turtle/N-Triples, JSON, CSV, spreadsheets, terminals and
#: Unicode handling. Every one must survive a build (or be replaced only where a format
#: cannot hold it: lone surrogates and control characters become U+FFFD in RDF/XML).
NASTY: tuple[str, ...] = (
    "<script>alert(1)</script>", "</script><script>alert(document.cookie)</script>",
    "<img src=x onerror=alert(1)>", "<!--", "-->", "]]>", "<![CDATA[x]]>", "&amp;", "&#60;script&#62;",
    "<svg/onload=alert(1)>", "javascript:alert(1)", "\" onmouseover=\"alert(1)",
    '" . <x> <y> "z', '\\"', ">", "<", '"""', "'''", "\\u0000", "\\", "\\\\", "\\n", "\\t", "\\U0001F600",
    '"@en', '"^^<http://www.w3.org/2001/XMLSchema#int>', "_:b0", "<http://example.org/x>", "@prefix x: <y> .",
    "\x00", "\x01\x02\x1f", "\x7f", "\x85", "\x9b", "\x1b[31mred\x1b[0m", "\x0b\x0c", "\x1c\x1d\x1e",
    "\u2028", "\u2029", "\u200b", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\ufffe", "\uffff", "\ufffd",
    "\ud800", "\udfff", "\udc80\udcff", "\ud83d", "\ude00",
    # Written with surrogateescape these are raw bytes: Latin-1 "\xe9t\xe9", a cut-off UTF-8
    # sequence E2 81 / F0 9D whose second byte cp1252 leaves undefined; with Latin-1 "\xe2\x81".
    "\udce9t\udce9", "\udce2\udc81", "\udcf0\udc9d", "\u00e2\x81", "\u00f0\x9d",
    "🧠🚀", "👩\u200d🔬", "🇺🇳", "e\u0301", "\u0345", "ﬁ", "Å", "İ", "ß", "ǅ", "\u00a0", "\u3000",
    "مرحبا", "שלום", "日本語", "\U0010ffff",
    "=cmd|' /C calc'!A0", "=1+1", "+1", "-1", "@SUM(A1:A2)", "\t=1", "\r=1",
    '","', '"\n"', "\r\n", "\r", "\n", "a,b", "a;b", "a\tb", '""', "'", "`",
    "{}", "[]", "null", "NaN", "${jndi:ldap://x}", "%s%n", "{{DATA}}", "{{VIS_JS}}",
    "Robert'); DROP TABLE papers;--", "MATCH (n) DETACH DELETE n", "//", "#", "*",
    "Jun 29, 2024", "  • 5 authors", "·", "byAK and the research community",
)

_SENTENCE_SPLIT = re.compile(r"(?<=[a-z0-9)])\. ")


@functools.lru_cache(maxsize=1)
def sample_sentences() -> tuple[str, ...]:
    """Real sentences from the bundled Daily Papers pages (abstract lines split at ". ")."""
    out = []
    for f in sorted((ROOT / "kg" / "sample" / "daily-papers").glob("*.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if len(line) > 300:
                out += [s.strip() + "." for s in _SENTENCE_SPLIT.split(line.rstrip(".")) if len(s) > 40]
    return tuple(out)


def chars():
    """Any code point, lone surrogates included (Hypothesis leaves them out by default)."""
    return st.one_of(
        st.characters(exclude_categories=()),
        st.characters(exclude_categories=(), min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.characters(max_codepoint=0x9F),
    )


def pieces():
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(sample_sentences()),
        st.text(alphabet=chars(), max_size=12),
    )


def nasty_text(min_pieces: int = 0, max_pieces: int = 6):
    """Text made of nasty strings, real sentences and random characters."""
    return st.lists(pieces(), min_size=min_pieces, max_size=max_pieces).map("".join)


def title_text():
    """A title: usually nasty, sometimes missing or blank."""
    return st.one_of(st.none(), st.just(""), st.just(" \t "), nasty_text(1, 4))


def abstract_text():
    """An abstract: real sentences with nasty strings between them (sometimes blank: a bad record)."""
    return st.one_of(
        st.lists(st.one_of(st.sampled_from(sample_sentences()), pieces()), min_size=1, max_size=8)
        .map(" ".join),
        st.sampled_from(["", " ", "\u3000", "\t\x0b"]),
    )


# -- the HTML view ---------------------------------------------------------------------------------

#: Tags data must never add to the HTML view (counted against a page built from harmless data).
MARKUP = ("<script", "</script", "<img", "<svg", "<iframe", "<object", "<embed", "<a ", "<style", "<link")
KG_DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.DOTALL)


def markup(page: str) -> tuple[int, ...]:
    """How many of each tag in MARKUP the page has (the inlined vis-network has a few)."""
    low = page.lower()
    return tuple(low.count(m) for m in MARKUP)


@functools.lru_cache(maxsize=1)
def baseline_markup() -> tuple[int, ...]:
    """:func:`markup` of a page built from one harmless paper: the template's and vis-network's own."""
    import json
    import tempfile

    from kg.build import build
    from kg.config import BuildConfig

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "in.jsonl"
        f.write_text(json.dumps({"title": "Plain", "abstract": " ".join(sample_sentences()[:3])}) + "\n")
        build(BuildConfig(inputs=(f,), out_dir=Path(d) / "o", formats=("html",), quiet=True, jobs=1))
        return markup((Path(d) / "o" / "graph.html").read_text(encoding="utf-8"))
