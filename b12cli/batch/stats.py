"""Counts gathered while a batch runs: rows, categories per ruleset, errors, units, censoring,
and (for the terminal summary) a histogram of each analyte's canonical values."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from b12cli.batch import names
from b12cli.batch.compile import CompiledRuleset
from b12cli.conditions import CATEGORIES
from b12cli.model import Catalog

BINS = 40


@dataclass
class Histogram:
    """Counts of canonical values in equal bins from 0 to `high` (2.5 x the highest threshold,
    or more if the first chunk needs it), plus one bin for everything above."""

    unit: str
    high: float
    thresholds: list[float]
    counts: list[int] = field(default_factory=lambda: [0] * (BINS + 1))

    def bin_of(self, value: float) -> int:
        """The bin a value falls in (the last bin holds everything at or above `high`)."""
        return min(BINS, max(0, int(value / self.high * BINS)))


@dataclass
class BatchStats:
    """Everything the summary reports."""

    rulesets: list[str]
    rows: int = 0
    error_rows: int = 0
    skipped_rows: int = 0
    input_rows: int | None = None
    categories: dict[str, Counter[str]] = field(default_factory=dict)
    measured: Counter[str] = field(default_factory=Counter)
    converted: Counter[str] = field(default_factory=Counter)
    censored: Counter[str] = field(default_factory=Counter)
    histograms: dict[str, Histogram] = field(default_factory=dict)

    def category_counts(self, ruleset: str) -> list[tuple[str, int]]:
        """(category, count) in the fixed category order, zeros included."""
        counts = self.categories.get(ruleset, Counter())
        return [(c, counts[c]) for c in CATEGORIES]


def histograms_for(compiled: CompiledRuleset, catalog: Catalog) -> dict[str, Histogram]:
    """An empty histogram per banded analyte, spanning 2.5 x its highest finite threshold."""
    found: dict[str, Histogram] = {}
    for analyte in compiled.banded:
        default = compiled.ruleset.bands[analyte][-1]
        cuts = sorted({b.upper for b in default.bands if math.isfinite(b.upper)})
        if cuts and cuts[-1] > 0:
            unit = catalog.analytes[analyte].canonical_unit
            found[analyte] = Histogram(unit=unit, high=cuts[-1] * 2.5, thresholds=cuts)
    return found


def update(
    stats: BatchStats, frame: pl.DataFrame, compiled: list[CompiledRuleset], catalog: Catalog
) -> None:
    """Add one interpreted chunk's counts."""
    stats.rows += frame.height
    analytes = [a for a in catalog.analytes if names.value(a) in frame.columns]
    exprs = [pl.col(names.ROW_ERRORS).is_not_null().sum().alias("errors")]
    for a in analytes:
        canonical = catalog.analytes[a].canonical_unit
        exprs += [
            pl.col(names.value(a)).is_not_null().sum().alias(f"measured {a}"),
            (pl.col(names.unit(a)) != canonical).sum().alias(f"converted {a}"),
            pl.col(names.comparator(a)).is_not_null().sum().alias(f"censored {a}"),
        ]
    totals = frame.select(exprs).row(0, named=True)
    stats.error_rows += totals["errors"]
    for a in analytes:
        stats.measured[a] += totals[f"measured {a}"]
        stats.converted[a] += totals[f"converted {a}"]
        stats.censored[a] += totals[f"censored {a}"]
    for c in compiled:
        counts = frame.get_column(c.rule_column).value_counts()
        tally = stats.categories.setdefault(c.ruleset.id, Counter())
        for index, count in counts.iter_rows():
            tally[c.rules[index].category] += count
    for analyte, histogram in stats.histograms.items():
        _fill(histogram, frame.get_column(names.value(analyte)))


def _fill(histogram: Histogram, values: pl.Series) -> None:
    if not any(histogram.counts):  # the first chunk widens the range to hold most values
        top = values.quantile(0.99)
        if isinstance(top, float) and top > histogram.high:
            histogram.high = float(f"{top * 1.1:.2g}")
    scaled = (values / histogram.high * BINS).floor().clip(0, BINS).drop_nulls().cast(pl.Int32)
    for bin_, count in scaled.value_counts().iter_rows():
        histogram.counts[bin_] += count
