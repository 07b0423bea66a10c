"""The output folder's lock: one build at a time writes into a folder.

A build holds an exclusive ``flock`` on ``OUT/.kg-lock`` while it runs, with its pid, host
and start time written in the file for whoever finds it held. The kernel releases the lock
when the process ends, however it ends (a build killed with SIGKILL leaves no lock that
blocks the next one); the file is removed when the build ends normally.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from kg.errors import KgError

LOCK_FILE = ".kg-lock"


def _holder(path: Path) -> str:
    """Who holds the lock, as the lock file says (it is written just after the lock is
    taken: read it a few times before giving up)."""
    for _ in range(20):
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            return f"pid {info['pid']} on {info['host']}, started {info['started']}"
        except (OSError, ValueError, KeyError, TypeError):
            time.sleep(0.05)
    return "a process that did not say who it is"


def _acquire(path: Path) -> int:
    """Open and lock ``path``; the descriptor. A lock file removed by its holder between our
    open and our lock is not the lock any more: then open the new one."""
    while True:
        # O_NOFOLLOW: a link planted at the lock's name is not followed (and truncated)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise KgError(f"another kg build is writing into this folder ({_holder(path)}); wait for it to "
                          "finish, or build into another --out", str(path.parent)) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the lock of ``out_dir`` (which must exist) for the block.

    Raises
    ------
    KgError
        If another process holds it (naming its pid, host and start time).
    OSError
        If the lock file cannot be written.
    """
    path = Path(out_dir) / LOCK_FILE
    fd = _acquire(path)
    try:
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode())
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # still holding the lock: the next build opens a new file
        os.close(fd)
