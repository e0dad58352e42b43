"""Wording shared by the human-readable renderers (text and Rich)."""

from __future__ import annotations

from b12cli.bands import bounds_text
from b12cli.result import Interpretation, Measurement

CATEGORY_TITLES = {
    "deficient": "Deficient",
    "functional_deficiency": "Functional deficiency",
    "indeterminate": "Indeterminate",
    "not_deficient": "Not deficient",
    "insufficient_data": "Insufficient data",
}
CATEGORY_STYLES = {
    "deficient": "bold red",
    "functional_deficiency": "bold dark_orange",
    "indeterminate": "bold yellow",
    "not_deficient": "bold green",
    "insufficient_data": "bold",
}
_CALM = {"normal", "not_impaired", "adequate", "replete"}
_GREY = {"indeterminate", "marginal", "borderline", "possible"}


def number(value: float) -> str:
    """A value with at most four significant digits and no trailing zeros."""
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"


def band_style(band: str | None) -> str:
    """Colour for a band name: green for normal, yellow for grey zones, red otherwise."""
    if band is None:
        return "magenta"
    if band in _CALM:
        return "green"
    return "yellow" if band in _GREY else "red"


def band_text(m: Measurement) -> str:
    """'indeterminate', or 'low or indeterminate (censored)' for an uncertain band."""
    if m.band is not None:
        return m.band
    return f"{' or '.join(m.possible_bands)} (censored)" if m.possible_bands else "-"


def canonical_text(m: Measurement) -> str:
    """'< 147.6 ng/L' style canonical value with comparator."""
    prefix = f"{m.comparator} " if m.comparator else ""
    return f"{prefix}{number(m.canonical_value)} {m.canonical_unit}"


def entered_text(m: Measurement) -> str:
    """What was entered, saying when the unit was assumed."""
    if m.unit_source == "default":
        return f"{m.input} (no unit: {m.unit} assumed)"
    if m.unit_source in ("header", "column", "option"):
        return f"{m.input} ({m.unit} from {m.unit_source})"
    return m.input


def band_rule(m: Measurement) -> str:
    """The bounds of the measurement's band, e.g. '>= 180 and <= 350 ng/L'."""
    threshold = next((t for t in m.thresholds if t.band == m.band), None)
    return bounds_text(threshold, m.canonical_unit) if threshold else ""


def citation(result: Interpretation, source_id: str) -> str:
    """A source's title (and year, URL) for display."""
    source = result.sources.get(source_id)
    if source is None:
        return source_id
    year = f" ({source.year})" if source.year and str(source.year) not in source.title else ""
    url = f" {source.url}" if source.url else ""
    return f"{source.title}{year}{url}"
