"""Property tests of every reader on generated hostile files.

The contract, for any file a reader is given:

* every record either lands as a Paper, with its title and abstract intact, or is reported
  as a Problem naming the file and the line the record starts on; nothing else is yielded
  (no record appears twice, none is invented);
* "intact" means: the bytes decoded the documented way (UTF-8 with stray bytes read as
  Windows-1252, one byte at a time; UTF-16/32 by their BOM or NUL pattern, with unpaired
  surrogates read as U+FFFD), then :func:`kg.read.fields.clean` (runs of whitespace collapsed
  to one space, ends stripped, blank is missing, and a lone surrogate from a JSON ``\\ud800``
  escape becomes U+FFFD). The Daily Papers reader applies the same collapse to its lines;
* counts add up: records written = papers + duplicates + problems;
* the only exception a reader raises is :class:`kg.errors.InputError`, for a whole-file
  problem (here: NUL bytes at the start of a UTF-8 file, refused as binary).

Files are written to a fresh temporary folder per example (function-scoped fixtures and
``@given`` do not mix).
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.model import Paper, Problem, ReadReport
from kg.read import READERS, detect_reader, read_papers
from kg.read.dedupe import normalize_text
from kg.read.fields import clean

from tests.robustness.nasty import NASTY, abstract_text, nasty_text, pieces, sample_sentences, title_text

def examples(n: int) -> int:
    """``n`` examples, times KG_FUZZ_SCALE (default 1): run longer to search harder."""
    return max(1, int(n * float(os.environ.get("KG_FUZZ_SCALE", "1"))))


#: No example database: nothing is written into the repository (a failure prints its seed).
# Under CI the examples are derandomized (the same every run), so a red CI always means a change
# broke something; run locally (CI unset) to explore new inputs.
SETTINGS = dict(deadline=None, database=None, print_blob=True, derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- encodings: how a file is written, and what a reader must make of it ----------------------

#: name -> (BOM written first, codec of the body, codec the reader decodes with, error mode)
ENCODINGS: dict[str, tuple[bytes, str, str, str]] = {
    "utf-8": (b"", "utf-8", "utf-8", "kg-cp1252"),
    "utf-8-bom": (codecs.BOM_UTF8, "utf-8", "utf-8", "kg-cp1252"),
    "latin-1": (b"", "latin-1", "utf-8", "kg-cp1252"),
    "cp1252": (b"", "cp1252", "utf-8", "kg-cp1252"),
    "utf-16-le-bom": (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le", "replace"),
    "utf-16-be-bom": (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be", "replace"),
    "utf-16-le": (b"", "utf-16-le", "utf-16-le", "replace"),
    "utf-16-be": (b"", "utf-16-be", "utf-16-be", "replace"),
    "utf-32-le-bom": (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le", "replace"),
}
ENCODING_WEIGHTS = ["utf-8"] * 6 + list(ENCODINGS)


@dataclass(frozen=True)
class Enc:
    name: str
    surrogates: str  # "pass" (lone surrogates as 3 UTF-8 bytes) or "escape" (U+DC80..U+DCFF as one byte)

    @property
    def bom(self) -> bytes:
        return ENCODINGS[self.name][0]

    @property
    def utf8(self) -> bool:
        return ENCODINGS[self.name][2] == "utf-8"

    def project(self, s: str) -> str:
        """The text a single-byte codec can hold (others replaced by "?"); identity for Unicode."""
        codec = ENCODINGS[self.name][1]
        if codec in ("latin-1", "cp1252"):
            return s.encode(codec, "replace").decode(codec)
        return s

    def encode(self, s: str) -> bytes:
        codec = ENCODINGS[self.name][1]
        s = self.project(s)
        if codec != "utf-8":
            return s.encode(codec, "surrogatepass")
        if self.surrogates == "escape":
            return b"".join(bytes([ord(c) - 0xDC00]) if 0xDC80 <= ord(c) <= 0xDCFF
                            else c.encode("utf-8", "surrogatepass") for c in s)
        return s.encode("utf-8", "surrogatepass")

    def decode(self, b: bytes) -> str:
        _, _, codec, errors = ENCODINGS[self.name]
        return utf8_or_cp1252(b) if errors == "kg-cp1252" else b.decode(codec, errors)

    def roundtrip(self, s: str) -> str:
        """What a reader sees of ``s`` written in this encoding."""
        return self.decode(self.encode(s))

    def fatal(self, data: bytes) -> bool:
        """The only whole-file refusal these generated files can earn: NUL in a UTF-8 head."""
        return self.utf8 and b"\x00" in data[:64]


def utf8_or_cp1252(b: bytes) -> str:
    """The documented decoding, written independently of the reader's error handler: UTF-8,
    and each byte of an invalid sequence as Windows-1252 (Latin-1 where cp1252 has no
    character: 0x81, 0x8D, 0x8F, 0x90, 0x9D)."""
    out = []
    while b:
        try:
            out.append(b.decode("utf-8"))
            break
        except UnicodeDecodeError as e:
            out.append(b[:e.start].decode("utf-8"))
            for x in b[e.start:e.end]:
                out.append(chr(x) if x in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([x]).decode("cp1252"))
            b = b[e.end:]
    return "".join(out)


encodings = st.builds(Enc, st.sampled_from(ENCODING_WEIGHTS), st.sampled_from(["pass", "escape"]))


# -- what was written ------------------------------------------------------------------------

@dataclass
class Rec:
    """One record written to a file, and what the reader must make of it."""

    line: int  #: 1-based line the record starts on
    outcome: str  #: "paper", "problem" or "ignored" (a blank line/row: not a record)
    title: str | None = None  #: expected, after decoding and clean()
    abstract: str | None = None
    id: str | None = None  #: expected paper id before dedupe (arXiv), if the test knows it


def check(path: Path, data: bytes, recs: list[Rec], reader: str, enc: Enc, fatal: bool | None = None) -> None:
    """Read ``path`` with the reader directly and through read_papers; check the contract."""
    path.write_bytes(data)
    if reader != "csv" and all(r.outcome == "ignored" for r in recs):  # only blank lines: an empty file
        with pytest.raises(InputError, match="empty file"):
            list(read_papers([path]))
        return
    if enc.fatal(data) if fatal is None else fatal:
        with pytest.raises(InputError) as e:
            list(read_papers([path]))
        assert str(path) in str(e.value)
        return
    assert detect_reader(path) == reader
    items = list(READERS[reader](path, None))
    for it in items:
        assert isinstance(it, (Paper, Problem))
    at = {}
    for it in items:
        src = it.sources[0] if isinstance(it, Paper) else it.source
        assert src.path == str(path)
        assert src.line not in at, f"two items for line {src.line}: {at.get(src.line)!r} / {it!r}"
        at[src.line] = it
    written = [r for r in recs if r.outcome != "ignored"]
    assert sorted(at) == sorted(r.line for r in written), "a record lost, or an item invented"
    for r in written:
        it = at[r.line]
        if r.outcome == "problem":
            assert isinstance(it, Problem), (r, it)
            assert str(it).startswith(f"{path}:{r.line}: ")
            continue
        assert isinstance(it, Paper), (r, it)
        for text in (it.title or "", it.abstract):
            text.encode("utf-8")  # no lone surrogate: every export and the tokenizer can take it
        assert it.abstract == r.abstract
        assert it.title == r.title
        if r.id is not None:
            assert it.id == r.id

    report = ReadReport()
    papers = list(read_papers([path], report=report))
    n_papers = sum(r.outcome == "paper" for r in recs)
    assert report.papers == len(papers)
    assert report.entries == report.papers + report.duplicates == n_papers
    assert report.papers + report.duplicates + len(report.problems) == len(written)
    assert sorted(p.source.line for p in report.problems) == sorted(r.line for r in written if r.outcome == "problem")
    assert len({p.id for p in papers}) == len(papers)
    # Every paper record is in exactly one paper's sources; the first source gives the text;
    # each later one shares an id, title or abstract with a record merged before it.
    by_line = {r.line: r for r in recs if r.outcome == "paper"}
    seen = []
    for p in papers:
        seen += [s.line for s in p.sources]
        group = [by_line[s.line] for s in p.sources]
        assert [r.line for r in group] == sorted(r.line for r in group)
        first = group[0]
        assert p.abstract == first.abstract
        if first.id is not None:
            assert p.id == first.id
        if first.title is not None:
            assert p.title == first.title
        else:  # an untitled first occurrence takes a duplicate's title
            assert p.title in {r.title for r in group}
        keys = set(_keys(first))
        for dup in group[1:]:
            assert keys & set(_keys(dup)), (dup, group)
            keys |= set(_keys(dup))
    assert sorted(seen) == sorted(by_line)


def _keys(r: Rec) -> list[str]:
    out = ["a:" + normalize_text(r.abstract)]
    if r.title:
        out.append("t:" + normalize_text(r.title))
    if r.id:
        out.append("i:" + r.id.lower())
    return out


def _lines_before(text_bytes: bytes) -> int:
    """Universal-newline line breaks in ASCII-compatible bytes (\\r\\n, \\r and \\n)."""
    return text_bytes.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n")


# -- JSON Lines ----------------------------------------------------------------------------------

JUNK_LINES = (
    "{broken", '{"title": "no abstract"}', "[1, 2]", '"just a string"', "null", "NaN", "1" * 5000,
    "[" * 5000, '{"abstract": {"nested": 1}}', '{"abstract": ["a", "list"]}',
    '{"abstract": "x", "authors_parsed": [[1, {"a": 2}]]}', '{"abstract": "x", "title": {"t": 1}}',
    '{"abstract": "x", "categories": [{}]}', '{"abstract": "x", "id": ["2101.00001"]}',
    "\x00garbage", "{\"abstract\": \"x\"", "{'abstract': 'single quotes'}", '{"abstract": "x"} trailing',
    "\ufeff{}", "#" * 10,
)


@st.composite
def jsonl_files(draw, arxiv: bool = False):
    enc = draw(encodings)
    n = draw(st.integers(1, 8))
    chunks = [enc.bom]
    recs: list[Rec] = []
    line = 0
    ids: list[str] = []
    # BOM-less UTF-16 is recognized by its NUL pattern: the file must start with ASCII text.
    ascii_first = arxiv or (not enc.bom and not enc.utf8 and enc.name.startswith("utf-16"))
    for i in range(n):
        kind = draw(st.sampled_from(["paper"] * 5 + ["dup", "junk", "blank"])) if i or not ascii_first else "paper"
        if kind == "dup" and recs and any(r.outcome == "paper" for r in recs):
            prev = draw(st.sampled_from([r for r in recs if r.outcome == "paper"]))
            obj = dict(prev._obj)  # type: ignore[attr-defined]
            if draw(st.booleans()):
                obj["title"] = draw(title_text())
            text = json.dumps(obj, ensure_ascii=draw(st.booleans()))
        elif kind == "junk":
            text = draw(st.one_of(st.sampled_from(JUNK_LINES),
                                  nasty_text(1, 3).map(lambda s: "#" + s.replace("\r", " ").replace("\n", " "))))
            obj = None
        elif kind == "blank":
            text = draw(st.sampled_from(["", "   ", "\t"]))
            obj = None
        else:
            obj = {"title": draw(title_text()), "abstract": draw(abstract_text())}
            if arxiv:
                if draw(st.integers(0, 5)) == 0 and i:
                    obj["id"] = "x" + draw(nasty_text(0, 2))  # not an arXiv id: kept as it is
                elif ids and draw(st.integers(0, 4)) == 0:
                    obj["id"] = draw(st.sampled_from(ids)) + draw(st.sampled_from(["", "v2"]))
                else:
                    obj["id"] = f"{2101 + i // 7}.{draw(st.integers(0, 99999)):05d}" + draw(st.sampled_from(["", "v1"]))
                    ids.append(obj["id"].split("v")[0])
                obj["categories"] = draw(st.sampled_from(["cs.LG", "cs.CL cs.AI", ""]))
                obj["update_date"] = "2024-06-29"
                obj["authors"] = draw(nasty_text(0, 2))
                obj["authors_parsed"] = draw(st.lists(st.lists(pieces(), max_size=3), max_size=2))
            elif draw(st.booleans()):
                obj["authors"] = draw(st.lists(nasty_text(0, 2), max_size=3))
                obj["note"] = draw(nasty_text(0, 2))
                if draw(st.booleans()):
                    obj["id"] = draw(st.sampled_from(["2101.00001", "doi:10.1/x", "paper-1", "Paper-1"]))
            text = json.dumps(obj, ensure_ascii=draw(st.booleans()))
        body = enc.encode(text + "\n")
        chunks.append(body)
        line += 1
        if kind == "blank":
            recs.append(Rec(line, "ignored"))
            continue
        seen_line = enc.decode(body).rstrip("\n")
        try:
            got = json.loads(seen_line)
        except (ValueError, RecursionError):
            got = None
        if not isinstance(got, dict) or kind == "junk":
            rec = Rec(line, "problem")
        else:
            title, abstract = clean(_str_or_none(got.get("title"))), clean(_str_or_none(got.get("abstract")))
            if abstract is None:
                rec = Rec(line, "problem")
            else:
                rec = Rec(line, "paper", title, abstract, id=_expected_id(got.get("id")))
        rec._obj = obj  # type: ignore[attr-defined]
        recs.append(rec)
    return enc, b"".join(chunks), recs


def _expected_id(rid: str | None) -> str | None:
    """An arXiv id with its prefix, without its version; any other id as it is (cleaned)."""
    if rid is None:
        return None
    m = re.match(r"^(\d{4}\.\d{4,5})(v\d+)?$", rid)
    return f"arXiv:{m[1]}" if m else clean(rid)


def _str_or_none(v):
    return v if isinstance(v, str) else None


@settings(max_examples=examples(150), **SETTINGS)
@given(jsonl_files())
@example((Enc("utf-8", "pass"), b'{"title": "\\ud800 <script>", "abstract": "a\\u0000b \\"\\"\\" \\\\"}\n',
          [Rec(1, "paper", "\ufffd <script>", 'a\ufffdb """ \\')]))  # a lone surrogate, a NUL: U+FFFD
