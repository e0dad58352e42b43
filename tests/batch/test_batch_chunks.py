"""A file read in many chunks gives byte for byte the output of the same file read in one.

Later chunks differ from the first: result columns may arrive coded (Categorical) from the
reader, their texts' results come from earlier chunks, and cells that need escaping or CSV
quotes can turn up in any chunk."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from b12cli.batch import csv_chunks
from b12cli.batch.runner import BatchRequest, run_batch
from b12cli.batch.table import InputSpec

CELLS = {
    "b12": ["250", "180", "1200", "<150", ">2000", "hemolysed", "", "90 pmol/L", "=1+2", "-5"],
    "mma": ["0.41", "0.2", "0.75", "<0.1", "", "see comment", "0.300"],
    "folate": ["3", "12.5", "25", "", "@x"],
}


def _export(path: Path, rows: int, seed: int, quoted_after: int | None) -> None:
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    lines = ["id,b12_pg_ml,mma_umol_l,folate_ng_ml"]
    for i in range(rows):
        cells = [rng.choice(CELLS[a]) for a in ("b12", "mma", "folate")]
        if quoted_after is not None and i > quoted_after and i % 97 == 0:
            cells[1] = '"0,5"'  # a cell that needs CSV quotes, late in the file
        if i % 13 == 0:  # many distinct texts, some only in later chunks
            cells[0] = str(rng.randint(100, 3000))
        lines.append(",".join([f"S{i}", *cells]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(source: Path, output: Path) -> bytes:
    request = BatchRequest(spec=InputSpec(path=str(source), chunk_rows=300), output=str(output))
    run_batch(request)
    return output.read_bytes()


@pytest.mark.parametrize("quoted_after", [None, 1500], ids=["plain", "quotes-later"])
def test_many_chunks_give_the_output_of_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoted_after: int | None
) -> None:
    source = tmp_path / "export.csv"
    _export(source, 4000, seed=3, quoted_after=quoted_after)
    whole = _run(source, tmp_path / "whole.csv")
    monkeypatch.setattr(csv_chunks, "MIN_BLOCK", 1 << 12)  # chunks of about 200 rows
    chunked = _run(source, tmp_path / "chunked.csv")
    assert chunked == whole
    assert whole.count(b"\n") == 4001
    assert b"'=1+2" in whole and b"'@x" in whole  # escaped, whichever chunk they were in
