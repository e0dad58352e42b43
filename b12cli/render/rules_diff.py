"""`rules diff A B`: two rulesets' thresholds, rules and caveats side by side, differences marked.

Thresholds are compared on their canonical bounds (so the same band written in another unit is
not a difference) and shown as written; rules and caveats are matched by id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich import box
from rich.table import Table
from rich.text import Text

from b12cli.model import BandVariant, Caveat, Rule
from b12cli.render.condition_text import condition_text, context_text, range_text
from b12cli.render.rules import console
from b12cli.rulesets import LoadedRuleset, load_catalog

DIFFERENT = "≠"


@dataclass(frozen=True)
class Row:
    """One compared item: its key, how each side shows it (None: absent) and whether they agree."""

    key: str
    a: str | None
    b: str | None
    same: bool

    @property
    def mark(self) -> str:
        """'' when equal, '≠' when changed, 'A only' / 'B only' when on one side."""
        if self.same:
            return ""
        if self.a is None or self.b is None:
            return "B only" if self.a is None else "A only"
        return DIFFERENT


def _rows(a: dict[str, tuple[str, object]], b: dict[str, tuple[str, object]]) -> list[Row]:
    """Rows over the union of keys (A's order first); each value is (shown text, compared data)."""
    keys = [*a, *(k for k in b if k not in a)]
    return [
        Row(
            k,
            a[k][0] if k in a else None,
            b[k][0] if k in b else None,
            k in a and k in b and a[k][1] == b[k][1],
        )
        for k in keys
    ]


def _variants(loaded: LoadedRuleset) -> dict[str, tuple[str, object]]:
    catalog, found = load_catalog(), {}
    for analyte, variants in loaded.ruleset.bands.items():
        unit = catalog.analytes[analyte].canonical_unit
        for i, variant in enumerate(variants):
            when = context_text(variant.when) if variant.when else "otherwise"
            written = loaded.band_unit(analyte, i)
            shown = "\n".join(f"{b.name}: {range_text(b, unit, written)}" for b in variant.bands)
            found[f"{analyte} ({when})" if len(variants) > 1 else analyte] = (
                shown,
                _bounds(variant),
            )
    return found


def _bounds(variant: BandVariant) -> object:
    return [(b.name, b.lower, b.lower_inclusive, b.upper, b.upper_inclusive) for b in variant.bands]


def threshold_rows(a: LoadedRuleset, b: LoadedRuleset) -> list[Row]:
    """Band lists per analyte (and age variant), compared on canonical bounds and band names."""
    return _rows(_variants(a), _variants(b))


def _rules(loaded: LoadedRuleset) -> dict[str, tuple[str, object]]:
    r = loaded.ruleset
    ordered: list[Rule] = [*r.rules, r.uncertain, r.otherwise]
    return {
        rule.id: (
            f"#{i} {rule.category}: {rule.label}\nwhen {condition_text(rule.when)}",
            (i, replace(rule, id="")),  # position matters: the first match decides
        )
        for i, rule in enumerate(ordered, start=1)
    }


def rule_rows(a: LoadedRuleset, b: LoadedRuleset) -> list[Row]:
    """Rules (with `uncertain` and `otherwise`) matched by id."""
    return _rows(_rules(a), _rules(b))


def _caveats(loaded: LoadedRuleset) -> dict[str, tuple[str, object]]:
    items: list[Caveat] = loaded.ruleset.caveats
    return {c.id: (f"when {condition_text(c.when)}\n{c.text}", replace(c, id="")) for c in items}


def caveat_rows(a: LoadedRuleset, b: LoadedRuleset) -> list[Row]:
    """Caveats matched by id."""
    return _rows(_caveats(a), _caveats(b))


def _table(title: str, key: str, rows: list[Row], a: str, b: str) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, show_lines=True)
    for name in (key, a, b, ""):
        table.add_column(name, overflow="fold")
    for row in rows:
        mark = Text(row.mark, style="bold reverse" if row.mark else "")
        table.add_row(row.key, row.a or "-", row.b or "-", mark, style="" if row.same else "bold")
    return table


def print_diff(a: LoadedRuleset, b: LoadedRuleset, *, changed_only: bool = False) -> None:
    """Print the comparison (or only what differs) and a one-line count of differences."""
    out = console()
    names = [f"{x.ruleset.id} {x.ruleset.version}" for x in (a, b)]
    out.print(f"A: {names[0]} ({a.ruleset.status}) {a.origin}")
    out.print(f"B: {names[1]} ({b.ruleset.status}) {b.origin}")
    sections = [
        ("Thresholds", "analyte", threshold_rows(a, b)),
        ("Rules (first match decides)", "rule", rule_rows(a, b)),
        ("Caveats", "caveat", caveat_rows(a, b)),
    ]
    counts = []
    for title, key, rows in sections:
        shown = [r for r in rows if not (changed_only and r.same)]
        if shown:
            out.print(_table(title, key, shown, *names))
        counts.append(f"{sum(not r.same for r in rows)} of {len(rows)} {key}s")
    out.print(f"Differences ({DIFFERENT}, A only, B only): {', '.join(counts)}.")
