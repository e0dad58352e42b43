"""Read a plain UTF-8 delimited file as a Table of String chunks, in byte ranges.

polars parses each byte range in parallel; cutting only at a newline outside quotes keeps
quoted newlines whole, and holding one range at a time keeps memory flat whatever the file
size. A range polars refuses (a stray quote inside an unquoted field, say) and everything
after it is read by Python's csv module instead, which accepts what spreadsheets write.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from b12cli.batch import names
from b12cli.batch.byte_ranges import (
    RefusedError,
    drop_blank_lines,
    record_end,
    record_ranges,
    split_unclosed,
)
from b12cli.batch.csv_fallback import note_misaligned, python_chunks, split_header
from b12cli.batch.table import Table
from b12cli.errors import UsageError

HEAD = 1 << 16
MIN_BLOCK = 1 << 20
MAX_BLOCK = 32 << 20
_BOM = b"\xef\xbb\xbf"
_EXTRA = f"{names.PREFIX}extra"
_LOSSY = f"{names.PREFIX}lossy"
NOT_UTF8 = "bytes that are not UTF-8 were replaced in this row, so none of its cells was used"
UNCLOSED = "a quote opened in this row is never closed, so its cells may be shifted; none was used"


@dataclass(frozen=True)
class _Where:
    """The file being read and where rows with too many cells are reported."""

    path: str
    delimiter: str
    columns: list[str]
    row_errors: dict[int, str]
    quote_free: set[int]


def read_delimited(path: str, delimiter: str, chunk_rows: int) -> Table:
    """A plain UTF-8 delimited file (BOM allowed) as a Table of all-String chunks."""
    head = _head(path)
    start = len(_BOM) if head.startswith(_BOM) else 0
    header, offset = split_header(head[start:], delimiter)
    if header is None:
        raise UsageError(f"{path}: empty file: no header row")
    columns = unique_names(header)
    block = _block_size(head[start + offset :], chunk_rows)
    table = Table(columns=columns, chunks=iter(()))
    where = _Where(path, delimiter, columns, table.row_errors, table.quote_free)
    table.chunks = _chunks(where, start + offset, block, chunk_rows)
    return table


def _head(path: str) -> bytes:
    """The first bytes of the file: at least the whole header record (or the whole file)."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(HEAD)
            while record_end(head.lstrip(b"\r\n")) == 0:
                more = handle.read(HEAD)
                if not more:
                    break
                head += more
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    return head


def unique_names(header: list[str]) -> list[str]:
    """Header cells as column names: blanks named by position, repeats numbered (`B12_2`)."""
    names: list[str] = []
    for position, cell in enumerate(header, start=1):
        name = cell.strip() or f"column_{position}"
        base, n = name, 1
        while name in names:
            n += 1
            name = f"{base}_{n}"
        names.append(name)
    return names


def _block_size(sample: bytes, chunk_rows: int) -> int:
    lines = max(sample.count(b"\n"), 1)
    per_row = max(len(sample) // lines, 8)
    return max(MIN_BLOCK, min(MAX_BLOCK, per_row * chunk_rows))


def _chunks(where: _Where, offset: int, block: int, chunk_rows: int) -> Iterator[pl.DataFrame]:
    row = 1
    try:
        with Path(where.path).open("rb") as handle:
            handle.seek(offset)
            for start, data, open_quote in record_ranges(handle, offset, block):
                pieces = [(data, True)] if open_quote else split_unclosed(data)
                for piece, unclosed in pieces:
                    frame = _parse(piece, where.delimiter, where.columns, quoting=not unclosed)
                    if frame is None:
                        raise RefusedError(start, row)
                    _note(where, frame, row, unclosed)
                    if where.delimiter == "," and not (unclosed or _may_need_quotes(piece)):
                        where.quote_free.add(row)
                    if frame.height:
                        yield _tidy(frame)
                        row += frame.height
    except RefusedError as refused:
        yield from python_chunks(
            where.path, refused.start, where.delimiter, where.columns, chunk_rows,
            where.row_errors, refused.row,
        )  # fmt: skip


def _tidy(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame without its bookkeeping columns, each column in one piece. polars parses a
    range in parallel, into a few pieces per column, and a query over such a frame may join
    the pieces of its text columns again each time (measured: about 1 ms a query at 64,000
    rows). Joined once here, the queries downstream start from one piece."""
    if _EXTRA in frame.columns or _LOSSY in frame.columns:
        frame = frame.drop(_EXTRA, _LOSSY, strict=False)
    return frame.rechunk()


def _may_need_quotes(data: bytes) -> bool:
    """Whether a cell read from `data` may need CSV quotes: only when the bytes hold a quote
    or a CR (an unquoted cell cannot hold the comma delimiter or a line break). A CR that
    ends a Windows line would do no harm, but telling it from one inside a cell costs more
    than letting the writer look at the cells."""
    return b'"' in data or b"\r" in data


def _note(where: _Where, frame: pl.DataFrame, row: int, unclosed: bool) -> None:
    """Record the frame's rows whose cells cannot be used."""
    if unclosed:
        where.row_errors[row] = UNCLOSED
        return
    if _EXTRA in frame.columns:
        extra = frame.get_column(_EXTRA).is_not_null().arg_true().to_list()
        note_misaligned(where.row_errors, [row + i for i in extra], len(where.columns))
    if _LOSSY in frame.columns:
        for i in frame.get_column(_LOSSY).arg_true().to_list():
            where.row_errors.setdefault(row + i, NOT_UTF8)


def _parse(
    data: bytes, delimiter: str, columns: list[str], quoting: bool = True
) -> pl.DataFrame | None:
    """The records of `data`, or None when polars cannot read them. Where a row had more
    cells than the header, an `_EXTRA` column (non-null in that row); where bytes that are
    not UTF-8 were replaced, a `_LOSSY` one (true in that row). The common case, no row too
    long and valid UTF-8, is tried first, as it is the fastest read, and has neither."""
    for encoding in ("utf8", "utf8-lossy"):
        for names_ in (columns, [*columns, _EXTRA]):
            frame = _read(data, delimiter, names_, encoding, quoting)
            if frame is None:
                continue
            if encoding == "utf8":
                return frame
            replaced = pl.any_horizontal(pl.col(columns).str.contains("\ufffd", literal=True))
            return frame.with_columns(replaced.fill_null(False).alias(_LOSSY))
    return None


def _read(
    data: bytes, delimiter: str, columns: list[str], encoding: str, quoting: bool
) -> pl.DataFrame | None:
    options: dict[str, Any] = {
        # Without a quote in the range, parsing without quoting gives the same cells, faster.
        "quote_char": '"' if quoting and b'"' in data else None,
        "has_header": False,
        "new_columns": columns,
        "schema": dict.fromkeys(columns, pl.String),
        "separator": delimiter,
        "encoding": encoding,
        "missing_columns": "insert",
        "raise_if_empty": False,
    }
    if columns[-1] == _EXTRA:  # one column past the header catches rows with too many cells
        options |= {"truncate_ragged_lines": True, "extra_columns": "ignore"}
    try:
        frame = pl.read_csv(data, **options)
        # polars reads a blank line as a row of nulls; only then look for blank lines (a
        # byte scan for them costs more than the parse when every line is short).
        if _has_empty_row(frame):
            frame = pl.read_csv(drop_blank_lines(data), **options)
    except pl.exceptions.PolarsError:
        return None
    return frame


def _has_empty_row(frame: pl.DataFrame) -> bool:
    """Whether a row of the frame has no cell at all (a column's null count is known without
    a pass, so a first column without an empty cell settles it at once)."""
    if not frame.width or not frame.get_column(frame.columns[0]).null_count():
        return False
    return bool(frame.select(pl.all_horizontal(pl.all().is_null()).any()).item())
