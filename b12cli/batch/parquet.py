"""Parquet input: read in row slices (polars reads only the row groups a slice needs)."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from b12cli.batch.table import Table
from b12cli.errors import UsageError


def read_parquet(path: str, name: str, chunk_rows: int) -> Table:
    """A table of the file's columns, every cell as text (numbers, dates, booleans included)."""
    try:
        schema = pl.read_parquet_schema(path)
        rows = int(pl.scan_parquet(path).select(pl.len()).collect().item())
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise UsageError(f"{name}: not a readable Parquet file ({type(exc).__name__})") from None
    nested = [column for column, dtype in schema.items() if dtype.is_nested()]
    if nested:
        raise UsageError(f"{name}: column {nested[0]!r} holds nested data, not one value a cell")
    return Table(columns=list(schema), chunks=_chunks(path, name, rows, chunk_rows))


def _chunks(path: str, name: str, rows: int, chunk_rows: int) -> Iterator[pl.DataFrame]:
    text = pl.scan_parquet(path).select(pl.all().cast(pl.String))
    for offset in range(0, max(rows, 1), chunk_rows):
        try:
            yield text.slice(offset, chunk_rows).collect()
        except pl.exceptions.PolarsError as exc:
            raise UsageError(
                f"{name}: cannot read rows from {offset + 1} ({type(exc).__name__})"
            ) from None
