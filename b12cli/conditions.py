"""Structured rule conditions: all/any/not over band, derived-status and context tests.

Conditions are data, never code: each is one small model with a single key, and the
evaluators (`evaluate.py` for one record, `batch/compile.py` for columns) interpret them
with three-valued (Kleene) logic, where `None` means "cannot tell" (a censored value whose
interval spans several bands).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias

if TYPE_CHECKING:
    # Pydantic reads these annotations only when a file is validated (b12cli.validation);
    # the interpreter never imports it.
    from pydantic import Field

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


class Strict:
    """Base for every model read from YAML: unknown keys are refused when validating.

    Models are frozen, slotted, keyword-only dataclasses; their pydantic constraints live in
    string annotations that only `b12cli.validation` resolves, so interpreting a record with
    a bundled ruleset never imports pydantic.
    """

    __slots__ = ()
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}


@dataclass(frozen=True, slots=True, kw_only=True)
class AllOf(Strict):
    """True when every sub-condition is true."""

    all_of: Annotated[list[Condition], Field(alias="all", min_length=1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class AnyOf(Strict):
    """True when at least one sub-condition is true."""

    any_of: Annotated[list[Condition], Field(alias="any", min_length=1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class NotOf(Strict):
    """Negation (unknown stays unknown)."""

    not_of: Annotated[Condition, Field(alias="not")]


@dataclass(frozen=True, slots=True, kw_only=True)
class BandTest(Strict):
    """The analyte's band is one of `in`; false when the analyte is missing."""

    band: str
    in_: Annotated[list[str], Field(alias="in", min_length=1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class DerivedTest(Strict):
    """A derived status (e.g. screening) has one of the values in `in`."""

    derived: str
    in_: Annotated[list[str], Field(alias="in", min_length=1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasuredTest(Strict):
    """The analyte was given (with or without a definite band)."""

    measured: str


@dataclass(frozen=True, slots=True, kw_only=True)
class UncertainTest(Strict):
    """At least one of these analytes has a censored value spanning several bands."""

    uncertain: Annotated[list[str], Field(min_length=1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextTest(Strict):
    """A comparison on a context field (age, sex, pregnant); false when it is not given."""

    context: ContextField
    lt: float | None = None
    le: float | None = None
    gt: float | None = None
    ge: float | None = None
    eq: str | bool | None = None

    def __post_init__(self) -> None:
        given = [k for k in ("lt", "le", "gt", "ge", "eq") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a context test takes exactly one of lt, le, gt, ge, eq")

    def comparison(self) -> tuple[str, float | str | bool]:
        """The one comparison this test makes: operator key and operand."""
        for key in ("lt", "le", "gt", "ge", "eq"):
            operand: float | str | bool | None = getattr(self, key)
            if operand is not None:
                return key, operand
        raise AssertionError("validated context tests have one comparison")


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskTest(Strict):
    """Any of these risk factors was given."""

    risk: Annotated[list[str], Field(min_length=1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class SymptomTest(Strict):
    """Any of these symptoms was given."""

    symptom: Annotated[list[str], Field(min_length=1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryTest(Strict):
    """The decided category is one of these (caveats, notes and next steps only)."""

    category: Annotated[list[Category], Field(min_length=1)]


KEYS = {
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


def condition_kind(value: Any) -> str | None:
    """Pick the condition model by the key it carries, so errors point at that model only."""
    if isinstance(value, dict):
        for key, kind in KEYS.items():
            if key in value:
                return kind
        return None
    return type(value).__name__ if type(value).__name__ in KEYS.values() else None


Condition: TypeAlias = (
    AllOf
    | AnyOf
    | NotOf
    | BandTest
    | DerivedTest
    | MeasuredTest
    | UncertainTest
    | ContextTest
    | RiskTest
    | SymptomTest
    | CategoryTest
)
"""Any condition; when validating, `b12cli.validation` tells them apart by `condition_kind`."""


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
