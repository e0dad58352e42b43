"""Human-readable views of rulesets (`rules list`, `rules show`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table

from b12cli.bands import thresholds
from b12cli.render.common import band_style, number
from b12cli.rulesets import LoadedRuleset, load_catalog


def _console() -> Console:
    return Console(highlight=False)


def print_list(loaded: Sequence[LoadedRuleset]) -> None:
    """A table of rulesets: id, version, status, effective date, title."""
    table = Table(box=box.SIMPLE_HEAD)
    for name in ("id", "version", "status", "effective", "title"):
        table.add_column(name, overflow="fold")
    for item in loaded:
        r = item.ruleset
        table.add_row(r.id, r.version, r.status, r.effective.isoformat(), r.title)
    _console().print(table)


def print_ruleset(loaded: LoadedRuleset) -> None:
    """Thresholds per analyte (with inclusivity, source and evidence), then rules and caveats."""
    r, catalog = loaded.ruleset, load_catalog()
    console = _console()
    console.print(f"[bold]{r.title}[/bold]  {r.id} {r.version} ({r.status}, {r.effective})")
    console.print(f"{loaded.origin}  sha256 {loaded.sha256}")
    if r.description:
        console.print(r.description)
    table = Table(title="Thresholds", box=box.SIMPLE_HEAD)
    for name in ("analyte", "applies when", "band", "range", "source", "evidence"):
        table.add_column(name, overflow="fold")
    for analyte, variants in r.bands.items():
        unit = catalog.analytes[analyte].canonical_unit
        for variant in variants:
            when = _when_text(variant.when) if variant.when else "otherwise"
            for t in thresholds(variant):
                low = (
                    f"{'>=' if t.lower_inclusive else '>'} {number(t.lower)}"
                    if t.lower is not None
                    else ""
                )
                high = (
                    f"{'<=' if t.upper_inclusive else '<'} {number(t.upper)}"
                    if t.upper is not None
                    else ""
                )
                span = " and ".join(p for p in (low, high) if p) + f" {unit}"
                table.add_row(
                    analyte, when, f"[{band_style(t.band)}]{t.band}[/]", span, t.source, t.evidence
                )
    console.print(table)
    rules = Table(title="Rules (first match decides)", box=box.SIMPLE_HEAD)
    for name in ("#", "id", "category", "label", "source"):
        rules.add_column(name, overflow="fold")
    for i, rule in enumerate([*r.rules, r.uncertain, r.otherwise], start=1):
        rules.add_row(str(i), rule.id, rule.category, rule.label, rule.source)
    console.print(rules)
    caveats = Table(title="Caveats (all that apply)", box=box.SIMPLE_HEAD)
    for name in ("id", "text", "source"):
        caveats.add_column(name, overflow="fold")
    for caveat in r.caveats:
        caveats.add_row(caveat.id, caveat.text, caveat.source)
    console.print(caveats)
    console.print("[bold]Sources[/bold]")
    for key, source in r.sources.items():
        console.print(f" [{key}] {source.title}{' ' + source.url if source.url else ''}")


def _when_text(test: object) -> str:
    data = test.model_dump(exclude_none=True)  # type: ignore[attr-defined]
    field = data.pop("context")
    ((op, value),) = data.items()
    symbols = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "="}
    return f"{field} {symbols[op]} {value}"
