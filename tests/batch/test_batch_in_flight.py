"""At most a few chunks between read and write, and a run that stops early never hangs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from b12cli.batch import csv_chunks
from b12cli.batch.runner import BatchRequest, run_batch
from b12cli.batch.table import InputSpec
from b12cli.batch.threads import InFlight, Prefetch
from b12cli.batch.writers import CsvWriter


def _most_ahead(limit: int | None, depth: int) -> int:
    """How far a reader got ahead of a slow writer: chunks read but not yet written."""
    read, written, ahead = [0], [0], [0]

    def chunks() -> Iterator[int]:
        for i in range(30):
            read[0] += 1
            ahead[0] = max(ahead[0], read[0] - written[0])
            yield i

    in_flight = InFlight(limit) if limit else None
    items = Prefetch(chunks(), depth=depth, before=in_flight.take if in_flight else None)
    for _ in items:
        time.sleep(0.002)  # the writer is the slow stage
        written[0] += 1
        if in_flight:
            in_flight.give()
    return ahead[0]


def test_the_reader_never_gets_more_than_the_limit_ahead_of_the_writer() -> None:
    assert _most_ahead(None, depth=8) > 3  # the queue alone lets it run ahead
    assert _most_ahead(3, depth=8) <= 3


def test_a_write_failing_mid_run_ends_the_run_without_waiting_for_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up after a few chunks: the chunks then in flight are never written,
    so their places never come back; the run must still end, with the error, and leave no
    output behind."""
    source = tmp_path / "export.csv"
    rows = "\n".join(f"S{i},{200 + i % 900},0.{i % 90 + 10}" for i in range(6000))
    source.write_text(f"id,b12_pg_ml,mma_umol_l\n{rows}\n", encoding="utf-8")
    monkeypatch.setattr(csv_chunks, "MIN_BLOCK", 1 << 12)  # dozens of chunks
    written = [0]
    write = CsvWriter.write

    def fill_up(self: CsvWriter, frame: pl.DataFrame, quote_free: bool = False) -> None:
        written[0] += 1
        if written[0] == 3:
            raise OSError(28, "No space left on device")
        write(self, frame, quote_free)

    monkeypatch.setattr(CsvWriter, "write", fill_up)
    output = tmp_path / "out.csv"
    request = BatchRequest(spec=InputSpec(path=str(source), chunk_rows=200), output=str(output))
    raised: list[BaseException] = []

    def run() -> None:
        try:
            run_batch(request)
        except BaseException as exc:  # handed to the test thread
            raised.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the run hung after the failed write"
    assert len(raised) == 1 and isinstance(raised[0], OSError)
    assert list(tmp_path.iterdir()) == [source]  # no output, no temporary file
