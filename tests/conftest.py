"""Shared fixtures: the real sample corpus, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import EXPORT_FORMATS, BuildConfig, sample_corpus_dir

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def respelled(extractions: list, key: str = "efficientnet", written: str = "Efficient Net") -> list:
    """``extractions`` with the mentions of ``key`` in the last paper that has them written
    ``written`` (another key): one name spelled two ways in two papers, for the tests of what a
    build does with spellings ("EfficientNet" and "Efficient Net": the sample writes both, and
    whether the recognizer of the day tags the second is not what those tests are about)."""
    from dataclasses import replace

    from kg.extract.normalize import entity_key

    named = [i for i, ex in enumerate(extractions) if any(m.key == key for m in ex.mentions)]
    assert len(named) >= 2, f"fewer than two papers of the sample name {key!r}"
    out = list(extractions)
    ex = out[named[-1]]
    out[named[-1]] = replace(ex, mentions=tuple(
        m._replace(key=entity_key(written), label=written, text=written, in_vocabulary=False) if m.key == key else m
        for m in ex.mentions))
    return out


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test when the folder is absent (a user's clone)."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not available (../shared is absent)")
    return p


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return sample_corpus_dir()


@pytest.fixture(scope="session")
def nlp():
    """The rule pipeline (`--fast`): what most extraction tests test."""
    from kg.config import ExtractConfig
    from kg.extract import make_pipeline

    return make_pipeline(ExtractConfig(use_recognizer=False))


@pytest.fixture(scope="session")
def learned_nlp():
    """The default pipeline: the rules, then the learned recognizer."""
    from kg.extract import make_pipeline

    return make_pipeline()


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """`kg build` of the bundled sample corpus with every export, into a temporary folder."""
    from kg.build import build

    out = tmp_path_factory.mktemp("build")
    result = build(BuildConfig(out_dir=out, formats=EXPORT_FORMATS, quiet=True, jobs=1))
    return out, result


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it (and answers 500)."""

    def __init__(self):
        import socket
        import threading

        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.connections: list[bytes] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(4096))
                    conn.sendall(b"HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    self.connections.append(b"")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    """A local address that must never be reached (SERVICE tests): ``.url``, ``.connections``."""
    lst = Listener()
    yield lst
    lst.close()
