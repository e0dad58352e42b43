"""Bands as bitmasks: which bands each (possibly censored) value could lie in, vectorised.

Mirrors `b12cli/bands.py`: the band variant is the first whose context test holds, and a
censored value's mask has a bit for every band its interval reaches. A band test is then
true when every possible band is in the tested set, false when none is, null (cannot
tell) otherwise, the same three values `logic.py` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import polars as pl

from b12cli.batch import names
from b12cli.conditions import ContextTest
from b12cli.model import Band, BandVariant

MaskType = pl.Int64
CMPS = ("<", "<=", ">", ">=")


def band_names(variants: list[BandVariant]) -> list[str]:
    """Every band name of an analyte over all variants, in first-seen order (bit order)."""
    return list(dict.fromkeys(b.name for v in variants for b in v.bands))


def context_test(test: ContextTest, present: frozenset[str]) -> pl.Expr:
    """`bands.context_holds` for a column: false where the field is missing or mistyped."""
    if test.context not in present:
        return pl.lit(False)
    column = pl.col(names.context(test.context))
    if test.eq is not None:
        if test.context == "age":
            # Python compares 1.0 == True as equal (and a number never equals text): mirror it.
            is_bool = isinstance(test.eq, bool)
            return (column == float(test.eq)).fill_null(False) if is_bool else pl.lit(False)
        same_type = isinstance(test.eq, bool) == (test.context == "pregnant")
        return (column == test.eq).fill_null(False) if same_type else pl.lit(False)
    if test.context != "age":
        return pl.lit(False)
    compare = {"lt": column.__lt__, "le": column.__le__, "gt": column.__gt__, "ge": column.__ge__}
    op = next(k for k in compare if getattr(test, k) is not None)
    return compare[op](getattr(test, op)).fill_null(False)


def mask_expr(
    analyte: str, variants: list[BandVariant], present: frozenset[str], censored: bool = True
) -> pl.Expr:
    """The bitmask of possible bands (null when the analyte has no usable value).

    `censored=False` promises no value carries a comparator, so only exact masks are built.
    """
    bits = {name: 1 << i for i, name in enumerate(band_names(variants))}
    value, cmp = pl.col(names.value(analyte)), pl.col(names.comparator(analyte))
    chosen: pl.Expr | None = None
    for variant in reversed(variants):
        mask = (
            _variant_mask(variant, bits, value, cmp)
            if censored
            else _exact_mask(variant, bits, value)
        )
        if chosen is None or variant.when is None:
            chosen = mask
        else:
            chosen = pl.when(context_test(variant.when, present)).then(mask).otherwise(chosen)
    assert chosen is not None
    return pl.when(value.is_not_null()).then(chosen)


def first_of(cases: list[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """`when(c1).then(v1).when(c2).then(v2)...otherwise(x)`: the first case whose test holds."""
    if not cases:
        return otherwise
    chain: Any = pl.when(cases[0][0]).then(cases[0][1])
    for test, value in cases[1:]:
        chain = chain.when(test).then(value)
    result: pl.Expr = chain.otherwise(otherwise)
    return result


def _variant_mask(
    variant: BandVariant, bits: dict[str, int], value: pl.Expr, cmp: pl.Expr
) -> pl.Expr:
    cases = [(cmp.is_null(), _exact_mask(variant, bits, value))]
    for comparator in CMPS:
        mask = _sum_bits(variant, bits, partial(_meets, comparator=comparator, value=value))
        cases.append((cmp == comparator, mask))
    return first_of(cases, pl.lit(0, MaskType))


def _exact_mask(variant: BandVariant, bits: dict[str, int], value: pl.Expr) -> pl.Expr:
    """An exact value lies in exactly one band: the first whose upper bound admits it."""
    bands = variant.bands
    cases = [(_below_upper(b, value), pl.lit(bits[b.name], MaskType)) for b in bands[:-1]]
    return first_of(cases, pl.lit(bits[bands[-1].name], MaskType))


def _below_upper(band: Band, value: pl.Expr) -> pl.Expr:
    return value <= band.upper if band.upper_inclusive else value < band.upper


def _meets(band: Band, *, comparator: str, value: pl.Expr) -> pl.Expr:
    """`bands.interval_meets` for one band and one comparator."""
    if comparator in ("<", "<="):
        if band.upper < 0 or (band.upper == 0 and not band.upper_inclusive):
            return pl.lit(False)
        if comparator == "<=" and band.lower_inclusive:
            return pl.lit(band.lower) <= value
        return pl.lit(band.lower) < value
    if comparator == ">=" and band.upper_inclusive:
        return pl.lit(band.upper) >= value
    return pl.lit(band.upper) > value


def _sum_bits(
    variant: BandVariant, bits: dict[str, int], test: Callable[[Band], pl.Expr]
) -> pl.Expr:
    parts = [
        pl.when(test(band)).then(pl.lit(bits[band.name], MaskType)).otherwise(0)
        for band in variant.bands
    ]
    return pl.sum_horizontal(parts)


def band_in(mask: pl.Expr, inside: int, every: int) -> pl.Expr:
    """Three-valued `band in [...]`: true, false, or null when a censored value spans both."""
    outside = every & ~inside
    return (
        pl.when(mask.is_null())
        .then(False)
        .when((mask & outside) == 0)
        .then(True)
        .when((mask & inside) == 0)
        .then(False)
        .otherwise(pl.lit(None, pl.Boolean))
    )


def spans(mask: pl.Expr) -> pl.Expr:
    """A censored value spanning bands: more than one bit set (`logic._spans`)."""
    return (mask & (mask - 1) != 0).fill_null(False)


def mask_labels(variants: list[BandVariant]) -> dict[int, str]:
    """Text for each mask value: 'low', or 'low|indeterminate' for a censored value."""
    ordered = band_names(variants)
    labels = {}
    for mask in range(1 << len(ordered)):
        labels[mask] = "|".join(n for i, n in enumerate(ordered) if mask >> i & 1)
    return labels
