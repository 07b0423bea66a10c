"""Faults during `kg build`: a build killed at any moment leaves the previous outputs intact
(every file the old one or the new one, complete), and the next build is correct; an output
folder that cannot be written, or a full disk, gives one line ``kg: error: ...`` and exit 2.

The killed builds run `python -m kg build` in their own process group and get SIGKILL (no
cleanup runs), at moments found by watching the output folder: during start-up, once the
staging folder ``.kg-build-*`` appears (extraction), once exports appear in it, and as soon
as the first output is moved into place (commit).
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import pytest

from tests.conftest import shared_path
from tests.robustness.nasty import ROOT, sample_sentences

#: Output entries whose bytes differ between two builds of the same input (RocksDB files,
#: a pickle): checked for validity instead of by hash.
UNSTABLE = ("store", ".kg-cache")


def kg_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "kg", *map(str, args)]


def run_kg(*args, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run(kg_cmd(*args), capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def _is_staging(rel: Path) -> bool:
    return rel.parts[0].startswith(".kg-build-")


def snapshot(out: Path) -> dict[str, str]:
    """sha1 of every file in the output folder outside staging folders, by relative path."""
    snap = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out)
        if p.is_file() and not _is_staging(rel):
            snap[str(rel)] = hashlib.sha1(p.read_bytes()).hexdigest()
    return snap


def _split(snap: dict[str, str]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    stable = {k: v for k, v in snap.items() if k.split("/", 1)[0] not in UNSTABLE}
    unstable = {u: {k: v for k, v in snap.items() if k.split("/", 1)[0] == u} for u in UNSTABLE}
    return stable, unstable


def _store_triples(out: Path) -> int:
    store = pyoxigraph.Store.read_only(str(out / "store"))
    try:
        return len(store)
    finally:
        del store


def assert_intact(out: Path, before: dict[str, str], new: dict[str, str], new_triples: int, when: str) -> None:
    """Every output is complete: the file it was before, or the file a finished build writes."""
    top = {p.name for p in out.iterdir() if not p.name.startswith(".kg-build-")}
    expected_top = {k.split("/", 1)[0] for k in before}
    assert top == expected_top, f"{when}: output entries changed: {sorted(top ^ expected_top)}"
    now = snapshot(out)
    stable_now, unstable_now = _split(now)
    stable_before, unstable_before = _split(before)
    stable_new, _ = _split(new)
    assert set(stable_now) == set(stable_before), f"{when}: files appeared or vanished"
    for k, h in stable_now.items():
        assert h in (stable_before[k], stable_new[k]), f"{when}: {k} is neither the old nor the new file"
    if unstable_now["store"] != unstable_before["store"]:
        assert _store_triples(out) == new_triples, f"{when}: the store is neither the old nor the new one"
    manifest = ".kg-cache/manifest.json"
    if manifest in before:
        assert now.get(manifest) in (before[manifest], new.get(manifest)), f"{when}: cache manifest"


# -- inputs ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> Path:
    """The first 3,000 lines of the shared arXiv file (about 5 MB: extraction uses a worker pool)."""
    src = shared_path("data", "arxiv", "arxiv_cs_daily_2025_2026.jsonl.gz")
    dest = tmp_path_factory.mktemp("faults") / "arxiv-3000.jsonl"
    with gzip.open(src, "rt", encoding="utf-8") as f, dest.open("w", encoding="utf-8") as out:
        out.writelines(itertools.islice(f, 3000))
    return dest


@pytest.fixture(scope="module")
def reference(big_input, tmp_path_factory):
    """A clean, finished build of the big input: what a build of it must write."""
    out = tmp_path_factory.mktemp("reference") / "out"
    r = run_kg("build", big_input, "--out", out, "-q")
    assert r.returncode == 0, r.stderr
    return snapshot(out), _store_triples(out)


def _small_jsonl(path: Path, start: int, n: int) -> Path:
    s = sample_sentences()
    path.write_text("".join(json.dumps({"title": f"Paper {i}", "abstract": " ".join(s[i:i + 3])}) + "\n"
                            for i in range(start, start + n)), encoding="utf-8")
    return path


# -- killed builds -----------------------------------------------------------------------------------

def _staging(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(".kg-build-")] if out.exists() else []


def _wait(cond, proc, timeout=600.0, step=0.002) -> bool:
    """Poll ``cond`` until true (True) or the process ended first (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        if proc.poll() is not None:
            return cond()
        time.sleep(step)
    raise TimeoutError


def _inode(p: Path):
    try:
        return p.stat().st_ino
    except FileNotFoundError:
        return None


MOMENTS = {
    "start-up": lambda out, proc, old: (time.sleep(0.5), True)[1],
    "extract": lambda out, proc, old: _wait(lambda: bool(_staging(out)), proc),
    "export": lambda out, proc, old: _wait(
        lambda: any(any(s.glob("graph.*")) or any(s.glob(".graph.*")) for s in _staging(out)), proc),
    "commit": lambda out, proc, old: _wait(lambda: _inode(out / "graph.ttl") != old, proc, step=0.0005),
}


def test_killed_builds_leave_previous_outputs_intact(tmp_path, big_input, reference):
    ref, ref_triples = reference
    out = tmp_path / "out"
    first = run_kg("build", "--out", out, "-q")  # the bundled sample corpus
    assert first.returncode == 0, first.stderr
    state = snapshot(out)
    assert {k for k in state if "/" not in k} >= {"graph.ttl", "graph.nt", "papers.csv", "graph.html"}
    report = {}
    for when, reached in MOMENTS.items():
        old_inode = _inode(out / "graph.ttl")
        proc = subprocess.Popen(kg_cmd("build", big_input, "--out", out, "-q"), cwd=ROOT, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            hit = reached(out, proc, old_inode)
            finished = proc.poll() is not None
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            finished = True
        finally:
            proc.wait(timeout=60)
            proc.stderr.close()
        report[when] = "finished first" if finished else ("killed" if hit else "killed (moment not seen)")
        assert_intact(out, state, ref, ref_triples, when)
        state = snapshot(out)
    print("kill moments:", report)
    assert list(report.values()).count("killed") >= 2, report

    # The next build is correct: the same outputs as a clean build.
    r = run_kg("build", big_input, "--out", out, "-q")
    assert r.returncode == 0, r.stderr
    now = snapshot(out)
    assert _split(now)[0] == _split(ref)[0]
    assert _store_triples(out) == ref_triples
    assert not [p.name for p in out.iterdir() if ".old-" in p.name]


def test_crash_while_swapping_a_folder_output(tmp_path):
    """Simulate a kill at the worst moment of the commit: the old folder moved aside, the new
    one not yet in place (os._exit in the second rename, so no cleanup runs). The old folder
    is intact beside its place, and the next build (kg.build.recover) puts it back."""
    out = tmp_path / "out"
    a = _small_jsonl(tmp_path / "a.jsonl", 0, 5)
    b = _small_jsonl(tmp_path / "b.jsonl", 10, 6)
    assert run_kg("build", a, "--out", out, "-f", "neo4j,tables", "-q").returncode == 0
    before = snapshot(out)
    script = (
        "import os, sys\n"
        "real = os.replace\n"
        "def replace(src, dst, *a, **k):\n"
        "    if '.kg-build-' in str(src) and '.kg-build-' not in str(dst) and os.path.isdir(src):\n"
        "        os._exit(137)\n"
        "    return real(src, dst, *a, **k)\n"
        "os.replace = replace\n"
        "from kg.cli import main\n"
        f"sys.exit(main(['build', {str(b)!r}, '--out', {str(out)!r}, '-f', 'neo4j,tables', '-q']))\n"
    )
    r = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 137, r.stderr
    aside = [p for p in out.iterdir() if p.name.startswith(".neo4j.old-")]
    assert (out / "neo4j" / "papers.csv").exists() or (aside and (aside[0] / "papers.csv").exists())
    from kg.build import recover

    recover(out)  # what the next build does first
    assert (out / "neo4j" / "papers.csv").exists(), sorted(p.name for p in out.iterdir())
    assert set(snapshot(out)) == set(before)
    assert run_kg("build", b, "--out", out, "-f", "neo4j,tables", "-q").returncode == 0
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".kg-cache"]


# -- output that cannot be written -----------------------------------------------------------------

def _one_line_error(r, *needles: str) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert lines[0].startswith("kg: error: "), lines[0]
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def test_output_under_a_regular_file(tmp_path):
    """--out some_file/sub: the folder cannot be made (ENOTDIR) even as root."""
    blocker = tmp_path / "some_file"
    blocker.write_text("not a folder\n")
    src = _small_jsonl(tmp_path / "a.jsonl", 0, 3)
    r = run_kg("build", src, "--out", blocker / "sub", "-f", "tables")
    _one_line_error(r, str(blocker / "sub"))
    assert blocker.read_text() == "not a folder\n"


def test_output_is_a_regular_file(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("keep me\n")
    r = run_kg("build", _small_jsonl(tmp_path / "a.jsonl", 0, 3), "--out", blocker, "-f", "tables")
    _one_line_error(r, str(blocker))
    assert blocker.read_text() == "keep me\n"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_output_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        r = run_kg("build", _small_jsonl(tmp_path / "a.jsonl", 0, 3), "--out", out, "-f", "tables")
        _one_line_error(r, str(out))
    finally:
        out.chmod(0o700)


@pytest.mark.parametrize("where", ["replace", "fsync"])
def test_disk_full_is_one_line_and_keeps_previous_outputs(tmp_path, monkeypatch, capsys, where):
    """ENOSPC while a file is finished (fsync) or moved into place (os.replace)."""
    from kg.cli import main

    out = tmp_path / "out"
    assert main(["build", str(_small_jsonl(tmp_path / "a.jsonl", 0, 4)), "--out", str(out),
                 "-f", "tables,ntriples,neo4j", "-q"]) == 0
    before = snapshot(out)
    capsys.readouterr()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, where, full)
    code = main(["build", str(_small_jsonl(tmp_path / "b.jsonl", 10, 5)), "--out", str(out),
                 "-f", "tables,ntriples,neo4j", "-q"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and "No space left on device" in lines[0], err
    assert snapshot(out) == before
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".kg-cache"]
    assert leftovers == [], leftovers
