"""Robustness tests: hostile and broken input (see test_fuzz_*.py, test_nasty_corpus.py,
test_faults.py).

``cases`` counts the examples Hypothesis generated and ran, per test; the total is printed at
the end of the session (the terminal summary), so a run reports how much input was tried.
"""

from __future__ import annotations

import collections
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_CASES: collections.Counter = collections.Counter()


@pytest.fixture(scope="session")
def cases() -> collections.Counter:
    """A counter to bump once per generated example: ``cases[test_name] += 1``.

    Session-scoped, so it can be used with ``@given`` (Hypothesis refuses function-scoped
    fixtures, which would not be reset between examples).
    """
    return _CASES


def pytest_terminal_summary(terminalreporter):
    if not _CASES:
        return
    terminalreporter.section("robustness: generated cases")
    for name, n in sorted(_CASES.items()):
        terminalreporter.write_line(f"  {n:6d}  {name}")
    terminalreporter.write_line(f"  {sum(_CASES.values()):6d}  generated cases ran in total")



@pytest.fixture(scope="session")
def tmp_file():
    """``with tmp_file("in.jsonl") as path:`` a path in a fresh temporary folder, removed after.

    A context manager rather than ``tmp_path``, so each Hypothesis example gets its own folder.
    """

    @contextlib.contextmanager
    def make(name: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as d:
            yield Path(d) / name

    return make
