"""Conditions and bands as short readable text, for `rules show`, `rules diff` and the docs."""

from __future__ import annotations

import math
from collections.abc import Callable

from b12cli.band_model import Band
from b12cli.band_units import BandUnit
from b12cli.conditions import (
    AllOf,
    AnyOf,
    BandTest,
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
from b12cli.render.common import number

_SYMBOLS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "="}


def condition_text(condition: Condition) -> str:
    """'b12 is low and not (egfr is impaired)' style text of a condition tree."""
    if isinstance(condition, AllOf | AnyOf):
        parts = condition.all_of if isinstance(condition, AllOf) else condition.any_of
        joiner = " and " if isinstance(condition, AllOf) else " or "
        return joiner.join(_grouped(c) for c in parts)
    if isinstance(condition, NotOf):
        if isinstance(condition.not_of, MeasuredTest):
            return f"{condition.not_of.measured} not given"
        return f"not {_grouped(condition.not_of)}"
    return _leaf(condition)


def _grouped(condition: Condition) -> str:
    text = condition_text(condition)
    return f"({text})" if isinstance(condition, AllOf | AnyOf) else text


def _leaf(node: Condition) -> str:
    if isinstance(node, BandTest | DerivedTest):
        name = node.band if isinstance(node, BandTest) else node.derived
        return f"{name} is {' or '.join(node.in_)}"
    if isinstance(node, MeasuredTest):
        return f"{node.measured} given"
    if isinstance(node, UncertainTest):
        return f"censored across bands: {', '.join(node.uncertain)}"
    if isinstance(node, ContextTest):
        return context_text(node)
    if isinstance(node, RiskTest | SymptomTest):
        kind, terms = (
            ("risk", node.risk) if isinstance(node, RiskTest) else ("symptom", node.symptom)
        )
        return f"{kind}: {' or '.join(terms)}"
    assert isinstance(node, CategoryTest)
    return f"category is {' or '.join(node.category)}"


def context_text(test: ContextTest) -> str:
    """'age >= 65', 'pregnant = true'."""
    field = test.context
    op, value = test.comparison()
    shown = str(value).lower() if isinstance(value, bool) else f"{value:g}"
    if isinstance(value, str):
        shown = value
    return f"{field} {_SYMBOLS[op]} {shown}"


def range_text(band: Band, unit: str, written: BandUnit | None = None) -> str:
    """'>= 180 and <= 350 ng/L'; with a written unit, '< 150 pmol/L (203.3 ng/L)'."""
    shown = _bounds(band, number, unit)
    if written is None or written.label == unit:
        return shown
    as_written = _bounds(band, lambda v: number(written.shown(v)), written.label)
    return f"{as_written} ({shown})"


def _bounds(band: Band, fmt: Callable[[float], str], unit: str) -> str:
    parts = []
    if not math.isinf(band.lower):
        parts.append(f"{'>=' if band.lower_inclusive else '>'} {fmt(band.lower)}")
    if not math.isinf(band.upper):
        parts.append(f"{'<=' if band.upper_inclusive else '<'} {fmt(band.upper)}")
    return " and ".join(parts) + f" {unit}" if parts else "any value"
