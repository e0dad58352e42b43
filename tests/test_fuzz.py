"""A bounded run of the fuzz targets (the long run is `python -m fuzz --examples 100000`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fuzz import fuzz_cells, fuzz_csv, fuzz_values
from fuzz.harness import drive

ROOT = Path(__file__).resolve().parents[1]


def test_the_value_parser_survives_a_bounded_fuzz_run() -> None:
    report = fuzz_values.run(examples=1500, rng_seed=7)
    assert report.tried == 1500
    assert report.crashes == {}


def test_the_csv_reader_survives_a_bounded_fuzz_run() -> None:
    report = fuzz_csv.run(examples=400, rng_seed=7)
    assert report.tried == 400
    assert report.crashes == {}


def test_the_harness_records_crashes_and_keeps_going() -> None:
    def target(n: int) -> None:
        if n % 7 == 3:
            raise ZeroDivisionError("planted")

    report = drive("planted", st.integers(0, 1000), target, examples=300)
    assert report.tried == 300
    assert list(report.crashes) == ["ZeroDivisionError: planted"]


def test_the_fuzz_command_prints_counts_and_fails_on_crashes() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "fuzz", "--target", "values", "--examples", "200"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("values: 200 inputs, 0 crashes")


def test_batch_cells_agree_with_the_pure_parser_on_a_bounded_run() -> None:
    report = fuzz_cells.run(examples=1500, rng_seed=7)
    assert report.tried >= 1500
    assert report.crashes == {}
