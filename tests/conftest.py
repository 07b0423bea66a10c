"""Shared fixtures: the real sample corpus, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import EXPORT_FORMATS, BuildConfig, sample_corpus_dir

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test when the folder is absent (a user's clone)."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not available (../shared is absent)")
    return p


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return sample_corpus_dir()


@pytest.fixture(scope="session")
def nlp():
    from kg.extract import make_pipeline

    return make_pipeline()


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """`kg build` of the bundled sample corpus with every export, into a temporary folder."""
    from kg.build import build

    out = tmp_path_factory.mktemp("build")
    result = build(BuildConfig(out_dir=out, formats=EXPORT_FORMATS, quiet=True, jobs=1))
    return out, result
