"""Where input bytes come from: a checked file, spooled stdin, gzip, any text encoding.

The delimited reader chunks a seekable UTF-8 file by byte range, so standard input and pipes
are spooled to a temporary file, and gzip or non-UTF-8 text is copied to one as UTF-8. The
copies are removed when the table's chunks are exhausted (or at exit at the latest).
Lines holding a NUL byte, or (in a UTF-8 file) bytes that are not UTF-8, are noted so the
readers can tell their rows.
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
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO, TypeVar

from b12cli.batch.early_check import plain_early
from b12cli.batch.encodings import (
    BLOCK,
    HEAD,
    LATIN1_FALLBACK,
    Opener,
    UndecodableError,
    canonical,
    from_head,
    is_utf8,
    looks_binary,
    looks_foreign,
)
from b12cli.batch.lines import LineNotes
from b12cli.batch.sniff import container, is_gzip
from b12cli.batch.transcode import transcode
from b12cli.batch.utf8_scan import Survey, survey
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
    if encoding is None and looks_foreign(head):
        raise UsageError(
            f"{name}: binary data, or text in an encoding other than UTF-8 or cp1252 "
            "(if it is text, name it with --encoding)"
        )
    return text


@dataclass(frozen=True)
class TextFile:
    """A UTF-8 file holding the input's text, and the lines the decoder had to note."""

    path: str
    notes: LineNotes


def utf8_file(path: str, name: str, forced: str | None, temps: TempFiles) -> TextFile:
    """The text of `path` in a UTF-8 file (itself when it already is one; else a copy)."""
    try:
        return _utf8_file(path, name, forced, temps)
    except (OSError, EOFError, zlib.error) as exc:
        raise UsageError(f"{name}: damaged or unreadable data ({type(exc).__name__})") from None


def _utf8_file(path: str, name: str, forced: str | None, temps: TempFiles) -> TextFile:
    open_bytes, head, compressed = opener(path)
    encoding = canonical(forced) if forced else from_head(head)
    text = head_text(name, head, encoding)
    cr_only = "\r" in text and "\n" not in text  # classic Mac OS line ends
    errors, mixed, notes = "strict", False, LineNotes()
    if encoding is None or is_utf8(encoding):
        plain = not compressed and plain_early(path)  # the first pass, if already made
        found = Survey() if plain else survey(open_bytes, b"\r" if cr_only else b"\n")
        encoding, errors, mixed = _choose(found, encoding, forced is not None, name)
        notes.nul = found.nul
    if is_utf8(encoding) and not (mixed or compressed or cr_only):
        return TextFile(path, notes)
    dest = temps.new(".csv")
    try:
        notes = transcode(open_bytes, encoding, dest, errors=errors, cr_only=cr_only, mixed=mixed)
    except UndecodableError as exc:
        raise UsageError(_undecodable(name, exc.line, encoding)) from None
    return TextFile(dest, notes)


def _choose(found: Survey, encoding: str | None, forced: bool, name: str) -> tuple[str, str, bool]:
    """(encoding, error handler, whether lines mix encodings) for text that may be UTF-8.

    UTF-8 when it all decodes; cp1252 (with latin-1 for its five undefined bytes) when no
    line is UTF-8 beyond ASCII; otherwise UTF-8 with the other lines read as cp1252 and their
    rows told so: reading it all as cp1252 would garble every accented letter and micro sign
    of the UTF-8 lines, and replacing the foreign bytes would lose them silently.
    """
    if found.bad_line is None:
        return encoding or "utf-8", "strict", False
    if forced:
        raise UsageError(_undecodable(name, found.bad_line, encoding or "utf-8"))
    if found.utf8_text or encoding is not None:  # a UTF-8 byte-order mark says UTF-8 too
        return "utf-8", "strict", True
    return "cp1252", LATIN1_FALLBACK, False


def _undecodable(name: str, line: int, encoding: str) -> str:
    hint = "; try --encoding cp1252" if is_utf8(encoding) else ""
    return f"{name}: line {line}: bytes that are not valid {encoding}{hint}"
