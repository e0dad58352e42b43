"""Generate docs/rulesets.md from the bundled YAML and the models.

Run `python -m b12cli.docs_gen > docs/rulesets.md`; a test fails when the file is stale.
"""

from __future__ import annotations

import sys

from b12cli.docs_guide import EXTENDING, INTRO, WRITING
from b12cli.docs_schema import BAND_LIST_UNIT, CONDITION_KINDS, FIELDS, undocumented
from b12cli.model import BandVariant
from b12cli.render.condition_text import condition_text, range_text
from b12cli.render.rules import threshold_rows
from b12cli.rulesets import LoadedRuleset, bundled_names, load_catalog, load_ruleset
from b12cli.validation import keys


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]


def schema_section() -> list[str]:
    """Every model field with its type and description; conditions after."""
    missing = undocumented()
    if missing:
        raise SystemExit(f"docs_schema.py lacks descriptions for: {', '.join(missing)}")
    out = ["## Schema", ""]
    for model, described in FIELDS.items():
        out += [f"### {model.__name__}", "", (model.__doc__ or "").strip(), ""]
        rows = []
        for key, required in keys(model):
            kind, text = described[key]
            rows.append([f"`{key}`", kind, "yes" if required else "no", text])
        if model is BandVariant:
            rows.insert(0, [f"`{BAND_LIST_UNIT[0]}`", BAND_LIST_UNIT[1], "no", BAND_LIST_UNIT[2]])
        out += [*table(["key", "type", "required", "meaning"], rows), ""]
    out += ["### Conditions", "", "A condition is a mapping with one of these keys:", ""]
    rows = [[f"`{k}`", example, meaning] for k, (example, meaning) in CONDITION_KINDS.items()]
    return [*out, *table(["key", "example", "holds when"], rows), ""]


def ruleset_section(loaded: LoadedRuleset) -> list[str]:
    """One bundled ruleset: metadata, thresholds, rules, caveats and sources."""
    r = loaded.ruleset
    out = [f"### {r.id}: {r.title}", ""]
    out += [f"Version {r.version}, {r.status}, effective {r.effective}. {r.description}", ""]
    rows = [list(row) for row in threshold_rows(loaded)]
    out += table(["analyte", "applies when", "band", "range", "source", "evidence"], rows)
    decisions = [*r.rules, r.uncertain, r.otherwise]
    rule_rows = [
        [str(i), f"`{x.id}`", condition_text(x.when), x.category, x.label, x.source]
        for i, x in enumerate(decisions, start=1)
    ]
    out += ["", "Rules, first match decides (the last two: `uncertain`, `otherwise`):", ""]
    out += table(["#", "id", "when", "category", "label", "source"], rule_rows)
    caveats = [[f"`{c.id}`", condition_text(c.when), c.text, c.source] for c in r.caveats]
    out += ["", "Caveats:", "", *table(["id", "when", "text", "source"], caveats), ""]
    out += ["Sources:", ""]
    out += [f"- `{k}`: {s.title}" + (f" <{s.url}>" if s.url else "") for k, s in r.sources.items()]
    return [*out, ""]


def indicator_section() -> list[str]:
    """The experimental cB12 indicator and its parameters from the catalogue."""
    catalog = load_catalog()
    out = ["## Experimental indicator: cB12", ""]
    for key, spec in catalog.indicators.items():
        term = spec.age_term
        out += [f"`{key}`: {spec.name} ({spec.status}). {spec.description}", ""]
        out += [
            f"Age term: {term.scale:g} / (1 + (age / {term.age_scale:g}) ^ {term.power:g}), "
            f"evidence **{term.evidence}** ({catalog.sources[term.source].title}). "
            "It is reported as `indicators.cb12` = {value, band, status} and never changes "
            "the category.",
            "",
        ]
        rows = [[b.name, range_text(b, "").strip(), b.source, b.evidence] for b in spec.bands]
        out += [*table(["band", "cB12", "source", "evidence"], rows), ""]
        out += [
            "The cut-offs are verified; which side of each edge is inclusive is not stated "
            "by the source, so lower bounds inclusive is our choice (C).",
            "",
        ]
    return out


def render_docs() -> str:
    """The whole of docs/rulesets.md."""
    loaded = [load_ruleset(name) for name in bundled_names()]
    rows = [
        [f"`{x.ruleset.id}`", x.ruleset.title, x.ruleset.version, x.ruleset.status] for x in loaded
    ]
    out = [INTRO, *table(["id", "title", "version", "status"], rows), "", WRITING, EXTENDING]
    out += schema_section()
    out += ["## Thresholds of the bundled rulesets", ""]
    for item in loaded:
        out += ruleset_section(item)
    out += indicator_section()
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    """Print the document to stdout."""
    sys.stdout.write(render_docs())


if __name__ == "__main__":
    main()
