"""JSON Lines input: one object per sample, its keys read like the headers of a wide table.

Values may be numbers, strings such as "180 ng/L", booleans or null; numbers keep their exact
text. The file is read twice (keys first, then rows) so memory stays flat however long it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from b12cli.batch.table import Table
from b12cli.errors import UsageError

Cell = str | None


def read_jsonl(path: str, name: str, chunk_rows: int) -> Table:
    """A table whose columns are the keys of all objects, in order of first appearance."""
    columns: dict[str, None] = {}
    for record in _records(path, name):
        columns.update(dict.fromkeys(record))
    return Table(columns=list(columns), chunks=_chunks(path, name, list(columns), chunk_rows))


def _chunks(path: str, name: str, columns: list[str], chunk_rows: int) -> Iterator[pl.DataFrame]:
    schema = dict.fromkeys(columns, pl.String)
    batch: list[dict[str, Cell]] = []
    for record in _records(path, name):
        batch.append(record)
        if len(batch) >= chunk_rows:
            yield _frame(batch, columns, schema)
            batch = []
    if batch or not columns:
        yield _frame(batch, columns, schema)


def _frame(
    batch: list[dict[str, Cell]], columns: list[str], schema: dict[str, type[pl.String]]
) -> pl.DataFrame:
    data = {column: [record.get(column) for record in batch] for column in columns}
    return pl.DataFrame(data, schema=schema)


def _records(path: str, name: str) -> Iterator[dict[str, Cell]]:
    with Path(path).open(encoding="utf-8-sig", newline=None) as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield _record(line, name, number)


def _record(line: str, name: str, number: int) -> dict[str, Cell]:
    try:
        data = json.loads(line, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{name}: line {number}: not valid JSON ({exc.msg})") from None
    if isinstance(data, list):
        raise UsageError(
            f"{name}: line {number}: a JSON array; batch reads JSON Lines (one object per line)"
        )
    if not isinstance(data, dict):
        raise UsageError(f"{name}: line {number}: expected a JSON object, one per line")
    nested = [key for key, value in data.items() if isinstance(value, dict | list)]
    if nested:  # kept as JSON text; parsed again so their numbers stay numbers
        plain = json.loads(line)
        data |= {key: plain[key] for key in nested}
    return {str(key): _cell(value) for key, value in data.items()}


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)
