"""Open input files as text: gzip and bz2 by their magic bytes, encodings by BOM or fallback."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError

_GZIP_MAGIC = b"\x1f\x8b"
_BZ2_MAGIC = b"BZh"


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as Windows-1252 (a superset of printable Latin-1).

    Mixed or Latin-1 files then read with every character kept instead of failing; bytes
    that cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) fall back to Latin-1, which
    maps every byte. Decoded byte by byte: a bad range can be several bytes long (a truncated
    sequence such as ``E2 81``), and none of them may be dropped.
    """
    bad = err.object[err.start:err.end]
    return "".join(_CP1252[b] for b in bad), err.end


_CP1252 = [bytes([b]).decode("cp1252", errors="ignore") or bytes([b]).decode("latin-1") for b in range(256)]

#: What a damaged file raises while it is read: a truncated or corrupt gzip/bz2 stream
#: (EOFError, OSError incl. gzip.BadGzipFile, zlib.error) or bytes a forced encoding
#: cannot decode (UnicodeDecodeError; the UTF-16/32 decoders also raise a plain UnicodeError,
#: "stream does not start with BOM").
READ_ERRORS = (OSError, EOFError, zlib.error, UnicodeError)


def read_error(e: BaseException, path: Path | str, line: int | None = None) -> InputError:
    """The one-line InputError for an exception in :data:`READ_ERRORS`."""
    if isinstance(e, UnicodeDecodeError):
        return InputError(f"cannot decode as {e.encoding}: {e.reason}", str(path), line)
    if isinstance(e, UnicodeError):
        return InputError(f"cannot decode: {e}", str(path), line)
    return InputError(f"file is truncated or corrupt ({e})", str(path), line)


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
    # Reopened by name: GzipFile/BZ2File close only the files they opened themselves.
    if head.startswith(_GZIP_MAGIC):
        raw.close()
        return gzip.GzipFile(path, mode="rb")  # type: ignore[return-value]
    if head.startswith(_BZ2_MAGIC):
        raw.close()
        return bz2.BZ2File(path, mode="rb")  # type: ignore[return-value]
    return raw


def detect_encoding(head: bytes) -> str:
    """Pick an encoding from a file's first bytes: a BOM wins, then UTF-8."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one; a UTF-16-LE file whose
    # first character is a NUL starts with the same four bytes, so the code units after the
    # BOM must be UTF-32 code points too
    if head.startswith(codecs.BOM_UTF32_LE) and _utf32_units(head[4:], "little"):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF32_BE) and _utf32_units(head[4:], "big"):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    # UTF-16 without a BOM: every other byte of ASCII text is NUL. Either the first two
    # characters are ASCII, or at least a quarter of the characters are Latin-1 text
    # (the NUL byte of each at the same parity, the other byte printable or a line break)
    # and there is no NUL at the other parity (binary files have NULs anywhere).
    if len(head) >= 4 and head[1:4:2] == b"\x00\x00" and head[0:4:2] != b"\x00\x00":
        return "utf-16-le"
    if len(head) >= 4 and head[0:4:2] == b"\x00\x00" and head[1:4:2] != b"\x00\x00":
        return "utf-16-be"
    if _utf16_text(head[0::2], head[1::2]):
        return "utf-16-le"
    if _utf16_text(head[1::2], head[0::2]):
        return "utf-16-be"
    return "utf-8"


def _utf32_units(data: bytes, byteorder: str) -> bool:
    """Whether the whole 4-byte units of ``data`` are all Unicode code points (not surrogates)."""
    for i in range(0, len(data) - 3, 4):
        cp = int.from_bytes(data[i:i + 4], byteorder)  # type: ignore[arg-type]
        if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
            return False
    return True


def _utf16_text(low: bytes, high: bytes) -> bool:
    latin = [lo for lo, hi in zip(low, high) if hi == 0]
    return (bool(latin) and 0 not in low and len(latin) * 4 >= len(high)
            and all(b >= 0x20 or b in (9, 10, 13) for b in latin))


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
        try:
            head = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
        except (OSError, EOFError, zlib.error) as e:
            raise InputError(f"cannot decompress: {e}", str(path)) from None
        if not head:
            raise InputError("empty file", str(path))
        if encoding is None:
            encoding = detect_encoding(head)
            # UTF-8 (with or without a BOM) reads stray Latin-1/cp1252 bytes as such; in
            # UTF-16/32 an unpaired surrogate or a cut-off code unit becomes U+FFFD.
            errors = "kg-cp1252" if encoding.startswith("utf-8") else "replace"
        else:
            try:
                encoding = codecs.lookup(encoding).name
            except LookupError:
                raise InputError(f"unknown encoding {encoding!r}", str(path)) from None
            errors = "strict"
        if encoding.startswith("utf-8") and b"\x00" in head:
            raise InputError("looks like a binary file, not text", str(path))
        return io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline=None)
    except BaseException:
        stream.close()
        raise


def text_lines(path: Path, encoding: str | None = None) -> Iterator[str]:
    """Yield the lines of a text file, line ends kept (as "\\n": universal newlines).

    Raises
    ------
    InputError
        On any failure to open, decode or decompress, naming the file and line.
    """
    n = 0
    with open_text(path, encoding) as f:
        try:
            for n, line in enumerate(f, start=1):  # noqa: B007 (n is used after the loop)
                yield line
        except READ_ERRORS as e:
            raise read_error(e, path, n + 1) from None


def numbered_lines(path: Path, encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` pairs (1-based, newline stripped).

    Raises
    ------
    InputError
        On any failure to open, decode or decompress, naming the file and line.
    """
    for n, line in enumerate(text_lines(path, encoding), start=1):
        yield n, line.rstrip("\r\n")
