"""Open input files (and pipes) once as text: gzip and bz2 by their magic bytes, encodings by
BOM or fallback, lines of bounded length."""

from __future__ import annotations

import bz2
import codecs
import contextlib
import gzip
import io
import os
import select
import stat
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from kg.config import MAX_LINE_CHARS, SNIFF_CHARS
from kg.errors import InputError, path_text, printable

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
        return InputError(f"cannot decode as {e.encoding}: {e.reason}", path_text(path), line)
    if isinstance(e, UnicodeError):
        return InputError(f"cannot decode: {e}", path_text(path), line)
    return InputError(f"file is truncated or corrupt ({e})", path_text(path), line)


codecs.register_error("kg-cp1252", _cp1252_fallback)


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
    """Whether the whole 4-byte units of ``data`` are all at most U+10FFFF. A lone surrogate
    passes: it is a bad character of a UTF-32 file (read as U+FFFD), while UTF-16 text read as
    4-byte units is above U+10FFFF unless every other character is a NUL."""
    for i in range(0, len(data) - 3, 4):
        cp = int.from_bytes(data[i:i + 4], byteorder)  # type: ignore[arg-type]
        if cp > 0x10FFFF:
            return False
    return True


def _utf16_text(low: bytes, high: bytes) -> bool:
    latin = [lo for lo, hi in zip(low, high) if hi == 0]
    return (bool(latin) and 0 not in low and len(latin) * 4 >= len(high)
            and all(b >= 0x20 or b in (9, 10, 13) for b in latin))


#: A pipe that has had nothing written to it for this long gets a line on stderr saying what
#: the build waits for (then it keeps waiting: a writer may come).
PIPE_NOTICE_SECONDS = 2.0
#: Chunk in which the rest of an over-long line is read past.
_CHUNK_CHARS = 1 << 20


