"""Faults during `kg build`: a build killed at any moment leaves the previous outputs intact
(every file the old one or the new one, complete), and the next build is correct; an output
folder that cannot be written, or a full disk, gives one line ``kg: error: ...`` and exit 2.

The killed builds run `python -m kg build` in their own process group and get SIGKILL (no
cleanup runs), at moments found by watching the output folder: during start-up, once the
staging folder ``.kg-build-*`` appears (extraction), once exports appear in it, and as soon
as the first output is moved into place (commit).
"""

from __future__ import annotations

import dataclasses
import errno
import gzip
import hashlib
import itertools
import json
import os
import shutil
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
#: Entries of an output folder that are the build's machinery, not outputs: staging folders,
#: the version folders, the link to the current one, the lock (see kg.staging, kg.lock).
INTERNAL = (".kg-build-", ".kg-versions", ".kg-current", ".kg-lock")


def kg_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "kg", *map(str, args)]


def run_kg(*args, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run(kg_cmd(*args), capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def outputs(out: Path) -> list[Path]:
    """The outputs at their documented paths in ``out`` (links included; the machinery and
    other hidden entries, such as a link or a temporary file a killed build left, left out)."""
    return sorted(p for p in out.iterdir() if not p.name.startswith(INTERNAL)
                  and not (p.name.startswith(".") and p.name not in UNSTABLE))


def snapshot(out: Path) -> dict[str, str]:
    """sha1 of every output file as a reader finds it at its documented path (links
    followed), by relative path."""
    snap = {}
    for top in outputs(out):
        files = [top] if top.is_file() else sorted(Path(root) / f for root, _, fs in os.walk(top) for f in fs)
        for p in files:
            snap[str(p.relative_to(out))] = hashlib.sha1(p.read_bytes()).hexdigest()
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
    top = {p.name for p in outputs(out) if p.exists()}
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
    r = run_kg("build", big_input, "--out", out, "-q", "--fast")
    assert r.returncode == 0, r.stderr
    return snapshot(out), _store_triples(out)


def _small_jsonl(path: Path, start: int, n: int) -> Path:
    s = sample_sentences()
    path.write_text("".join(json.dumps({"title": f"Paper {i}", "abstract": " ".join(s[i:i + 3])}) + "\n"
                            for i in range(start, start + n)), encoding="utf-8")
    return path


# -- killed builds -----------------------------------------------------------------------------------

def _staging(out: Path) -> list[Path]:
    """The build's staging folder, and the export's inside its version folder."""
    return [*out.glob(".kg-build-*"), *out.glob(".kg-versions/*/.kg-build-*")] if out.exists() else []


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
    assert {k for k in state if "/" not in k} >= {"graph.ttl", "graph.graphml", "papers.csv", "graph.html"}
    report = {}
    for when, reached in MOMENTS.items():
        old_inode = _inode(out / "graph.ttl")
        proc = subprocess.Popen(kg_cmd("build", big_input, "--out", out, "-q", "--fast"), cwd=ROOT,
                                start_new_session=True,
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
    r = run_kg("build", big_input, "--out", out, "-q", "--fast")
    assert r.returncode == 0, r.stderr
    now = snapshot(out)
    assert _split(now)[0] == _split(ref)[0]
    assert _store_triples(out) == ref_triples
    assert not [p.name for p in out.iterdir() if ".old-" in p.name]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """Build A (5 papers: tables, Neo4j, GraphML) and build B (6 other papers: tables, Neo4j,
    N-Triples), each finished in a folder of its own: the two states a reader may find."""
    from kg.build import build
    from kg.config import BuildConfig

    d = tmp_path_factory.mktemp("two-builds")
    configs = {"a": BuildConfig(inputs=(_small_jsonl(d / "a.jsonl", 0, 5),), formats=("tables", "neo4j", "graphml"),
                                quiet=True),
               "b": BuildConfig(inputs=(_small_jsonl(d / "b.jsonl", 10, 6),), formats=("tables", "neo4j", "ntriples"),
                                quiet=True)}
    for name, config in configs.items():
        build(dataclasses.replace(config, out_dir=d / name))
    plain = d / "a-plain"  # build A as an output folder written before versions: plain files
    for p in outputs(d / "a"):
        (shutil.copytree if p.is_dir() else shutil.copyfile)(p, plain / p.name)
    return configs, d


class Crash(Exception):
    """Stands for a kill: raised instead of a rename, a link or a removal in the output folder."""


@pytest.mark.parametrize("start", ["a", "a-plain"], ids=["versions", "plain-files-before-versions"])
def test_a_crash_at_any_step_of_the_switch_leaves_one_whole_build(two_builds, tmp_path, monkeypatch, start):
    """Build B replaces build A: stopped at each rename, link or removal in the output folder
    in turn, the folder shows all of A or all of B, never a mix (and the next build is clean)."""
    from kg.build import build

    configs, d = two_builds
    want = {"a": snapshot(d / "a"), "b": snapshot(d / "b")}
    out = tmp_path / "out"
    real = {name: getattr(os, name) for name in ("replace", "rename", "unlink", "symlink")}
    seen = []
    for k in itertools.count(1):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(d / start, out, symlinks=True)
        calls = 0

        def step(name, k=k):
            def call(*args, **kwargs):
                nonlocal calls
                dst = Path(args[1] if name in ("replace", "rename", "symlink") else args[0])
                if dst.parent == out:
                    calls += 1
                    if calls == k:
                        raise Crash(f"{name} {dst.name}")
                return real[name](*args, **kwargs)
            return call

        for name in real:
            monkeypatch.setattr(os, name, step(name))
        try:
            build(dataclasses.replace(configs["b"], out_dir=out))
            finished = True
        except Crash:
            finished = False
        finally:
            for name, f in real.items():
                monkeypatch.setattr(os, name, f)
        now = snapshot(out)
        state = next((name for name, snap in want.items() if now == snap), None)
        assert state is not None, (k, {n: sorted(set(now.items()) ^ set(snap.items())) for n, snap in want.items()})
        seen.append(state)
        if finished:
            break
    assert seen[-1] == "b" and "a" in seen, seen
    build(dataclasses.replace(configs["b"], out_dir=out))  # after the last crash: a clean build
    assert snapshot(out) == want["b"]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".kg-cache", ".kg-current",
                                                                               ".kg-versions"]
    assert len(list((out / ".kg-versions").iterdir())) == 1


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
    machinery = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
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
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == machinery
    assert len(list((out / ".kg-versions").iterdir())) == 1  # the failed build's version is gone
