"""One record x one ruleset -> Interpretation. Pure: no I/O, no printing, no polars."""

from __future__ import annotations

from b12cli.bands import band_measurement
from b12cli.conditions import Condition
from b12cli.indicators import indicator_sources, indicators_for
from b12cli.logic import Facts, evaluate
from b12cli.model import Catalog, Rule, Ruleset
from b12cli.result import (
    FiredRule,
    Interpretation,
    Measurement,
    NoteOut,
    Record,
    RulesetRef,
    Text,
)
from b12cli.rulesets import LoadedRuleset


def band_all(record: Record, loaded: LoadedRuleset) -> dict[str, Measurement]:
    """Every measurement banded under the ruleset (analytes without bands left as they are)."""
    banded: dict[str, Measurement] = {}
    for analyte, m in record.measurements.items():
        variants = loaded.ruleset.bands.get(analyte)
        units = loaded.band_units.get(analyte, [])
        banded[analyte] = band_measurement(m, variants, record.context, units) if variants else m
    return banded


def derive(ruleset: Ruleset, facts: Facts) -> dict[str, frozenset[str | None]]:
    """Each derived status as the set of values it can take (one value unless censoring
    leaves an earlier candidate undecided; None in the set: no candidate matched)."""
    for name, values in ruleset.derived.items():
        possible: set[str | None] = set()
        for candidate in values:
            outcome = evaluate(candidate.when, facts)
            if outcome.value is not False:
                possible.add(candidate.value)
            if outcome.value:
                facts.derived_why[name] = outcome.yes
                break
        else:
            possible.add(None)
        facts.derived[name] = frozenset(possible)
    return facts.derived


def decide(ruleset: Ruleset, facts: Facts) -> tuple[Rule, list[str]]:
    """The first rule that holds; the `uncertain` rule if one before it cannot be told."""
    for rule in ruleset.rules:
        outcome = evaluate(rule.when, facts)
        if outcome.value is None:
            return ruleset.uncertain, evaluate(ruleset.uncertain.when, facts).yes
        if outcome.value:
            return rule, outcome.yes
    return ruleset.otherwise, []


def _holds(condition: Condition | None, facts: Facts) -> bool:
    return condition is None or evaluate(condition, facts).value is True


def interpret(record: Record, loaded: LoadedRuleset, catalog: Catalog) -> Interpretation:
    """Interpret one record by one ruleset."""
    ruleset = loaded.ruleset
    facts = Facts(measurements=band_all(record, loaded), context=record.context)
    derived = derive(ruleset, facts)
    rule, because = decide(ruleset, facts)
    facts.category = rule.category
    steps = [(sid, ruleset.steps[sid]) for sid in rule.next_steps]
    next_steps = [
        Text(id=i, text=s.text, source=s.source) for i, s in steps if _holds(s.when, facts)
    ]
    caveats = [
        Text(id=c.id, text=c.text, source=c.source)
        for c in ruleset.caveats
        if _holds(c.when, facts)
    ]
    notes = [
        NoteOut(
            id=n.id,
            section=n.section,
            title=catalog.sections[n.section],
            text=n.text,
            source=n.source,
        )
        for n in catalog.notes
        if _holds(n.when, facts)
    ]
    cited = {rule.source, *(t.source for t in [*next_steps, *caveats])}
    cited |= {t.source for m in facts.measurements.values() for t in m.thresholds}
    sources = {k: v for k, v in ruleset.sources.items() if k in cited}
    sources |= {n.source: catalog.sources[n.source] for n in notes}
    indicators = indicators_for(record, catalog)
    sources |= indicator_sources(indicators, catalog)
    return Interpretation(
        ruleset=RulesetRef(
            id=ruleset.id,
            title=ruleset.title,
            version=ruleset.version,
            status=ruleset.status,
            sha256=loaded.sha256,
        ),
        category=rule.category,
        label=rule.label,
        summary=rule.summary,
        measurements=[facts.measurements[a] for a in catalog.analytes if a in facts.measurements],
        derived={k: next(iter(v)) if len(v) == 1 else None for k, v in derived.items()},
        context=record.context,
        rules_fired=[FiredRule(id=rule.id, source=rule.source, because=because)],
        next_steps=next_steps,
        caveats=caveats,
        notes=notes,
        indicators=indicators,
        errors=record.errors,
        sources=dict(sorted(sources.items())),
        disclaimer=catalog.disclaimer,
    )
