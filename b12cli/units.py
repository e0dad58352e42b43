"""Unit spellings and conversion to each analyte's canonical unit."""

from __future__ import annotations

import re

from b12cli.errors import InputError
from b12cli.model import Analyte, Catalog

_SUPERSCRIPTS = str.maketrans({"²": "2", "µ": "u", "μ": "u"})


def normalise_unit(text: str) -> str:
    """A unit spelling folded for matching: case, spaces, micro signs, 'mc', litre."""
    folded = text.translate(_SUPERSCRIPTS).lower().replace(" ", "").replace("^", "")
    folded = re.sub(r"mc(?=g|mol)", "u", folded)
    return re.sub(r"lit(?:re|er)s?$", "l", folded)


_TABLES: dict[int, dict[str, dict[str, str]]] = {}


def unit_table(catalog: Catalog) -> dict[str, dict[str, str]]:
    """For each analyte, normalised spelling -> unit key (built once per catalogue)."""
    if id(catalog) in _TABLES:
        return _TABLES[id(catalog)]
    table: dict[str, dict[str, str]] = {}
    for analyte_id, analyte in catalog.analytes.items():
        spellings: dict[str, str] = {}
        for key, unit in analyte.units.items():
            for spelling in [key, *unit.spellings]:
                spellings[normalise_unit(spelling)] = key
        table[analyte_id] = spellings
    _TABLES[id(catalog)] = table
    return table


def resolve_unit(catalog: Catalog, analyte_id: str, text: str) -> str:
    """The unit key for a spelling, or an InputError listing the accepted units."""
    key = unit_table(catalog)[analyte_id].get(normalise_unit(text))
    if key is None:
        accepted = ", ".join(catalog.analytes[analyte_id].units)  # type: ignore[index]
        raise InputError(f"{analyte_id}: unknown unit {text!r}; accepted units: {accepted}")
    return key


def to_canonical(analyte: Analyte, value: float, unit: str) -> float:
    """Convert a value in `unit` to the analyte's canonical unit."""
    # Rounded to 12 significant digits: binary products such as 350 x 0.001 =
    # 0.35000000000000003 would otherwise put a result entered exactly at a threshold in
    # another unit on the wrong side of it. No assay is anywhere near that precise.
    return float(f"{value * analyte.units[unit].factor:.12g}")


def plausible_alternatives(analyte: Analyte, value: float, unit: str) -> list[str]:
    """Other units in which this number would be physiologically plausible."""
    low, high = analyte.plausible.min, analyte.plausible.max
    return [
        key
        for key, other in analyte.units.items()
        if key != unit and low <= value * other.factor <= high
    ]
