"""Structured rule conditions: all/any/not over band, derived-status and context tests.

Conditions are data, never code: each is one small model with a single key, and the
evaluators (`evaluate.py` for one record, `batch/compile.py` for columns) interpret them
with three-valued (Kleene) logic, where `None` means "cannot tell" (a censored value whose
interval spans several bands).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Category = Literal[
    "deficient", "functional_deficiency", "indeterminate", "not_deficient", "insufficient_data"
]
CATEGORIES: tuple[Category, ...] = (
    "deficient",
    "functional_deficiency",
    "indeterminate",
    "not_deficient",
    "insufficient_data",
)
ContextField = Literal["age", "sex", "pregnant"]


class Strict(BaseModel):
    """Base for every model read from YAML: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class AllOf(Strict):
    """True when every sub-condition is true."""

    all_of: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(Strict):
    """True when at least one sub-condition is true."""

    any_of: list[Condition] = Field(alias="any", min_length=1)


class NotOf(Strict):
    """Negation (unknown stays unknown)."""

    not_of: Condition = Field(alias="not")


class BandTest(Strict):
    """The analyte's band is one of `in`; false when the analyte is missing."""

    band: str
    in_: list[str] = Field(alias="in", min_length=1)


class DerivedTest(Strict):
    """A derived status (e.g. screening) has one of the values in `in`."""

    derived: str
    in_: list[str] = Field(alias="in", min_length=1)


class MeasuredTest(Strict):
    """The analyte was given (with or without a definite band)."""

    measured: str


class UncertainTest(Strict):
    """At least one of these analytes has a censored value spanning several bands."""

    uncertain: list[str] = Field(min_length=1)


class ContextTest(Strict):
    """A comparison on a context field (age, sex, pregnant); false when it is not given."""

    context: ContextField
    lt: float | None = None
    le: float | None = None
    gt: float | None = None
    ge: float | None = None
    eq: str | bool | None = None

    @model_validator(mode="after")
    def _one_comparison(self) -> ContextTest:
        given = [k for k in ("lt", "le", "gt", "ge", "eq") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a context test takes exactly one of lt, le, gt, ge, eq")
        return self


class RiskTest(Strict):
    """Any of these risk factors was given."""

    risk: list[str] = Field(min_length=1)


class SymptomTest(Strict):
    """Any of these symptoms was given."""

    symptom: list[str] = Field(min_length=1)


class CategoryTest(Strict):
    """The decided category is one of these (caveats, notes and next steps only)."""

    category: list[Category] = Field(min_length=1)


_KEYS = {
    "all": "AllOf",
    "any": "AnyOf",
    "not": "NotOf",
    "band": "BandTest",
    "derived": "DerivedTest",
    "measured": "MeasuredTest",
    "uncertain": "UncertainTest",
    "context": "ContextTest",
    "risk": "RiskTest",
    "symptom": "SymptomTest",
    "category": "CategoryTest",
}


def _condition_kind(value: Any) -> str | None:
    """Pick the condition model by the key it carries, so errors point at that model only."""
    if isinstance(value, BaseModel):
        return type(value).__name__
    if isinstance(value, dict):
        for key, kind in _KEYS.items():
            if key in value:
                return kind
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("AllOf")]
    | Annotated[AnyOf, Tag("AnyOf")]
    | Annotated[NotOf, Tag("NotOf")]
    | Annotated[BandTest, Tag("BandTest")]
    | Annotated[DerivedTest, Tag("DerivedTest")]
    | Annotated[MeasuredTest, Tag("MeasuredTest")]
    | Annotated[UncertainTest, Tag("UncertainTest")]
    | Annotated[ContextTest, Tag("ContextTest")]
    | Annotated[RiskTest, Tag("RiskTest")]
    | Annotated[SymptomTest, Tag("SymptomTest")]
    | Annotated[CategoryTest, Tag("CategoryTest")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="not a condition: expected one of the keys " + ", ".join(_KEYS),
    ),
]


def children(condition: Condition) -> list[Condition]:
    """The direct sub-conditions of a combinator (empty for a leaf test)."""
    if isinstance(condition, AllOf):
        return list(condition.all_of)
    if isinstance(condition, AnyOf):
        return list(condition.any_of)
    if isinstance(condition, NotOf):
        return [condition.not_of]
    return []


def walk(condition: Condition) -> list[Condition]:
    """Every node of a condition tree, depth first."""
    nodes = [condition]
    for child in children(condition):
        nodes.extend(walk(child))
    return nodes
