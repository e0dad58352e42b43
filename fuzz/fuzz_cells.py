"""Differential fuzz of batch's vectorised cell parser against the pure value parser.

Each input is a column of result cells run through `b12cli batch` in one go; every cell's
outcome (comparator and canonical value, an error, or missing) must equal what
`values.parse_measurement` says for the same text. Inputs tried counts cells, not files.
"""

from __future__ import annotations

import csv
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from typer.testing import CliRunner

from b12cli.cli import app
from b12cli.errors import InputError
from b12cli.rulesets import load_catalog
from b12cli.values import parse_measurement

from .fuzz_values import CELL
from .harness import Report, WrongResultError, drive

CATALOG = load_catalog()
# NUL and C0 controls make the reader refuse a small file whole (see the bad-input corpus).
_CONTROLS = dict.fromkeys(set(range(32)) - {9, 10, 13})
COLUMN = st.lists(CELL.map(lambda t: t.translate(_CONTROLS)), min_size=20, max_size=200)


def pure_outcome(text: str) -> Any:
    """What the one-record parser makes of a cell under the header unit ng/L."""
    if not text.strip():
        return "missing"
    try:
        m = parse_measurement(CATALOG, "b12", text, unit="ng/L", unit_source="header")
    except InputError:
        return "error"
    return m.comparator, m.canonical_value


def batch_outcomes(cells: list[str]) -> list[Any]:
    """What `b12cli batch` makes of the same cells, one per row."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cells.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerows([["id", "B12 (ng/L)"], *([f"R{i}", c] for i, c in enumerate(cells))])
        result = CliRunner().invoke(app, ["batch", str(path), "--quiet", "--format", "jsonl"])
    if result.exit_code not in (0, 1):
        raise WrongResultError(f"exit {result.exit_code}: {result.stderr.strip()[:200]}")
    return [_outcome(json.loads(line)) for line in result.stdout.splitlines()]


def _outcome(record: dict[str, Any]) -> Any:
    for m in record["measurements"]:
        if m["analyte"] == "b12":
            return m["comparator"], m["canonical_value"]
    return "error" if record["errors"] else "missing"


def check_column(cells: list[str]) -> int:
    """Compare every cell; return how many were compared."""
    got = batch_outcomes(cells)
    if len(got) != len(cells):
        raise WrongResultError(f"{len(cells)} rows in, {len(got)} out")
    for text, outcome in zip(cells, got, strict=True):
        expected = pure_outcome(text)
        if outcome != expected:
            raise WrongResultError(f"{text!r}: batch {outcome!r}, interpret {expected!r}")
    return len(cells)


def run(examples: int, seconds: float | None = None, rng_seed: int = 0) -> Report:
    """At least `examples` cells (or what fits in `seconds`), in columns of 20 to 200."""
    total = Report("cells")
    started = time.monotonic()
    while total.tried < examples:
        left = seconds - (time.monotonic() - started) if seconds else None
        if left is not None and left <= 0:
            break
        columns = max((examples - total.tried) // 40, 1)
        part = drive(
            "cells", COLUMN, check_column, examples=columns, seconds=left, rng_seed=rng_seed
        )
        total.tried += part.tried
        total.seconds += part.seconds
        for signature, example in part.crashes.items():
            total.crashes.setdefault(signature, example)
        rng_seed += 1
        if part.tried == 0:
            break
    return total
