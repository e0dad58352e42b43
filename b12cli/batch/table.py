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
