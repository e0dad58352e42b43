"""Assign bands to a measurement, including censored values spanning several bands."""

from __future__ import annotations

import math
from dataclasses import replace

from b12cli.conditions import ContextTest
from b12cli.model import Band, BandVariant
from b12cli.result import Comparator, Context, Measurement, Threshold


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


def thresholds(variant: BandVariant) -> list[Threshold]:
    """The variant's bands as output thresholds (open ends as null)."""
    return [
        Threshold(
            band=b.name,
            lower=None if math.isinf(b.lower) else b.lower,
            lower_inclusive=b.lower_inclusive,
            upper=None if math.isinf(b.upper) else b.upper,
            upper_inclusive=b.upper_inclusive,
            source=b.source,
            evidence=b.evidence,
        )
        for b in variant.bands
    ]


def band_measurement(m: Measurement, variants: list[BandVariant], context: Context) -> Measurement:
    """The measurement with its band (or possible bands) under the applicable variant."""
    variant = pick_variant(variants, context)
    possible = possible_bands(variant, m.comparator, m.canonical_value)
    band = possible[0] if len(possible) == 1 else None
    return replace(m, band=band, possible_bands=possible, thresholds=thresholds(variant))


def bounds_text(t: Threshold, unit: str) -> str:
    """'>= 180 and <= 350 ng/L', '< 180 ng/L', '> 914 ng/L'."""
    parts = []
    if t.lower is not None:
        parts.append(f"{'>=' if t.lower_inclusive else '>'} {t.lower:g}")
    if t.upper is not None:
        parts.append(f"{'<=' if t.upper_inclusive else '<'} {t.upper:g}")
    return " and ".join(parts) + f" {unit}" if parts else "any value"
