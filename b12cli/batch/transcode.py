"""Copy an input's text to a UTF-8 file for the readers: from one encoding, or line by line
where a UTF-8 file holds lines in another, noting the lines that need a word in their row.

It streams in fixed-size blocks, so a multi-gigabyte export costs flat memory.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from b12cli.batch.encodings import BLOCK, LATIN1_FALLBACK, Opener, UndecodableError, line_at
from b12cli.batch.lines import LineNotes, lines_with, pieces

# What a line that is not UTF-8 in a UTF-8 file is read as: the usual cause is an Excel
# export (cp1252, latin-1 for the five bytes cp1252 leaves undefined) pasted into it.
RECODE_AS = "cp1252"


def transcode(
    opener: Opener, encoding: str, dest: str, *, errors: str, cr_only: bool, mixed: bool
) -> LineNotes:
    """Write the stream, decoded, to `dest` as UTF-8; the lines with a NUL and (`mixed`: a
    UTF-8 stream) those read as cp1252. UndecodableError on bytes `encoding` cannot decode.

    `errors` is a codec error handler; `cr_only` turns CR line ends into LF.
    """
    notes = LineNotes()
    newline = b"\r" if cr_only else b"\n"
    texts = _mixed(opener, notes, newline) if mixed else _decoded(opener, encoding, errors)
    line = 1
    with Path(dest).open("w", encoding="utf-8", newline="") as out:
        for text in texts:
            if cr_only:
                text = text.replace("\r", "\n")
            if "\x00" in text:
                notes.nul.extend(lines_with(text, "\x00", "\n", line))
            line += text.count("\n")
            out.write(text)
    return notes


def _decoded(opener: Opener, encoding: str, errors: str) -> Iterator[str]:
    """The stream decoded block by block; UndecodableError names the line of bad bytes."""
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    offset = 0
    with opener() as source:
        while block := source.read(BLOCK):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                pending = len(exc.object) - len(block)
                position = offset - pending + exc.start
                raise UndecodableError(line_at(opener, encoding, position)) from None
            offset += len(block)
            yield text
        try:
            yield decoder.decode(b"", final=True)  # a character cut off by the end of the file
        except UnicodeDecodeError:
            raise UndecodableError(line_at(opener, encoding, offset)) from None


def _mixed(opener: Opener, notes: LineNotes, newline: bytes) -> Iterator[str]:
    """UTF-8 text whose lines that are not UTF-8 are read as cp1252 (and noted)."""
    line, start = 1, True
    with opener() as source:
        for piece in pieces(source, newline):
            if start:
                piece, start = piece.removeprefix(codecs.BOM_UTF8), False
            try:
                yield piece.decode("utf-8")
            except UnicodeDecodeError:
                yield _line_by_line(piece, line, newline, notes)
            line += piece.count(newline)


def _line_by_line(piece: bytes, first: int, newline: bytes, notes: LineNotes) -> str:
    texts = []
    for number, raw in enumerate(piece.split(newline), start=first):
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(raw.decode(RECODE_AS, LATIN1_FALLBACK))
            if not notes.recoded or notes.recoded[-1] != number:  # a long line comes in parts
                notes.recoded.append(number)
    return newline.decode().join(texts)
