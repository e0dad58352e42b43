"""The one result model every renderer takes: an Interpretation of one record by one ruleset."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

if TYPE_CHECKING:
    from pydantic import Field

from b12cli.conditions import Category, Strict
from b12cli.model import AnalyteId, Evidence, RulesetStatus, Source

SCHEMA_VERSION = "1.0"
Comparator = Literal["<", "<=", ">", ">="]
UnitSource = Literal["given", "default", "header", "column", "option"]
Sex = Literal["female", "male"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WrittenBounds(Strict):
    """A band's bounds in the unit its ruleset wrote them in (e.g. WHO's pmol/L)."""

    unit: str
    lower: float | None
    upper: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold(Strict):
    """One band of the scale a measurement was compared against, in the canonical unit."""

    band: str
    lower: float | None
    lower_inclusive: bool
    upper: float | None
    upper_inclusive: bool
    source: str
    evidence: Evidence
    # The same bounds as the ruleset wrote them, when that was not the canonical unit.
    as_written: WrittenBounds | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
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
    possible_bands: list[str] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Context(Strict):
    """Clinical context that rules may test."""

    age: Annotated[float | None, Field(ge=0, le=130)] = None
    sex: Sex | None = None
    pregnant: bool | None = None
    risks: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class InputProblem(Strict):
    """A value that could not be used (the rest of the record is still interpreted)."""

    analyte: str | None = None
    column: str | None = None
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Record(Strict):
    """What the evaluator takes: measurements by analyte, context and problems found."""

    measurements: dict[AnalyteId, Measurement] = field(default_factory=dict)
    context: Context = field(default_factory=Context)
    errors: list[InputProblem] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class FiredRule(Strict):
    """The rule that decided, with the comparisons that made it true."""

    id: str
    source: str
    because: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Text(Strict):
    """A caveat or next step with its source."""

    id: str
    text: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteOut(Strict):
    """A shared explanatory note (e.g. joint and muscle pain) that applies."""

    id: str
    section: str
    title: str
    text: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RulesetRef(Strict):
    """Which ruleset produced the interpretation, exactly."""

    id: str
    title: str
    version: str
    status: RulesetStatus
    sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Interpretation(Strict):
    """The whole interpretation of one record by one ruleset."""

    schema_version: str = SCHEMA_VERSION
    ruleset: RulesetRef
    category: Category
    label: str
    summary: str
    measurements: list[Measurement]
    derived: dict[str, str | None] = field(default_factory=dict)
    context: Context
    rules_fired: list[FiredRule]
    next_steps: list[Text]
    caveats: list[Text]
    notes: list[NoteOut] = field(default_factory=list)
    indicators: dict[str, Any] = field(default_factory=dict)
    errors: list[InputProblem] = field(default_factory=list)
    sources: dict[str, Source]
    disclaimer: str
