"""Open any batch input as a `Table`: the one entry point the batch engine calls.

CSV/TSV (sniffed delimiter, any common encoding, gzip), JSON Lines, Parquet, or standard
input; wide tables come back as read, long ones (one row per result) grouped into one row
per sample by `long.group_long`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from b12cli.batch.encodings import HEAD
from b12cli.batch.record_lines import data_rows
from b12cli.batch.row_notes import RowNotes, with_notes
from b12cli.batch.sniff import delimiter_option, input_format, sniff_decimal, sniff_delimiter
from b12cli.batch.sources import TempFiles, TextFile, display_name, local_file, peek, utf8_file
from b12cli.batch.table import InputSpec, Table
from b12cli.errors import UsageError

FORMATS = ("csv", "jsonl", "parquet")
Opens = Callable[[], Table]


def open_table(spec: InputSpec) -> Table:
    """The input `spec` names, as a Table whose temporary files go when its chunks are done."""
    _check_spec(spec)
    temps = TempFiles()
    try:
        table = _open(spec, temps)
    except BaseException:
        temps.remove()
        raise
    table.chunks = temps.owning(table.chunks)
    return table


def _check_spec(spec: InputSpec) -> None:
    if spec.input_format is not None and spec.input_format not in FORMATS:
        raise UsageError(f"unknown input format {spec.input_format!r}; use {', '.join(FORMATS)}")
    if spec.decimal not in (None, ".", ","):
        raise UsageError(f"--decimal must be '.' or ',', not {spec.decimal!r}")
    if spec.layout not in (None, "wide", "long"):
        raise UsageError(f"--layout must be 'wide' or 'long', not {spec.layout!r}")
    if spec.chunk_rows < 1:
        raise UsageError("the chunk size must be at least one row")


def _open(spec: InputSpec, temps: TempFiles) -> Table:
    from b12cli.batch.long import group_long, is_long

    name = display_name(spec.path)
    path = local_file(spec.path, temps)
    opens, decimal = _base(spec, path, name, temps)
    table = opens()
    table.decimal = decimal
    if spec.layout == "long" or (spec.layout is None and is_long(table, spec)):
        return group_long(table, opens, spec, name)
    return table


def _base(spec: InputSpec, path: str, name: str, temps: TempFiles) -> tuple[Opens, str | None]:
    """A function (re)opening the input as read, and the decimal mark to use."""
    head = peek(path, name)
    fmt = spec.input_format or input_format(spec.path if spec.path != "-" else "", head)
    if fmt == "parquet":
        from b12cli.batch.parquet import read_parquet

        return partial(read_parquet, path, name, spec.chunk_rows), spec.decimal
    text = utf8_file(path, name, spec.encoding, temps)
    if fmt == "jsonl":
        from b12cli.batch.jsonl import read_jsonl

        return partial(read_jsonl, text.path, name, spec.chunk_rows, text.notes), spec.decimal
    return _delimited(spec, text, name)


def _delimited(spec: InputSpec, text: TextFile, name: str) -> tuple[Opens, str | None]:
    from b12cli.batch.csv_chunks import read_delimited

    path = text.path
    with Path(path).open("rb") as handle:
        head = handle.read(HEAD).decode("utf-8", errors="ignore").lstrip("\ufeff")
    delimiter = delimiter_option(spec.delimiter) if spec.delimiter else sniff_delimiter(head)
    decimal = spec.decimal or sniff_decimal(head, delimiter)
    rows = _noted_rows(text, name)

    def opens() -> Table:
        try:
            return with_notes(read_delimited(path, delimiter, spec.chunk_rows), rows)
        except UsageError as exc:  # name the user's file, not a temporary copy
            raise UsageError(str(exc).replace(path, name)) from None

    return opens, decimal


def _noted_rows(text: TextFile, name: str) -> RowNotes:
    """The data rows holding the lines the decoder noted (none: the file is not read again)."""
    if not text.notes:
        return RowNotes()
    lines = [*text.notes.nul, *text.notes.recoded]
    row_of = data_rows(text.path, lines)
    in_header = next((line for line in text.notes.nul if row_of[line] == 0), None)
    if in_header is not None:
        raise UsageError(f"{name}: line {in_header}: a NUL byte in the header (a damaged file?)")

    def rows(noted: Sequence[int]) -> list[int]:
        return sorted({row_of[line] for line in noted} - {0})

    return RowNotes(nul=rows(text.notes.nul), recoded=rows(text.notes.recoded))
