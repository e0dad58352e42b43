"""`unit:` on a band list: bounds written in any accepted unit, converted to canonical on load.

The conversion is the very multiplication used for entered values (`units.to_canonical`), so a
value entered in the band list's unit exactly at a threshold compares equal to it. Everything
downstream (the evaluator, the batch compiler) sees canonical bounds only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from b12cli.errors import RulesetError
from b12cli.extends_merge import Origins, locate
from b12cli.model import Analyte, Catalog
from b12cli.units import normalise_unit, to_canonical, unit_table
from b12cli.yamlsafe import dotted

_BOUNDS = ("gt", "ge", "lt", "le")


@dataclass(frozen=True)
class BandUnit:
    """The unit a band list was written in: its spelling and its factor to canonical."""

    label: str
    factor: float

    def shown(self, canonical: float) -> float:
        """A canonical bound back in this unit, for display."""
        return canonical / self.factor


BandUnits = dict[str, list[BandUnit | None]]


def convert_band_units(data: Any, origins: Origins, catalog: Catalog) -> tuple[Any, BandUnits]:
    """The data with every `unit:` band list in canonical units, and the units as written."""
    bands = data.get("bands") if isinstance(data, dict) else None
    if not isinstance(bands, dict):
        return data, {}
    converted: dict[Any, Any] = {}
    written: BandUnits = {}
    for analyte, variants in bands.items():
        converted[analyte] = variants
        if analyte in catalog.analytes and isinstance(variants, list):
            lists = [_variant(analyte, i, v, origins, catalog) for i, v in enumerate(variants)]
            converted[analyte] = [v for v, _ in lists]
            written[analyte] = [unit for _, unit in lists]
    return {**data, "bands": converted}, written


def _variant(
    analyte: str, i: int, variant: Any, origins: Origins, catalog: Catalog
) -> tuple[Any, BandUnit | None]:
    if not isinstance(variant, dict) or "unit" not in variant:
        return variant, None
    info: Analyte = catalog.analytes[analyte]  # type: ignore[index]
    spelling = variant["unit"]
    table = unit_table(catalog)[analyte]
    key = table.get(normalise_unit(spelling)) if isinstance(spelling, str) else None
    if key is None:
        at, written = locate(origins, ("bands", analyte, i, "unit"))
        raise RulesetError(
            f"{at}: {dotted(written)}: unknown unit {spelling!r} for {analyte}; "
            f"accepted units: {', '.join(info.units)}"
        )
    rest = {k: v for k, v in variant.items() if k != "unit"}
    if isinstance(rest.get("bands"), list):
        rest["bands"] = [_band(b, info, key) for b in rest["bands"]]
    return rest, BandUnit(str(spelling).strip(), info.units[key].factor)


def _band(band: Any, analyte: Analyte, unit: str) -> Any:
    if not isinstance(band, dict):
        return band
    return {
        k: to_canonical(analyte, v, unit) if k in _BOUNDS and _is_number(v) else v
        for k, v in band.items()
    }


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
