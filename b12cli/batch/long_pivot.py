"""Turn the kept results of complete samples into one row per sample."""

from __future__ import annotations

import polars as pl

from b12cli.batch.long_columns import LongColumns

ERROR = "__error"
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
        value = analyte if analyte not in taken else f"{analyte}_result"
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
    grouped = rows.group_by([*parts.group, SOLO], maintain_order=True).agg(aggs)
    return grouped.with_columns(_errors(analytes).alias(ERROR)).select(columns)


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
