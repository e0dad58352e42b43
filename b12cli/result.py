"""The one result model every renderer takes: an Interpretation of one record by one ruleset."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from b12cli.conditions import Category, Strict
from b12cli.model import AnalyteId, Evidence, RulesetStatus, Source

SCHEMA_VERSION = "1.0"
Comparator = Literal["<", "<=", ">", ">="]
UnitSource = Literal["given", "default", "header", "column", "option"]
Sex = Literal["female", "male"]


class Threshold(Strict):
    """One band of the scale a measurement was compared against, in the canonical unit."""

    band: str
    lower: float | None
    lower_inclusive: bool
    upper: float | None
    upper_inclusive: bool
    source: str
    evidence: Evidence


class Measurement(Strict):
    """One result as entered, converted to the canonical unit, and (once evaluated) banded."""

    analyte: AnalyteId
    name: str
    input: str
    value: float
    unit: str
    comparator: Comparator | None = None
    canonical_value: float
    canonical_unit: str
    unit_source: UnitSource
    band: str | None = None
    possible_bands: list[str] = Field(default_factory=list)
    thresholds: list[Threshold] = Field(default_factory=list)


class Context(Strict):
    """Clinical context that rules may test."""

    age: float | None = Field(default=None, ge=0, le=130)
    sex: Sex | None = None
    pregnant: bool | None = None
    risks: list[str] = Field(default_factory=list)
    symptoms: list[str] = Field(default_factory=list)


class InputProblem(Strict):
    """A value that could not be used (the rest of the record is still interpreted)."""

    analyte: str | None = None
    column: str | None = None
    message: str


class Record(Strict):
    """What the evaluator takes: measurements by analyte, context and problems found."""

    measurements: dict[AnalyteId, Measurement] = Field(default_factory=dict)
    context: Context = Field(default_factory=Context)
    errors: list[InputProblem] = Field(default_factory=list)


class FiredRule(Strict):
    """The rule that decided, with the comparisons that made it true."""

    id: str
    source: str
    because: list[str]


class Text(Strict):
    """A caveat or next step with its source."""

    id: str
    text: str
    source: str


class NoteOut(Strict):
    """A shared explanatory note (e.g. joint and muscle pain) that applies."""

    id: str
    section: str
    title: str
    text: str
    source: str


class RulesetRef(Strict):
    """Which ruleset produced the interpretation, exactly."""

    id: str
    title: str
    version: str
    status: RulesetStatus
    sha256: str


class Interpretation(Strict):
    """The whole interpretation of one record by one ruleset."""

    schema_version: str = SCHEMA_VERSION
    ruleset: RulesetRef
    category: Category
    label: str
    summary: str
    measurements: list[Measurement]
    derived: dict[str, str | None] = Field(default_factory=dict)
    context: Context
    rules_fired: list[FiredRule]
    next_steps: list[Text]
    caveats: list[Text]
    notes: list[NoteOut] = Field(default_factory=list)
    indicators: dict[str, Any] = Field(default_factory=dict)
    errors: list[InputProblem] = Field(default_factory=list)
    sources: dict[str, Source]
    disclaimer: str