def test_jsonl_reader(cases, tmp_file, generated):
    cases["test_jsonl_reader"] += 1
    enc, data, recs = generated
    with tmp_file("in.jsonl") as path:
        check(path, data, recs, "jsonl", enc)


@settings(max_examples=examples(100), **SETTINGS)
@given(jsonl_files(arxiv=True))
def test_arxiv_reader(cases, tmp_file, generated):
    cases["test_arxiv_reader"] += 1
    enc, data, recs = generated
    with tmp_file("arxiv.jsonl") as path:
        check(path, data, recs, "arxiv", enc)


# -- CSV ----------------------------------------------------------------------------------------

@st.composite
def csv_files(draw):
    enc = draw(encodings)
    header = ["title", "abstract", "authors", "note"]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    data = [enc.bom, enc.encode(out.getvalue())]
    line = 1 + _lines_before(enc.project(out.getvalue()).encode("utf-8", "surrogatepass"))
    recs = []
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["paper"] * 5 + ["dup", "short", "long"]))
        if kind == "dup" and rows:
            row = list(draw(st.sampled_from(rows)))
        else:
            t = draw(title_text())
            row = [t or "", draw(abstract_text()), draw(nasty_text(0, 2)), draw(nasty_text(0, 2))]
            rows.append(row)
        if kind == "short":
            row = row[:2]
        elif kind == "long":
            row = row + ["extra"]
        out = io.StringIO()
        csv.writer(out).writerow(row)
        text = out.getvalue()
        data.append(enc.encode(text))
        seen = [enc.roundtrip(f) for f in row]
        if not any(f.strip() for f in seen):
            recs.append(Rec(line, "ignored"))
        elif len(row) != len(header):
            recs.append(Rec(line, "problem"))
        elif clean(seen[1]) is None:
            recs.append(Rec(line, "problem"))
        else:
            recs.append(Rec(line, "paper", clean(seen[0]), clean(seen[1])))
        line += _lines_before(enc.project(text).encode("utf-8", "surrogatepass"))
    return enc, b"".join(data), recs


