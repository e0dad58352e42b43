"""Chunks in, interpreted chunks out: cells parsed, context read, every ruleset applied.

One chunk is held at a time, so memory stays flat whatever the number of rows; each chunk
keeps its rows in input order and gains the working columns named in `names`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import polars as pl

from b12cli.batch import names
from b12cli.batch.cells import CellParser
from b12cli.batch.compile import CompiledRuleset, Scope
from b12cli.batch.context_cells import parse_context
from b12cli.batch.headers import ColumnMap
from b12cli.batch.table import Table
from b12cli.batch.threads import Prefetch, prefetch
from b12cli.model import Catalog
from b12cli.rulesets import LoadedRuleset
from b12cli.values import Decimal


@dataclass(frozen=True)
class Plan:
    """Everything the engine needs besides the rows."""

    catalog: Catalog
    columns: ColumnMap
    rulesets: list[LoadedRuleset]
    explain: bool = False
    decimal: Decimal | None = None
    error_column: str | None = None  # a reader's own per-row errors


class Engine:
    """Interprets a table chunk by chunk with every ruleset of the plan."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.scope = Scope(
            analytes=frozenset(plan.columns.analytes), context=frozenset(plan.columns.context)
        )
        self.compiled = [
            CompiledRuleset(loaded.ruleset, i, self.scope) for i, loaded in enumerate(plan.rulesets)
        ]
        self.cells = CellParser(plan.catalog, plan.decimal)
        self._ahead: Prefetch[tuple[pl.DataFrame, frozenset[str]]] | None = None

    def parsed(self) -> frozenset[str]:
        """Input columns the engine reads: each of their cells is seen by it (see `seen`)."""
        columns = self.plan.columns
        found = {s.column for s in columns.analytes.values()}
        found |= {s.unit_column for s in columns.analytes.values() if s.unit_column}
        return frozenset(found | set(columns.context.values()))

    def seen(self) -> tuple[frozenset[str], frozenset[str]]:
        """Input columns known to hold no cell that starts like a formula, and none that CSV
        must quote (so the writer need not look)."""
        parsed = self.parsed()
        return parsed - self.cells.risky, parsed - self.cells.quoted

    def start(self, table: Table) -> None:
        """Start parsing the table's cells, then build the rule tables (see `CompiledRuleset.
        lookup`) on this thread while the first chunk's cells are parsed; `run` goes on from
        there, `close` stops early."""
        self._ahead = prefetch(self._prepared(table), name="cells")
        for compiled in self.compiled:
            compiled.lookup(self.plan.explain)

    def run(self, table: Table) -> Iterator[pl.DataFrame]:
        """Each chunk of the table, interpreted, with a 1-based `names.ROW` number.

        Cells are parsed a chunk ahead, on a thread of their own: most of that work is many
        small polars calls, which leave the cores room for the rules of the chunk before."""
        if self._ahead is None:
            self.start(table)
        assert self._ahead is not None
        try:
            for frame, censored in self._ahead:
                yield self.decide(frame, censored)
        finally:
            self.close()

    def close(self) -> None:
        """Stop parsing cells ahead (nothing to do once `run` has finished)."""
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None

    def _prepared(self, table: Table) -> Iterator[tuple[pl.DataFrame, frozenset[str]]]:
        first = 1
        for chunk in table.chunks:
            yield self.prepare(chunk, first, table.row_errors)
            first += chunk.height

    def process(
        self, chunk: pl.DataFrame, first_row: int = 1, row_errors: dict[int, str] | None = None
    ) -> pl.DataFrame:
        """One chunk, interpreted (rows keep their order); rows named in `row_errors` (taken
        from it) are interpreted as if empty and carry that error."""
        return self.decide(*self.prepare(chunk, first_row, row_errors))

    def prepare(
        self, chunk: pl.DataFrame, first_row: int = 1, row_errors: dict[int, str] | None = None
    ) -> tuple[pl.DataFrame, frozenset[str]]:
        """The chunk with its row numbers and parsed cells, and the analytes it holds a
        censored value of (see `process`)."""
        rows = pl.int_range(first_row, first_row + chunk.height, dtype=pl.Int64)
        frame = chunk.with_columns(rows.alias(names.ROW), _unusable(chunk, first_row, row_errors))
        columns = self.plan.columns
        if frame.get_column(names.UNUSABLE).null_count() < frame.height:
            frame, columns = self._void_unusable(frame)
        frame = self.cells.parse(frame, columns.analytes)
        frame = parse_context(frame, columns.context, self.plan.catalog, self.cells.notice)
        censored = frozenset(
            a
            for a in self.plan.columns.analytes
            if frame.get_column(names.comparator(a)).null_count() < frame.height
        )
        return frame, censored

    def decide(self, frame: pl.DataFrame, censored: frozenset[str]) -> pl.DataFrame:
        """A prepared chunk with its row errors and every ruleset's outcome columns."""
        # The rulesets run as one lazy query: polars shares repeated tests and runs
        # independent ones in parallel.
        lazy = frame.lazy().with_columns(self._row_errors(frame).alias(names.ROW_ERRORS))
        for compiled in self.compiled:
            lazy = compiled.apply(lazy, censored, self.plan.explain)
        return lazy.collect()

    def _void_unusable(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, ColumnMap]:
        """Copies of the parsed columns, empty on unusable rows, and the map pointing at them."""
        columns = self.plan.columns
        parsed = sorted(self.parsed())
        void = pl.col(names.UNUSABLE).is_not_null()
        copies = {c: f"{names.PREFIX}void_{c}" for c in parsed}
        frame = frame.with_columns(
            pl.when(void).then(None).otherwise(pl.col(c)).alias(v) for c, v in copies.items()
        )
        # The copies hide which original column a cell came from: let the writer look.
        self.cells.risky.update(parsed)
        self.cells.quoted.update(parsed)
        analytes = {
            a: replace(s, column=copies[s.column], unit_column=copies.get(s.unit_column or ""))
            for a, s in columns.analytes.items()
        }
        context = {f: copies[c] for f, c in columns.context.items()}
        return frame, ColumnMap(analytes=analytes, context=context)

    def _row_errors(self, frame: pl.DataFrame) -> pl.Expr:
        """'column: message; ...' for every cell of the row that could not be used (else null)."""
        fields = [
            *((a, s.column) for a, s in self.plan.columns.analytes.items()),
            *self.plan.columns.context.items(),
        ]
        found = [
            (f, c)
            for f, c in fields
            if frame.get_column(names.error(f)).null_count() < frame.height
        ]
        parts = [pl.col(c) for c in (self.plan.error_column, names.UNUSABLE) if c]
        parts = [
            p for p in parts if frame.get_column(p.meta.output_name()).null_count() < frame.height
        ]
        parts += [pl.lit(f"{column}: ") + pl.col(names.error(f)) for f, column in found]
        if not parts:
            return pl.lit(None, pl.String)
        joined = pl.concat_str(parts, separator="; ", ignore_nulls=True)
        return pl.when(joined != "").then(joined)


def _unusable(chunk: pl.DataFrame, first_row: int, row_errors: dict[int, str] | None) -> pl.Expr:
    """The reader's errors for this chunk's rows (taken out of `row_errors`), else null."""
    last = first_row + chunk.height
    mine = [r for r in list(row_errors or {}) if first_row <= r < last]
    if not mine or row_errors is None:
        return pl.lit(None, pl.String).alias(names.UNUSABLE)
    messages: list[str | None] = [None] * chunk.height
    for row in mine:
        messages[row - first_row] = row_errors.pop(row)
    return pl.lit(pl.Series(names.UNUSABLE, messages, dtype=pl.String))
