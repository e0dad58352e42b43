"""`rules new --from ID`: a commented starting point for a ruleset that extends another."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

from b12cli.model import Band, BandVariant
from b12cli.rulesets import LoadedRuleset, load_catalog

_HEADER = """\
# A ruleset that extends {parent} {version} ({title}).
# Everything not set here is inherited from the parent. Save this file (e.g. mylab.yaml), then:
#   b12cli rules validate mylab.yaml
#   b12cli rules diff {parent} mylab.yaml --changed
#   b12cli interpret --b12 "250 ng/L" --rules mylab.yaml
#
# How a child overrides its parent (docs/rulesets.md, "Extending a ruleset"):
# - bands: an analyte listed here replaces that analyte's whole band list; the others are
#   inherited. A band list may say `unit:` (any unit the catalogue accepts for the analyte);
#   its bounds are converted to the canonical unit exactly as entered values are.
# - rules and caveats (by id), steps (by key), uncertain, otherwise: the fields you give
#   replace the parent's fields; a new id adds an item (new rules go after the parent's).
# - sources: add your own here; every band, rule, caveat and step cites one.
# - evidence labels on bands: V verified in a primary source, S secondary only, M from memory
#   (do not use without checking), C computed or your design choice.
"""


def _num(value: float) -> str:
    return f"{value:.10g}"


def _band_line(band: Band, factor: float) -> str:
    bounds = [(k, getattr(band, k)) for k in ("gt", "ge", "lt", "le")]
    shown = [f"{k}: {_num(v / factor)}" for k, v in bounds if v is not None]
    fields = [f"name: {band.name}", *shown, f"source: {band.source}", f"evidence: {band.evidence}"]
    return "{" + ", ".join(fields) + "}"


def _variant_lines(loaded: LoadedRuleset, analyte: str, i: int, variant: BandVariant) -> list[str]:
    written = loaded.band_unit(analyte, i)
    unit = written.label if written else load_catalog().analytes[analyte].canonical_unit  # type: ignore[index]
    factor = written.factor if written else 1.0
    lines = []
    if variant.when is not None:
        op, operand = variant.when.comparison()
        test = {"context": variant.when.context, op: operand}
        shown = [f"{k}: {_num(v) if isinstance(v, float) else v}" for k, v in test.items()]
        lines.append("- when: {" + ", ".join(shown) + "}")
    lines.append(("  " if lines else "- ") + f"unit: {unit}")
    lines.append("  bands:")
    lines += [f"    - {_band_line(b, factor)}" for b in variant.bands]
    return lines


def _bands_block(loaded: LoadedRuleset) -> list[str]:
    lines = ["bands:"]
    for analyte, variants in loaded.ruleset.bands.items():
        lines.append(f"  {analyte}:")
        for i, variant in enumerate(variants):
            lines += [f"    {line}" for line in _variant_lines(loaded, analyte, i, variant)]
    return [f"# {line}" for line in lines]


def _items_block(loaded: LoadedRuleset) -> list[str]:
    r = loaded.ruleset
    first = r.rules[0]
    lines = [
        "# Rules of the parent, in order (the first that holds decides):",
        *[f"#   {rule.id}: {rule.category} - {rule.label}" for rule in r.rules],
        f"# and when a censored value leaves a rule undecided: {r.uncertain.id}; "
        f"when none holds: {r.otherwise.id}.",
        "# To change a rule's wording, give its id and the fields to replace, e.g.:",
        "# rules:",
        f"#   - id: {first.id}",
        f"#     label: {json.dumps(first.label)}",
        "#",
        *_wrapped("Caveats of the parent (override by id the same way)", [c.id for c in r.caveats]),
        *_wrapped("Next steps of the parent (override by key)", list(r.steps)),
    ]
    return lines


def _wrapped(title: str, ids: list[str]) -> list[str]:
    text = f"{title}: {', '.join(ids)}"
    return textwrap.wrap(
        text, 96, initial_indent="# ", subsequent_indent="#   ", break_on_hyphens=False
    )


def starter_yaml(loaded: LoadedRuleset, ref: str, new_id: str | None = None) -> str:
    """The commented YAML text; `rules validate` accepts it as written."""
    r = loaded.ruleset
    header = _HEADER.format(parent=r.id, version=r.version, title=r.title)
    if ref != r.id:
        header += (
            "# `extends:` is a path: a relative path is resolved against this file's folder.\n"
        )
    body = [
        f"extends: {json.dumps(ref)}",
        f"id: {new_id or r.id + '-local'}",
        f"title: {json.dumps(r.title + ' (local bands)')}",
        'version: "0.1.0"',
        f"effective: {dt.date.today().isoformat()}",
        "status: laboratory",
        "description: >-",
        f"  Replace with what differs from {r.id} and why (assay, method, local verification).",
        "",
        "sources:",
        "  local-lab:",
        '    title: "Replace: your laboratory\'s reference range document (assay, method, date)"',
        "",
        "# The parent's thresholds as a starting point. Uncomment an analyte to replace its whole",
        "# band list; cite local-lab as the source and set the evidence label to match.",
        *_bands_block(loaded),
        "",
        *_items_block(loaded),
    ]
    return header + "\n".join(body) + "\n"
