"""A pass over bytes that should be UTF-8: NUL bytes, lines that are not UTF-8, and whether
any line holds UTF-8 beyond ASCII (which tells a UTF-8 file with a few foreign lines from a
cp1252 export). A quicker pass first finds the common case, plain ASCII, with nothing to note."""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field

from b12cli.batch.encodings import BLOCK, Opener
from b12cli.batch.lines import lines_with, pieces

# Two bytes that could start a multi-byte UTF-8 character: only lines holding one can be
# UTF-8 beyond ASCII, so a cp1252 export is judged without decoding each of its lines.
_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


@dataclass
class Survey:
    """What the pass found."""

    bad_line: int | None = None  # the first line that is not valid UTF-8
    utf8_text: bool = False  # some line is valid UTF-8 beyond ASCII
    nul: array[int] = field(default_factory=lambda: array("q"))  # lines holding a NUL byte


def survey(opener: Opener, newline: bytes = b"\n") -> Survey:
    """What the stream holds. Most exports are plain ASCII without a NUL byte, checked first
    in raw blocks (lines are counted only to tell where something was found); any other
    stream is read again in pieces of whole lines, ASCII pieces costing a byte scan, not a
    decode."""
    if plain_ascii(opener):
        return Survey()
    found = Survey()
    line = 1
    with opener() as source:
        for piece in pieces(source, newline):
            if b"\x00" in piece:
                found.nul.extend(lines_with(piece, b"\x00", newline, line))
            if not piece.isascii() and not (found.utf8_text and found.bad_line):
                _classify(piece, line, newline, found)
            line += piece.count(newline)
    return found


def plain_ascii(opener: Opener) -> bool:
    """Whether the stream is all ASCII and holds no NUL byte (then there is nothing to note)."""
    with opener() as source:
        while block := source.read(BLOCK):
            if not block.isascii() or b"\x00" in block:
                return False
    return True


def _classify(piece: bytes, line: int, newline: bytes, found: Survey) -> None:
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError as exc:
        if found.bad_line is None:
            found.bad_line = line + piece.count(newline, 0, exc.start)
        found.utf8_text = found.utf8_text or _has_utf8_line(piece, newline)
        return
    found.utf8_text = True


def _has_utf8_line(piece: bytes, newline: bytes) -> bool:
    """Whether a line of `piece` that could hold multi-byte UTF-8 decodes as UTF-8."""
    searched = 0
    while match := _MULTIBYTE.search(piece, searched):
        start = piece.rfind(newline, 0, match.start()) + 1
        end = piece.find(newline, match.end())
        end = len(piece) if end < 0 else end
        try:
            piece[start:end].decode("utf-8")
        except UnicodeDecodeError:
            searched = end
            continue
        return True
    return False
