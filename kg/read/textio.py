"""Open input files as text: gzip and bz2 by their magic bytes, encodings by BOM or fallback."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError

_GZIP_MAGIC = b"\x1f\x8b"
_BZ2_MAGIC = b"BZh"


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as Windows-1252 (a superset of printable Latin-1).

    Mixed or Latin-1 files then read with every character kept instead of failing; bytes
    that cp1252 leaves undefined fall back to Latin-1, which maps every byte.
    """
    bad = err.object[err.start:err.end]
    return bad.decode("cp1252", errors="ignore") or bad.decode("latin-1"), err.end


codecs.register_error("kg-cp1252", _cp1252_fallback)


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open ``path`` for reading bytes, decompressing gzip or bz2 transparently.

    Raises
    ------
    InputError
        If the file is missing, a folder, or unreadable.
    """
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise InputError("no such file", str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", str(path)) from None
    except OSError as e:
        raise InputError(f"cannot open: {e.strerror}", str(path)) from None
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    if head.startswith(_GZIP_MAGIC):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if head.startswith(_BZ2_MAGIC):
        return bz2.BZ2File(raw, mode="rb")  # type: ignore[return-value]
    return raw


def detect_encoding(head: bytes) -> str:
    """Pick an encoding from a file's first bytes: a BOM wins, then UTF-8."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    if len(head) >= 4 and head[1:4:2] == b"\x00\x00" and head[0:4:2] != b"\x00\x00":
        return "utf-16-le"
    if len(head) >= 4 and head[0:4:2] == b"\x00\x00" and head[1:4:2] != b"\x00\x00":
        return "utf-16-be"
    return "utf-8"


def open_text(path: Path, encoding: str | None = None) -> io.TextIOBase:
    """Open ``path`` as text for streaming line by line.

    Parameters
    ----------
    path : Path
        A plain, gzip- or bz2-compressed file.
    encoding : str, optional
        Force an encoding; by default a BOM decides, else UTF-8 with undecodable bytes read
        as Windows-1252.

    Raises
    ------
    InputError
        If the file cannot be opened, is empty, is compressed but corrupt, or is binary.
    """
    stream = open_binary(path)
    try:
        head = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
    except (OSError, EOFError) as e:
        raise InputError(f"cannot decompress: {e}", str(path)) from None
    if not head:
        raise InputError("empty file", str(path))
    if encoding is None:
        encoding = detect_encoding(head)
        errors = "kg-cp1252" if encoding == "utf-8" else "replace"
    else:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", str(path)) from None
        errors = "strict"
    if encoding.startswith("utf-8") and b"\x00" in head:
        raise InputError("looks like a binary file, not text", str(path))
    return io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline=None)


def numbered_lines(path: Path, encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` pairs (1-based, newline stripped).

    Raises
    ------
    InputError
        On any failure to open, decode or decompress, naming the file and line.
    """
    n = 0
    with open_text(path, encoding) as f:
        try:
            for n, line in enumerate(f, start=1):
                yield n, line.rstrip("\r\n")
        except UnicodeDecodeError as e:
            raise InputError(f"cannot decode as {f.encoding}: {e.reason}", str(path), n + 1) from None
        except (OSError, EOFError) as e:
            # truncated gzip/bz2 stream
            raise InputError(f"file is truncated or corrupt ({e})", str(path), n + 1) from None
