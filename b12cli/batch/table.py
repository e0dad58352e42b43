"""The contract between batch readers and the batch engine.

A reader turns any input (CSV/TSV in any encoding, gzip, stdin, JSON Lines, Parquet; wide or
long layout) into a `Table`: the column names in input order and an iterator of polars
DataFrame chunks whose columns are all `pl.String`, in input order, never reordered or
dropped. Long-layout readers have already grouped result rows into one row per sample and
say which columns hold each analyte's text and unit in `analytes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class AnalyteColumns:
    """Where one analyte lives in a table: the value column and, optionally, a unit column."""

    value: str
    unit: str | None = None


@dataclass
class Table:
    """Columns plus chunks of string cells; `analytes` is set only when the reader knows it."""

    columns: list[str]
    chunks: Iterator[pl.DataFrame]
    analytes: dict[str, AnalyteColumns] | None = None
    context: dict[str, str] = field(default_factory=dict)
    skipped_rows: int = 0
    id_columns: list[str] = field(default_factory=list)
    decimal: str | None = None  # "." or ","; None: decide per cell ("0,5" and "0.5" both work)
    error_column: str | None = None  # a String column of row errors found while reading
    input_rows: int | None = None  # long layout: result rows read (chunks hold one row per group)
    # Filled while chunks are read: 1-based data row -> why none of its cells can be used
    # (more cells than the header: the row is misaligned). Entries are taken as rows are used.
    row_errors: dict[int, str] = field(default_factory=dict)
    # Filled while chunks are read: the first data row (1-based) of each chunk whose cells
    # the reader knows need no CSV quotes (read from bytes holding no quote and no CR, with
    # a comma as delimiter), so the writer need not look. Entries are taken as chunks are used.
    quote_free: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class InputSpec:
    """What `b12cli batch` was asked to read (built by the CLI, read by `readers.open_table`)."""

    path: str  # "-" means standard input
    input_format: str | None = None  # "csv", "jsonl" or "parquet"; None: from the file name
    encoding: str | None = None  # None: detect BOM / UTF-8 / cp1252
    delimiter: str | None = None  # None: sniff among , ; tab |
    decimal: str | None = None  # "." or ","; None: "," when the delimiter is ";"
    layout: str | None = None  # "wide" or "long"; None: detect
    codes: dict[str, str] = field(default_factory=dict)  # local test code -> analyte id
    group: list[str] = field(default_factory=list)  # long layout: columns forming one sample
    id: list[str] = field(default_factory=list)  # columns identifying an output row
    value: list[str] = field(default_factory=list)  # long layout: result text columns, in order
    test: list[str] = field(default_factory=list)  # long layout: test name/code columns; []: detect
    chunk_rows: int = 200_000
