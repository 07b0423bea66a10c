"""Progress bars (tqdm) with rate and ETA, quiet under --quiet and when stderr is no terminal."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

T = TypeVar("T")


def _wanted(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def progress(items: Iterable[T], desc: str, unit: str = "it", quiet: bool = False,
             total: int | None = None) -> Iterator[T]:
    """Wrap an iterable in a progress bar on stderr when one is wanted."""
    if not _wanted(quiet):
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit=unit, total=total, leave=False, dynamic_ncols=True)


def progress_bytes(items: Iterable[T], desc: str, total: int, position: Callable[[], int], unit: str = "it",
                   quiet: bool = False) -> Iterator[T]:
    """Wrap an iterable whose items are read from input of a known size (``total`` bytes) in a
    bar of the bytes read so far (``position()``, asked after each item), so that it shows a
    total, a rate and an ETA; the items are counted beside it (``1,234 papers``)."""
    if not _wanted(quiet):
        yield from items
        return
    from tqdm import tqdm

    with tqdm(desc=desc, total=total, unit="B", unit_scale=True, leave=False, dynamic_ncols=True) as b:
        n = 0
        for item in items:
            n += 1
            done = min(position(), total)
            if done > b.n:
                b.update(done - b.n)
            b.set_postfix_str(f"{n:,} {unit}s", refresh=False)
            yield item


@contextlib.contextmanager
def bar(desc: str, total: float | None = None, unit: str = "it", quiet: bool = False,
        unit_scale: bool = False) -> Iterator[Callable[[float], object]]:
    """A progress bar for work that is no loop over items: yields ``update(n)``, which
    advances it by ``n`` (and does nothing when no bar is wanted)."""
    if not _wanted(quiet):
        yield lambda n: None
        return
    from tqdm import tqdm

    with tqdm(desc=desc, total=total, unit=unit, unit_scale=unit_scale, leave=False, dynamic_ncols=True) as b:
        yield b.update


class _Counted(io.RawIOBase):
    """A binary file that reports each read's size (under a buffer, so once per buffer-full)."""

    def __init__(self, f: BinaryIO, update: Callable[[float], object]):
        self._f = f
        self._update = update

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._f.readinto(b)
        if n:
            self._update(n)
        return n


@contextlib.contextmanager
def reading(path: Path | str, desc: str, quiet: bool = False) -> Iterator[BinaryIO]:
    """``path`` opened for binary reading, with a bar of the bytes read so far (rate, ETA)."""
    if not _wanted(quiet):
        with open(path, "rb") as f:
            yield f
        return
    with bar(desc, total=os.path.getsize(path), unit="B", unit_scale=True) as update, \
            open(path, "rb", buffering=0) as raw:
        yield io.BufferedReader(_Counted(raw, update), buffer_size=1 << 20)  # type: ignore[misc]
