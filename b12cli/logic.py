"""Three-valued evaluation of conditions for one record, with the reasons that made them so.

`None` means "cannot tell": a band test on a censored value whose interval spans bands
inside and outside the tested set. Combinators follow Kleene logic, as polars does with
null booleans, so the batch executor can share these semantics exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from b12cli.bands import bounds_text, context_holds
from b12cli.conditions import (
    AllOf,
    AnyOf,
    BandTest,
    Category,
    CategoryTest,
    Condition,
    ContextTest,
    DerivedTest,
    MeasuredTest,
    NotOf,
    RiskTest,
    SymptomTest,
    UncertainTest,
)
from b12cli.result import Context, Measurement

Tri = bool | None


@dataclass(frozen=True)
class Outcome:
    """A truth value with reasons for it being true (`yes`) and for it being false (`no`)."""

    value: Tri
    yes: list[str] = field(default_factory=list)
    no: list[str] = field(default_factory=list)


@dataclass
class Facts:
    """What conditions are evaluated against."""

    measurements: dict[str, Measurement]
    context: Context
    # The values each derived status can take (None: no value matched); one value when definite.
    derived: dict[str, frozenset[str | None]] = field(default_factory=dict)
    derived_why: dict[str, list[str]] = field(default_factory=dict)
    category: Category | None = None


def evaluate(condition: Condition, facts: Facts) -> Outcome:
    """Evaluate a condition tree against the facts."""
    if isinstance(condition, AllOf):
        return _all([evaluate(c, facts) for c in condition.all_of])
    if isinstance(condition, AnyOf):
        return _any([evaluate(c, facts) for c in condition.any_of])
    if isinstance(condition, NotOf):
        inner = evaluate(condition.not_of, facts)
        return Outcome(None if inner.value is None else not inner.value, inner.no, inner.yes)
    return _leaf(condition, facts)


def _all(parts: list[Outcome]) -> Outcome:
    if any(p.value is False for p in parts):
        first = next(p for p in parts if p.value is False)
        return Outcome(False, no=first.no)
    value = None if any(p.value is None for p in parts) else True
    return Outcome(value, yes=[r for p in parts for r in p.yes])


def _any(parts: list[Outcome]) -> Outcome:
    if any(p.value is True for p in parts):
        first = next(p for p in parts if p.value is True)
        return Outcome(True, yes=first.yes)
    value = None if any(p.value is None for p in parts) else False
    return Outcome(value, no=[r for p in parts for r in p.no])


def _leaf(node: Condition, facts: Facts) -> Outcome:
    if isinstance(node, BandTest):
        return _band(node, facts.measurements.get(node.band))
    if isinstance(node, DerivedTest):
        possible = facts.derived.get(node.derived, frozenset({None}))
        inside = {v for v in possible if v in node.in_}
        if inside and inside != possible:
            return Outcome(None)
        (value,) = possible if len(possible) == 1 else (None,)
        said = [f"{node.derived} status is {value or 'undetermined'}"]
        said += facts.derived_why.get(node.derived, [])
        return Outcome(bool(inside), said, said)
    if isinstance(node, MeasuredTest):
        given = node.measured in facts.measurements
        return Outcome(given, [f"{node.measured} given"], [f"{node.measured} not given"])
    if isinstance(node, UncertainTest):
        spans = [a for a in node.uncertain if _spans(facts.measurements.get(a))]
        return Outcome(bool(spans), [f"{a} censored across bands" for a in spans], [])
    if isinstance(node, ContextTest):
        return _context(node, facts.context)
    if isinstance(node, RiskTest | SymptomTest):
        wanted = node.risk if isinstance(node, RiskTest) else node.symptom
        have = facts.context.risks if isinstance(node, RiskTest) else facts.context.symptoms
        hits = [t for t in wanted if t in have]
        return Outcome(bool(hits), [f"{t} given" for t in hits], [f"none of {', '.join(wanted)}"])
    assert isinstance(node, CategoryTest)
    return Outcome(facts.category in node.category)


def _spans(m: Measurement | None) -> bool:
    # An analyte the ruleset does not band has no band either, but nothing to span.
    return m is not None and m.band is None and len(m.possible_bands) > 1


def _band(node: BandTest, m: Measurement | None) -> Outcome:
    if m is None:
        return Outcome(False, no=[f"{node.band} not given"])
    shown = f"{node.band} {m.input}"
    if m.band is not None:
        threshold = next(t for t in m.thresholds if t.band == m.band)
        why = (
            f"{shown} is {m.band} ({bounds_text(threshold, m.canonical_unit)}; {threshold.source})"
        )
        return Outcome(m.band in node.in_, [why], [why])
    inside = [b for b in m.possible_bands if b in node.in_]
    if len(inside) == len(m.possible_bands):
        return Outcome(True, [f"{shown} can only be {' or '.join(inside)}"])
    if not inside:
        return Outcome(False, no=[f"{shown} cannot be {' or '.join(node.in_)}"])
    return Outcome(None)


def _context(node: ContextTest, context: Context) -> Outcome:
    value = getattr(context, node.context)
    if value is None:
        return Outcome(False, no=[f"{node.context} not given"])
    holds = context_holds(node, context)
    shown = (
        str(value).lower()
        if isinstance(value, bool)
        else f"{value:g}"
        if isinstance(value, float)
        else str(value)
    )
    return Outcome(holds, [f"{node.context} {shown}"], [f"{node.context} {shown}"])
