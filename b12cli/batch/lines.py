"""Bytes read a piece of whole lines at a time, and what the decoder found on which line."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import AnyStr, BinaryIO

from b12cli.batch.encodings import BLOCK

# A line longer than this is cut (at a UTF-8 character boundary) so memory stays flat.
LONG_LINE = 64 << 20


def _lines() -> array[int]:
    return array("q")


@dataclass
class LineNotes:
    """1-based lines, ascending, of the UTF-8 text the readers get, that need a word in their
    row. Kept as arrays: a damaged file may have millions."""

    nul: array[int] = field(default_factory=_lines)  # a NUL byte: the row cannot be trusted
    recoded: array[int] = field(default_factory=_lines)  # not UTF-8 in a UTF-8 file: cp1252

    def __bool__(self) -> bool:
        return bool(self.nul or self.recoded)


def pieces(source: BinaryIO, newline: bytes = b"\n") -> Iterator[bytes]:
    """The stream in pieces that end just after a `newline` (the last one: at the end)."""
    parts: list[bytes] = []
    size = 0
    while block := source.read(BLOCK):
        cut = block.rfind(newline) + 1
        if cut == 0 and size + len(block) <= LONG_LINE:
            parts.append(block)
            size += len(block)
            continue
        if cut == 0:
            cut = _char_start(block)
        parts.append(block[:cut])
        yield b"".join(parts)
        parts, size = [block[cut:]], len(block) - cut
    if size:
        yield b"".join(parts)


def _char_start(block: bytes) -> int:
    """Where to cut a block of UTF-8 so no character is split: before a lead byte near the end."""
    for i in range(len(block) - 1, max(len(block) - 4, 0) - 1, -1):
        if block[i] >= 0xC0:
            return i
        if block[i] < 0x80:
            break
    return len(block)


def lines_with(piece: AnyStr, char: AnyStr, newline: AnyStr, first: int) -> Iterator[int]:
    """The line numbers (counted from `first`) of the lines of `piece` that hold `char`."""
    line, counted = first, 0
    at = piece.find(char)
    while at >= 0:
        line += piece.count(newline, counted, at)
        counted = at
        yield line
        end = piece.find(newline, at)
        if end < 0:
            return
        at = piece.find(char, end)