@settings(max_examples=examples(150), **SETTINGS)
@given(csv_files())
@example((Enc("utf-8", "pass"),
          b'title,abstract\r\n"=cmd|\' /C calc\'!A0","a ""quoted""\r\nline, and more"\r\n+1,-1\r\n',
          [Rec(2, "paper", "=cmd|' /C calc'!A0", 'a "quoted" line, and more'), Rec(4, "paper", "+1", "-1")]))
def test_csv_reader(cases, tmp_file, generated):
    cases["test_csv_reader"] += 1
    enc, data, recs = generated
    with tmp_file("in.csv") as path:
        check(path, data, recs, "csv", enc)


def test_csv_unclosed_quote_loses_only_its_row(tmp_path):
    """A quote that never closes would make the rest of the file one field (one paper with a
    giant abstract, the records after it silently gone): it costs only its own row."""
    a = [s.replace(",", ";") for s in sample_sentences() if len(s) > 60 and '"' not in s][:4]
    f = tmp_path / "q.csv"
    f.write_text(f'title,abstract\nOne,"{a[0]}"\nTwo,"{a[1]}\nThree,{a[2]}\nFour,{a[3]}\n',
                 encoding="utf-8")
    report = ReadReport()
    papers = list(read_papers([f], report=report))
    assert [p.title for p in papers] == ["One", "Three", "Four"]
    assert [p.sources[0].line for p in papers] == [2, 4, 5]
    assert [p.abstract for p in papers] == [a[0], a[2], a[3]]
    assert [(p.source.line, p.message.split(" (")[0]) for p in report.problems] == [(3, "quoted field never closed")]
    # On the last line there is nothing to swallow: the field ends at the end of the file.
    f.write_text(f'title,abstract\nOne,"{a[0]}\n', encoding="utf-8")
    assert [p.abstract for p in read_papers([f])] == [a[0]]


