"""A CSV speed-up: neighbouring output columns with few distinct values, written as one column.

A ruleset's category and rule, and an analyte's unit and band(s), take only a few value
combinations. When no cell of a chunk needs CSV quotes, each such run of columns becomes one
pre-joined text column ("not_deficient,mma-normal"), looked up by a small integer key from a
table built once: the file is byte for byte what separate columns would give, with fewer
columns for the CSV writer to format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from b12cli.batch import names
from b12cli.batch.bandmasks import band_names, mask_labels
from b12cli.batch.compile import CompiledRuleset
from b12cli.batch.escaping import escape_text

MAX_BITS = 10  # at most 1024 combinations per run, all written out up front


@dataclass(frozen=True)
class Segment:
    """Output columns `start:end` (of the appended ones), joined: `table[key]` per row."""

    start: int
    end: int
    key: pl.Expr
    table: pl.Series

    def expr(self) -> pl.Expr:
        """The joined text column."""
        return pl.lit(self.table).gather(self.key).alias(f"{names.PREFIX}seg{self.start}")


def rule_segment(start: int, compiled: CompiledRuleset, escape: bool) -> Segment | None:
    """Category and rule fired of one ruleset (columns `start`, `start + 1`)."""
    shown = _shower(escape)
    texts = [f"{shown(r.category)},{shown(r.id)}" for r in compiled.rules]
    return _segment(start, start + 2, pl.col(compiled.rule_column), texts)


def analyte_segment(
    start: int, end: int, analyte: str, unit: str, compiled: list[CompiledRuleset], escape: bool
) -> Segment | None:
    """An analyte's unit and its band under each ruleset that bands it (blank if not given)."""
    banding = [c for c in compiled if analyte in c.banded]
    widths = [len(band_names(c.ruleset.bands[analyte])) for c in banding]  # type: ignore[index]
    labels = [mask_labels(c.ruleset.bands[analyte]) for c in banding]  # type: ignore[index]
    bits = 1 + sum(widths)
    if bits > MAX_BITS:
        return None
    shown = _shower(escape)
    table = [",".join([""] * (1 + len(banding)))] * (1 << bits)
    for code in range(1, 1 << bits, 2):  # odd codes: a value was given
        cells, at = [shown(unit)], 1
        for width, label in zip(widths, labels, strict=True):
            cells.append(shown(label[code >> at & ((1 << width) - 1)]))
            at += width
        table[code] = ",".join(cells)
    key: pl.Expr = pl.lit(1, pl.Int64)
    at = 1
    for c, width in zip(banding, widths, strict=True):
        key = key + pl.col(names.mask(c.index, analyte)).cast(pl.Int64) * (1 << at)
        at += width
    present = pl.col(names.value(analyte)).is_not_null()
    return _segment(start, end, pl.when(present).then(key).otherwise(0), table)


def _segment(start: int, end: int, key: pl.Expr, texts: list[str]) -> Segment | None:
    if len(texts) > 1 << MAX_BITS:
        return None
    return Segment(start, end, key, pl.Series(texts, dtype=pl.Enum(list(dict.fromkeys(texts)))))


def _shower(escape: bool) -> Callable[[str], str]:
    return escape_text if escape else str
