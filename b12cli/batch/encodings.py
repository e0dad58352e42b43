"""Text encodings of lab exports: detect them, check UTF-8, and transcode the rest to UTF-8.

Everything streams in fixed-size blocks so a multi-gigabyte export costs flat memory; the
one copy made (for non-UTF-8, gzip or old Mac line endings) goes to a temporary file that
the fast delimited reader then chunks by byte range.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from b12cli.errors import UsageError

BLOCK = 1 << 20
HEAD = 1 << 16
Opener = Callable[[], BinaryIO]
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13, 26})
LATIN1_FALLBACK = "b12cli-latin1"


def _latin1(exc: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves five bytes undefined; latin-1 exports use them as C1 controls.
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(LATIN1_FALLBACK, _latin1)


class UndecodableError(Exception):
    """Bytes that the chosen encoding cannot decode (or a NUL byte), with their 1-based line."""

    def __init__(self, line: int, *, nul: bool = False, after_text: bool = False) -> None:
        super().__init__(line)
        self.line = line
        self.nul = nul
        self.after_text = after_text  # non-ASCII text decoded fine before the bad bytes


def canonical(name: str) -> str:
    """The codec name for a user-given encoding, or a UsageError."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise UsageError(f"--encoding: unknown encoding {name!r}") from None


def from_head(head: bytes) -> str | None:
    """The encoding a byte-order mark or a UTF-16 NUL pattern shows; None if neither does."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs >= 2:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 0.4 * pairs and even < 0.05 * pairs:
            return "utf-16-le"
        if even > 0.4 * pairs and odd < 0.05 * pairs:
            return "utf-16-be"
    return None


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters: not a text table in an 8-bit encoding."""
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls > max(2, len(head) // 200)


def is_utf8(encoding: str) -> bool:
    """Whether the codec writes UTF-8 (with or without a BOM)."""
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def first_bad(opener: Opener, encoding: str) -> UndecodableError | None:
    """Where the stream first fails to decode (or holds a NUL byte); None if it all decodes."""
    try:
        _decode_blocks(opener, encoding, None)
    except UndecodableError as exc:
        return exc
    return None


def transcode(opener: Opener, encoding: str, dest: str, *, errors: str, cr_only: bool) -> None:
    """Write the stream, decoded with `encoding`, to `dest` as UTF-8; UndecodableError on bad bytes.

    `errors` is a codec error handler (LATIN1_FALLBACK maps the five bytes cp1252 leaves
    undefined to latin-1); `cr_only` turns CR line ends into LF.
    """
    with Path(dest).open("w", encoding="utf-8", newline="") as out:

        def write(text: str) -> None:
            out.write(text.replace("\r", "\n") if cr_only else text)

        _decode_blocks(opener, encoding, write, errors=errors)


def _decode_blocks(
    opener: Opener, encoding: str, sink: Callable[[str], None] | None, *, errors: str = "strict"
) -> None:
    """Decode block by block into `sink` (None: only check); UndecodableError names the line."""
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    ascii_based = not encoding.startswith(("utf-16", "utf-32"))
    offset, text_seen = 0, False
    with opener() as source:
        while block := source.read(BLOCK):
            if ascii_based and b"\x00" in block:
                line = _line_at(opener, encoding, offset + block.index(0))
                raise UndecodableError(line, nul=True)
            if sink is None and ascii_based and block.isascii() and not decoder.getstate()[0]:
                offset += len(block)  # plain ASCII: valid in every encoding checked here
                continue
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                pending = len(exc.object) - len(block)
                line = _line_at(opener, encoding, offset - pending + exc.start)
                after_text = text_seen or not exc.object[: exc.start].isascii()
                raise UndecodableError(line, after_text=after_text) from None
            text_seen = text_seen or not block.isascii()
            offset += len(block)
            if sink is not None:
                sink(text)
        try:
            tail = decoder.decode(b"", final=True)  # a character cut off by the end of the file
        except UnicodeDecodeError:
            raise UndecodableError(_line_at(opener, encoding, offset)) from None
        if sink is not None:
            sink(tail)


def _line_at(opener: Opener, encoding: str, position: int) -> int:
    """The 1-based line holding byte `position` (read again: only needed for a message)."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    lines = 0
    with opener() as source:
        while position > 0:
            block = source.read(min(BLOCK, position))
            if not block:
                break
            lines += decoder.decode(block).count("\n")
            position -= len(block)
    return lines + 1