# -- Daily Papers text -----------------------------------------------------------------------------

HEADER = ["Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "",
          "byAK and the research community", "", "Oct 30", ""]
FOOTERS = ([], ["  • 5 authors", "·", "Jun 29, 2024"], ["·", "Oct 15 2"], ["  • 1 author", "·", "Jan 1"],
           ["·", "Mar 3, 2025 123"])
_FOOTERISH = re.compile(r"^(?:·|[•\-*]?\s*\d+ authors?|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\S*\.? \d.*)$")


def _one_line(s: str) -> str:
    return s.replace("\r", " ").replace("\n", " ")


@st.composite
def listing_files(draw):
    """A well-formed listing page (entries with or without title and footer) plus stray
    blocks the reader must report: a lone "·" after a footer, a title with no abstract."""
    enc = draw(encodings)
    lines: list[str] = list(HEADER)
    recs: list[Rec] = []
    entries: list[tuple[str | None, str]] = []
    had_footer = False
    for _ in range(draw(st.integers(1, 7))):
        if had_footer and draw(st.integers(0, 5)) == 0:
            lines += ["·", ""]
            recs.append(Rec(len(lines) - 1, "problem"))
        if entries and draw(st.integers(0, 4)) == 0:
            title, abstract = draw(st.sampled_from(entries))  # a repeat, as pages have
        else:
            title = draw(st.one_of(st.none(), nasty_text(1, 4).map(lambda s: _one_line(s)[:90])))
            abstract = _one_line(draw(abstract_text()))
            entries.append((title, abstract))
        seen_title = clean(enc.roundtrip(title)) if title else None
        if seen_title and _FOOTERISH.match(seen_title):
            title = "A " + title  # a title that reads as a footer line is a different test
            seen_title = clean(enc.roundtrip(title))
        seen_abstract = clean(enc.roundtrip(abstract)) or ""
        i = 0
        while len(seen_abstract) < 300:  # an abstract is a long block (ABSTRACT_MIN_CHARS)
            abstract += " " + sample_sentences()[i]
            i += 1
            seen_abstract = clean(enc.roundtrip(abstract))
        if title is not None:
            lines += [title, ""]  # a blank title line is just a blank line: an untitled entry
        start = len(lines) - 1 if seen_title else len(lines) + 1
        lines += [abstract, ""]
        footer = draw(st.sampled_from(FOOTERS))
        lines += footer + ([""] if footer else [])
        had_footer = bool(footer)
        recs.append(Rec(start, "paper", seen_title, seen_abstract))
    if draw(st.integers(0, 4)) == 0:
        lines += ["Orphan title at the end of the page", ""]
        recs.append(Rec(len(lines) - 1, "problem"))
    data = enc.bom + enc.encode("\n".join(lines) + "\n")
    return enc, data, recs


