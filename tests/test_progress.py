"""Progress bars (kg.progress): shown on a terminal, silent under --quiet or without one."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

import kg.progress
from kg.progress import bar, progress, reading

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def terminal(monkeypatch):
    """Pretend stderr is a terminal (pytest captures it)."""
    monkeypatch.setattr(kg.progress, "_wanted", lambda quiet: not quiet)


def test_reading_counts_the_bytes_it_reads(terminal, tmp_path, capsys):
    path = tmp_path / "graph.nt"
    data = b"<urn:a> <urn:b> <urn:c> .\n" * 100_000  # 2.6 MB: three reads of the 1 MB buffer
    path.write_bytes(data)
    counted = []
    real = kg.progress.bar

    def spy(*args, **kwargs):
        with real(*args, **kwargs) as update:
            yield lambda n: (counted.append(n), update(n))

    with pytest.MonkeyPatch.context() as m:
        m.setattr(kg.progress, "bar", __import__("contextlib").contextmanager(spy))
        with reading(path, "graph.ttl") as f:
            got = b"".join(iter(lambda: f.read(4096), b""))
    assert got == data and sum(counted) == len(data) and len(counted) == 3
    err = capsys.readouterr().err
    assert "graph.ttl" in err and "2.60M" in err  # the total, in bytes


def test_quiet_means_no_bar(tmp_path, capsys, terminal):
    path = tmp_path / "x.nt"
    path.write_bytes(b"abc")
    with reading(path, "x", quiet=True) as f:
        assert f.read() == b"abc"
    with bar("work", total=3, quiet=True) as update:
        update(3)
    assert list(progress(range(3), "loop", quiet=True)) == [0, 1, 2]
    assert capsys.readouterr().err == ""


def test_a_build_on_a_terminal_shows_its_stages(tmp_path):
    """`kg build` run on a terminal draws a bar per long stage (Turtle and JSON-LD included);
    with --quiet it draws none."""
    def run(*extra):
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # (a 0x0 one shows no bar)
        proc = subprocess.Popen([sys.executable, "-m", "kg", "build", "--out", str(tmp_path / "out"), *extra],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower)
        os.close(follower)
        chunks = []  # read while it runs (a full terminal buffer would stop it)
        while True:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # EIO: the build has ended and closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert proc.wait(timeout=600) == 0
        return b"".join(chunks).decode("utf-8", "replace")

    shown = run("--format", "all")
    for stage in ("extract", "export", "graph.ttl", "graph.jsonld"):
        assert f"{stage}:" in shown, (stage, shown[-2000:])
    assert "paper/s" in shown  # a rate
    assert run("-q") == ""


def test_extract_bar_has_a_total_and_an_eta_when_the_input_size_is_known(terminal, tmp_path, sample_dir, capsys):
    """The extract bar counts the bytes read against the input's size (it showed papers only)."""
    from kg.build import build
    from kg.config import BuildConfig, ExtractConfig

    page = sample_dir / "001_4eb3750c9023835b.txt"
    build(BuildConfig(inputs=(page,), out_dir=tmp_path / "o", formats=("tables",), jobs=1,
                      extract=ExtractConfig(use_recognizer=False)))
    err = capsys.readouterr().err
    bars = [s for s in err.replace("\n", "\r").split("\r") if s.startswith("extract:")]
    total = f"/{page.stat().st_size / 1000:.1f}k"  # 67.4k bytes
    assert bars and all(total in s for s in bars)
    assert any("<" in s and " papers" in s for s in bars)  # elapsed<remaining, and the papers counted
