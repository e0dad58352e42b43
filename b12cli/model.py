"""The ruleset and catalogue models: what a YAML file under `rules/` may say."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Literal

if TYPE_CHECKING:
    from pydantic import Field

from b12cli.band_model import Band, BandVariant, Evidence, check_partition
from b12cli.conditions import Category, Condition, Strict, walk
from b12cli.indicator_model import Indicator

AnalyteId = Literal["b12", "holotc", "mma", "hcy", "folate", "egfr"]
ANALYTES: tuple[AnalyteId, ...] = ("b12", "holotc", "mma", "hcy", "folate", "egfr")


@dataclass(frozen=True, slots=True, kw_only=True)
class Source(Strict):
    """A citable document behind a threshold, rule or text."""

    title: str
    year: int | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit(Strict):
    """An accepted unit: canonical value = value x factor."""

    factor: Annotated[float, Field(gt=0)]
    spellings: list[str] = field(default_factory=list)
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Plausible(Strict):
    """Physiologically plausible range, in the canonical unit."""

    min: float
    max: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Analyte(Strict):
    """One analyte of the shared catalogue."""

    name: str
    loinc: list[str] = field(default_factory=list)
    canonical_unit: str
    default_unit: str
    units: dict[str, Unit]
    aliases: list[str] = field(default_factory=list)
    plausible: Plausible
    decimals: int = 2

    def __post_init__(self) -> None:
        for unit in (self.canonical_unit, self.default_unit):
            if unit not in self.units:
                raise ValueError(f"unit {unit!r} is not among this analyte's units")
        if self.units[self.canonical_unit].factor != 1:
            raise ValueError("the canonical unit must have factor 1")


@dataclass(frozen=True, slots=True, kw_only=True)
class Term(Strict):
    """A context term (risk factor or symptom)."""

    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Note(Strict):
    """A block of explanatory text shown when its condition holds (e.g. the joint-pain section)."""

    id: str
    section: str
    when: Condition
    text: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalog(Strict):
    """Analytes, context vocabularies, shared notes and the disclaimer: shared by every ruleset."""

    version: str
    analytes: dict[AnalyteId, Analyte]
    risks: dict[str, Term]
    symptoms: dict[str, Term]
    sections: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    indicators: dict[Literal["cb12"], Indicator] = field(default_factory=dict)
    disclaimer: str
    sources: dict[str, Source]

    def __post_init__(self) -> None:
        missing = set(ANALYTES) - set(self.analytes)
        if missing:
            raise ValueError(f"analytes missing from the catalogue: {sorted(missing)}")
        cited = [u.source for a in self.analytes.values() for u in a.units.values()]
        cited += [n.source for n in self.notes]
        cited += [s for i in self.indicators.values() for s in i.cited()]
        _check_sources(cited, self.sources)
        _check_indicator_units(self)
        for note in self.notes:
            if note.section not in self.sections:
                raise ValueError(f"note {note.id!r}: unknown section {note.section!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Derived(Strict):
    """One value of a derived status, chosen by the first `when` that holds."""

    value: str
    when: Condition


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule(Strict):
    """An interpretation rule: the first whose condition holds decides the category."""

    id: str
    when: Condition
    category: Category
    label: str
    summary: str
    next_steps: list[str] = field(default_factory=list)
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Caveat(Strict):
    """A caveat: every one whose condition holds is reported."""

    id: str
    when: Condition
    text: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Step(Strict):
    """A next step offered to the clinician; shown when its rule fires and `when` holds."""

    text: str
    when: Condition | None = None
    source: str


RulesetStatus = Literal["guideline", "laboratory", "experimental"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Ruleset(Strict):
    """A whole ruleset: bands, derived statuses, rules, caveats, steps and their sources."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    title: str
    version: str
    effective: dt.date
    status: RulesetStatus
    description: str = ""
    # Set by the loader to the parent's id when the file says `extends:`; informational only.
    extends: str | None = None
    sources: dict[str, Source]
    bands: dict[AnalyteId, list[BandVariant]]
    derived: dict[str, list[Derived]] = field(default_factory=dict)
    rules: Annotated[list[Rule], Field(min_length=1)]
    uncertain: Rule
    otherwise: Rule
    caveats: list[Caveat] = field(default_factory=list)
    steps: dict[str, Step] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from b12cli.ruleset_checks import check_ruleset

        check_ruleset(self)


def _check_indicator_units(catalog: Catalog) -> None:
    analytes = {str(k): v for k, v in catalog.analytes.items()}
    for key, indicator in catalog.indicators.items():
        for analyte, unit in indicator.units.items():
            if analyte not in analytes or unit not in analytes[analyte].units:
                raise ValueError(f"indicators.{key}: unknown unit {unit!r} for {analyte!r}")


def _check_sources(cited: list[str], sources: dict[str, Source]) -> None:
    unknown = sorted(set(cited) - set(sources))
    if unknown:
        raise ValueError(f"unknown source id(s): {unknown}; declare them under 'sources'")


def conditions_of(ruleset: Ruleset) -> list[tuple[tuple[str | int, ...], Condition]]:
    """Every condition in a ruleset with the key path where it sits."""
    found: list[tuple[tuple[str | int, ...], Condition]] = []
    for name, values in ruleset.derived.items():
        found += [(("derived", name, i, "when"), d.when) for i, d in enumerate(values)]
    found += [(("rules", i, "when"), r.when) for i, r in enumerate(ruleset.rules)]
    found += [(("uncertain", "when"), ruleset.uncertain.when)]
    found += [(("otherwise", "when"), ruleset.otherwise.when)]
    found += [(("caveats", i, "when"), c.when) for i, c in enumerate(ruleset.caveats)]
    found += [(("steps", k, "when"), s.when) for k, s in ruleset.steps.items() if s.when]
    return found


__all__ = [
    "Band",
    "BandVariant",
    "Catalog",
    "Evidence",
    "Indicator",
    "Rule",
    "Ruleset",
    "check_partition",
    "conditions_of",
    "walk",
]
