"""Decide which column holds each analyte and context field: options first, then headers."""

from __future__ import annotations

from b12cli.batch.headers import (
    CONTEXT_ALIASES,
    UNIT_WORDS,
    AnalyteSource,
    ColumnMap,
    HeaderMatch,
    classify,
    compact,
    option_unit,
)
from b12cli.errors import UsageError
from b12cli.model import Catalog

CONTEXT_FIELDS = tuple(CONTEXT_ALIASES)


def map_columns(
    columns: list[str],
    catalog: Catalog,
    overrides: dict[str, str] | None = None,
    units: dict[str, str] | None = None,
) -> ColumnMap:
    """Analyte and context columns of a wide table (`overrides`: --column, `units`: --unit)."""
    overrides, units = overrides or {}, units or {}
    _check_targets([*overrides, *units], catalog, units)
    chosen = {
        target: find_column(columns, header, f"--column {target}={header}")
        for target, header in overrides.items()
    }
    found = {
        c: classify(as_headed(c, columns), catalog) for c in columns if c not in chosen.values()
    }
    analytes: dict[str, AnalyteSource] = {}
    for analyte in catalog.analytes:
        column = chosen.get(analyte) or _single(found, analyte, "value")
        if column is None:
            continue
        header = classify(as_headed(column, columns), catalog)
        header_unit = header.unit if header and header.target == analyte else None
        unit_column = _single(found, analyte, "unit") or _adjacent_unit(columns, column, found)
        if analyte in units:
            source = AnalyteSource(
                column, unit_column, option_unit(catalog, analyte, units[analyte]), "option"
            )
        elif header_unit:
            source = AnalyteSource(column, unit_column, header_unit, "header")
        else:
            source = AnalyteSource(column, unit_column)
        analytes[analyte] = source
    unmapped = sorted(set(units) - set(analytes))
    if unmapped:
        raise UsageError(f"--unit {unmapped[0]}=...: no column holds {unmapped[0]}")
    context = {f: chosen.get(f) or _single(found, f, "context") for f in CONTEXT_FIELDS}
    return ColumnMap(analytes=analytes, context={f: c for f, c in context.items() if c})


def as_headed(column: str, columns: list[str]) -> str:
    """The header as written: a repeat the reader numbered (`B12_2` beside `B12`) is `B12`."""
    base, sep, number = column.rpartition("_")
    return base if sep and number.isdigit() and base in columns else column


def find_column(columns: list[str], header: str, option: str) -> str:
    """The column named `header` (exactly, else ignoring case), or a UsageError naming the
    `option` that asked for it and listing the columns there are."""
    if header in columns:
        return header
    folded = [c for c in columns if c.casefold() == header.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    shown = ", ".join(repr(c) for c in columns[:20]) + (", ..." if len(columns) > 20 else "")
    raise UsageError(f"{option}: no such column; the columns are {shown}")


def _check_targets(targets: list[str], catalog: Catalog, units: dict[str, str]) -> None:
    known = [*catalog.analytes, *CONTEXT_FIELDS]
    for target in targets:
        if target not in known:
            raise UsageError(f"unknown analyte or context {target!r}; known: {', '.join(known)}")
        if target in units and target not in catalog.analytes:
            raise UsageError(f"--unit {target}=...: {target} is not an analyte")


def _single(found: dict[str, HeaderMatch | None], target: str, kind: str) -> str | None:
    hits = [c for c, f in found.items() if f and f.target == target and f.kind == kind]
    if len(hits) > 1:
        listed = " and ".join(repr(h) for h in hits)
        what = f"the {target} unit" if kind == "unit" else target
        raise UsageError(
            f"columns {listed} could each be {what}; choose one with --column {target}=HEADER"
        )
    return hits[0] if hits else None


def _adjacent_unit(
    columns: list[str], column: str, found: dict[str, HeaderMatch | None]
) -> str | None:
    """A bare `Unit` column right after the value column belongs to that value."""
    index = columns.index(column) + 1
    if index < len(columns) and compact(columns[index]) in UNIT_WORDS:
        return columns[index] if found.get(columns[index]) is None else None
    return None
