"""`--format rich`: the terminal view, readable at 80 columns. The only module using Rich."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from b12cli.render import RenderOptions
from b12cli.render.common import (
    CATEGORY_STYLES,
    CATEGORY_TITLES,
    band_rule,
    band_style,
    band_text,
    canonical_text,
    citation,
    entered_text,
    number,
)
from b12cli.render.text import context_text, indicator_lines
from b12cli.result import Interpretation, Measurement

SEGMENT = 4


def scale(m: Measurement) -> Text:
    """A one-line scale of the bands with a marker where the value sits."""
    line = Text()
    for i, t in enumerate(m.thresholds):
        if i:
            line.append(number(t.lower if t.lower is not None else 0), style="dim")
        cells = ["─"] * SEGMENT
        if t.band == m.band or (m.band is None and t.band in m.possible_bands):
            cells[_position(m, t.lower, t.upper)] = "●" if m.band else "◌"
        line.append("".join(cells), style=band_style(t.band))
    return line


def _position(m: Measurement, lower: float | None, upper: float | None) -> int:
    if m.band is None or lower is None or upper is None or upper <= lower:
        return SEGMENT // 2 if lower is not None and upper is None else (SEGMENT - 1) // 2
    fraction = (m.canonical_value - lower) / (upper - lower)
    return max(0, min(SEGMENT - 1, int(fraction * SEGMENT)))


def results_table(result: Interpretation) -> Table:
    """Each result as entered and converted, its band (coloured) with bounds, and the scale."""
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False)
    table.add_column("Test", overflow="fold", ratio=2)
    table.add_column("Result", overflow="fold", ratio=2)
    table.add_column("Band", overflow="fold", ratio=3)
    for m in result.measurements:
        entered = Text(entered_text(m))
        if canonical_text(m) != f"{m.comparator + ' ' if m.comparator else ''}{m.input}":
            entered.append(f"\n= {canonical_text(m)}", style="dim")
        band = Text(band_text(m), style=band_style(m.band))
        if band_rule(m):
            band.append(f" ({band_rule(m)})", style="dim")
        band.append("\n")
        band.append_text(scale(m))
        table.add_row(m.name, entered, band)
    return table


def _items(title: str, items: list[str], style: str = "") -> list[RenderableType]:
    """A titled bullet list whose wrapped lines hang under the text, not the bullet."""
    if not items:
        return []
    bullets = Table.grid(padding=(0, 1))
    bullets.add_column(width=1)
    bullets.add_column(ratio=1)
    for item in items:
        bullets.add_row("•", Text(item, style=style))
    return [Text(f"\n{title}", style="bold"), bullets]


def view(result: Interpretation) -> Panel:
    """The full panel for one interpretation."""
    style = CATEGORY_STYLES[result.category]
    head = Text(f"{CATEGORY_TITLES[result.category].upper()}", style=style)
    head.append(f"  {result.label}\n", style="bold")
    head.append(result.summary)
    parts: list[RenderableType] = [head, results_table(result)]
    if not result.measurements:
        parts.append(Text("No results given.", style="dim"))
    parts += _items("Problems", [e.message for e in result.errors], "red")
    if context_text(result.context):
        parts.append(Text(f"Context: {context_text(result.context)}", style="dim"))
    for fired in result.rules_fired:
        why = fired.because or ["no measured value decided this rule"]
        parts += _items(f"Why: rule {fired.id} [{fired.source}]", why)
    parts += _items("Next steps to consider", [s.text for s in result.next_steps])
    parts += _items("Caveats", [f"{c.text} [{c.source}]" for c in result.caveats], "yellow")
    parts += _items("Experimental indicator", indicator_lines(result), "dim")
    for section in dict.fromkeys(n.title for n in result.notes):
        parts += _items(section, [n.text for n in result.notes if n.title == section])
    sources = [f"[{key}] {citation(result, key)}" for key in result.sources]
    parts += _items("Sources", sources, "dim")
    r = result.ruleset
    foot = Text(f"\n{r.id} {r.version} ({r.status}) sha256 {r.sha256[:12]}\n", style="dim")
    foot.append(result.disclaimer, style="italic")
    parts.append(foot)
    return Panel(Group(*parts), title=f"B12 interpretation · {r.title}", title_align="left")


def comparison(results: Sequence[Interpretation]) -> Table:
    """One row per ruleset; rows that disagree with the first are highlighted."""
    table = Table(title="Same results, several rulesets", box=box.SIMPLE_HEAD)
    for name in ("Ruleset", "Category", "Label", "Decided by"):
        table.add_column(name, overflow="fold")
    first = results[0].category
    for result in results:
        differs = result.category != first
        category = Text(CATEGORY_TITLES[result.category], style=CATEGORY_STYLES[result.category])
        if differs:
            category.append(" ≠", style="bold reverse")
        table.add_row(
            f"{result.ruleset.id} {result.ruleset.version}",
            category,
            result.label,
            ", ".join(f.id for f in result.rules_fired),
            style="on grey23" if differs else "",
        )
    return table


def render(results: Sequence[Interpretation], out: TextIO, options: RenderOptions) -> None:
    """Print the panel (or a comparison table and then each panel) to `out`."""
    console = Console(
        file=out,
        width=options.width,
        no_color=not options.color,
        color_system="auto" if options.color else None,
        highlight=False,
        soft_wrap=False,
    )
    if len(results) > 1:
        console.print(comparison(results))
        agree = len({r.category for r in results}) == 1
        first = results[0].ruleset.id
        console.print(
            "All rulesets agree." if agree else f"≠ marks a category that differs from {first}."
        )
    for result in results:
        console.print(view(result))
