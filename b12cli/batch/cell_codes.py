"""A text column as codes into the distinct texts seen so far, so that work which depends on
the text alone runs once per distinct text of the whole run instead of once per row, or once
per chunk."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

# Texts a column may number before its codes (and the results kept for them) start afresh,
# which bounds the memory they hold whatever the input.
KNOWN_LIMIT = 1 << 16


def _categorical() -> pl.Categorical:
    return pl.Categorical(pl.Categories.random())


@dataclass
class KnownTexts:
    """One column's distinct texts, numbered 0, 1, 2... in the order the run first met them:
    a text keeps its code from chunk to chunk, so results worked out for it (`results`, one
    row per code) are reused by every later chunk.

    Each instance has a mapping of its own, which polars frees once no data uses it: the
    global string pool would keep every text of the run, and a run of many distinct texts
    starts afresh at KNOWN_LIMIT instead.
    """

    limit: int = KNOWN_LIMIT
    dtype: pl.Categorical = field(init=False)
    count: int = field(init=False)  # texts numbered so far
    results: pl.DataFrame | None = field(init=False)  # one row per code, kept by the caller
    _anchor: pl.Series = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._start()

    def _start(self) -> None:
        """A new mapping, with nothing numbered and no results."""
        self.dtype, self.count, self.results = _categorical(), 0, None
        # Data using the mapping, even none, keeps it alive: else polars would free it
        # between chunks and number afresh.
        self._anchor = pl.Series([], dtype=self.dtype)

    def encode(self, column: pl.Series) -> tuple[pl.Series, pl.Series]:
        """Each row's code (UInt32, null where the cell is), and the texts this column had not
        met before, in code order: they are numbered from the `count` before the call, unless
        there were too many to keep, when `count` and `results` start afresh first."""
        codes = column.cast(self.dtype).to_physical()
        highest = codes.max()
        top = -1 if highest is None else int(highest)  # type: ignore[arg-type]
        if top < self.count:
            return codes, column.clear()
        if self.count and top >= self.limit:
            self._start()
            return self.encode(column)
        categories = self.dtype.categories
        new = [categories[code] for code in range(self.count, top + 1)]
        self.count = top + 1
        return codes, pl.Series(column.name, new, dtype=pl.String)
