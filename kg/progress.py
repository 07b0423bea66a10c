"""Progress bars (tqdm) with rate and ETA, quiet under --quiet and when stderr is no terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, unit: str = "it", quiet: bool = False,
             total: int | None = None) -> Iterator[T]:
    """Wrap an iterable in a progress bar on stderr when one is wanted."""
    if quiet or not sys.stderr.isatty():
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit=unit, total=total, leave=False, dynamic_ncols=True)
