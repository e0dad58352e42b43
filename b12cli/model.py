"""The ruleset and catalogue models: what a YAML file under `rules/` may say."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from b12cli.band_model import Band, BandVariant, Evidence, check_partition
from b12cli.conditions import Category, Condition, Strict, walk
from b12cli.indicator_model import Indicator

AnalyteId = Literal["b12", "holotc", "mma", "hcy", "folate", "egfr"]
ANALYTES: tuple[AnalyteId, ...] = ("b12", "holotc", "mma", "hcy", "folate", "egfr")


class Source(Strict):
    """A citable document behind a threshold, rule or text."""

    title: str
    year: int | None = None
    url: str | None = None


class Unit(Strict):
    """An accepted unit: canonical value = value x factor."""

    factor: float = Field(gt=0)
    spellings: list[str] = Field(default_factory=list)
    source: str


class Plausible(Strict):
    """Physiologically plausible range, in the canonical unit."""

    min: float
    max: float


class Analyte(Strict):
    """One analyte of the shared catalogue."""

    name: str
    loinc: list[str] = Field(default_factory=list)
    canonical_unit: str
    default_unit: str
    units: dict[str, Unit]
    aliases: list[str] = Field(default_factory=list)
    plausible: Plausible
    decimals: int = 2

    @model_validator(mode="after")
    def _units_known(self) -> Analyte:
        for unit in (self.canonical_unit, self.default_unit):
            if unit not in self.units:
                raise ValueError(f"unit {unit!r} is not among this analyte's units")
        if self.units[self.canonical_unit].factor != 1:
            raise ValueError("the canonical unit must have factor 1")
        return self


class Term(Strict):
    """A context term (risk factor or symptom)."""

    label: str


class Note(Strict):
    """A block of explanatory text shown when its condition holds (e.g. the joint-pain section)."""

    id: str
    section: str
    when: Condition
    text: str
    source: str


class Catalog(Strict):
    """Analytes, context vocabularies, shared notes and the disclaimer: shared by every ruleset."""

    version: str
    analytes: dict[AnalyteId, Analyte]
    risks: dict[str, Term]
    symptoms: dict[str, Term]
    sections: dict[str, str] = Field(default_factory=dict)
    notes: list[Note] = Field(default_factory=list)
    indicators: dict[Literal["cb12"], Indicator] = Field(default_factory=dict)
    disclaimer: str
    sources: dict[str, Source]

    @model_validator(mode="after")
    def _complete(self) -> Catalog:
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
        return self


class Derived(Strict):
    """One value of a derived status, chosen by the first `when` that holds."""

    value: str
    when: Condition


class Rule(Strict):
    """An interpretation rule: the first whose condition holds decides the category."""

    id: str
    when: Condition
    category: Category
    label: str
    summary: str
    next_steps: list[str] = Field(default_factory=list)
    source: str


class Caveat(Strict):
    """A caveat: every one whose condition holds is reported."""

    id: str
    when: Condition
    text: str
    source: str


class Step(Strict):
    """A next step offered to the clinician; shown when its rule fires and `when` holds."""

    text: str
    when: Condition | None = None
    source: str


RulesetStatus = Literal["guideline", "laboratory", "experimental"]


class Ruleset(Strict):
    """A whole ruleset: bands, derived statuses, rules, caveats, steps and their sources."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str
    version: str
    effective: dt.date
    status: RulesetStatus
    description: str = ""
    # Set by the loader to the parent's id when the file says `extends:`; informational only.
    extends: str | None = None
    sources: dict[str, Source]
    bands: dict[AnalyteId, list[BandVariant]]
    derived: dict[str, list[Derived]] = Field(default_factory=dict)
    rules: list[Rule] = Field(min_length=1)
    uncertain: Rule
    otherwise: Rule
    caveats: list[Caveat] = Field(default_factory=list)
    steps: dict[str, Step] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Ruleset:
        from b12cli.ruleset_checks import check_ruleset

        check_ruleset(self)
        return self


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
