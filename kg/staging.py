"""Staging folders and the switch from one build's outputs to the next.

A run writes its files into a hidden staging folder inside the output folder and moves each
finished file or folder into place at the end (one rename each), so a run that fails or is
killed leaves the previous outputs intact.

A build goes further: it exports into a version folder of its own, ``OUT/.kg-versions/ID/``,
and :func:`publish` switches to it in one step. Every output at its documented path is a
symbolic link through ``OUT/.kg-current`` (``graph.ttl -> .kg-current/graph.ttl``,
``store -> .kg-current/store``), and ``.kg-current`` is a link to the version folder; the
switch replaces that one link (a rename), so a reader finds every output of the old build or
every output of the new one, never a mix, and a kill at any moment leaves one or the other.

A staging folder is named ``.kg-build-PID-*``; :func:`recover` removes those of processes that
are no longer running and version folders that are not the current one, and puts back a
folder output that a killed run had moved aside (``.store.old-PID``) just before the new one
took its place.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.atomic import umask

PREFIX = ".kg-build-"
#: The folder of version folders, and the link to the current one (names inside OUT).
VERSIONS = ".kg-versions"
CURRENT = ".kg-current"

_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>old|link)-(?P<pid>\d+)$"
                       r"|^" + re.escape(PREFIX) + r"(?P<bpid>\d+)-")


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
    moved aside (``.store.old-PID`` when ``store/`` is missing), remove staging and
    moved-aside folders of runs that are no longer running, and version folders other than
    the current one (call it holding the folder's lock, :mod:`kg.lock`: no other build is
    then making one)."""
    out_dir = Path(out_dir)
    for p in out_dir.iterdir():
        m = _LEFTOVER.match(p.name)
        if m is None:
            continue
        if m["kind"] == "link":  # a link a killed build was about to move into place, or the
            if p.is_dir() and not p.is_symlink():  # folder it had just swapped out (only
                shutil.rmtree(p, ignore_errors=True)  # :func:`publish` makes them, under the lock)
            else:
                p.unlink()
        elif _alive(int(m["pid"] or m["bpid"])):
            continue
        elif m["kind"] == "old" and not (p.parent / m["name"]).exists():
            os.replace(p, p.parent / m["name"])
        else:
            shutil.rmtree(p, ignore_errors=True)
    current = current_version(out_dir)
    if (out_dir / VERSIONS).is_dir():
        for v in (out_dir / VERSIONS).iterdir():
            if v != current:
                shutil.rmtree(v, ignore_errors=True)
    for p in _links(out_dir):
        if not p.exists():  # a link to an output the current build does not have
            p.unlink()


def current_version(out_dir: Path) -> Path | None:
    """The version folder ``OUT/.kg-current`` points to, or None (no build published yet, or a
    link that does not point into ``OUT/.kg-versions/``: never followed elsewhere, since the
    previous version is removed after a switch)."""
    try:
        target = Path(os.readlink(Path(out_dir) / CURRENT))
    except OSError:
        return None
    if len(target.parts) != 2 or target.parts[0] != VERSIONS or target.name in (".", ".."):
        return None
    return Path(out_dir) / target


def new_version(out_dir: Path) -> Path:
    """A new, empty version folder in ``OUT/.kg-versions/`` for a build to export into."""
    versions = Path(out_dir) / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-", dir=versions))
    folder.chmod(0o777 & ~umask())  # mkdtemp makes 0700; the outputs are read through it
    return folder


def _links(out_dir: Path) -> list[Path]:
    """The entries of ``out_dir`` that are links through ``.kg-current``."""
    out = []
    for p in Path(out_dir).iterdir():
        if p.is_symlink() and os.readlink(p).startswith(CURRENT + "/"):
            out.append(p)
    return out


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``, any two kinds of
    entry); False where the system or the file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _point(link: Path, target: str) -> None:
    """Make ``link`` a symbolic link to ``target`` in one step, whatever was there: a link or
    a file (one rename), or a folder output from before versions (swapped with the link in one
    step, then removed; where the file system cannot swap, moved aside first)."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    tmp = link.with_name(f".{link.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    os.symlink(target, tmp)
    if not (link.is_dir() and not link.is_symlink()):
        os.replace(tmp, link)
    elif _exchange(tmp, link):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        old = link.with_name(f".{link.name}.old-{os.getpid()}")
        os.replace(link, old)
        os.replace(tmp, link)
        shutil.rmtree(old, ignore_errors=True)


def link_output(out_dir: Path, name: str) -> Path:
    """Give ``OUT/name`` its link through ``.kg-current`` (for a file a command added to the
    current version folder after the build, holding the folder's lock: ``kg trends``). The
    next build removes the link with the version folder, as it does any output it does not
    write.

    Raises
    ------
    FileExistsError
        If ``OUT/name`` exists and is not such a link (a file of the user's own).
    """
    check_output_name(out_dir, name)
    link = Path(out_dir) / name
    _point(link, f"{CURRENT}/{name}")
    return link


def check_output_name(out_dir: Path, name: str) -> None:
    """Raise FileExistsError if ``OUT/name`` exists and is not a link through ``.kg-current``
    of that name (see :func:`link_output`)."""
    link = Path(out_dir) / name
    if (link.exists() or link.is_symlink()) and not (link.is_symlink()
                                                     and os.readlink(link) == f"{CURRENT}/{name}"):
        raise FileExistsError(errno.EEXIST, "exists and is not an output of this build (move it away)", str(link))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _adopt(out_dir: Path, names: Iterable[str]) -> None:
    """An output folder written before versions holds its outputs (``names``) as plain files
    and folders: hard-link them into a version folder of their own and make that one current,
    so that they too are replaced in one step (readers see the same files meanwhile)."""
    plain = [out_dir / n for n in names if (out_dir / n).exists() and not (out_dir / n).is_symlink()]
    if not plain:
        return
    legacy = new_version(out_dir)
    for p in plain:
        if p.is_dir():
            shutil.copytree(p, legacy / p.name, symlinks=True, copy_function=os.link)
        else:
            os.link(p, legacy / p.name)
    _point(out_dir / CURRENT, f"{VERSIONS}/{legacy.name}")
    for p in plain:
        _point(p, f"{CURRENT}/{p.name}")


def publish(version: Path, out_dir: Path, known: Iterable[str] = ()) -> list[str]:
    """Make the build in ``version`` (a folder from :func:`new_version`) the one ``out_dir``
    shows, in one step, and remove the previous one; the names of its outputs.

    First every output name gets its link through ``.kg-current`` (a new name's link points
    nowhere until the switch, as the old build had no such output); then ``.kg-current`` is
    pointed at ``version`` (one rename: the switch); then links to outputs the new build does
    not have, and the previous version folder, are removed. In a folder written before
    versions, plain files and folders with the ``known`` output names (and the new build's)
    are the previous build.
    """
    out_dir, version = Path(out_dir), Path(version)
    names = sorted(p.name for p in version.iterdir())
    if current_version(out_dir) is None:
        _adopt(out_dir, sorted({*names, *known}))
    for name in names:
        _point(out_dir / name, f"{CURRENT}/{name}")
    old = current_version(out_dir)
    _fsync_dir(version)
    _point(out_dir / CURRENT, f"{VERSIONS}/{version.name}")
    _fsync_dir(out_dir)
    for link in _links(out_dir):
        if link.name not in names:
            link.unlink()
    if old is not None and old != version:
        shutil.rmtree(old, ignore_errors=True)
    return names
