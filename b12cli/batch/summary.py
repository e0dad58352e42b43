"""The batch summary on stderr: plain text, or Rich tables and histograms on a terminal."""

from __future__ import annotations

from typing import TextIO

from b12cli.batch.stats import BINS, BatchStats, Histogram
from b12cli.render.common import CATEGORY_STYLES, CATEGORY_TITLES, number

_BARS = " ▁▂▃▄▅▆▇█"


def _percent(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "-"


def headline(stats: BatchStats) -> str:
    """'1,000 rows read, 1,000 rows out, 3 with errors, 0 skipped'."""
    read = stats.input_rows if stats.input_rows is not None else stats.rows + stats.skipped_rows
    return (
        f"{read:,} rows read, {stats.rows:,} rows out, {stats.error_rows:,} with errors, "
        f"{stats.skipped_rows:,} skipped"
    )


def value_lines(stats: BatchStats) -> list[str]:
    """Per analyte: how many values, how many converted from another unit, how many censored."""
    return [
        f"{a}: {stats.measured[a]:,} values, {stats.converted[a]:,} converted from another unit, "
        f"{stats.censored[a]:,} censored (< or >)"
        for a in stats.measured
    ]


def plain_lines(stats: BatchStats) -> list[str]:
    """The summary as plain text lines."""
    lines = [f"b12cli batch: {headline(stats)}", ""]
    width = max(len(r) for r in stats.rulesets) if stats.rulesets else 0
    lines.append("category".ljust(22) + "".join(f"  {r:>{max(width, 16)}}" for r in stats.rulesets))
    for category in CATEGORY_TITLES:
        cells = ""
        for ruleset in stats.rulesets:
            count = dict(stats.category_counts(ruleset))[category]
            cells += f"  {f'{count:,} ({_percent(count, stats.rows)})':>{max(width, 16)}}"
        lines.append(category.ljust(22) + cells)
    return [*lines, "", *value_lines(stats)]


def write_plain(stats: BatchStats, out: TextIO) -> None:
    """Print the plain summary."""
    out.write("\n".join(plain_lines(stats)) + "\n")


def histogram_lines(analyte: str, histogram: Histogram) -> tuple[str, str, str]:
    """Three lines: bars, threshold markers, and threshold values under the markers (moved
    right just enough not to run into the previous one)."""
    peak = max(histogram.counts) or 1
    bars = "".join(_BARS[min(8, -(-8 * c // peak))] for c in histogram.counts)
    marks = [" "] * (BINS + 1)
    labels, end = "", 0
    for cut in histogram.thresholds:
        at = histogram.bin_of(cut)
        marks[at] = "┴"
        start = max(at, end + 1 if labels else 0)
        labels = labels.ljust(start) + number(cut)
        end = len(labels)
    return bars, "".join(marks), f"{labels}  {histogram.unit}"


def write_rich(stats: BatchStats, out: TextIO, histograms: bool = True) -> None:
    """Print the summary as Rich tables (and histograms with thresholds marked)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False)
    console.print(f"[bold]b12cli batch[/bold]: {headline(stats)}")
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Category")
    for ruleset in stats.rulesets:
        table.add_column(ruleset, justify="right")
    for category, title in CATEGORY_TITLES.items():
        cells = []
        for ruleset in stats.rulesets:
            count = dict(stats.category_counts(ruleset))[category]
            cells.append(f"{count:,} ({_percent(count, stats.rows)})")
        table.add_row(f"[{CATEGORY_STYLES[category]}]{title}[/]", *cells)
    console.print(table)
    for line in value_lines(stats):
        console.print(line, markup=False)
    if histograms:
        for analyte, histogram in stats.histograms.items():
            bars, marks, labels = histogram_lines(analyte, histogram)
            console.print(
                f"\n[bold]{analyte}[/bold] (last bar: {number(histogram.high)} and above)"
            )
            console.print(bars, markup=False)
            console.print(marks, style="dim", markup=False)
            console.print(labels, style="dim", markup=False)
