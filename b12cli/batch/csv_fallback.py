"""Python's csv module as the careful path: the header record, and files polars refuses."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl

# Real exports put whole reports in one cell; the csv module's default limit is 128 KiB.
FIELD_LIMIT = 64 << 20


def split_header(data: bytes, delimiter: str) -> tuple[list[str] | None, int]:
    """The first record's cells and the offset just past it (None: no record at all)."""
    start = len(data) - len(data.lstrip(b"\r\n"))
    end, quotes = start, 0
    while True:
        newline = data.find(b"\n", end)
        if newline < 0:
            end = len(data)
            break
        quotes += data.count(b'"', end, newline)
        end = newline + 1
        if quotes % 2 == 0:
            break
    text = data[start:end].decode("utf-8", errors="replace")
    rows = [row for row in _reader(io.StringIO(text, newline=""), delimiter) if row]
    return (rows[0], end) if rows else (None, end)


def python_chunks(
    path: str,
    start: int,
    delimiter: str,
    columns: list[str],
    chunk_rows: int,
    row_errors: dict[int, str],
    first_row: int = 1,
) -> Iterator[pl.DataFrame]:
    """Records from byte offset `start` (data row `first_row`) on, as all-String frames of up
    to `chunk_rows` rows; rows with too many cells are noted in `row_errors`."""
    with Path(path).open("rb") as raw:
        raw.seek(start)
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        batch: list[list[str]] = []
        for row in _reader(text, delimiter):
            if row:
                batch.append(row)
            if len(batch) >= chunk_rows:
                yield _frame(batch, columns, row_errors, first_row)
                first_row, batch = first_row + len(batch), []
        if batch:
            yield _frame(batch, columns, row_errors, first_row)


def misaligned(width: int) -> str:
    """The error of a row with more cells than the header: its cells may sit in the wrong
    columns (an unquoted decimal comma splits '0,31' in two), so none of them is used."""
    return (
        f"more cells than the {width} columns of the header; the cells may be shifted, "
        "so none of this row's values was used"
    )


def note_misaligned(row_errors: dict[int, str], rows: list[int], width: int) -> None:
    """Record rows (1-based data row numbers) that had more cells than the header."""
    for row in rows:
        row_errors[row] = misaligned(width)


def _frame(
    rows: list[list[str]], columns: list[str], row_errors: dict[int, str], first_row: int
) -> pl.DataFrame:
    long_rows = [first_row + i for i, row in enumerate(rows) if any(row[len(columns) :])]
    note_misaligned(row_errors, long_rows, len(columns))
    return rows_frame(rows, columns)


def rows_frame(rows: list[list[str]], columns: list[str]) -> pl.DataFrame:
    """Rows of cells as an all-String frame: short rows padded, long ones cut, '' as null."""
    data = {
        name: [(row[i] or None) if i < len(row) else None for row in rows]
        for i, name in enumerate(columns)
    }
    return pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String))


def _reader(stream: io.TextIOBase, delimiter: str) -> Iterator[list[str]]:
    csv.field_size_limit(FIELD_LIMIT)
    return csv.reader(stream, delimiter=delimiter)
