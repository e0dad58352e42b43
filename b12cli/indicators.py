"""Combined indicators beside the category (experimental; they never change it). Pure.

cB12 (Fedosov 2015) = log10[(holoTC x B12) / (MMA x Hcy)] - age term, computed only when all
four markers are given uncensored and positive, and age is known. Its parameters (units, age
term, bands) live in the catalogue's `indicators:` section.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from b12cli.indicator_model import AgeTerm, Indicator
from b12cli.model import Catalog, Source
from b12cli.result import Measurement, Record

DECIMALS = 4  # the value is rounded first and then banded, so value and band always agree


def cb12_value(
    holotc: float, b12: float, mma: float, hcy: float, age: float, term: AgeTerm
) -> float:
    """cB12 from the four markers in the formula's units and age in years."""
    age_factor = term.scale / (1 + float((age / term.age_scale) ** term.power))
    # A sum of logs, not the log of a ratio: tiny inputs would underflow the product to 0.
    ratio = math.log10(holotc) + math.log10(b12) - math.log10(mma) - math.log10(hcy)
    return ratio - age_factor


def formula_inputs(
    measurements: Mapping[str, Measurement], spec: Indicator, catalog: Catalog
) -> dict[str, float] | None:
    """Each marker in the formula's unit, or None if one is missing, censored or not positive."""
    inputs: dict[str, float] = {}
    for analyte, unit in spec.units.items():
        m = measurements.get(analyte)
        if m is None or m.comparator is not None:
            return None
        factor = catalog.analytes[m.analyte].units[unit].factor
        inputs[analyte] = m.canonical_value / factor
        if inputs[analyte] <= 0:
            return None
    return inputs


def indicators_for(record: Record, catalog: Catalog) -> dict[str, Any]:
    """`{"cb12": {"value", "band", "status"}}` when cB12 can be computed, else `{}`."""
    spec = catalog.indicators.get("cb12")
    age = record.context.age
    if spec is None or age is None:
        return {}
    measurements = {str(k): m for k, m in record.measurements.items()}
    inputs = formula_inputs(measurements, spec, catalog)
    if inputs is None:
        return {}
    value = round(cb12_value(**inputs, age=age, term=spec.age_term), DECIMALS)
    band = next(b.name for b in spec.bands if b.contains(value))
    return {"cb12": {"value": value, "band": band, "status": spec.status}}


def indicator_sources(indicators: Mapping[str, Any], catalog: Catalog) -> dict[str, Source]:
    """The catalogue sources behind every indicator that was computed."""
    cited = [s for key in indicators for s in catalog.indicators[key].cited()]  # type: ignore[index]
    return {key: catalog.sources[key] for key in cited}