@settings(max_examples=examples(120), **SETTINGS)
@given(listing_files())
def test_daily_papers_reader(cases, tmp_file, generated):
    cases["test_daily_papers_reader"] += 1
    enc, data, recs = generated
    with tmp_file("page.txt") as path:
        check(path, data, recs, "daily-papers", enc)


# -- compressed ---------------------------------------------------------------------------------

FORMATS = st.one_of(jsonl_files().map(lambda g: ("jsonl", "in.jsonl", g)),
                    jsonl_files(arxiv=True).map(lambda g: ("arxiv", "in.jsonl", g)),
                    csv_files().map(lambda g: ("csv", "in.csv", g)),
                    listing_files().map(lambda g: ("daily-papers", "in.txt", g)))


@settings(max_examples=examples(40), **SETTINGS)
@given(FORMATS, st.sampled_from(["gz", "bz2"]))
def test_compressed_inputs(cases, tmp_file, generated, compression):
    """The same contract through gzip and bz2."""
    cases["test_compressed_inputs"] += 1
    reader, name, (enc, data, recs) = generated
    squeeze = gzip.compress if compression == "gz" else bz2.compress
    with tmp_file(f"{name}.{compression}") as path:
        check(path, squeeze(data), recs, reader, enc, fatal=enc.fatal(data))


