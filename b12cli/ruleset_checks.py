"""Cross-reference checks of a ruleset: every name a condition uses must exist."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from b12cli.conditions import (
    BandTest,
    CategoryTest,
    Condition,
    DerivedTest,
    MeasuredTest,
    RiskTest,
    SymptomTest,
    UncertainTest,
    walk,
)

if TYPE_CHECKING:
    from b12cli.model import Catalog, Ruleset


def band_names(ruleset: Ruleset, analyte: str) -> set[str]:
    """All band names an analyte can take under a ruleset (over every variant)."""
    variants = ruleset.bands.get(analyte, [])  # type: ignore[call-overload]
    return {band.name for variant in variants for band in variant.bands}


def check_ruleset(ruleset: Ruleset) -> None:
    """Raise ValueError naming the first dangling reference in a ruleset."""
    _check_variants(ruleset)
    cited = [b.source for v in ruleset.bands.values() for var in v for b in var.bands]
    cited += [r.source for r in [*ruleset.rules, ruleset.uncertain, ruleset.otherwise]]
    cited += [c.source for c in ruleset.caveats] + [s.source for s in ruleset.steps.values()]
    unknown = sorted(set(cited) - set(ruleset.sources))
    if unknown:
        raise ValueError(f"unknown source id(s): {unknown}; declare them under 'sources'")
    for rule in [*ruleset.rules, ruleset.uncertain, ruleset.otherwise]:
        for step in rule.next_steps:
            if step not in ruleset.steps:
                raise ValueError(f"rule {rule.id!r}: unknown next step {step!r}")
    _check_unique(
        [r.id for r in ruleset.rules] + [ruleset.uncertain.id, ruleset.otherwise.id], "rule"
    )
    _check_unique([c.id for c in ruleset.caveats], "caveat")
    from b12cli.model import conditions_of

    seen_derived: list[str] = []
    for name in ruleset.derived:
        for where, cond in conditions_of(ruleset):
            if where.startswith(f"derived.{name}["):
                check_condition(ruleset, cond, where, seen_derived, allow_category=False)
        seen_derived.append(name)
    for where, cond in conditions_of(ruleset):
        if not where.startswith("derived."):
            allow = not where.startswith("rules[")
            check_condition(ruleset, cond, where, seen_derived, allow_category=allow)


def check_condition(
    ruleset: Ruleset,
    condition: Condition,
    where: str,
    derived: list[str],
    *,
    allow_category: bool,
) -> None:
    """Raise ValueError if a condition names an unknown analyte, band or derived status."""
    for node in walk(condition):
        if isinstance(node, BandTest):
            known = band_names(ruleset, node.band)
            if not known:
                raise ValueError(f"{where}: no bands for analyte {node.band!r}")
            bad = sorted(set(node.in_) - known)
            if bad:
                raise ValueError(f"{where}: unknown band(s) {bad} of {node.band!r}")
        elif isinstance(node, DerivedTest):
            if node.derived not in derived:
                raise ValueError(f"{where}: unknown or later derived status {node.derived!r}")
            values = {d.value for d in ruleset.derived[node.derived]}
            bad = sorted(set(node.in_) - values)
            if bad:
                raise ValueError(f"{where}: unknown value(s) {bad} of {node.derived!r}")
        elif isinstance(node, MeasuredTest | UncertainTest):
            names = [node.measured] if isinstance(node, MeasuredTest) else node.uncertain
            _check_analytes(names, where)
        elif isinstance(node, CategoryTest) and not allow_category:
            raise ValueError(f"{where}: a category test is allowed only after the decision")


def check_terms(ruleset: Ruleset, catalog: Catalog) -> None:
    """Raise ValueError if a ruleset names a risk factor or symptom the catalogue lacks."""
    from b12cli.model import conditions_of

    for where, cond in conditions_of(ruleset):
        for node in walk(cond):
            if isinstance(node, RiskTest):
                _check_vocab(node.risk, catalog.risks, where, "risk factor")
            elif isinstance(node, SymptomTest):
                _check_vocab(node.symptom, catalog.symptoms, where, "symptom")


def _check_vocab(terms: list[str], vocab: Mapping[str, object], where: str, kind: str) -> None:
    bad = sorted(set(terms) - set(vocab))
    if bad:
        raise ValueError(f"{where}: unknown {kind}(s) {bad}")


def _check_analytes(names: list[str], where: str) -> None:
    from b12cli.model import ANALYTES

    bad = sorted(set(names) - set(ANALYTES))
    if bad:
        raise ValueError(f"{where}: unknown analyte(s) {bad}")


def _check_variants(ruleset: Ruleset) -> None:
    for analyte, variants in ruleset.bands.items():
        if variants[-1].when is not None:
            raise ValueError(f"bands.{analyte}: the last variant must have no 'when'")
        if any(v.when is None for v in variants[:-1]):
            raise ValueError(f"bands.{analyte}: only the last variant may omit 'when'")


def _check_unique(ids: list[str], kind: str) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate {kind} id(s): {dupes}")
