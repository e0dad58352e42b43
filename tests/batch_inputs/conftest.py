"""Fixtures for the batch reader tests: open an input and collect every row it yields."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from b12cli.batch.readers import open_table
from b12cli.batch.table import InputSpec, Table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

Read = Callable[..., tuple[Table, pl.DataFrame]]
Collect = Callable[[Table], pl.DataFrame]


def _collect(table: Table) -> pl.DataFrame:
    frames = list(table.chunks)
    for frame in frames:
        assert frame.columns == table.columns
        assert all(dtype == pl.String for dtype in frame.dtypes)
    if not frames:
        return pl.DataFrame(schema=dict.fromkeys(table.columns, pl.String))
    return pl.concat(frames)


@pytest.fixture
def collect() -> Collect:
    """All chunks of a table as one frame, checking each chunk keeps the declared columns."""
    return _collect


@pytest.fixture
def read() -> Read:
    """open_table(InputSpec(path, **options)) -> (table, all its rows)."""

    def run(path: str | Path, **options: Any) -> tuple[Table, pl.DataFrame]:
        table = open_table(InputSpec(path=str(path), **options))
        return table, _collect(table)

    return run


@pytest.fixture
def example() -> Path:
    """The bundled long-layout LIS export."""
    return ROOT / "b12cli" / "examples" / "lab-export-long.csv"


@pytest.fixture
def shared() -> Path:
    """The read-only shared data folder beside the repository."""
    return ROOT.parent / "shared"


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory that receives the readers' temporary files, to check they are removed."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch
