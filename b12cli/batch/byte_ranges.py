"""Cutting a delimited file into byte ranges that hold whole records.

A range ends at a newline outside quotes (quote parity), so a quoted newline is never cut;
a quote still open at the end of the file is the one exception, handled line by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

# A record longer than this with no even-quoted newline means the quotes are not CSV quoting.
MAX_PENDING = 128 << 20
_BLANK_LINES = re.compile(rb"(?:^|\n)(?:\r?\n)+")


class RefusedError(Exception):
    """The bytes from `start` (data row `row`) on cannot be read as delimited records."""

    def __init__(self, start: int, row: int = 1) -> None:
        super().__init__(start)
        self.start, self.row = start, row


def split_unclosed(data: bytes) -> Iterator[tuple[bytes, bool]]:
    """`data`, or, when a quote in it is never closed (only the file's last piece can end
    inside quotes), the records before it, the line holding it (True: read its quotes as
    text, so it cannot swallow the lines after it), and what follows, split the same way."""
    while b'"' in data and data.count(b'"') % 2:
        cut = record_end(data)
        if cut:
            yield data[:cut], False
        line_end = data.find(b"\n", cut)
        end = len(data) if line_end < 0 else line_end + 1
        yield data[cut:end], True
        data = data[end:]
    if data:
        yield data, False


def record_ranges(handle: BinaryIO, offset: int, block: int) -> Iterator[tuple[int, bytes]]:
    """(start offset, bytes) pieces of the file, each ending at a record boundary."""
    pending, position = b"", offset
    while True:
        more = handle.read(block)
        data = pending + more if pending else more
        if not more:
            if data:
                yield position, data
            return
        cut = record_end(data)
        if cut == 0:
            if len(data) > MAX_PENDING:
                raise RefusedError(position)
            pending = data
            continue
        yield position, data[:cut]
        position += cut
        pending = data[cut:]


def record_end(data: bytes) -> int:
    """Offset just past the last newline outside quotes (0 when there is none)."""
    end = data.rfind(b"\n")
    if b'"' not in data:
        return end + 1
    quotes = data.count(b'"', 0, end)
    while end >= 0:
        if quotes % 2 == 0:
            return end + 1
        before = data.rfind(b"\n", 0, end)
        quotes -= data.count(b'"', max(before, 0), end)
        end = before
    return 0


def drop_blank_lines(data: bytes) -> bytes:
    """Remove empty lines outside quotes: they are not records (polars would make null rows)."""
    crlf = b"\r" in data  # one fast byte search; most files have no CR at all
    if b"\n\n" not in data and not (crlf and b"\n\r\n" in data) and data[:1] not in (b"\n", b"\r"):
        return data
    pieces, last, counted, quotes = [], 0, 0, 0
    for match in _BLANK_LINES.finditer(data):
        quotes += data.count(b'"', counted, match.start())
        counted = match.start()
        if quotes % 2 == 0:
            pieces.append(data[last : match.start()])
            pieces.append(b"\n" if match.start() else b"")
            last = match.end()
    pieces.append(data[last:])
    return b"".join(pieces)
