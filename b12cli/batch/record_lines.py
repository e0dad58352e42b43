"""Which data row of a delimited UTF-8 file holds a given line.

Records may span lines (quoted newlines), so lines are counted into records the way the
delimited reader cuts them: a record ends at a newline outside quotes, empty lines between
records are skipped, the first record is the header, and a quote still open at the end of
the file makes the line that opened it a record of its own. This reads the file once more,
so it is only done when the decoder noted some lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

_BLANK = (b"\n", b"\r\n")


@dataclass
class _Scan:
    """Where counting stands: the next line, its offset, data rows so far, header read."""

    line: int = 1
    offset: int = 0
    rows: int = 0
    header: bool = False
    found: dict[int, int] = field(default_factory=dict)


def data_rows(path: str, lines: Sequence[int]) -> dict[int, int]:
    """Each of `lines` -> the 1-based data row holding it (0: the header or an empty line)."""
    wanted = set(lines)
    scan = _Scan()
    with Path(path).open("rb") as handle:
        while wanted - scan.found.keys():
            opened = _count(handle, scan, wanted)
            if opened is None:
                break
            scan.line, scan.offset = opened
    return {line: scan.found.get(line, 0) for line in lines}


def _count(handle: BinaryIO, scan: _Scan, wanted: set[int]) -> tuple[int, int] | None:
    """Count records from `scan`; (line, offset) just past the line of a quote left open at
    the end of the file (that line made a record of its own), else None."""
    handle.seek(scan.offset)
    line, offset = scan.line, scan.offset
    start: tuple[int, int] | None = None  # the open record's first line and offset
    members: list[int] = []
    quotes = 0
    for raw in handle:
        if start is None and raw in _BLANK:
            line, offset = line + 1, offset + len(raw)
            continue
        if start is None:
            start, quotes, members = (line, offset), 0, []
        quotes += raw.count(b'"')
        if line in wanted:
            members.append(line)
        line, offset = line + 1, offset + len(raw)
        if quotes % 2 == 0:
            _close(scan, members)
            start = None
            if not wanted - scan.found.keys():
                return None
    if start is None:
        return None
    if not scan.header:  # a header that never ends: the reader takes it all as the header
        _close(scan, members)
        return None
    first, at = start
    _close(scan, [first] if first in wanted else [])
    handle.seek(at)
    return first + 1, at + len(handle.readline())


def _close(scan: _Scan, members: list[int]) -> None:
    """A record ends: the header first, then data rows numbered from 1."""
    if scan.header:
        scan.rows += 1
    for line in members:
        scan.found[line] = scan.rows if scan.header else 0
    scan.header = True
