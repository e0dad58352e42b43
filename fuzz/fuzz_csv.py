"""Fuzz the batch reader: bytes in, a Table or a B12Error out, and no row lost or changed.

Two kinds of input. Well-formed delimited text written by Python's csv module (any cells:
quotes, delimiters, newlines, NUL, any Unicode; several delimiters and encodings) must come
back with exactly the rows, in order, and the cells that were written ('' and None alike).
Arbitrary bytes, and damaged text, must only ever give a Table or a B12Error.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from b12cli.batch.readers import open_table
from b12cli.batch.table import InputSpec

from .harness import Report, WrongResultError, drive

DELIMITERS = [",", ";", "\t", "|"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]
CELL_CHARS = st.sampled_from([*",;\t|\"'\n\r =+-@<>.0123456789 abcXYZµé€\x00\u2028", "ng/L"])
CELL = st.one_of(
    st.text(max_size=12),
    st.lists(CELL_CHARS, max_size=8).map("".join),
    st.sampled_from(["150", "<50", "NaN", "inf", "1e309", "-5", "hemolysed", "=HYPERLINK(1)"]),
)


@st.composite
def written_csv(draw: st.DrawFn) -> tuple[bytes, str, list[list[str]], int]:
    """(file bytes, delimiter, the data rows written, header width)."""
    width = draw(st.integers(1, 5))
    header = [f"col{i}" for i in range(width - 1)] + ["B12 (ng/L)"]
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=25))
    delimiter = draw(st.sampled_from(DELIMITERS))
    out = io.StringIO()
    # csv.writer quotes a cell only for the characters of its own line terminator: with "\n"
    # a bare "\r" would go out unquoted and read back, correctly, as a line end.
    bare_cr = any("\r" in cell for row in rows for cell in row)
    ending = "\r\n" if bare_cr else draw(st.sampled_from(["\n", "\r\n"]))
    writer = csv.writer(out, delimiter=delimiter, lineterminator=ending)
    writer.writerows([header, *rows])
    encoding = draw(st.sampled_from(ENCODINGS))
    try:
        data = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = out.getvalue().encode("utf-8")
    if encoding == "cp1252" and _valid_utf8(data):
        # cp1252 bytes that happen to be valid UTF-8 (Ã© is é): reading UTF-8 is right.
        text = io.StringIO(data.decode("utf-8"), newline="")
        rows = list(csv.reader(text, delimiter=delimiter))[1:]
    return data, delimiter, rows, width


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_all(data: bytes, **spec: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    handle, path = tempfile.mkstemp(prefix="b12fuzz-", suffix=".csv")
    try:
        os.write(handle, data)
        os.close(handle)
        table = open_table(InputSpec(path=path, **spec))
        rows = [row for chunk in table.chunks for row in chunk.iter_rows()]
        return table.columns, rows
    finally:
        Path(path).unlink()


def check_written(case: tuple[bytes, str, list[list[str]], int]) -> None:
    """Read back what csv.writer wrote: same number of rows, same cells, same order."""
    data, delimiter, rows, width = case
    columns, got = _read_all(data, delimiter=delimiter, layout="wide")
    if len(columns) != width:
        raise WrongResultError(f"{len(columns)} columns read, {width} written")
    expected = [tuple(_cell(c) for c in row) for row in rows]
    normalised = [tuple(_cell(c) for c in row) for row in got]
    if normalised != expected:
        diff = next(
            (
                i
                for i, pair in enumerate(zip(expected, normalised, strict=False))
                if pair[0] != pair[1]
            ),
            None,
        )
        at = (
            f"; row {diff}: wrote {expected[diff]!r}, read {normalised[diff]!r}"
            if diff is not None
            else ""
        )
        raise WrongResultError(f"rows differ: wrote {len(expected)}, read {len(got)}{at}")


def _cell(text: str | None) -> str | None:
    """'' and None alike; a cell of nothing but byte-order marks may come back empty."""
    return text if text and text.strip("\ufeff") else None


def check_any_bytes(data: bytes) -> None:
    """Arbitrary bytes: a Table (all chunks readable) or a B12Error, nothing else."""
    _read_all(data)


DAMAGED = st.one_of(
    st.binary(max_size=400),
    written_csv()
    .map(lambda c: c[0])
    .flatmap(
        lambda d: st.tuples(st.integers(0, len(d)), st.binary(max_size=4)).map(
            lambda cut: d[: cut[0]] + cut[1] + d[cut[0] + len(cut[1]) :]
        )
    ),
)


def run(examples: int, seconds: float | None = None, rng_seed: int = 0) -> Report:
    """Fuzz the reader: half round trips of well-formed files, half arbitrary bytes."""
    half = max(examples // 2, 1)
    part = seconds / 2 if seconds else None
    good = drive(
        "csv(round trip)",
        written_csv(),
        check_written,
        examples=half,
        seconds=part,
        rng_seed=rng_seed,
    )
    bad = drive(
        "csv(any bytes)", DAMAGED, check_any_bytes, examples=half, seconds=part, rng_seed=rng_seed
    )
    good.target, good.tried = "csv", good.tried + bad.tried
    good.seconds += bad.seconds
    good.crashes.update(bad.crashes)
    return good
