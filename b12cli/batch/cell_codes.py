"""A text column as codes into its distinct texts, so that work which depends on the text
alone runs once per distinct text instead of once per row."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Encoded:
    """A column's distinct texts, and for each row the position of its text among them."""

    codes: pl.Series  # UInt32 per row; null where the cell is null
    texts: pl.Series  # every distinct non-null text once, in code order

    def gather(self, per_text: pl.Series) -> pl.Series:
        """One value per row from one value per distinct text (null where the cell is null)."""
        return per_text.gather(self.codes)


def encode(column: pl.Series) -> Encoded:
    """Dictionary-encode a String column.

    Each call uses a mapping of its own, which polars frees once no data uses it: the global
    string pool would instead keep every text seen over a run.
    """
    dtype = pl.Categorical(pl.Categories.random())
    encoded = column.cast(dtype)
    # Read while `encoded` holds the mapping; a fresh mapping numbers its texts 0, 1, 2...
    texts = dtype.categories.to_series().alias(column.name)
    return Encoded(codes=encoded.to_physical(), texts=texts)
