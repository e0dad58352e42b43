"""One batch run: open the input and start reading it, then hand over to `interpret_run`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from b12cli.batch.table import InputSpec, Table
from b12cli.batch.threads import InFlight, prefetch
from b12cli.errors import UsageError
from b12cli.rulesets import load_catalog, load_ruleset

if TYPE_CHECKING:
    from b12cli.batch.stats import BatchStats


@dataclass(frozen=True)
class BatchRequest:
    """What `b12cli batch` was asked to do (built by the CLI from its options)."""

    spec: InputSpec
    output: str | None = None
    fmt: str = "csv"
    rules: list[str] = field(default_factory=lambda: ["nice-ng239"])
    columns: dict[str, str] = field(default_factory=dict)  # --column ANALYTE=HEADER
    units: dict[str, str] = field(default_factory=dict)  # --unit ANALYTE=UNIT
    explain: bool = False
    escape: bool = True
    histograms: bool = False


Progress = Callable[[int], None]
# Chunks at most between the start of their read and the end of their write: one per thread
# (reader, cells, rules, writer) and one waiting. Uncapped, up to seven pile up once the
# writer falls behind, after a million rows or so: peak memory was 147-152 MiB at 5M rows
# against 125-132 MiB at 1M; capped, 132-133 against 124-127 MiB (5 runs each), in the same
# time.
IN_FLIGHT = 5


def open_input(spec: InputSpec) -> Table:
    """The input as a Table (the readers module once it exists, else plain delimited files)."""
    try:
        from b12cli.batch.readers import open_table  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        from b12cli.batch.csv_chunks import read_delimited

        return read_delimited(spec.path, spec.delimiter or ",", spec.chunk_rows)
    table: Table = open_table(spec)
    return table


def display(path: str) -> str:
    """How messages name the input."""
    return "standard input" if path == "-" else path


def run_batch(request: BatchRequest, progress: Progress | None = None) -> BatchStats:
    """Run the whole batch; the output is complete (and renamed into place) on return."""
    catalog = load_catalog()
    try:
        table = open_input(request.spec)
    except UsageError:
        _ = [load_ruleset(ref) for ref in request.rules]  # a broken ruleset is told first
        raise
    # Reading starts now: polars parses the first chunk while the engine's modules are
    # imported (about 15 ms) and the rulesets load and compile.
    in_flight = InFlight(IN_FLIGHT)
    chunks = table.chunks = prefetch(table.chunks, before=in_flight.take)
    try:
        from b12cli.batch.interpret_run import interpret

        return interpret(request, table, catalog, progress, in_flight)
    finally:
        in_flight.close()  # first, or the reader could wait for a place forever
        chunks.close()
