"""Assign bands to a measurement, including censored values spanning several bands."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from b12cli.band_units import BandUnit
from b12cli.conditions import ContextTest
from b12cli.model import Band, BandVariant
from b12cli.result import Comparator, Context, Measurement, Threshold, WrittenBounds


def context_holds(test: ContextTest, context: Context) -> bool:
    """Evaluate a context test; a field that was not given never satisfies it."""
    value = getattr(context, test.context)
    if value is None:
        return False
    if test.eq is not None:
        return bool(value == test.eq)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    number = float(value)
    if test.lt is not None:
        return number < test.lt
    if test.le is not None:
        return number <= test.le
    if test.gt is not None:
        return number > test.gt
    return test.ge is not None and number >= test.ge


def pick_variant(variants: list[BandVariant], context: Context) -> BandVariant:
    """The first band variant whose `when` holds (the last has none)."""
    for variant in variants:
        if variant.when is None or context_holds(variant.when, context):
            return variant
    return variants[-1]


def interval_meets(band: Band, comparator: Comparator | None, value: float) -> bool:
    """Whether any value the (possibly censored) result allows lies in the band."""
    if comparator is None:
        return band.contains(value)
    if comparator in ("<", "<="):
        if band.upper < 0 or (band.upper == 0 and not band.upper_inclusive):
            return False
        reach = band.lower <= value if band.lower_inclusive else band.lower < value
        return reach if comparator == "<=" else band.lower < value
    reach = band.upper >= value if band.upper_inclusive else band.upper > value
    return reach if comparator == ">=" else band.upper > value


def possible_bands(variant: BandVariant, comparator: Comparator | None, value: float) -> list[str]:
    """Names of every band the result could fall in, lowest first."""
    return [b.name for b in variant.bands if interval_meets(b, comparator, value)]


def thresholds(variant: BandVariant, written: BandUnit | None = None) -> list[Threshold]:
    """The variant's bands as output thresholds (open ends as null), with the bounds as
    written when the ruleset gave them in a unit of another scale (pmol/L for ng/L)."""
    found = []
    for b in variant.bands:
        lower = None if math.isinf(b.lower) else b.lower
        upper = None if math.isinf(b.upper) else b.upper
        as_written = None
        if written is not None and written.factor != 1:
            shown = [None if v is None else round(written.shown(v), 9) for v in (lower, upper)]
            as_written = WrittenBounds(unit=written.label, lower=shown[0], upper=shown[1])
        found.append(
            Threshold(
                band=b.name,
                lower=lower,
                lower_inclusive=b.lower_inclusive,
                upper=upper,
                upper_inclusive=b.upper_inclusive,
                source=b.source,
                evidence=b.evidence,
                as_written=as_written,
            )
        )
    return found


def band_measurement(
    m: Measurement,
    variants: list[BandVariant],
    context: Context,
    units: Sequence[BandUnit | None] = (),
) -> Measurement:
    """The measurement with its band (or possible bands) under the applicable variant.

    `units` gives, per variant, the unit its bounds were written in (None: canonical)."""
    variant = pick_variant(variants, context)
    index = next(i for i, v in enumerate(variants) if v is variant)
    written = units[index] if index < len(units) else None
    possible = possible_bands(variant, m.comparator, m.canonical_value)
    band = possible[0] if len(possible) == 1 else None
    shown = thresholds(variant, written)
    return replace(m, band=band, possible_bands=possible, thresholds=shown)


def bounds_text(t: Threshold, unit: str) -> str:
    """'>= 180 and <= 350 ng/L'; bounds written in another unit first, as written:
    '>= 150 and < 221 pmol/L (>= 203.3 and < 299.5 ng/L)', as `rules show` gives them."""
    lower, upper = (t.lower, t.lower_inclusive), (t.upper, t.upper_inclusive)
    w = t.as_written
    if w is None:
        return _bounds(lower, upper, unit, "g")
    written = _bounds((w.lower, t.lower_inclusive), (w.upper, t.upper_inclusive), w.unit, "g")
    return f"{written} ({_bounds(lower, upper, unit, '.4g')})"


def _bounds(
    lower: tuple[float | None, bool], upper: tuple[float | None, bool], unit: str, fmt: str
) -> str:
    parts = []
    if lower[0] is not None:
        parts.append(f"{'>=' if lower[1] else '>'} {lower[0]:{fmt}}")
    if upper[0] is not None:
        parts.append(f"{'<=' if upper[1] else '<'} {upper[0]:{fmt}}")
    return " and ".join(parts) + f" {unit}" if parts else "any value"
