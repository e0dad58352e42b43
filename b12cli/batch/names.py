"""Names of the engine's working columns, shared by its stages and never written out.

Every name starts with a prefix no export uses, so a working column can never overwrite an
input column; the writers select what goes out by name.
"""

from __future__ import annotations

PREFIX = "__b12cli_"
ROW = f"{PREFIX}row"
ROW_ERRORS = f"{PREFIX}errors"
# The reader's word on a row whose cells cannot be used at all (Table.row_errors).
UNUSABLE = f"{PREFIX}unusable"


def value(analyte: str) -> str:
    """The canonical value (Float64, null when the analyte was not measured or unusable)."""
    return f"{PREFIX}{analyte}_value"


def value_text(analyte: str) -> str:
    """The value as output cells show it (Categorical), where it was worked out once per
    distinct cell text; a chunk may not have it (then it is formatted from `value`)."""
    return f"{PREFIX}{analyte}_value_text"


def number(analyte: str) -> str:
    """The number as given, in the unit it was given in."""
    return f"{PREFIX}{analyte}_number"


def unit(analyte: str) -> str:
    """The unit key the number was given in."""
    return f"{PREFIX}{analyte}_unit"


def comparator(analyte: str) -> str:
    """'<', '<=', '>', '>=' for a censored value, else null."""
    return f"{PREFIX}{analyte}_cmp"


def unit_source(analyte: str) -> str:
    """Where the unit came from: given, default, header, column or option."""
    return f"{PREFIX}{analyte}_unit_source"


def error(field: str) -> str:
    """Why an analyte or context cell could not be used (null when it could)."""
    return f"{PREFIX}{field}_error"


def context(field: str) -> str:
    """A parsed context field: age (Float64), sex (String), pregnant (Boolean), lists."""
    return f"{PREFIX}ctx_{field}"


def mask(index: int, analyte: str) -> str:
    """Bitmask of the bands an analyte's value could lie in, under ruleset `index`."""
    return f"{PREFIX}{index}_mask_{analyte}"


def derived(index: int, name: str) -> str:
    """A derived status under ruleset `index` ('?' when it cannot be told)."""
    return f"{PREFIX}{index}_derived_{name}"


def outcome(index: int, what: str) -> str:
    """A per-ruleset result: rule, category, caveats, label, summary, steps, or a condition."""
    return f"{PREFIX}{index}_{what}"


def parsed(analyte: str) -> list[str]:
    """Every working column cell parsing gives an analyte, in this order."""
    return [
        number(analyte),
        unit(analyte),
        comparator(analyte),
        value(analyte),
        unit_source(analyte),
        error(analyte),
    ]
