"""Rows of an interpreted chunk -> the pure evaluator's Interpretation objects (JSON output).

Each JSON Lines object is exactly what `interpret --format json` prints, plus `row` and
`id`, so it is built by `evaluate.interpret` from a Record assembled from the parsed cells.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import polars as pl

from b12cli.batch import names
from b12cli.batch.pipeline import Plan
from b12cli.evaluate import interpret
from b12cli.render.json import to_dict
from b12cli.result import Context, InputProblem, Measurement, Record

_FIELDS = ("text", "number", "unit", "cmp", "value", "source", "error")


class RecordBuilder:
    """Builds one Record per row of an interpreted chunk."""

    def __init__(self, plan: Plan, id_columns: list[str]) -> None:
        self.plan, self.id_columns = plan, id_columns

    def columns(self) -> list[pl.Expr]:
        """The columns a row's Record is built from, in the order `record` reads them."""
        exprs = [pl.col(names.ROW)]
        exprs += [pl.col(c).cast(pl.String) for c in self.id_columns]
        for analyte, source in self.plan.columns.analytes.items():
            exprs += [
                pl.col(source.column).alias(f"{analyte}_text"),
                pl.col(names.number(analyte)),
                pl.col(names.unit(analyte)).cast(pl.String),
                pl.col(names.comparator(analyte)).cast(pl.String),
                pl.col(names.value(analyte)),
                pl.col(names.unit_source(analyte)).cast(pl.String),
                pl.col(names.error(analyte)),
            ]
        for field in self.plan.columns.context:
            exprs += [pl.col(names.context(field)), pl.col(names.error(field))]
        exprs.append(pl.col(names.UNUSABLE))
        if self.plan.error_column:
            exprs.append(pl.col(self.plan.error_column))
        return exprs

    def records(self, frame: pl.DataFrame) -> Iterator[tuple[int, str | None, Record]]:
        """(row number, id, Record) for each row, in order."""
        for row in frame.select(self.columns()).iter_rows():
            yield self.record(list(row))

    def record(self, row: list[Any]) -> tuple[int, str | None, Record]:
        """One row (as laid out by `columns`) as a Record."""
        number = row.pop(0)
        ids = [row.pop(0) for _ in self.id_columns]
        identity = "|".join(i or "" for i in ids) if any(i is not None for i in ids) else None
        measurements: dict[str, Measurement] = {}
        errors: list[InputProblem] = []
        for analyte, source in self.plan.columns.analytes.items():
            cell = dict(zip(_FIELDS, [row.pop(0) for _ in _FIELDS], strict=True))
            if cell["error"] is not None:
                errors.append(
                    InputProblem(analyte=analyte, column=source.column, message=cell["error"])
                )
            elif cell["value"] is not None:
                measurements[analyte] = self._measurement(analyte, cell)
        context: dict[str, Any] = {}
        for field, column in self.plan.columns.context.items():
            value, error = row.pop(0), row.pop(0)
            if error is not None:
                errors.append(InputProblem(column=column, message=error))
            if value is not None:
                context[field] = value
        for message in [row.pop(0), *row]:  # the reader's word on the row comes first
            if message:
                errors.insert(0, InputProblem(message=message))
        record = Record(
            measurements=measurements,  # type: ignore[arg-type]
            context=Context(**context),
            errors=errors,
        )
        return number, identity, record

    def _measurement(self, analyte: str, cell: dict[str, Any]) -> Measurement:
        model = self.plan.catalog.analytes[analyte]  # type: ignore[index]
        return Measurement(
            analyte=analyte,  # type: ignore[arg-type]
            name=model.name,
            input=cell["text"].strip(),
            value=float(cell["number"]),
            unit=cell["unit"],
            comparator=cell["cmp"],
            canonical_value=float(cell["value"]),
            canonical_unit=model.canonical_unit,
            unit_source=cell["source"],
        )

    def lines(self, frame: pl.DataFrame) -> Iterator[str]:
        """One JSON object per row and ruleset: the interpretation plus `row` and `id`."""
        for number, identity, record in self.records(frame):
            for loaded in self.plan.rulesets:
                result = interpret(record, loaded, self.plan.catalog)
                body = {"row": number, "id": identity, **to_dict(result)}
                yield json.dumps(body, ensure_ascii=False)
