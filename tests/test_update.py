"""`kg build --update` adds papers without extracting the old ones again, and equals a full rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import cache
from kg.build import build
from kg.config import BuildConfig
from kg.errors import KgError
from kg.model import Extraction


def test_update_equals_full_rebuild(tmp_path, sample_dir, monkeypatch):
    files = sorted(sample_dir.glob("*.txt"))
    fmt = ("ntriples", "tables")
    build(BuildConfig(inputs=(files[0],), out_dir=tmp_path / "inc", formats=fmt, quiet=True, jobs=1))

    extracted = []
    real = cache.with_prior

    def counting(prior, papers, extract):
        def counted(rest):
            for ex in extract(rest):
                extracted.append(ex.paper.id)
                yield ex
        return real(prior, papers, counted)

    monkeypatch.setattr("kg.build.with_prior", counting)
    inc = build(BuildConfig(inputs=tuple(files[1:]), out_dir=tmp_path / "inc", formats=fmt, quiet=True,
                            jobs=1, update=True))
    monkeypatch.undo()
    full = build(BuildConfig(inputs=tuple(files), out_dir=tmp_path / "full", formats=fmt, quiet=True, jobs=1))

    assert (tmp_path / "inc" / "graph.nt").read_bytes() == (tmp_path / "full" / "graph.nt").read_bytes()
    assert (tmp_path / "inc" / "papers.csv").read_text() == (tmp_path / "full" / "papers.csv").read_text()
    assert inc.report.papers == full.report.papers == 197
    # only papers that were not in the first page were extracted
    first_page = build(BuildConfig(inputs=(files[0],), out_dir=tmp_path / "one", formats=("tables",), quiet=True))
    assert len(extracted) == 197 - first_page.report.papers


def test_update_keeps_the_previous_builds_formats(tmp_path, sample_dir):
    """A build made with formats beyond the default (N-Triples, GEXF) is updated in the same
    formats unless --format says otherwise, and equals a full rebuild in them."""
    from kg.config import DEFAULT_FORMATS, ExtractConfig

    files = sorted(sample_dir.glob("*.txt"))[:2]
    fast = ExtractConfig(use_recognizer=False)
    fmt = ("ntriples", "gexf", "tables")
    build(BuildConfig(inputs=(files[0],), out_dir=tmp_path / "inc", formats=fmt, quiet=True, jobs=1, extract=fast))
    inc = build(BuildConfig(inputs=(files[1],), out_dir=tmp_path / "inc", quiet=True, jobs=1, extract=fast,
                            update=True))
    assert list(inc.outputs) == [*fmt, "cache"]
    full = build(BuildConfig(inputs=tuple(files), out_dir=tmp_path / "full", formats=fmt, quiet=True, jobs=1,
                             extract=fast))
    assert inc.report.papers == full.report.papers
    for name in ("graph.nt", "graph.gexf", "papers.csv", "mentions.csv"):
        assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
    # an explicit --format replaces them; a plain build writes the default
    again = build(BuildConfig(inputs=(files[1],), out_dir=tmp_path / "inc", formats=("turtle",), quiet=True, jobs=1,
                              extract=fast, update=True))
    assert list(again.outputs) == ["turtle", "cache"]
    assert not (tmp_path / "inc" / "graph.nt").exists() and (tmp_path / "inc" / "graph.ttl").is_file()
    plain = build(BuildConfig(inputs=(files[0],), out_dir=tmp_path / "inc", quiet=True, jobs=1, extract=fast))
    assert list(plain.outputs) == [*DEFAULT_FORMATS, "cache"]


def test_update_without_previous_build_is_an_error(tmp_path, sample_dir):
    with pytest.raises(KgError, match="no previous build"):
        build(BuildConfig(inputs=(sample_dir,), out_dir=tmp_path, update=True, quiet=True))


def test_update_refuses_a_cache_from_another_pipeline(tmp_path, sample_dir, monkeypatch):
    files = sorted(sample_dir.glob("*.txt"))
    build(BuildConfig(inputs=(files[0],), out_dir=tmp_path, formats=("tables",), quiet=True))
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    with pytest.raises(KgError, match="full `kg build`"):
        build(BuildConfig(inputs=(files[1],), out_dir=tmp_path, update=True, quiet=True))


def test_the_pipelines_fingerprint_covers_the_recognizers_model(tmp_path):
    """A retrained model finds other mentions, so a build made with it is another pipeline's;
    with --fast (no recognizer) the model plays no part."""
    import shutil

    from kg.config import ExtractConfig
    from kg.extract.recognizer import DEFAULT_MODEL

    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, model)
    same = cache.fingerprint(ExtractConfig(recognizer_model=model))
    assert same == cache.fingerprint(ExtractConfig(recognizer_model=model))
    fast = ExtractConfig(use_recognizer=False, recognizer_model=model)
    before = cache.fingerprint(fast)
    (model / "meta.json").write_text('{"name": "retrained"}\n', encoding="utf-8")
    assert cache.fingerprint(ExtractConfig(recognizer_model=model)) != same
    assert cache.fingerprint(fast) == before


def test_update_from_a_spilled_build_with_duplicates_equals_full_rebuild(tmp_path, sample_dir, monkeypatch):
    # The sample pages repeat papers, so the first build merges duplicates (patches that the
    # cache keeps beside the spool it hard-links); a spool on disk as in a large build.
    import functools

    from kg.assemble import assemble
    from kg.read import read_papers

    monkeypatch.setattr("kg.build.assemble", functools.partial(assemble, memory_limit=20))
    files = sorted(sample_dir.glob("*.txt"))
    fmt = ("ntriples", "tables")
    first = build(BuildConfig(inputs=tuple(files[:3]), out_dir=tmp_path / "inc", formats=fmt, quiet=True, jobs=1))
    assert first.report.duplicates > 0
    cached = list(cache.read_cache(tmp_path / "inc", BuildConfig().extract))
    merged = list(read_papers(files[:3]))
    assert [ex.paper for ex in cached] == merged  # duplicates merged in
    assert any(len(p.sources) > 1 for p in merged)
    build(BuildConfig(inputs=(files[3],), out_dir=tmp_path / "inc", formats=fmt, quiet=True, jobs=1, update=True))
    build(BuildConfig(inputs=tuple(files), out_dir=tmp_path / "full", formats=fmt, quiet=True, jobs=1))
    for name in ("graph.nt", "papers.csv", "mentions.csv"):
        assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


def test_update_streams_the_previous_build(tmp_path, sample_dir, monkeypatch):
    # The previous build's extractions are read as their papers pass, never all at once: at
    # most one waits for its paper at any time.
    files = sorted(sample_dir.glob("*.txt"))
    build(BuildConfig(inputs=tuple(files[:3]), out_dir=tmp_path, formats=("tables",), quiet=True, jobs=1))
    waiting = []
    real = cache.with_prior

    def watched(prior, papers, extract):
        for ex in real(prior, papers, extract):
            waiting.append(len(prior))
            yield ex

    monkeypatch.setattr("kg.build.with_prior", watched)
    result = build(BuildConfig(inputs=(files[3],), out_dir=tmp_path, formats=("tables",), quiet=True, jobs=1,
                               update=True))
    assert len(waiting) == result.report.papers == 197
    assert max(waiting) == 0


def test_update_without_the_cached_extractions_is_an_error(tmp_path, sample_dir):
    files = sorted(sample_dir.glob("*.txt"))
    build(BuildConfig(inputs=(files[0],), out_dir=tmp_path, formats=("tables",), quiet=True, jobs=1))
    (tmp_path / cache.CACHE_DIR / "extractions.pickle").unlink()
    with pytest.raises(KgError, match="no previous build"):
        build(BuildConfig(inputs=(files[1],), out_dir=tmp_path, update=True, quiet=True))


def test_with_prior_refuses_a_paper_that_is_not_the_cached_one(sample_dir):
    from collections import deque

    from kg.read import read_papers

    a, b = list(read_papers(sorted(sample_dir.glob("*.txt"))[:1]))[:2]
    cached = deque([Extraction(a, (), (), ())])
    with pytest.raises(RuntimeError, match="met paper"):
        list(cache.with_prior(cached, [b], lambda rest: iter(())))


def test_the_pipelines_fingerprint_covers_the_extraction_code(tmp_path, monkeypatch):
    """A change to the extraction code (as reading LaTeX markup was) finds other mentions in
    the same text, so the cache of an earlier build is another pipeline's."""
    import shutil

    import kg.extract
    from kg.config import ExtractConfig

    code = tmp_path / "extract"
    shutil.copytree(Path(kg.extract.__file__).parent, code)
    monkeypatch.setattr(kg.extract, "__file__", str(code / "__init__.py"))
    fast = ExtractConfig(use_recognizer=False)
    before = cache.fingerprint(fast)
    assert cache.fingerprint(fast) == before
    (code / "rules.py").write_text((code / "rules.py").read_text(encoding="utf-8") + "\n# changed\n",
                                   encoding="utf-8")
    assert cache.fingerprint(fast) != before


def test_the_pipelines_fingerprint_covers_the_curation_code(tmp_path, monkeypatch):
    """The cache holds the extractions as curated: a change to how curation applies (as keeping
    a paper's results was) makes the cache of an earlier build another pipeline's."""
    import shutil

    import kg.curation
    from kg.config import ExtractConfig

    code = tmp_path / "curation.py"
    shutil.copy(kg.curation.__file__, code)
    monkeypatch.setattr(kg.curation, "__file__", str(code))
    fast = ExtractConfig(use_recognizer=False)
    before = cache.fingerprint(fast)
    assert cache.fingerprint(fast) == before
    code.write_text(code.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache.fingerprint(fast) != before
