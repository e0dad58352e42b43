"""Turn the kept results of complete samples into one row per sample, telling in its error
what went wrong on the result rows it was made of."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from b12cli.batch.long_columns import LongColumns
from b12cli.batch.table import Table

ERROR = "__error"
# Set on a result row the reader found a problem in: why, and whether its cells are unusable.
PROBLEM = "__problem"
VOID = "__void"
KEY = "__key"  # a hash of the sample's group columns, to track when a sample is complete
ORDER = "__order"  # the result's position among kept results
SOLO = "__solo"  # set when a group column is empty: such a result is a sample of its own


def output_columns(
    carried: list[str], analytes: list[str]
) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Output columns, and each analyte's value and unit column (never clashing with input)."""
    values: dict[str, str] = {}
    units: dict[str, str] = {}
    taken = set(carried) | {ERROR}
    for analyte in analytes:
        # As reported; the engine adds the canonical "{analyte}_value" and "{analyte}_unit".
        value = f"{analyte}_result"
        while value in taken or f"{value}_unit" in taken:
            value += "_"
        values[analyte], units[analyte] = value, f"{value}_unit"
        taken |= {value, f"{value}_unit"}
    per_analyte = [name for a in analytes for name in (values[a], units[a])]
    return [*carried, *per_analyte, ERROR], values, units


def pivot(rows: pl.DataFrame, parts: LongColumns, analytes: list[str]) -> pl.DataFrame:
    """One row per sample in order of first appearance; the first result of each analyte."""
    columns, values, units = output_columns(parts.carried, analytes)
    if rows.is_empty():
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
    others = [c for c in parts.carried if c not in parts.group]
    aggs = [pl.col(column).first() for column in others]
    for analyte in analytes:
        has = (pl.col("__analyte") == analyte) & pl.col("__value").is_not_null()
        aggs.append(pl.col("__value").filter(has).first().alias(values[analyte]))
        aggs.append(pl.col("__unit").filter(has).first().alias(units[analyte]))
        aggs.append(pl.struct("__value", "__unit").filter(has).n_unique().alias(f"__n_{analyte}"))
    aggs.append(pl.col(PROBLEM).drop_nulls().unique(maintain_order=True).str.join("; "))
    grouped = rows.group_by([*parts.group, SOLO], maintain_order=True).agg(aggs)
    problems = pl.when(pl.col(PROBLEM) != "").then(pl.col(PROBLEM))
    errors = pl.concat_str([_errors(analytes), problems], separator="; ", ignore_nulls=True)
    return grouped.with_columns(pl.when(errors != "").then(errors).alias(ERROR)).select(columns)


def with_problems(table: Table) -> Iterator[pl.DataFrame]:
    """The table's chunks with PROBLEM (the reader's word on a row, naming it) and VOID (its
    cells cannot be used) columns, from `row_errors` (taken as read) and the error column."""
    first = 1
    for chunk in table.chunks:
        end = first + chunk.height
        void = pl.Series(PROBLEM, _take(table.row_errors, first, end), pl.String)
        said = void.fill_null(chunk.get_column(table.error_column)) if table.error_column else void
        rows = pl.int_range(first, end, dtype=pl.Int64).cast(pl.String)
        problem = pl.format("result on input row {}: {}", rows, pl.lit(said))
        yield chunk.with_columns(problem.alias(PROBLEM), pl.lit(void.is_not_null()).alias(VOID))
        first = end


def _take(row_errors: dict[int, str], first: int, end: int) -> list[str | None]:
    """The errors of rows [first, end), taken out of `row_errors` (None where there is none)."""
    said: list[str | None] = [None] * (end - first)
    for row in [r for r in row_errors if first <= r < end]:
        said[row - first] = row_errors.pop(row)
    return said


def _errors(analytes: list[str]) -> pl.Expr:
    """Duplicate results of one analyte in one sample: the first is used, the row says so."""
    if not analytes:
        return pl.lit(None, pl.String)
    found = [
        pl.when(pl.col(f"__n_{a}") > 1).then(
            pl.format(
                "{}: {} different results for one sample; the first in the file was used",
                pl.lit(a),
                pl.col(f"__n_{a}"),
            )
        )
        for a in analytes
    ]
    text = pl.concat_str(found, separator="; ", ignore_nulls=True)
    return pl.when(text != "").then(text)
