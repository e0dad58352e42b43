"""Text encodings of lab exports: name them, recognise them from the first bytes, and tell
text from binary data.

Reading the whole stream (to check UTF-8 or to transcode it) lives in `utf8_scan` and
`transcode`; this module only looks at the first bytes.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
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
# C0 controls a text table may hold: tab, line ends, form feed, vertical tab (Excel's line
# break inside a cell), SUB (DOS end of file) and ESC (terminal colours pasted in a comment).
_TEXT_CONTROLS = {9, 10, 11, 12, 13, 26, 27}
_CONTROL = bytes(set(range(32)) - _TEXT_CONTROLS)  # NUL included
_PRINTABLE = bytes(range(32, 127)) + b"\t\n\r"
# A few stray controls are damage in a cell (the row says so); text tables hold almost none.
MAX_CONTROLS = 8
CONTROL_SHARE = 0.01
# Text that is not all UTF-8 is still mostly printable ASCII (or UTF-8 characters) in any
# encoding this reads without --encoding: over 85% in a cp1252 export full of names; 37% in
# random bytes.
TEXT_SHARE = 0.6
LATIN1_FALLBACK = "b12cli-latin1"


def _latin1(exc: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves five bytes undefined; latin-1 exports use them as C1 controls.
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(LATIN1_FALLBACK, _latin1)


class UndecodableError(Exception):
    """Bytes that the chosen encoding cannot decode, with their 1-based line."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


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
    """Whether the first bytes (of a file with no BOM and no UTF-16 pattern) are not text: a
    share of NUL and control bytes, not their presence (one NUL or a few escapes in a cell
    are a damaged row, not a binary file)."""
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls > max(MAX_CONTROLS, CONTROL_SHARE * len(head))


def looks_foreign(head: bytes) -> bool:
    """Whether the first bytes are neither UTF-8 nor mostly ASCII, as cp1252 text would be:
    binary data with few control bytes, or text in an encoding that must be named."""
    if _utf8_prefix(head):
        return False
    text = head.count(b"\n") + sum(_text_bytes(line) for line in head.split(b"\n"))
    return text < TEXT_SHARE * len(head)


def _text_bytes(line: bytes) -> int:
    """All of a line that is UTF-8 (a file may mix lines), else its printable ASCII bytes."""
    if not line.isascii() and _utf8_prefix(line):
        return len(line)
    return len(line) - len(line.translate(None, _PRINTABLE))


def _utf8_prefix(data: bytes) -> bool:
    """Whether `data` is valid UTF-8 (a character cut off by the end of the sample allowed)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def is_utf8(encoding: str) -> bool:
    """Whether the codec writes UTF-8 (with or without a BOM)."""
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def line_at(opener: Opener, encoding: str, position: int) -> int:
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