class LongLine(NamedTuple):
    """Stands for a line longer than :data:`~kg.config.MAX_LINE_CHARS`, read past in bounded
    chunks and never held; readers report it and skip it."""

    chars: int  #: its length, line end included

    def problem(self) -> str:
        return f"line of {self.chars:,} characters, longer than the {MAX_LINE_CHARS:,} a record may have; skipped"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _open_raw(path: Path) -> io.BufferedReader:
    """Open a regular file or a pipe (a FIFO, ``<(...)``, ``/dev/stdin`` fed by a pipe) for
    reading bytes; refuse devices, sockets and folders without reading them.

    Opened non-blocking and checked on the open descriptor, so a FIFO with no writer does not
    block the open: the build says what it waits for (:func:`_wait_for_data`).
    """
    p = path_text(path)
    try:
        mode = os.stat(path).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):  # not even opened: /dev/zero, a tape, a tty
            raise InputError(f"is {_kind(mode)}, not a file or a pipe", p)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError("no such file", p) from None
    except OSError as e:
        raise InputError(f"cannot open: {e.strerror or e}", p) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISFIFO(mode):
            _wait_for_data(fd, path)
        elif not stat.S_ISREG(mode):
            raise InputError(f"is {_kind(mode)}, not a file or a pipe", p)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _wait_for_data(fd: int, path: Path) -> None:
    """Wait until a pipe has data or its writer closed it, saying so on stderr if that takes
    more than :data:`PIPE_NOTICE_SECONDS` (a FIFO nobody writes to would otherwise look like
    a hang). Ctrl-C stops the wait."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    if not poller.poll(int(PIPE_NOTICE_SECONDS * 1000)):
        print(f"kg: waiting for input from {printable(path_text(path))} (a pipe nothing has been written to yet; "
              "Ctrl-C stops)", file=sys.stderr, flush=True)
        poller.poll()


class TextFile:
    """An input file opened once as text, for streaming line by line with bounded memory.

    gzip and bz2 are recognized by their magic bytes; the encoding is taken from a BOM, else
    UTF-8 with stray bytes read as Windows-1252 (or the one given). The first lines, at least
    :data:`~kg.config.SNIFF_CHARS` characters, are read at once for choosing a reader
    (:attr:`head_lines`) and yielded again by :meth:`lines`, so a pipe (``kg build <(...)``)
    is read once and loses nothing. A line longer than :data:`~kg.config.MAX_LINE_CHARS` is
    read past in chunks and yielded as a :class:`LongLine`.

    Parameters
    ----------
    path : Path
        A plain, gzip- or bz2-compressed file, or a pipe.
    encoding : str, optional
        Force an encoding (decoded strictly).

    Raises
    ------
    InputError
        If the file cannot be opened, is not a file or a pipe, is empty, is compressed but
        corrupt, is binary (NUL bytes), or the encoding is unknown.
    """

    def __init__(self, path: Path, encoding: str | None = None):
        self.path = Path(path)
        self._stack = contextlib.ExitStack()
        self._n = 0  # lines read so far
        self._error: InputError | None = None  # met after the first lines: raised after them
        self.head_lines: list[str | LongLine] = []
        try:
            self._raw: io.BufferedReader | None = None
            self._text = self._stack.enter_context(self._open(encoding))
            size = 0
            while size < SNIFF_CHARS and (line := self._readline()):
                self.head_lines.append(line)
                size += len(line) if isinstance(line, str) else SNIFF_CHARS
        except InputError as e:
            if not self.head_lines:
                self._stack.close()
                raise
            self._error = e  # a gzip stream cut off after its first lines: they are read first
        except BaseException:
            self._stack.close()
            raise

    def __str__(self) -> str:
        return path_text(self.path)

    def _open(self, encoding: str | None) -> io.TextIOWrapper:
        p = str(self)
        stream = raw = self._raw = self._stack.enter_context(_open_raw(self.path))
        try:
            magic = raw.peek(4)[:4]
            if magic.startswith(_GZIP_MAGIC):
                stream = self._stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))
            elif magic.startswith(_BZ2_MAGIC):
                stream = self._stack.enter_context(bz2.BZ2File(raw, mode="rb"))
            head = stream.peek(64)[:64]
        except (OSError, EOFError, zlib.error) as e:
            raise InputError(f"cannot decompress: {e}", p) from None
        if not head:
            raise InputError("empty file", p)
        if encoding is None:
            encoding = detect_encoding(head)
            # UTF-8 (with or without a BOM) reads stray Latin-1/cp1252 bytes as such; in
            # UTF-16/32 an unpaired surrogate or a cut-off code unit becomes U+FFFD.
            errors = "kg-cp1252" if encoding.startswith("utf-8") else "replace"
        else:
            errors = "strict"
        try:
            encoding = codecs.lookup(encoding).name
            text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline=None)
        except LookupError:
            raise InputError(f"unknown text encoding {encoding!r}", p) from None
        if encoding.startswith("utf-8") and b"\x00" in head:
            raise InputError("looks like a binary file, not text", p)
        sample = ""
        for mode in ("replace", "strict"):  # (idna has no "replace")
            with contextlib.suppress(UnicodeError):
                sample = head.decode(encoding, mode)
                break
        if sample and sample.count("\x00") * 2 >= len(sample):  # /dev/zero, or UTF-16 read as ASCII
            raise InputError(f"looks like a binary file, not text (NUL characters as {encoding})", p)
        return text

    def position(self) -> int | None:
        """Bytes of the file taken so far (read ahead by buffers included; for gzip and bz2 the
        compressed bytes), or None for a pipe."""
        try:
            return self._raw.tell() if self._raw is not None and not self._raw.closed else None
        except OSError:
            return None

    def _readline(self) -> str | LongLine:
        """The next line (its end kept, as "\\n"), a LongLine, or "" at the end."""
        try:
            line = self._text.readline(MAX_LINE_CHARS + 1)
            if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
                chars, chunk = 0, line
                while chunk:
                    if chunk.count("\x00") * 2 > len(chunk):  # endless NULs: stop, do not read on
                        raise InputError("binary data (NUL characters), not text", str(self), self._n + 1)
                    chars += len(chunk)
                    if chunk.endswith("\n"):
                        break
                    chunk = self._text.readline(_CHUNK_CHARS)
                line = LongLine(chars)
        except READ_ERRORS as e:
            raise read_error(e, self.path, self._n + 1) from None
        if line:
            self._n += 1
        return line

    def lines(self) -> Iterator[str | LongLine]:
        """Every line from the first (line ends kept, as "\\n": universal newlines); once.

        Raises
        ------
        InputError
            On a failure to decode or decompress, naming the file and line.
        """
        head, self.head_lines = self.head_lines, []
        yield from head
        if self._error is not None:
            raise self._error
        while line := self._readline():
            yield line

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> TextFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextlib.contextmanager
def opened(source: Path | TextFile, encoding: str | None = None) -> Iterator[TextFile]:
    """``source`` if it is an open :class:`TextFile` (left open), else the file opened (and
    closed after the block)."""
    if isinstance(source, TextFile):
        yield source
    else:
        with TextFile(source, encoding) as f:
            yield f


def text_lines(source: Path | TextFile, encoding: str | None = None) -> Iterator[str | LongLine]:
    """Yield the lines of a text file, line ends kept (as "\\n": universal newlines), and a
    :class:`LongLine` for each line too long to read.

    Raises
    ------
    InputError
        On any failure to open, decode or decompress, naming the file and line.
    """
    with opened(source, encoding) as f:
        yield from f.lines()


def numbered_lines(source: Path | TextFile, encoding: str | None = None) -> Iterator[tuple[int, str | LongLine]]:
    """Yield ``(line_number, line)`` pairs (1-based, newline stripped; a :class:`LongLine` as it is).

    Raises
    ------
    InputError
        On any failure to open, decode or decompress, naming the file and line.
    """
    for n, line in enumerate(text_lines(source, encoding), start=1):
        yield n, line.rstrip("\r\n") if isinstance(line, str) else line
