"""Guess what an input holds from its name and first bytes: format, delimiter, decimal mark."""

from __future__ import annotations

import csv
import io
import re

from b12cli.errors import UsageError

DELIMITERS = (",", ";", "\t", "|")
_NAMED = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_SUFFIXES = {
    "parquet": (".parquet", ".pq"),
    "jsonl": (".jsonl", ".ndjson", ".json"),
    "csv": (".csv", ".tsv", ".tab", ".txt", ".psv"),
}
_UNPACK = "; unpack it first (gzip is read as it is)"
_CONTAINERS = (
    (b"PK\x03\x04", "a ZIP archive or an Excel workbook (.xlsx); export the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls); export the sheet as CSV"),
    (b"%PDF", "a PDF document, not a table"),
    (b"SQLite format 3\x00", "an SQLite database; export the table as CSV"),
    (b"ARROW1", "an Arrow/Feather file; write it as Parquet or CSV"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive" + _UNPACK),
    (b"Rar!\x1a\x07", "a RAR archive" + _UNPACK),
    (b"\xfd7zXZ\x00", "an xz-compressed file" + _UNPACK),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file" + _UNPACK),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not a table"),
    (b"\xff\xd8\xff", "a JPEG image, not a table"),
    (b"\x7fELF", "a program, not a table"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_NUMBER = r"^[<>]?=?\s*[+-]?\d+"
_COMMA_DECIMAL = re.compile(_NUMBER + r",\d+$")
_DOT_DECIMAL = re.compile(_NUMBER + r"\.\d+$")
_THOUSANDS_LIKE = re.compile(r"^[<>]?=?\s*[+-]?[1-9]\d{0,2}[.,]\d{3}$")
SAMPLE_ROWS = 200


def is_gzip(head: bytes) -> bool:
    """Whether the bytes start with the gzip magic number."""
    return head[:2] == b"\x1f\x8b"


def container(head: bytes) -> str | None:
    """What a known non-table file is (a workbook, an archive), or None."""
    if _BZIP2.match(head):
        return "a bzip2-compressed file" + _UNPACK
    return next((what for magic, what in _CONTAINERS if head.startswith(magic)), None)


def input_format(name: str, head: bytes) -> str:
    """'csv', 'jsonl' or 'parquet', from the magic number, the name, then the first character."""
    if head.startswith(b"PAR1"):
        return "parquet"
    lower = name.lower().removesuffix(".gz")
    for fmt, suffixes in _SUFFIXES.items():
        if lower.endswith(suffixes):
            return fmt
    return "jsonl" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def delimiter_option(text: str) -> str:
    """A --delimiter value ('tab', '\\t', ';' ...) as the one character it names."""
    delimiter = _NAMED.get(text.strip().lower(), text)
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise UsageError(f"--delimiter must be one character (or 'tab'), not {text!r}")
    return delimiter


def sample_rows(text: str, delimiter: str) -> list[list[str]]:
    """The first rows of a text sample split on `delimiter` (a cut-off last line is dropped)."""
    complete = text[: text.rfind("\n")] if "\n" in text else text
    reader = csv.reader(io.StringIO(complete), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) >= SAMPLE_ROWS:
                break
    except csv.Error:
        pass  # an unbalanced quote in the sample: judge on the rows read so far
    return rows


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the sample into the most consistent table."""
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        rows = sample_rows(text, delimiter)
        width = len(rows[0]) if rows else 0
        if width < 2:
            continue
        body = rows[1:]
        agree = sum(len(r) == width for r in body) / len(body) if body else 1.0
        if (agree, width) > best_score:
            best, best_score = delimiter, (agree, width)
    return best


def sniff_decimal(text: str, delimiter: str) -> str | None:
    """',' or '.' where the sample says so for a ';' file (European exports); else None."""
    if delimiter != ";":
        return None
    cells = [cell.strip() for row in sample_rows(text, delimiter)[1:] for cell in row]
    unambiguous = [c for c in cells if not _THOUSANDS_LIKE.match(c)]
    commas = any(_COMMA_DECIMAL.match(c) for c in unambiguous)
    dots = any(_DOT_DECIMAL.match(c) for c in unambiguous)
    if dots and not commas:
        return "."
    return None if dots else ","
