"""Parse result text ("180 ng/L", "<50", "GREATER THAN 2000", "0,62 umol/L") into a Reading."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Literal, NamedTuple, cast

from b12cli.errors import InputError
from b12cli.model import AnalyteId, Catalog
from b12cli.units import plausible_alternatives, resolve_unit, to_canonical

if TYPE_CHECKING:
    from b12cli.result import Comparator, Measurement, UnitSource

Decimal = Literal[".", ","]
_WORDS = (
    ("less than or equal to", "<="),
    ("greater than or equal to", ">="),
    ("less than", "<"),
    ("greater than", ">"),
    ("below", "<"),
    ("above", ">"),
)
_SYMBOLS = {
    "<": "<",
    "<=": "<=",
    "=<": "<=",
    "≤": "<=",
    ">": ">",
    ">=": ">=",
    "=>": ">=",
    "≥": ">=",
}
_VALUE = re.compile(
    r"^(?P<cmp>[<>]=?|=[<>]|[≤≥])?\s*(?P<num>[+-]?(?:\d[\d.,' ]*\d|\d)(?:[eE][+-]?\d+)?)"
    r"(?P<rest>.*)$",
    re.DOTALL,
)
_FLAGS = re.compile(
    r"(?:\s+|^)(?:\(?[LH]{1,2}\)?|\[[LH]\]|low|high|abnormal|a|crit(?:ical)?)$", re.IGNORECASE
)
MAX_TEXT = 200
# Spaces and apostrophes are read as thousands separators only between groups of three
# digits: "1 000" is 1000, but "12 34" is refused rather than silently read as 1234.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ ']\d{3})+(?:[.,]\d+)?")


def parse_number(text: str, decimal: Decimal | None = None) -> float:
    """A number with '.' or ',' decimals and unambiguous thousands separators."""
    if (" " in text or "'" in text) and not _GROUPED.fullmatch(text):
        raise InputError(f"ambiguous number {text!r}: spaces only between groups of 3 digits")
    digits = text.replace(" ", "").replace("'", "")
    if decimal == ",":
        digits = digits.replace(".", "").replace(",", ".")
    elif decimal == ".":
        digits = digits.replace(",", "")
    elif "," in digits and "." in digits:
        thousands = "," if digits.rfind(",") < digits.rfind(".") else "."
        digits = digits.replace(thousands, "").replace(",", ".")
    elif digits.count(",") == 1:
        head, tail = digits.split(",")
        if len(tail) == 3 and head.lstrip("+-") not in ("", "0"):
            raise InputError(
                f"ambiguous number {text!r}: write it without ',' thousands "
                "separators, or with '.' as the decimal mark"
            )
        digits = f"{head}.{tail}"
    elif digits.count(",") > 1:
        digits = digits.replace(",", "")
    try:
        number = float(digits)
    except ValueError:
        raise InputError(f"not a number: {text!r}") from None
    if not math.isfinite(number):
        raise InputError(f"not a finite number: {text!r}")
    return number + 0.0  # turns -0.0 into 0.0


def split_value(text: str, decimal: Decimal | None = None) -> tuple[Comparator | None, float, str]:
    """Split result text into comparator, number and unit text (flags and marks dropped)."""
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_TEXT:
        raise InputError(f"result text longer than {MAX_TEXT} characters")
    comparator: str | None = None
    lowered = cleaned.lower()
    for words, symbol in _WORDS:
        if lowered.startswith(words):
            comparator, cleaned = symbol, cleaned[len(words) :].strip()
            break
    match = _VALUE.match(cleaned)
    if not match:
        raise InputError(f"not a result value: {_preview(text)}")
    if match["cmp"]:
        if comparator:
            raise InputError(f"two comparators in {_preview(text)}")
        comparator = _SYMBOLS[match["cmp"]]
    rest = match["rest"].strip().rstrip("*.!;:,").strip()
    while rest and _FLAGS.search(rest):
        rest = _FLAGS.sub("", rest).strip().rstrip("*.!;:,").strip()
    return comparator, parse_number(match["num"], decimal), rest  # type: ignore[return-value]


class Reading(NamedTuple):
    """One result as read: the number and unit as given, comparator, and canonical value."""

    value: float
    unit: str
    comparator: Comparator | None
    canonical: float
    unit_source: UnitSource


def read_measurement(
    catalog: Catalog,
    analyte_id: str,
    text: str,
    *,
    unit: str | None = None,
    unit_source: UnitSource = "option",
    decimal: Decimal | None = None,
) -> Reading:
    """Read one result; `unit` applies when the text has none (from a header or column).

    What `parse_measurement` returns, without building the model (batch reads many)."""
    analyte = catalog.analytes[analyte_id]  # type: ignore[index]
    comparator, number, unit_text = split_value(text, decimal)
    source: UnitSource
    if unit_text:
        unit_key, source = resolve_unit(catalog, analyte_id, unit_text), "given"
    elif unit:
        unit_key, source = resolve_unit(catalog, analyte_id, unit), unit_source
    else:
        unit_key, source = analyte.default_unit, "default"
    if number < 0:
        raise InputError(f"{analyte_id}: a concentration cannot be negative")
    canonical = to_canonical(analyte, number, unit_key)
    if not analyte.plausible.min <= canonical <= analyte.plausible.max:
        raise InputError(_implausible(analyte_id, catalog, number, unit_key))
    return Reading(number, unit_key, comparator, canonical, source)


def parse_measurement(
    catalog: Catalog,
    analyte_id: str,
    text: str,
    *,
    unit: str | None = None,
    unit_source: UnitSource = "option",
    decimal: Decimal | None = None,
) -> Measurement:
    """Parse one result; `unit` applies when the text has none (from a header or column)."""
    from b12cli.result import Measurement  # not needed by batch: import on use

    read = read_measurement(
        catalog, analyte_id, text, unit=unit, unit_source=unit_source, decimal=decimal
    )
    analyte = catalog.analytes[analyte_id]  # type: ignore[index]
    return Measurement(
        analyte=cast("AnalyteId", analyte_id),
        name=analyte.name,
        input=text.strip(),
        value=read.value,
        unit=read.unit,
        comparator=read.comparator,
        canonical_value=read.canonical,
        canonical_unit=analyte.canonical_unit,
        unit_source=read.unit_source,
    )


def _implausible(analyte_id: str, catalog: Catalog, number: float, unit: str) -> str:
    analyte = catalog.analytes[analyte_id]  # type: ignore[index]
    low, high = analyte.plausible.min, analyte.plausible.max
    message = (
        f"{analyte_id}: {number:g} {unit} is outside the plausible range "
        f"({low:g}-{high:g} {analyte.canonical_unit})"
    )
    others = plausible_alternatives(analyte, number, unit)
    return message + (f"; did you mean {' or '.join(others)}?" if others else "")


def _preview(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
