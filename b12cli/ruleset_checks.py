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
from b12cli.yamlsafe import dotted

if TYPE_CHECKING:
    from b12cli.model import Catalog, Rule, Ruleset

KeyPath = tuple[str | int, ...]


class CheckError(ValueError):
    """A dangling or duplicate reference, with the key path where it sits."""

    def __init__(self, path: KeyPath, problem: str) -> None:
        super().__init__(f"{dotted(path)}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


def band_names(ruleset: Ruleset, analyte: str) -> set[str]:
    """All band names an analyte can take under a ruleset (over every variant)."""
    variants = ruleset.bands.get(analyte, [])  # type: ignore[call-overload]
    return {band.name for variant in variants for band in variant.bands}


def check_ruleset(ruleset: Ruleset) -> None:
    """Raise CheckError naming the first dangling reference in a ruleset."""
    _check_variants(ruleset)
    _check_sources(ruleset)
    decisions = _decisions(ruleset)
    for path, rule in decisions:
        for i, step in enumerate(rule.next_steps):
            if step not in ruleset.steps:
                raise CheckError((*path, "next_steps", i), f"unknown next step {step!r}")
    _check_unique([(p, r.id) for p, r in decisions], "rule")
    _check_unique([(("caveats", i), c.id) for i, c in enumerate(ruleset.caveats)], "caveat")
    from b12cli.model import conditions_of

    seen_derived: list[str] = []
    for name in ruleset.derived:
        for path, cond in conditions_of(ruleset):
            if path[:2] == ("derived", name):
                check_condition(ruleset, cond, path, seen_derived, allow_category=False)
        seen_derived.append(name)
    for path, cond in conditions_of(ruleset):
        if path[0] != "derived":
            allow = path[0] in ("caveats", "steps")
            check_condition(ruleset, cond, path, seen_derived, allow_category=allow)


def _decisions(ruleset: Ruleset) -> list[tuple[KeyPath, Rule]]:
    found: list[tuple[KeyPath, Rule]] = [(("rules", i), r) for i, r in enumerate(ruleset.rules)]
    return [*found, (("uncertain",), ruleset.uncertain), (("otherwise",), ruleset.otherwise)]


def check_condition(
    ruleset: Ruleset,
    condition: Condition,
    path: KeyPath,
    derived: list[str],
    *,
    allow_category: bool,
) -> None:
    """Raise CheckError if a condition names an unknown analyte, band or derived status."""
    for node in walk(condition):
        if isinstance(node, BandTest):
            known = band_names(ruleset, node.band)
            if not known:
                raise CheckError(path, f"no bands for analyte {node.band!r}")
            _check_known(node.in_, known, path, f"band(s) of {node.band!r}")
        elif isinstance(node, DerivedTest):
            if node.derived not in derived:
                raise CheckError(path, f"unknown or later derived status {node.derived!r}")
            values = {d.value for d in ruleset.derived[node.derived]}
            _check_known(node.in_, values, path, f"value(s) of {node.derived!r}")
        elif isinstance(node, MeasuredTest | UncertainTest):
            names = [node.measured] if isinstance(node, MeasuredTest) else node.uncertain
            _check_analytes(names, path)
        elif isinstance(node, CategoryTest) and not allow_category:
            raise CheckError(path, "a category test is allowed only after the decision")


def check_terms(ruleset: Ruleset, catalog: Catalog) -> None:
    """Raise CheckError if a ruleset names a risk factor or symptom the catalogue lacks."""
    from b12cli.model import conditions_of

    for path, cond in conditions_of(ruleset):
        for node in walk(cond):
            if isinstance(node, RiskTest):
                _check_known(node.risk, catalog.risks, path, "risk factor(s)")
            elif isinstance(node, SymptomTest):
                _check_known(node.symptom, catalog.symptoms, path, "symptom(s)")


def _check_known(
    names: list[str], known: Mapping[str, object] | set[str], path: KeyPath, kind: str
) -> None:
    bad = sorted(set(names) - set(known))
    if bad:
        # "band(s) of 'b12'" reads "unknown band(s) ['x'] of 'b12'"
        head, _, tail = kind.partition(" of ")
        raise CheckError(path, f"unknown {head} {bad}" + (f" of {tail}" if tail else ""))


def _check_analytes(names: list[str], path: KeyPath) -> None:
    from b12cli.model import ANALYTES

    bad = sorted(set(names) - set(ANALYTES))
    if bad:
        raise CheckError(path, f"unknown analyte(s) {bad}")


def _check_sources(ruleset: Ruleset) -> None:
    cited: list[tuple[KeyPath, str]] = []
    for analyte, variants in ruleset.bands.items():
        for i, variant in enumerate(variants):
            for j, band in enumerate(variant.bands):
                cited.append((("bands", analyte, i, "bands", j, "source"), band.source))
    cited += [((*p, "source"), r.source) for p, r in _decisions(ruleset)]
    cited += [(("caveats", i, "source"), c.source) for i, c in enumerate(ruleset.caveats)]
    cited += [(("steps", k, "source"), s.source) for k, s in ruleset.steps.items()]
    for path, source in cited:
        if source not in ruleset.sources:
            unknown = sorted({s for _, s in cited} - set(ruleset.sources))
            raise CheckError(path, f"unknown source id(s): {unknown}; declare them under 'sources'")


def _check_variants(ruleset: Ruleset) -> None:
    for analyte, variants in ruleset.bands.items():
        if variants[-1].when is not None:
            raise CheckError(("bands", analyte), "the last variant must have no 'when'")
        if any(v.when is None for v in variants[:-1]):
            raise CheckError(("bands", analyte), "only the last variant may omit 'when'")


def _check_unique(items: list[tuple[KeyPath, str]], kind: str) -> None:
    seen: set[str] = set()
    for path, item_id in items:
        if item_id in seen:
            raise CheckError((*path, "id"), f"duplicate {kind} id {item_id!r}")
        seen.add(item_id)
