"""The batch summary: counts per category side by side, and histograms with thresholds marked."""

from __future__ import annotations

import io
from collections import Counter

from b12cli.batch.stats import BINS, BatchStats, Histogram
from b12cli.batch.summary import histogram_lines, plain_lines, write_rich


def stats() -> BatchStats:
    """Counts as a two-ruleset run of 10 rows would leave them."""
    found = BatchStats(rulesets=["nice-ng239", "bsh-2014"], rows=10, error_rows=1, skipped_rows=2)
    found.categories = {
        "nice-ng239": Counter({"deficient": 3, "not_deficient": 7}),
        "bsh-2014": Counter({"deficient": 5, "not_deficient": 5}),
    }
    found.measured, found.converted, found.censored = Counter(b12=9), Counter(b12=4), Counter(b12=2)
    histogram = Histogram(unit="ng/L", high=2285.0, thresholds=[180.0, 350.0, 914.0])
    histogram.counts[histogram.bin_of(100)] += 3
    histogram.counts[histogram.bin_of(500)] += 6
    histogram.counts[BINS] += 1
    found.histograms = {"b12": histogram}
    return found


def test_plain_summary_puts_rulesets_side_by_side() -> None:
    lines = plain_lines(stats())
    assert lines[0] == "b12cli batch: 12 rows read, 10 rows out, 1 with errors, 2 skipped"
    header = next(line for line in lines if line.startswith("category"))
    assert header.split() == ["category", "nice-ng239", "bsh-2014"]
    deficient = next(line for line in lines if line.startswith("deficient"))
    assert deficient.split() == ["deficient", "3", "(30.0%)", "5", "(50.0%)"]
    assert "b12: 9 values, 4 converted from another unit, 2 censored (< or >)" in lines


def test_histogram_marks_each_threshold_under_its_bin() -> None:
    histogram = stats().histograms["b12"]
    bars, marks, labels = histogram_lines("b12", histogram)
    assert len(bars) == len(marks) == BINS + 1
    assert bars[histogram.bin_of(500)] == "█" and bars[histogram.bin_of(100)] != " "
    assert [i for i, c in enumerate(marks) if c == "┴"] == [
        histogram.bin_of(t) for t in (180, 350, 914)
    ]
    assert labels.split()[:3] == ["180", "350", "914"] and labels.endswith("ng/L")


def test_rich_summary_has_the_table_and_the_histograms() -> None:
    out = io.StringIO()
    write_rich(stats(), out)
    text = out.getvalue()
    assert "12 rows read, 10 rows out" in text
    assert "Deficient" in text and "3 (30.0%)" in text and "5 (50.0%)" in text
    assert "b12 (last bar: 2285 and above)" in text
    assert "┴" in text
