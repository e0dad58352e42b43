"""Where input bytes come from: a checked file, spooled stdin, gzip, any text encoding.

The delimited reader chunks a seekable UTF-8 file by byte range, so standard input and pipes
are spooled to a temporary file, and gzip or non-UTF-8 text is copied to one as UTF-8. The
copies are removed when the table's chunks are exhausted (or at exit at the latest).
"""

from __future__ import annotations

import atexit
import gzip
import os
import shutil
import stat
import sys
import tempfile
import zlib
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO, TypeVar

from b12cli.batch.encodings import (
    BLOCK,
    HEAD,
    LATIN1_FALLBACK,
    Opener,
    UndecodableError,
    canonical,
    first_bad,
    from_head,
    is_utf8,
    looks_binary,
    transcode,
)
from b12cli.batch.sniff import container, is_gzip
from b12cli.errors import UsageError

T = TypeVar("T")
STDIN = "-"


class TempFiles:
    """Temporary files owned by one table: removed after its last chunk, or at exit."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        atexit.register(self.remove)

    def new(self, suffix: str) -> str:
        """The path of a new empty temporary file."""
        handle, path = tempfile.mkstemp(prefix="b12cli-", suffix=suffix)
        os.close(handle)
        self.paths.append(path)
        return path

    def remove(self) -> None:
        """Delete every file made so far (missing ones are fine)."""
        while self.paths:
            Path(self.paths.pop()).unlink(missing_ok=True)

    def owning(self, chunks: Iterator[T]) -> Iterator[T]:
        """The same chunks, then the files removed (also when the consumer stops early)."""
        try:
            yield from chunks
        finally:
            self.remove()


def display_name(path: str) -> str:
    """How messages name an input."""
    return "standard input" if path == STDIN else path


def local_file(path: str, temps: TempFiles) -> str:
    """A regular, readable file holding the input (stdin and pipes are spooled to one)."""
    if path == STDIN:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no input: give a FILE, or pipe data into '-'")
        return _spool(sys.stdin.buffer, temps)
    try:
        mode = Path(path).stat().st_mode
        if stat.S_ISDIR(mode):
            raise UsageError(f"{path}: is a directory, not a file")
        with Path(path).open("rb") as handle:
            return path if stat.S_ISREG(mode) else _spool(handle, temps)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it: {exc.strerror or exc}") from None


def _spool(stream: BinaryIO, temps: TempFiles) -> str:
    dest = temps.new(".spool")
    with Path(dest).open("wb") as out:
        shutil.copyfileobj(stream, out, BLOCK)
    return dest


def opener(path: str) -> tuple[Opener, bytes, bool]:
    """A function opening the (decompressed) bytes, their first bytes, and whether gzipped."""
    with Path(path).open("rb") as handle:
        compressed = is_gzip(handle.read(2))
    opens = partial(gzip.open, path, "rb") if compressed else partial(Path(path).open, "rb")
    open_bytes: Opener = opens  # type: ignore[assignment]
    with open_bytes() as handle:
        head = handle.read(HEAD)
    return open_bytes, head, compressed


def peek(path: str, name: str) -> bytes:
    """The first (decompressed) bytes; UsageError when there are none or gzip is damaged."""
    try:
        head = opener(path)[1]
    except (OSError, EOFError, zlib.error) as exc:
        raise UsageError(f"{name}: damaged or unreadable data ({type(exc).__name__})") from None
    if not head:
        raise UsageError(f"{name}: the file is empty")
    return head


def head_text(name: str, head: bytes, encoding: str | None) -> str:
    """The first bytes as text; UsageError for an empty file, a workbook or binary data."""
    what = container(head)
    if what:
        raise UsageError(f"{name}: this is {what}")
    text = head.decode(encoding or "latin-1", errors="ignore").lstrip("\ufeff")
    if not text.strip():
        raise UsageError(f"{name}: the file is empty")
    if encoding is None and looks_binary(head):
        raise UsageError(f"{name}: binary data, not a text table")
    return text


def utf8_file(path: str, name: str, forced: str | None, temps: TempFiles) -> str:
    """A UTF-8 file with the text of `path` (itself when it already is one; else a copy)."""
    try:
        return _utf8_file(path, name, forced, temps)
    except (OSError, EOFError, zlib.error) as exc:
        raise UsageError(f"{name}: damaged or unreadable data ({type(exc).__name__})") from None


def _utf8_file(path: str, name: str, forced: str | None, temps: TempFiles) -> str:
    open_bytes, head, compressed = opener(path)
    encoding = canonical(forced) if forced else from_head(head)
    text = head_text(name, head, encoding)
    cr_only = "\r" in text and "\n" not in text  # classic Mac OS line ends
    errors = "strict"
    if encoding is None:
        encoding, errors = _guess(open_bytes, name)
    elif is_utf8(encoding):
        _fail_on(first_bad(open_bytes, encoding), name, encoding)
    if is_utf8(encoding) and errors == "strict" and not compressed and not cr_only:
        return path
    dest = temps.new(".csv")
    try:
        transcode(open_bytes, encoding, dest, errors=errors, cr_only=cr_only)
    except UndecodableError as exc:
        _fail_on(exc, name, encoding)
    return dest


def _guess(open_bytes: Opener, name: str) -> tuple[str, str]:
    """UTF-8 if the bytes decode; else cp1252 (with latin-1 for its five undefined bytes).

    A file that is UTF-8 up to a few stray bytes stays UTF-8, the strays replaced by U+FFFD:
    reading it all as cp1252 would garble every accented letter and micro sign before them.
    """
    bad = first_bad(open_bytes, "utf-8")
    if bad is None:
        return "utf-8", "strict"
    if bad.nul:
        _fail_on(bad, name, "utf-8")
    return ("utf-8", "replace") if bad.after_text else ("cp1252", LATIN1_FALLBACK)


def _fail_on(bad: UndecodableError | None, name: str, encoding: str) -> None:
    if bad is None:
        return
    if bad.nul:
        raise UsageError(f"{name}: line {bad.line}: binary data (a NUL byte), not text")
    hint = "; try --encoding cp1252" if is_utf8(encoding) else ""
    raise UsageError(f"{name}: line {bad.line}: bytes that are not valid {encoding}{hint}")