# -- damaged files --------------------------------------------------------------------------------

MUTATIONS = ("truncate", "overwrite", "insert", "gzip-truncate", "bz2-truncate", "gzip-flip", "bom", "junk")


@st.composite
def damaged(draw):
    enc, data, _ = draw(st.one_of(jsonl_files(), jsonl_files(arxiv=True), csv_files(), listing_files()))
    how = draw(st.sampled_from(MUTATIONS))
    if how == "truncate":
        data = data[:draw(st.integers(0, len(data)))]
    elif how == "overwrite":
        at = draw(st.integers(0, max(0, len(data) - 1)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at + 16:]
    elif how == "insert":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    elif how in ("gzip-truncate", "bz2-truncate"):
        z = (gzip if how.startswith("gzip") else bz2).compress(data)
        data = z[:draw(st.integers(0, len(z) - 1))]
    elif how == "gzip-flip":
        z = bytearray(gzip.compress(data))
        for _ in range(draw(st.integers(1, 4))):
            z[draw(st.integers(0, len(z) - 1))] ^= draw(st.integers(1, 255))
        data = bytes(z)
    elif how == "bom":
        data = draw(st.sampled_from([codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE,
                                     codecs.BOM_UTF8, b"\xff"])) + data
    else:
        data = draw(st.binary(max_size=512))
    return how, data


@settings(max_examples=examples(200), **SETTINGS)
@given(damaged(), st.sampled_from(["in.jsonl", "in.csv", "in.txt", "in.dat", "in.jsonl.gz"]),
       st.sampled_from([None, None, None, "jsonl", "csv", "daily-papers", "arxiv"]),
       st.sampled_from([None, None, None, "utf-8", "ascii", "utf-16", "latin-1", "shift_jis", "utf-32"]))
def test_damaged_files_raise_only_input_error(cases, tmp_file, mutated, name, reader, encoding):
    """Truncated, overwritten, re-compressed, mis-encoded or random bytes: papers and
    problems, or one InputError naming the file; never another exception."""
    cases["test_damaged_files_raise_only_input_error"] += 1
    _, data = mutated
    with tmp_file(name) as path:
        path.write_bytes(data)
        report = ReadReport()
        try:
            papers = list(read_papers([path], reader=reader, encoding=encoding, report=report))
        except InputError as e:
            assert str(e).startswith(str(path)), e
            _one_safe_line(str(e))
            return
        assert report.entries == report.papers + report.duplicates
        assert report.papers == len(papers)
        for p in report.problems:
            assert p.source.path == str(path) and p.source.line >= 1
            _one_safe_line(str(p))
        for p in papers:
            assert p.abstract and p.abstract == clean(p.abstract)


def _one_safe_line(message: str) -> None:
    """A message printed to the terminal: one line, no control characters (no ANSI escape
    or line break from the data), bounded length."""
    assert message.isprintable(), repr(message)
    assert len(message) < 1000, len(message)


# -- very long text -------------------------------------------------------------------------------

def _long_text(chars: int) -> str:
    base = " ".join(sample_sentences()[:40]) + " " + " ".join(s for s in NASTY if s.strip() and "\x00" not in s)
    base = clean(base.replace("\ud800", "").replace("\udfff", "").replace("\ud83d", "").replace("\ude00", "")
                 .replace("\udc80", "").replace("\udcff", ""))
    return (base + " ") * (chars // (len(base) + 1)) + "end."


def _write_big(f: Path, fmt: str, big: str) -> list[int]:
    """A file of ``fmt`` with a record holding ``big`` between two good ones; the lines the
    three records start on."""
    small = [" ".join(sample_sentences()[40:45]), " ".join(sample_sentences()[45:50])]
    recs = [("Small <b>", small[0]), ("Big <script>", big), ("Small too", small[1])]
    if fmt in ("jsonl", "arxiv"):
        extra = {"categories": "cs.LG", "update_date": "2024-01-01"} if fmt == "arxiv" else {}
        f.write_text("\n".join(json.dumps({**({"id": f"2101.0000{i}"} if fmt == "arxiv" else {}), "title": t,
                                           "abstract": a, **extra}, ensure_ascii=False)
                               for i, (t, a) in enumerate(recs)) + "\n", encoding="utf-8")
        return [1, 2, 3]
    if fmt == "csv":
        with f.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["title", "abstract"], *recs])
        return [2, 3, 4]
    lines = list(HEADER)
    starts = []
    for t, a in recs:
        starts.append(len(lines) + 1)
        lines += [t, "", a, "", "·", "Jun 29, 2024", ""]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return starts


