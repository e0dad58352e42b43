"""Long layout: one row per result in, one row per sample out.

A first pass keeps only the results whose test maps to an analyte (B12, MMA, folate... a tiny
fraction of a lab table), counts the rest as skipped, and notes where each sample's last
result lies. If the kept results stay small they are grouped in memory; otherwise a second
pass streams, emitting each sample as soon as its last result has been read, so memory
stays flat for exports sorted by specimen and bounded by the kept results for the rest.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import polars as pl

from b12cli.batch.codes import CodeMatcher
from b12cli.batch.long_columns import LongColumns, long_columns, looks_long
from b12cli.batch.long_pivot import (
    ERROR,
    KEY,
    ORDER,
    PROBLEM,
    SOLO,
    VOID,
    output_columns,
    pivot,
    with_problems,
)
from b12cli.batch.table import AnalyteColumns, InputSpec, Table
from b12cli.errors import UsageError

HOLD_ROWS = 250_000  # kept results grouped in memory (about 40 MB); more: two passes
_LAST = "__last"


@dataclass
class _Scan:
    """What the first pass learnt."""

    rows: int = 0
    mapped: int = 0
    held: list[pl.DataFrame] | None = field(default_factory=list)
    held_rows: int = 0
    keys: list[pl.Series] = field(default_factory=list)
    analytes: set[str] = field(default_factory=set)
    unmapped: dict[str, int] = field(default_factory=dict)


def is_long(table: Table, spec: InputSpec) -> bool:
    """Whether the table should be read as one row per result."""
    from b12cli.rulesets import load_catalog

    return looks_long(table.columns, spec, load_catalog())


def group_long(table: Table, reopen: Callable[[], Table], spec: InputSpec, name: str) -> Table:
    """One row per sample (id, group, patient and time columns, then each analyte's text)."""
    from b12cli.rulesets import load_catalog

    catalog = load_catalog()
    columns = [column for column in table.columns if column != table.error_column]
    parts = long_columns(columns, spec, name)
    matcher = CodeMatcher(catalog, spec.codes)
    scan = _first_pass(with_problems(table), parts, matcher, HOLD_ROWS)
    if scan.rows and not scan.mapped:
        raise UsageError(_nothing_mapped(name, scan))
    analytes: list[str] = [a for a in catalog.analytes if a in scan.analytes]
    columns, values, units = output_columns(parts.carried, analytes)
    if scan.held is not None:
        chunks = _from_held(scan.held, parts, analytes, spec.chunk_rows)
    else:
        lasts = pl.concat(scan.keys).is_last_distinct()
        chunks = _second_pass(with_problems(reopen()), parts, matcher, lasts, analytes)
    return Table(
        columns=columns,
        chunks=chunks,
        analytes={a: AnalyteColumns(values[a], units[a]) for a in analytes},
        skipped_rows=scan.rows - scan.mapped,
        id_columns=parts.id,
        decimal=table.decimal,
        error_column=ERROR,
        input_rows=scan.rows,
    )


def results(
    chunk: pl.DataFrame, parts: LongColumns, matcher: CodeMatcher, first: int
) -> pl.DataFrame:
    """The chunk's rows whose test maps to an analyte, reduced to what grouping needs (the
    value and unit of a row whose cells cannot be used left out, its PROBLEM kept)."""
    tests = [matcher.map_series(chunk[column]) for column in parts.tests]
    analyte = pl.select(pl.coalesce([pl.lit(series) for series in tests])).to_series()
    unit = _text(parts.unit) if parts.unit else pl.lit(None, pl.String)
    value = pl.coalesce([_text(column) for column in parts.values])
    mapped = analyte.is_not_null()
    named = pl.lit(analyte.filter(mapped))
    usable = ~pl.col(VOID)
    kept = chunk.filter(mapped).select(
        *parts.carried,
        named.alias("__analyte"),
        pl.when(usable).then(value).alias("__value"),
        pl.when(usable).then(unit).alias("__unit"),
        pl.concat_str([named, pl.lit(" "), pl.col(PROBLEM)]).alias(PROBLEM),
    )
    order = pl.int_range(first, first + kept.height, dtype=pl.UInt64)
    incomplete = pl.any_horizontal(pl.col(parts.group).is_null())
    kept = kept.with_columns(order.alias(ORDER))
    kept = kept.with_columns(pl.when(incomplete).then(pl.col(ORDER)).alias(SOLO))
    return kept.with_columns(pl.struct([*parts.group, SOLO]).hash(seed=0).alias(KEY))


def _compact(frame: pl.DataFrame) -> pl.DataFrame:
    """A copy in buffers of its own: filtered text columns would keep the chunk's alive."""
    buffer = io.BytesIO()
    frame.write_ipc(buffer)
    buffer.seek(0)
    return pl.read_ipc(buffer)


def _text(column: str) -> pl.Expr:
    return pl.when(pl.col(column).str.strip_chars() != "").then(pl.col(column))


def _first_pass(
    chunks: Iterator[pl.DataFrame], parts: LongColumns, matcher: CodeMatcher, hold: int
) -> _Scan:
    scan = _Scan()
    for chunk in chunks:
        kept = results(chunk, parts, matcher, scan.mapped)
        scan.rows += chunk.height
        scan.mapped += kept.height
        scan.keys.append(kept[KEY])
        scan.analytes.update(kept["__analyte"].unique().to_list())
        if not scan.unmapped:
            counts = chunk[parts.tests[0]].value_counts(sort=True).head(5)
            scan.unmapped = dict(counts.iter_rows())
        if scan.held is not None:
            scan.held.append(_compact(kept))
            scan.held_rows += kept.height
            if scan.held_rows > hold:
                scan.held = None
    return scan


def _from_held(
    held: list[pl.DataFrame], parts: LongColumns, analytes: list[str], chunk_rows: int
) -> Iterator[pl.DataFrame]:
    rows = pivot(pl.concat(held) if held else pl.DataFrame(), parts, analytes)
    for offset in range(0, rows.height, chunk_rows):
        yield rows.slice(offset, chunk_rows)


def _second_pass(
    chunks: Iterator[pl.DataFrame],
    parts: LongColumns,
    matcher: CodeMatcher,
    lasts: pl.Series,
    analytes: list[str],
) -> Iterator[pl.DataFrame]:
    pending: pl.DataFrame | None = None
    seen = 0
    for chunk in chunks:
        kept = results(chunk, parts, matcher, seen)
        kept = kept.with_columns(lasts.slice(seen, kept.height).alias(_LAST))
        seen += kept.height
        pending = kept if pending is None else pl.concat([pending, kept])
        done, pending = _split_done(pending)
        pending = _compact(pending)
        if done.height:
            yield pivot(done, parts, analytes)
    if pending is not None and pending.height:
        yield pivot(pending, parts, analytes)


def _split_done(pending: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The samples, in order of first appearance, up to the first one still missing results."""
    status = pending.group_by(KEY, maintain_order=True).agg(pl.col(_LAST).any())
    open_at = status[_LAST].arg_min() if not status[_LAST].all() else status.height
    done_keys = status[KEY].head(open_at or 0)
    is_done = pl.col(KEY).is_in(done_keys.implode())
    return pending.filter(is_done), pending.filter(~is_done)


def _nothing_mapped(name: str, scan: _Scan) -> str:
    common = ", ".join(f"{test!r} ({count})" for test, count in scan.unmapped.items())
    return (
        f"{name}: none of the {scan.rows} result rows names a known test; map local codes "
        f"with --code CODE=ANALYTE or --code-map FILE (most common tests: {common})"
    )
