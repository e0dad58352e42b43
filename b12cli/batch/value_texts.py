"""How an output cell shows a canonical value: rounded two places past the analyte's own
decimals, after its comparator when censored (`<150.0`). One definition, used where values
are shown per row and where `cells.py` works them out once per distinct cell text."""

from __future__ import annotations

import polars as pl


def rounded(value: pl.Expr, decimals: int) -> pl.Expr:
    """The value as output cells show it (a number)."""
    return value.round(decimals + 2)


def shown(value: pl.Expr, comparator: pl.Expr, decimals: int) -> pl.Expr:
    """The value as text, its comparator first (null where there is no value)."""
    prefix = comparator.cast(pl.String).fill_null("")
    return pl.concat_str([prefix, rounded(value, decimals).cast(pl.String)])
