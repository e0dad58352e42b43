"""What the decoder noted on lines, told in the rows of the table that hold those lines.

A row holding a NUL byte cannot be trusted (the file is damaged there): its cells are not
used and the row says why. A row read as cp1252 in a UTF-8 file is used as read, and says
so in an error of its own, so the run cannot end as if nothing happened.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import polars as pl

from b12cli.batch import names
from b12cli.batch.table import Table

ERROR = f"{names.PREFIX}read_error"
NUL_ROW = "a NUL byte in this row (the file may be damaged there), so none of its cells was used"
RECODED_ROW = (
    "bytes in this row are not UTF-8 like the rest of the file; they were read as cp1252, "
    "so check the row's text"
)


@dataclass(frozen=True)
class RowNotes:
    """1-based data rows, ascending: with a NUL byte, and read as cp1252."""

    nul: Sequence[int] = ()
    recoded: Sequence[int] = ()

    def __bool__(self) -> bool:
        return bool(self.nul or self.recoded)


def with_notes(table: Table, rows: RowNotes) -> Table:
    """The table telling `rows`' problems: NUL rows in `row_errors`, the others in a column."""
    if not rows:
        return table
    if rows.recoded:  # a new list: the reader parses with the one it holds
        table.columns = [*table.columns, ERROR]
        table.error_column = ERROR
    table.chunks = _noted(table, table.chunks, rows)
    return table


def _noted(table: Table, chunks: Iterator[pl.DataFrame], rows: RowNotes) -> Iterator[pl.DataFrame]:
    first = 1
    for chunk in chunks:
        end = first + chunk.height
        for row in between(rows.nul, first, end):
            table.row_errors.setdefault(row, NUL_ROW)  # the reader's own reason goes first
        if table.error_column:
            chunk = chunk.with_columns(messages(rows.recoded, first, end, RECODED_ROW))
        yield chunk
        first = end


def between(rows: Sequence[int], first: int, end: int) -> Sequence[int]:
    """The part of ascending `rows` in [first, end)."""
    return rows[bisect_left(rows, first) : bisect_left(rows, end)]


def messages(rows: Sequence[int], first: int, end: int, message: str) -> pl.Series:
    """An ERROR column for rows [first, end): `message` on `rows`, null elsewhere."""
    cells: list[str | None] = [None] * (end - first)
    for row in between(rows, first, end):
        cells[row - first] = message
    return pl.Series(ERROR, cells, dtype=pl.String)
