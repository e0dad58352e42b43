"""The ruleset schema as documentation: a type and a description for every model field.

`docs_gen` refuses to run if a model gains a field that is not described here, so the schema
section of docs/rulesets.md cannot fall behind the models.
"""

from __future__ import annotations

from typing import Any

from b12cli.model import Band, BandVariant, Caveat, Derived, Rule, Ruleset, Source, Step
from b12cli.validation import keys

CONDITIONS = "condition"
FIELDS: dict[type[Any], dict[str, tuple[str, str]]] = {
    Ruleset: {
        "id": ("text", "Lowercase letters, digits, `.`, `_`, `-`; shown in every output."),
        "title": ("text", "Human-readable name."),
        "version": ("text", 'The ruleset\'s own version; quote it (`"1.0.0"`).'),
        "effective": ("date", "`YYYY-MM-DD`: when the content took effect."),
        "status": ("guideline, laboratory or experimental", "What kind of ruleset this is."),
        "description": ("text", "Optional summary, shown by `rules show`."),
        "extends": ("id or path", "Parent ruleset to inherit from (see *Extending a ruleset*)."),
        "sources": ("map of id to source", "Every document a band, rule, caveat or step cites."),
        "bands": ("map of analyte to band lists", "Thresholds per analyte (see *Bands*)."),
        "derived": ("map of name to values", "Named statuses computed before the rules."),
        "rules": ("list of rules", "Decision rules; the first whose `when` holds decides."),
        "uncertain": ("rule", "Used when a censored value leaves an earlier rule undecided."),
        "otherwise": ("rule", "Used when no rule holds."),
        "caveats": ("list of caveats", "Every caveat whose `when` holds is reported."),
        "steps": ("map of id to step", "Next steps that rules name in `next_steps`."),
    },
    Source: {
        "title": ("text", "Citation: authors, title, journal or page, and what it says."),
        "year": ("integer", "Optional year."),
        "url": ("text", "Optional link."),
    },
    BandVariant: {
        "when": (
            "context test",
            "Use this band list when it holds (e.g. `{context: age, ge: 65}`); "
            "the last list of an analyte has no `when`.",
        ),
        "bands": (
            "list of bands",
            "From lowest to highest, covering every value without gap "
            "or overlap: at each edge one side is inclusive and the other not.",
        ),
    },
    Band: {
        "name": ("text", "Band name that conditions test (`{band: b12, in: [low]}`)."),
        "gt": ("number", "Lower bound, exclusive (`> value`)."),
        "ge": ("number", "Lower bound, inclusive (`>= value`). Omit both for an open lower end."),
        "lt": ("number", "Upper bound, exclusive (`< value`)."),
        "le": ("number", "Upper bound, inclusive (`<= value`). Omit both for an open upper end."),
        "source": ("source id", "Where the threshold comes from."),
        "evidence": ("V, S, M or C", "Evidence label (see *Evidence labels*)."),
    },
    Derived: {
        "value": ("text", "The status's value when `when` holds (the first that holds wins)."),
        "when": (CONDITIONS, "When the status takes this value."),
    },
    Rule: {
        "id": ("text", "Unique among rules, `uncertain` and `otherwise`."),
        "when": (CONDITIONS, "When the rule decides (no `category` tests here)."),
        "category": ("category", "One of the fixed categories."),
        "label": ("text", "Short label, e.g. `Possible deficiency (indeterminate)`."),
        "summary": ("text", "One or two sentences explaining the decision."),
        "next_steps": ("list of step ids", "Steps offered when this rule decides."),
        "source": ("source id", "Where the rule comes from."),
    },
    Caveat: {
        "id": ("text", "Unique among caveats."),
        "when": (CONDITIONS, "When the caveat is reported (may test `category`)."),
        "text": ("text", "What the clinician should bear in mind."),
        "source": ("source id", "Where the caveat comes from."),
    },
    Step: {
        "text": ("text", "An option to consider, written as such (`Consider ...`)."),
        "when": (CONDITIONS, "Optional: offer the step only when it holds."),
        "source": ("source id", "Where the step comes from."),
    },
}
# Accepted on a band list in the file; converted away when the ruleset is loaded.
BAND_LIST_UNIT = (
    "unit",
    "unit name",
    "Optional: the unit the bounds are written in (any unit the catalogue accepts for the "
    "analyte); converted to the canonical unit on loading, exactly as entered values are.",
)
CONDITION_KINDS = {
    "all": ("`{all: [c1, c2]}`", "every sub-condition holds"),
    "any": ("`{any: [c1, c2]}`", "at least one sub-condition holds"),
    "not": ("`{not: c}`", "the sub-condition does not hold (unknown stays unknown)"),
    "band": ("`{band: b12, in: [low]}`", "the analyte's band is one of these (false if not given)"),
    "derived": ("`{derived: screening, in: [low]}`", "a derived status has one of these values"),
    "measured": ("`{measured: mma}`", "the analyte was given"),
    "uncertain": ("`{uncertain: [b12, mma]}`", "a censored value spans several bands"),
    "context": ("`{context: age, ge: 65}`", "age, sex or pregnant compared with lt/le/gt/ge/eq"),
    "risk": ("`{risk: [metformin]}`", "any of these risk factors was given"),
    "symptom": ("`{symptom: [paraesthesia]}`", "any of these symptoms was given"),
    "category": ("`{category: [not_deficient]}`", "the decided category (caveats, steps only)"),
}


def undocumented() -> list[str]:
    """Model fields without a description here (should be empty)."""
    missing = []
    for model, described in FIELDS.items():
        for key, _ in keys(model):
            if key not in described:
                missing.append(f"{model.__name__}.{key}")
    return missing
