"""kg.cells: the CSV tables' formula guard and its inverse."""

from __future__ import annotations

import pytest

from kg.cells import FORMULA_START, guard, unguard


@pytest.mark.parametrize("text,cell", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-x", "'-x"), ("@me", "'@me"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("'=x", "''=x"), ("''-1", "'''-1"),  # quotes before a formula character: one more
    ("plain", "plain"), ("'quoted'", "'quoted'"), ("a=b", "a=b"), ("'", "'"), ("", ""),
])
def test_guard_quotes_exactly_what_a_spreadsheet_would_run(text, cell):
    assert guard(text) == cell
    assert unguard(cell) == text


def test_every_formula_start_is_guarded_and_none_passes():
    assert all(guard(c + "x") == "'" + c + "x" for c in FORMULA_START)
    assert guard(None) is None


def test_unguard_leaves_quotes_that_guard_did_not_add():
    # a cell starting with a quote but no formula after the quotes was written as the text was
    assert unguard("'quoted'") == "'quoted'" and unguard("''") == "''"
