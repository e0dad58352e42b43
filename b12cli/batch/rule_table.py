"""A ruleset decided once per combination of bands, then looked up for every row.

Without context columns, what a ruleset concludes for a row (the deciding rule, its caveats
and next steps) depends only on which bands each analyte's value could lie in (its band
mask) and on which analytes were measured. These take few combinations (a few thousand for
the bundled rulesets), so the compiled expressions are evaluated once, on a table holding
every combination, and each chunk only computes its rows' combination keys and looks them
up: the same answers as evaluating every row, for a fraction of the work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from b12cli.batch import names
from b12cli.batch.bandmasks import MaskType

LIMIT = 1 << 17  # combinations; beyond this the rules are evaluated row by row
# One stage of `CompiledRuleset.apply`: columns added together, then working columns dropped.
Stage = tuple[list[pl.Expr], list[str]]


def run_stages(frame: pl.LazyFrame, stages: list[Stage]) -> pl.LazyFrame:
    """The frame with each stage's columns added and its working columns then dropped."""
    for columns, temporary in stages:
        frame = frame.with_columns(columns)
        if temporary:
            frame = frame.drop(temporary)
    return frame


@dataclass(frozen=True)
class Digit:
    """One analyte's place in the combination key: 0 when not measured, else its band mask
    plus 1 (a banded analyte) or 1 (one the ruleset does not band)."""

    analyte: str
    mask: str | None  # the band mask column, for a banded analyte
    size: int  # how many values the digit takes


def digits(index: int, analytes: list[str], banded: dict[str, int]) -> list[Digit] | None:
    """The key's digits for the analytes with a column (`banded`: analyte -> band count), or
    None when there would be more than LIMIT combinations."""
    found = [
        Digit(a, names.mask(index, a), (1 << banded[a]) + 1) if a in banded else Digit(a, None, 2)
        for a in sorted(analytes)
    ]
    return found if math.prod(d.size for d in found) <= LIMIT else None


class RuleTable:
    """Every combination of the key's digits, with the outcome columns evaluated on it."""

    def __init__(self, found: list[Digit], stages: list[Stage], outcomes: list[str]) -> None:
        self.digits = found
        table = run_stages(_combinations(found).lazy(), stages).select(outcomes).collect()
        self.columns = {c: table.get_column(c) for c in outcomes}  # outcome column -> by key

    def key(self) -> pl.Expr:
        """Each row's combination: the index of its outcomes in the table."""
        key: pl.Expr = pl.lit(0, pl.Int64)
        stride = 1
        for digit in self.digits:
            if digit.mask is not None:
                part = (pl.col(digit.mask).cast(pl.Int64) + 1).fill_null(0)
            else:
                part = pl.col(names.value(digit.analyte)).is_not_null().cast(pl.Int64)
            key = key + part * stride
            stride *= digit.size
        return key

    def stage(self) -> Stage:
        """The outcome columns of each row, looked up by its key."""
        key = self.key()
        return [pl.lit(c).gather(key).alias(name) for name, c in self.columns.items()], []


def _combinations(found: list[Digit]) -> pl.DataFrame:
    """One row per key: the band mask (null: not measured) and a stand-in value (1.0, or
    null when not measured) of each analyte, which is all a ruleset's tests read."""
    total = math.prod(d.size for d in found)
    key = pl.int_range(0, total, dtype=pl.Int64)
    columns: list[pl.Expr] = []
    stride = 1
    for digit in found:
        place = (key // stride) % digit.size
        measured = place > 0
        if digit.mask is not None:
            columns.append(pl.when(measured).then(place - 1).cast(MaskType).alias(digit.mask))
        columns.append(pl.when(measured).then(pl.lit(1.0)).alias(names.value(digit.analyte)))
        stride *= digit.size
    return pl.select(columns) if columns else pl.DataFrame({"_": [0]})
