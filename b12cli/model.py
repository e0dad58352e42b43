"""The ruleset and catalogue models: what a YAML file under `rules/` may say."""

from __future__ import annotations

import datetime as dt
import math
from itertools import pairwise
from typing import Literal

from pydantic import Field, model_validator

from b12cli.conditions import Category, Condition, ContextTest, Strict, walk

Evidence = Literal["V", "S", "M", "C"]
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
    disclaimer: str
    sources: dict[str, Source]

    @model_validator(mode="after")
    def _complete(self) -> Catalog:
        missing = set(ANALYTES) - set(self.analytes)
        if missing:
            raise ValueError(f"analytes missing from the catalogue: {sorted(missing)}")
        cited = [u.source for a in self.analytes.values() for u in a.units.values()]
        cited += [n.source for n in self.notes]
        _check_sources(cited, self.sources)
        for note in self.notes:
            if note.section not in self.sections:
                raise ValueError(f"note {note.id!r}: unknown section {note.section!r}")
        return self


class Band(Strict):
    """One band of an analyte, with explicit bounds (gt/ge below, lt/le above)."""

    name: str
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    source: str
    evidence: Evidence

    @model_validator(mode="after")
    def _bounds(self) -> Band:
        if self.gt is not None and self.ge is not None:
            raise ValueError("a band takes gt or ge, not both")
        if self.lt is not None and self.le is not None:
            raise ValueError("a band takes lt or le, not both")
        if self.lower > self.upper:
            raise ValueError("the lower bound is above the upper bound")
        return self

    @property
    def lower(self) -> float:
        """The lower bound (-inf when open)."""
        bound = self.gt if self.gt is not None else self.ge
        return -math.inf if bound is None else bound

    @property
    def lower_inclusive(self) -> bool:
        """Whether the lower bound belongs to the band."""
        return self.ge is not None

    @property
    def upper(self) -> float:
        """The upper bound (+inf when open)."""
        bound = self.lt if self.lt is not None else self.le
        return math.inf if bound is None else bound

    @property
    def upper_inclusive(self) -> bool:
        """Whether the upper bound belongs to the band."""
        return self.le is not None

    def contains(self, value: float) -> bool:
        """Whether a value lies in the band."""
        above = value >= self.lower if self.lower_inclusive else value > self.lower
        below = value <= self.upper if self.upper_inclusive else value < self.upper
        return above and below


class BandVariant(Strict):
    """A partition of the line into bands, used when `when` holds (the last has no `when`)."""

    when: ContextTest | None = None
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _partition(self) -> BandVariant:
        ordered = sorted(self.bands, key=lambda b: (b.lower, not b.lower_inclusive))
        if ordered != self.bands:
            raise ValueError("bands must be listed from lowest to highest")
        if ordered[0].lower != -math.inf or ordered[-1].upper != math.inf:
            raise ValueError("bands must cover every value (first open below, last open above)")
        for low, high in pairwise(ordered):
            if low.upper != high.lower or low.upper_inclusive == high.lower_inclusive:
                raise ValueError(
                    f"bands {low.name!r} and {high.name!r} leave a gap or overlap at "
                    f"{low.upper} vs {high.lower} (one side must be inclusive, the other not)"
                )
        names = [b.name for b in self.bands]
        if len(set(names)) != len(names):
            raise ValueError("band names must be unique within an analyte")
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


def _check_sources(cited: list[str], sources: dict[str, Source]) -> None:
    unknown = sorted(set(cited) - set(sources))
    if unknown:
        raise ValueError(f"unknown source id(s): {unknown}; declare them under 'sources'")


def conditions_of(ruleset: Ruleset) -> list[tuple[str, Condition]]:
    """Every condition in a ruleset with a path naming where it sits."""
    found: list[tuple[str, Condition]] = []
    for name, values in ruleset.derived.items():
        found += [(f"derived.{name}[{i}].when", d.when) for i, d in enumerate(values)]
    found += [(f"rules[{i}].when", r.when) for i, r in enumerate(ruleset.rules)]
    found += [(f"caveats[{i}].when", c.when) for i, c in enumerate(ruleset.caveats)]
    found += [(f"steps.{k}.when", s.when) for k, s in ruleset.steps.items() if s.when]
    return found


__all__ = ["Band", "Catalog", "Rule", "Ruleset", "conditions_of", "walk"]
