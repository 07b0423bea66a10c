"""`kg build --update` adds papers without extracting the old ones again, and equals a full rebuild."""

from __future__ import annotations

import pytest

from kg import cache
from kg.build import build
from kg.config import BuildConfig
from kg.errors import KgError


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


def test_update_without_previous_build_is_an_error(tmp_path, sample_dir):
    with pytest.raises(KgError, match="no previous build"):
        build(BuildConfig(inputs=(sample_dir,), out_dir=tmp_path, update=True, quiet=True))


def test_update_refuses_a_cache_from_another_pipeline(tmp_path, sample_dir, monkeypatch):
    files = sorted(sample_dir.glob("*.txt"))
    build(BuildConfig(inputs=(files[0],), out_dir=tmp_path, formats=("tables",), quiet=True))
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    with pytest.raises(KgError, match="full `kg build`"):
        build(BuildConfig(inputs=(files[1],), out_dir=tmp_path, update=True, quiet=True))
