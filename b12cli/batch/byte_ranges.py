"""Cutting a delimited file into byte ranges that hold whole records.

A range ends at a newline outside quotes (quote parity), so a quoted newline is never cut;
a quote still open at the end of the file, or 8 MiB later, is the one exception: the line
opening it is read on its own, its quotes as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

# A record longer than this means its opening quote is never closed: no lab export holds a
# cell this long, and holding more would break the bounded memory of a batch run.
UNCLOSED_LIMIT = 8 << 20
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


def record_ranges(handle: BinaryIO, offset: int, block: int) -> Iterator[tuple[int, bytes, bool]]:
    """(start offset, bytes, unclosed) pieces of the file, each ending at a record boundary.

    `unclosed`: the piece is one line opening a quote that is still open UNCLOSED_LIMIT
    bytes later (read its quotes as text). Memory stays bounded by that limit either way."""
    pending, position, quotes = b"", offset, 0  # `quotes`: how many `pending` holds
    while True:
        more = handle.read(block)
        if not more:
            if pending:
                yield position, pending, False
            return
        cut = record_end(more, quotes)
        if cut:
            data, pending = pending + more[:cut], more[cut:]
            yield position, data, False
            position += len(data)
            quotes = pending.count(b'"')
            continue
        pending += more  # every newline so far lies inside quotes
        quotes += more.count(b'"')
        line = pending.find(b"\n") + 1
        if len(pending) > UNCLOSED_LIMIT and line:
            # The first line opens a quote that does not close: take it alone, and cut
            # what follows afresh, as if that quote had been text.
            yield position, pending[:line], True
            position += line
            pending = pending[line:]
            cut = record_end(pending)
            if cut:
                yield position, pending[:cut], False
                position += cut
                pending = pending[cut:]
            quotes = pending.count(b'"')


def record_end(data: bytes, quotes_before: int = 0) -> int:
    """Offset just past the last newline outside quotes (0 when there is none), `data`
    following `quotes_before` quote characters of the same record."""
    end = data.rfind(b"\n")
    if b'"' not in data and quotes_before % 2 == 0:
        return end + 1
    quotes = quotes_before + data.count(b'"', 0, end)
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
