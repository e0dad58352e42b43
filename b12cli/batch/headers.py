"""Wide headers -> analyte and context columns, by the catalogue's aliases.

Matching ignores case, spaces and punctuation (`Vitamin B-12`, `vitamin_b12`); a unit may
follow the name (`B12 (pg/mL)`, `mma_umol_l`) or sit in its own column (`MMA units`, or a
`Unit` column right after the value). `--column` and `--unit` override what is found. Two
columns that could be the same analyte stop the run with a request for `--column`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from b12cli.batch.table import AnalyteColumns
from b12cli.errors import InputError, UsageError
from b12cli.model import Catalog
from b12cli.units import normalise_unit, resolve_unit

CONTEXT_ALIASES: dict[str, set[str]] = {
    "age": {"age", "ageyears", "ageyrs", "ageyr", "ageinyears", "patientage", "ageattest"},
    "sex": {"sex", "gender", "patientsex", "patientgender"},
    "pregnant": {"pregnant", "pregnancy", "pregnancystatus", "ispregnant"},
    "risks": {"risks", "risk", "riskfactors", "riskfactor"},
    "symptoms": {"symptoms", "symptom"},
}
UNIT_WORDS = {"unit", "units", "uom", "unitofmeasure"}
ID_NAMES = ("sampleid", "specimenid", "accession", "labno", "patientid", "subjectid", "id")
_BRACKETED = re.compile(r"^(?P<name>.*?)\s*[(\[{](?P<unit>[^)\]}]*)[)\]}]\s*$")

if TYPE_CHECKING:
    from b12cli.result import UnitSource


@dataclass(frozen=True)
class AnalyteSource:
    """One analyte's value column, its unit column, and the unit a header or option gives."""

    column: str
    unit_column: str | None = None
    unit: str | None = None
    unit_source: UnitSource = "default"


@dataclass(frozen=True)
class ColumnMap:
    """What the engine reads from a table: analytes and context fields by column."""

    analytes: dict[str, AnalyteSource]
    context: dict[str, str] = field(default_factory=dict)


def compact(text: str) -> str:
    """Lower case with every character but letters and digits removed."""
    return re.sub(r"[^0-9a-z]", "", text.lower().replace("µ", "u").replace("μ", "u"))


def compact_unit(text: str) -> str:
    """A unit spelling folded like `normalise_unit`, then compacted (`umol/L` -> `umoll`)."""
    return compact(normalise_unit(text))


@dataclass(frozen=True)
class HeaderMatch:
    """What one header names: `target` (analyte or context field) and, for values, a unit."""

    target: str
    kind: str  # "value", "unit" or "context"
    unit: str | None = None


def classify(header: str, catalog: Catalog) -> HeaderMatch | None:
    """What a header names: an analyte value (with its unit), a unit column, or context."""
    bracketed = _BRACKETED.match(header)
    if bracketed:
        name, unit = bracketed["name"], bracketed["unit"]
        found = _named(compact(name), catalog)
        if found and found.kind == "value":
            return HeaderMatch(found.target, "value", _unit_key(catalog, found.target, unit))
        if found:
            return found
    whole = _named(compact(header), catalog)
    if whole:
        return whole
    tokens = [t for t in re.split(r"[^0-9a-zµμ]+", header.lower()) if t]
    for k in range(len(tokens) - 1, 0, -1):
        found = _named("".join(tokens[:k]), catalog)
        tail = "".join(tokens[k:])
        if found and found.kind == "value" and tail in UNIT_WORDS:
            return HeaderMatch(found.target, "unit")
        if found and found.kind == "value":
            unit = _unit_key(catalog, found.target, tail)
            if unit:
                return HeaderMatch(found.target, "value", unit)
    return None


def _named(name: str, catalog: Catalog) -> HeaderMatch | None:
    analyte_id = _spellings(catalog).names.get(name)
    if analyte_id is not None:
        return HeaderMatch(analyte_id, "value")
    for context, names in CONTEXT_ALIASES.items():
        if name in names:
            return HeaderMatch(context, "context")
    return None


def _unit_key(catalog: Catalog, analyte: str, text: str) -> str | None:
    return _spellings(catalog).units.get((analyte, compact_unit(text)))


@dataclass(frozen=True)
class _Spellings:
    """A catalog's names and unit spellings, compacted, each to the first analyte (or unit)
    that has it."""

    catalog: Catalog
    names: dict[str, str]  # compacted id, alias or LOINC code -> analyte id
    units: dict[tuple[str, str], str]  # (analyte id, compacted unit spelling) -> unit key


_SPELLINGS: dict[int, _Spellings] = {}


def _spellings(catalog: Catalog) -> _Spellings:
    """Worked out once per catalog: matching a header compares its compacted text with
    hundreds of them."""
    found = _SPELLINGS.get(id(catalog))
    if found is None or found.catalog is not catalog:
        names: dict[str, str] = {}
        units: dict[tuple[str, str], str] = {}
        for analyte_id, analyte in catalog.analytes.items():
            for name in [analyte_id, *analyte.aliases, *analyte.loinc]:
                names.setdefault(compact(name), analyte_id)
            for key, unit in analyte.units.items():
                for spelling in [key, *unit.spellings]:
                    units.setdefault((analyte_id, compact_unit(spelling)), key)
        found = _SPELLINGS[id(catalog)] = _Spellings(catalog, names, units)
    return found


def find_id_column(columns: list[str]) -> str | None:
    """A column that looks like a sample or patient identifier, if any."""
    by_name = {compact(c): c for c in reversed(columns)}
    return next((by_name[n] for n in ID_NAMES if n in by_name), None)


def option_unit(catalog: Catalog, analyte: str, unit: str) -> str:
    """The unit key for `--unit ANALYTE=UNIT`, or a UsageError."""
    try:
        return resolve_unit(catalog, analyte, unit)
    except InputError as exc:
        raise UsageError(f"--unit {analyte}={unit}: {exc}") from None


def reader_sources(
    known: dict[str, AnalyteColumns], units: dict[str, str], catalog: Catalog
) -> dict[str, AnalyteSource]:
    """Analyte sources from a reader that already knows its columns (long layout)."""
    return {
        a: AnalyteSource(
            column=cols.value,
            unit_column=cols.unit,
            unit=option_unit(catalog, a, units[a]) if a in units else None,
            unit_source="option" if a in units else "default",
        )
        for a, cols in known.items()
    }
