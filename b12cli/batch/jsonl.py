"""JSON Lines input: one object per sample, its keys read like the headers of a wide table.

Values may be numbers, strings such as "180 ng/L", booleans or null; numbers keep their exact
text. The file is read twice (keys first, then rows) so memory stays flat however long it is.
A key given twice in one object is never settled by keeping one value: the record's cell is
left empty and its row says why, as it does for a line the decoder noted (see `row_notes`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from b12cli.batch.lines import LineNotes
from b12cli.batch.row_notes import ERROR, NUL_ROW, RECODED_ROW, between
from b12cli.batch.table import Table
from b12cli.errors import UsageError

Cell = str | None


@dataclass(frozen=True)
class _Record:
    """One object's cells, what its row must say (or None), and whether its cells are unusable."""

    cells: dict[str, Cell]
    error: str | None
    unusable: bool


class _Object(dict[str, object]):
    """A JSON object that remembers the keys given more than once in it."""

    repeated: dict[str, int]


def _object(pairs: list[tuple[str, object]]) -> _Object:
    found = _Object(pairs)
    found.repeated = {}
    if len(found) < len(pairs):
        for key, _ in pairs:
            found.repeated[key] = found.repeated.get(key, 0) + 1
        found.repeated = {key: n for key, n in found.repeated.items() if n > 1}
    return found


def read_jsonl(path: str, name: str, chunk_rows: int, notes: LineNotes | None = None) -> Table:
    """A table whose columns are the keys of all objects, in order of first appearance (and
    an ERROR column when some row has something to say)."""
    notes = notes or LineNotes()
    columns: dict[str, None] = {}
    errors = False
    for record in _records(path, name, notes):
        columns.update(dict.fromkeys(record.cells))
        errors = errors or record.error is not None
    names = list(columns)
    table = Table(columns=[*names, ERROR] if errors else names, chunks=iter(()))
    table.error_column = ERROR if errors else None
    table.chunks = _chunks(path, name, notes, table, names, chunk_rows)
    return table


def _chunks(
    path: str, name: str, notes: LineNotes, table: Table, names: list[str], chunk_rows: int
) -> Iterator[pl.DataFrame]:
    batch: list[_Record] = []
    first = 1
    for record in _records(path, name, notes):
        batch.append(record)
        if len(batch) >= chunk_rows:
            yield _frame(batch, first, table, names)
            first, batch = first + len(batch), []
    if batch or not names:
        yield _frame(batch, first, table, names)


def _frame(batch: list[_Record], first: int, table: Table, names: list[str]) -> pl.DataFrame:
    data: dict[str, list[Cell]] = {n: [record.cells.get(n) for record in batch] for n in names}
    if table.error_column:
        data[table.error_column] = [record.error for record in batch]
    for row, record in enumerate(batch, start=first):
        if record.unusable:
            table.row_errors.setdefault(row, NUL_ROW)
    return pl.DataFrame(data, schema=dict.fromkeys(table.columns, pl.String))


def _records(path: str, name: str, notes: LineNotes) -> Iterator[_Record]:
    # Lines end at LF only, as the decoder counted them (a CR before it is JSON whitespace).
    with Path(path).open(encoding="utf-8-sig", newline="\n") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                cells, errors = _record(line, name, number)
                if between(notes.recoded, number, number + 1):
                    errors.insert(0, RECODED_ROW)
                unusable = bool(between(notes.nul, number, number + 1))
                yield _Record(cells, "; ".join(errors) or None, unusable)


def _record(line: str, name: str, number: int) -> tuple[dict[str, Cell], list[str]]:
    """One line's cells, and a message per key given more than once (its cell left empty)."""
    try:
        # strict=False: control characters inside strings are read, as in any CSV cell.
        data = json.loads(
            line, parse_int=str, parse_float=str, parse_constant=str,
            object_pairs_hook=_object, strict=False,
        )  # fmt: skip
    except json.JSONDecodeError as exc:
        raise UsageError(f"{name}: line {number}: not valid JSON ({exc.msg})") from None
    if isinstance(data, list):
        raise UsageError(
            f"{name}: line {number}: a JSON array; batch reads JSON Lines (one object per line)"
        )
    if not isinstance(data, _Object):
        raise UsageError(f"{name}: line {number}: expected a JSON object, one per line")
    nested = [key for key, value in data.items() if isinstance(value, dict | list)]
    if nested:  # kept as JSON text; parsed again so their numbers stay numbers
        plain = json.loads(line, strict=False)
        data |= {key: plain[key] for key in nested}
    cells = {str(key): _cell(value) for key, value in data.items()}
    errors = []
    for key, times in data.repeated.items():
        cells[key] = None
        errors.append(f"{key}: given {times} times in this record, so none of its values was used")
    return cells, errors


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)
