"""Human-readable views of rulesets (`rules list`, `rules show`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table

from b12cli.render.common import band_style
from b12cli.render.condition_text import condition_text, context_text, range_text
from b12cli.rulesets import LoadedRuleset, load_catalog


def console() -> Console:
    """The console the `rules` views print to (stdout, no highlighting)."""
    return Console(highlight=False)


def print_list(loaded: Sequence[LoadedRuleset]) -> None:
    """A table of rulesets: id, version, status, effective date, title."""
    table = Table(box=box.SIMPLE_HEAD)
    for name in ("id", "version", "status", "effective", "title"):
        table.add_column(name, overflow="fold")
    for item in loaded:
        r = item.ruleset
        table.add_row(r.id, r.version, r.status, r.effective.isoformat(), r.title)
    console().print(table)


def threshold_rows(loaded: LoadedRuleset) -> list[tuple[str, str, str, str, str, str]]:
    """(analyte, applies when, band, range as written, source, evidence) for every band."""
    catalog = load_catalog()
    rows: list[tuple[str, str, str, str, str, str]] = []
    for analyte, variants in loaded.ruleset.bands.items():
        unit = catalog.analytes[analyte].canonical_unit
        for i, variant in enumerate(variants):
            when = context_text(variant.when) if variant.when else "otherwise"
            when = "always" if len(variants) == 1 else when
            written = loaded.band_unit(analyte, i)
            for band in variant.bands:
                span = range_text(band, unit, written)
                rows.append((analyte, when, band.name, span, band.source, band.evidence))
    return rows


def print_ruleset(loaded: LoadedRuleset) -> None:
    """Thresholds per analyte (with inclusivity, source and evidence), then rules and caveats."""
    r, out = loaded.ruleset, console()
    out.print(f"[bold]{r.title}[/bold]  {r.id} {r.version} ({r.status}, {r.effective})")
    out.print(f"{loaded.origin}  sha256 {loaded.sha256}")
    if r.extends:
        out.print(f"extends {r.extends}")
    if r.description:
        out.print(r.description)
    table = Table(title="Thresholds", box=box.SIMPLE_HEAD)
    for name in ("analyte", "applies when", "band", "range", "source", "evidence"):
        table.add_column(name, overflow="fold")
    for analyte, when, band, span, cited, evidence in threshold_rows(loaded):
        table.add_row(analyte, when, f"[{band_style(band)}]{band}[/]", span, cited, evidence)
    out.print(table)
    rules = Table(title="Rules (first match decides)", box=box.SIMPLE_HEAD)
    for name in ("#", "id", "when", "category", "label", "source"):
        rules.add_column(name, overflow="fold")
    for i, rule in enumerate([*r.rules, r.uncertain, r.otherwise], start=1):
        when = condition_text(rule.when)
        rules.add_row(str(i), rule.id, when, rule.category, rule.label, rule.source)
    out.print(rules)
    caveats = Table(title="Caveats (all that apply)", box=box.SIMPLE_HEAD)
    for name in ("id", "text", "source"):
        caveats.add_column(name, overflow="fold")
    for caveat in r.caveats:
        caveats.add_row(caveat.id, caveat.text, caveat.source)
    out.print(caveats)
    out.print("[bold]Sources[/bold]")
    for key, source in r.sources.items():
        out.print(f" [{key}] {source.title}{' ' + source.url if source.url else ''}")