@pytest.mark.parametrize("chars", [1_200_000, 10_000_000], ids=["1.2M", "10M"])
@pytest.mark.parametrize("fmt", ["jsonl", "arxiv", "csv", "daily-papers"])
def test_a_record_too_long_is_reported_and_the_rest_read(tmp_path, fmt, chars):
    """A paper text past MAX_TEXT_CHARS (spaCy's limit) is a Problem with its file and line,
    however it is written; the records before and after it are read, quickly."""
    big = _long_text(chars)
    f = tmp_path / {"jsonl": "in.jsonl", "arxiv": "in.jsonl", "csv": "in.csv", "daily-papers": "in.txt"}[fmt]
    starts = _write_big(f, fmt, big)
    t = time.perf_counter()
    report = ReadReport()
    papers = list(read_papers([f], report=report))
    elapsed = time.perf_counter() - t
    assert detect_reader(f) == fmt
    assert [p.title for p in papers] == ["Small <b>", "Small too"]
    assert [p.source.line for p in report.problems] == [starts[1]] and report.skipped == 1
    assert str(report.problems[0]).startswith(f"{f}:{starts[1]}: ") and "characters" in str(report.problems[0])
    _one_safe_line(str(report.problems[0]))
    assert elapsed < 30, f"reading a {chars:,}-character record took {elapsed:.1f} s"


# -- ids -------------------------------------------------------------------------------------------

def test_one_id_is_one_paper(tmp_path):
    """A record whose abstract matches one paper and whose id matches another joins the one
    with its id: two papers never share an id (found by test_jsonl_reader)."""
    from kg.read.dedupe import derive_id

    s = sample_sentences()
    recs = [{"abstract": s[0]}, {"id": "2101.00001", "abstract": s[1]}, {"id": "doi:10.1/x", "abstract": s[2]},
            {"id": "2101.00001", "abstract": s[2]}]
    f = tmp_path / "ids.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    papers = list(read_papers([f]))
    assert [p.id for p in papers][1:] == ["arXiv:2101.00001", "doi:10.1/x"]
    assert [s.line for s in papers[1].sources] == [2, 4]
    # An input id equal to the id another record would derive is the same paper, too.
    taken = derive_id(Paper(id="", title="A title", abstract=s[3]))
    f.write_text(json.dumps({"id": taken, "abstract": s[4]}) + "\n" + json.dumps({"title": "A title", "abstract": s[3]})
                 + "\n", encoding="utf-8")
    papers = list(read_papers([f]))
    assert len({p.id for p in papers}) == len(papers) == 1
