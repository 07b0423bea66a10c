"""Staging folders: a run writes its files into a hidden folder inside the output folder and
moves each finished file or folder into place at the end (one rename each), so a run that
fails or is killed leaves the previous outputs intact.

A staging folder is named ``.kg-build-PID-*``; :func:`recover` removes those of processes that
are no longer running, and puts back a folder output that a killed run had moved aside
(``.store.old-PID``) just before the new one took its place.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = ".kg-build-"

_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.old-(?P<pid>\d+)$|^" + re.escape(PREFIX) + r"(?P<bpid>\d+)-")


def make_staging(out_dir: Path) -> Path:
    """A new staging folder inside ``out_dir`` (made, with ``out_dir`` if needed).

    Raises
    ------
    OSError
        If ``out_dir`` cannot be written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=out_dir))


@contextlib.contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A staging folder inside ``out_dir`` for the block, removed with whatever is left in
    it when the block ends (moved files are no longer in it)."""
    folder = make_staging(out_dir)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def move_into(path: Path, staging_dir: Path, out_dir: Path) -> Path:
    """Move a finished output from ``staging_dir`` to its place in ``out_dir`` (one atomic
    rename per file; a folder output replaces the old folder, moved aside first)."""
    dest = Path(out_dir) / Path(path).relative_to(staging_dir)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        old = None
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            os.replace(dest, old)
        os.replace(path, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(path, dest)
    return dest


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(out_dir: Path) -> None:
    """Clean up after runs that were killed: put back a folder output that a killed run had
    moved aside (``.store.old-PID`` when ``store/`` is missing), and remove staging and
    moved-aside folders of runs that are no longer running."""
    for p in Path(out_dir).iterdir():
        m = _LEFTOVER.match(p.name)
        if m is None or _alive(int(m["pid"] or m["bpid"])):
            continue
        if m["name"] and not (p.parent / m["name"]).exists():
            os.replace(p, p.parent / m["name"])
        else:
            shutil.rmtree(p, ignore_errors=True)
