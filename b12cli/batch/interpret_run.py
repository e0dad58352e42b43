"""The rest of a batch run once its input is being read: map the columns, interpret every
chunk, write, count. `runner.run_batch` imports this module only then, so that importing the
engine overlaps the parse of the first chunk."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from b12cli.batch import names
from b12cli.batch.column_map import find_column, map_columns
from b12cli.batch.headers import ColumnMap, find_id_column, reader_sources
from b12cli.batch.outputs import OutputLayout
from b12cli.batch.pipeline import Engine, Plan
from b12cli.batch.runner import BatchRequest, Progress, display
from b12cli.batch.stats import BatchStats, histograms_for, update
from b12cli.batch.table import Table
from b12cli.batch.threads import Consumer, InFlight
from b12cli.batch.writers import CsvWriter, JsonWriter, ParquetWriter, output_file
from b12cli.errors import UsageError
from b12cli.model import Catalog
from b12cli.rulesets import load_ruleset


def column_map(table: Table, catalog: Catalog, request: BatchRequest) -> ColumnMap:
    """Analyte and context columns: as the reader knows them (long layout), else from headers."""
    if table.analytes is not None:
        sources = reader_sources(table.analytes, request.units, catalog)
        return ColumnMap(analytes=sources, context=dict(table.context))
    try:
        found = map_columns(table.columns, catalog, request.columns, request.units)
    except UsageError as exc:
        raise UsageError(f"{display(request.spec.path)}: {exc}") from None
    if not found.analytes:
        shown = ", ".join(repr(c) for c in table.columns[:12])
        raise UsageError(
            f"{display(request.spec.path)}: no result column recognised among {shown}; "
            "name one with --column ANALYTE=HEADER (e.g. --column b12=LBXB12)"
        )
    return found


def id_columns(table: Table, request: BatchRequest) -> list[str]:
    """Columns identifying each output row (for JSON `id`): --id, the reader's, or a guess."""
    if request.spec.id:
        return [find_column(table.columns, c, f"--id {c}") for c in request.spec.id]
    if table.id_columns:
        return list(table.id_columns)
    guess = find_id_column(table.columns)
    return [guess] if guess else []


def interpret(
    request: BatchRequest,
    table: Table,
    catalog: Catalog,
    progress: Progress | None,
    in_flight: InFlight,
) -> BatchStats:
    """Interpret and write every chunk of a table being read (giving each chunk's place
    back to `in_flight` once written); the summary's counts."""
    loaded = [load_ruleset(ref) for ref in request.rules]
    decimal = table.decimal or request.spec.decimal
    plan = Plan(
        catalog=catalog,
        columns=column_map(table, catalog, request),
        rulesets=loaded,
        explain=request.explain,
        decimal=decimal,  # type: ignore[arg-type]
        error_column=table.error_column,
    )
    if request.spec.id and table.analytes is None:
        id_columns(table, request)  # an unknown --id column is a usage error, whatever the format
    engine = Engine(plan)
    try:
        engine.start(table)  # the first chunk's cells are parsed while the rest is set up
        stats = BatchStats(rulesets=[r.ruleset.id for r in loaded])
        if request.histograms and engine.compiled:
            stats.histograms = histograms_for(engine.compiled[0], catalog)
        with output_file(request.output) as handle:
            _write(request, table, engine, handle, stats, progress, in_flight)
    finally:
        in_flight.close()  # before stopping the cells thread, which may wait on the reader
        engine.close()
    stats.skipped_rows, stats.input_rows = table.skipped_rows, table.input_rows
    return stats


def _write(
    request: BatchRequest,
    table: Table,
    engine: Engine,
    handle: BinaryIO,
    stats: BatchStats,
    progress: Progress | None,
    in_flight: InFlight,
) -> None:
    """Interpret each chunk on this thread while others read ahead and write behind."""
    if request.fmt in ("jsonl", "json"):
        from b12cli.batch.records import RecordBuilder  # the pure evaluator: JSON output only

        builder = RecordBuilder(engine.plan, id_columns(table, request))
        json_out = JsonWriter(handle, array=request.fmt == "json")
        for frame in engine.run(table):
            update(stats, frame, engine.compiled, engine.plan.catalog)
            for line in builder.lines(frame):
                json_out.write_line(line)
            in_flight.give()
            if progress:
                progress(stats.rows)
        json_out.close()
        return
    inputs = [c for c in table.columns if c != table.error_column]
    layout = OutputLayout(inputs, engine.plan, engine.compiled)
    parquet = request.fmt == "parquet"
    escape = request.escape and not parquet
    writer = (ParquetWriter if parquet else CsvWriter)(handle, layout.header(escape))
    layout.warm(escape, merge=not parquet)  # while the first chunk is still being read

    def write(chunk: tuple[pl.DataFrame, bool]) -> None:
        # On the writer thread, which has time to spare: the summary's counts (`stats` is
        # read only after `close` has waited for this thread), then the output. `seen` only
        # grows, so what it says of earlier chunks holds.
        frame, quote_free = chunk
        update(stats, frame, engine.compiled, engine.plan.catalog)
        selected = layout.select(
            frame,
            escape=escape,
            text_values=parquet,
            seen=engine.seen(),
            merge=not parquet,
            quote_free=quote_free,
        )
        writer.write(*selected)
        in_flight.give()

    behind: Consumer[tuple[pl.DataFrame, bool]] = Consumer(write)
    counted = [names.unit(a) for a in engine.plan.columns.analytes]
    needed = list(dict.fromkeys([*layout.needed(), *counted]))
    done = 0
    try:
        for frame in engine.run(table):
            quote_free = done + 1 in table.quote_free
            table.quote_free.discard(done + 1)
            # Only what the writer reads waits in its queue (taken by name: no polars query).
            behind.put((frame[[c for c in needed if c in frame.columns]], quote_free))
            done += frame.height
            if progress:
                progress(done)
    except BaseException:
        behind.abort()  # no write may touch the output once it is being removed
        raise
    behind.close()
    writer.close()
