"""The Daily Papers listing reader on the real sample pages."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from kg.model import Paper, Problem, ReadReport
from kg.read import Corpus, detect_reader
from kg.read.daily_papers import parse_listing


def _read(sample_dir):
    corpus = Corpus([sample_dir])
    papers = [corpus.finalize(p) for p in list(corpus)]
    return papers, corpus.fill(ReadReport())


def test_counts_on_the_sample(sample_dir):
    papers, report = _read(sample_dir)
    # 242 entries over four pages (80 + 39 + 68 + 55), 45 of them repeats of earlier ones.
    assert report.entries == 242
    assert report.papers == len(papers) == 197
    assert report.duplicates == 45
    assert report.problems == []
    assert len({p.id for p in papers}) == 197


def test_a_corpus_is_read_once_and_keeps_only_its_patches(sample_dir):
    corpus = Corpus([sample_dir])
    first = list(corpus)
    merged = [corpus.finalize(p) for p in first]
    assert sum(p is not q for p, q in zip(first, merged)) == len(corpus.patches) > 0
    assert corpus._dedupe._by_key is None  # the key index is dropped once the input is read
    with pytest.raises(RuntimeError, match="once"):
        list(corpus)


def test_every_page_is_detected_as_a_listing(sample_dir):
    for f in sorted(sample_dir.glob("*.txt")):
        assert detect_reader(f) == "daily-papers"


def test_duplicates_keep_every_source(sample_dir):
    papers, _ = _read(sample_dir)
    by_sources = Counter(len(p.sources) for p in papers)
    assert sum(n - 1 for p in papers for n in [len(p.sources)]) == 45
    assert by_sources[1] < 197 and max(by_sources) >= 3
    files = {s.path.rsplit("/", 1)[-1][:3] for p in papers if len(p.sources) > 2 for s in p.sources}
    assert len(files) >= 3  # a paper listed on several pages


def test_first_entry_fields(sample_dir):
    papers, _ = _read(sample_dir)
    udc = next(p for p in papers if p.title and p.title.startswith("UDC:"))
    assert udc.abstract.startswith("Single-stage neural combinatorial optimization solvers")
    assert udc.author_count == 5
    assert udc.date_text == "Jun 29, 2024" and udc.date == dt.date(2024, 6, 29)
    assert udc.sources[0].line == 13 and udc.sources[0].path.endswith("000_dc7a3a9ccd66748c.txt")


def test_dates_without_year_are_kept_as_text_only(sample_dir):
    papers, _ = _read(sample_dir)
    no_year = [p for p in papers if p.date_text and "," not in p.date_text]
    assert no_year, "the sample has dates like 'Oct 15'"
    assert all(p.date is None for p in no_year)  # never a guessed year
    upvoted = [p for p in papers if p.upvotes is not None]
    assert upvoted and all(p.upvotes > 0 for p in upvoted)  # "May 19 2": 2 upvotes


def test_ids_are_stable_across_reads(sample_dir):
    a, _ = _read(sample_dir)
    b, _ = _read(sample_dir)
    assert [p.id for p in a] == [p.id for p in b]


def _lines(text):
    return list(enumerate(text.split("\n"), 1))


def test_untitled_entry_and_entry_without_footer_are_kept(sample_dir):
    # Real abstracts from the sample, laid out as the loose pages do: one with no title, one with
    # no author/date footer, and a date with an upvote count.
    page = (sample_dir / "000_dc7a3a9ccd66748c.txt").read_text(encoding="utf-8").split("\n")
    abstracts = [l for l in page if len(l) > 300][:3]
    text = "\n".join([
        "Daily Papers", "", "byAK and the research community", "", "Oct 30", "",
        abstracts[0], "", "  • 5 authors", "·", "Oct 15 2", "",
        "A Title Without Footer", "", abstracts[1], "",
        "Another Title", "", abstracts[2], "", "  • 1 authors", "·", "Apr 4, 2024",
    ])
    items = list(parse_listing(_lines(text), "page.txt"))
    assert all(isinstance(i, Paper) for i in items)
    assert [p.title for p in items] == [None, "A Title Without Footer", "Another Title"]
    assert items[0].date_text == "Oct 15" and items[0].date is None and items[0].upvotes == 2
    assert items[1].author_count is None and items[1].date_text is None
    assert items[2].date == dt.date(2024, 4, 4)
    assert items[0].sources[0].line == 7


def test_stray_title_is_reported_with_its_line(sample_dir):
    text = "byAK and the research community\n\nOct 30\n\nA lonely title\n\nAnother lonely title\n"
    items = list(parse_listing(_lines(text), "page.txt"))
    problems = [i for i in items if isinstance(i, Problem)]
    assert [p.source.line for p in problems] == [5, 7]
    assert "title with no abstract" in problems[0].message
