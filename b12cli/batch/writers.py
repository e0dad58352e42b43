"""Output files: CSV, JSON Lines, JSON and Parquet, written atomically.

With `-o`, everything goes to a temporary file in the same directory that is renamed over
the target only when the run finishes, so an interrupted run never leaves a partial file
under the final name. Without `-o`, data goes to standard output.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal

import polars as pl

from b12cli.errors import UsageError

FORMATS = ("csv", "jsonl", "json", "parquet")
_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
_EXTENSIONS |= {".parquet": "parquet", ".pq": "parquet", ".tsv": "csv", ".txt": "csv"}


def format_for(output: str | None, given: str | None) -> str:
    """The output format: as given, else from `-o`'s extension, else csv."""
    if given is not None:
        if given not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {given!r}")
        return given
    name = (output or "").lower()
    return next((f for ext, f in _EXTENSIONS.items() if name.endswith(ext)), "csv")


@contextlib.contextmanager
def output_file(path: str | None) -> Iterator[BinaryIO]:
    """A binary handle for the output: stdout, or a temporary file renamed on success."""
    if path is None or path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"-o {path}: is a directory")
    if target.exists() and not target.is_file():  # a named pipe or a device: write through it
        with _opened(target) as handle:
            yield handle
        return
    directory = target.parent
    if not directory.is_dir():
        raise UsageError(f"-o {path}: directory {str(directory)!r} does not exist")
    temp: str | None = None
    try:
        with _signals_deferred():  # the file and its name come into being together
            descriptor, temp = _make_temp(directory, target.name, path)
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        Path(temp).replace(target)
    except BaseException:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        raise


def _make_temp(directory: Path, name: str, path: str) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".part")
    except OSError as exc:
        raise UsageError(f"-o {path}: cannot write there ({exc.strerror})") from None


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then act on them (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    kinds = (signal.SIGINT, signal.SIGTERM)
    previous = {
        kind: signal.signal(kind, lambda number, frame: caught.append(number)) for kind in kinds
    }
    try:
        yield
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler)
        if caught:
            raise KeyboardInterrupt


@contextlib.contextmanager
def _opened(target: Path) -> Iterator[BinaryIO]:
    try:
        handle = target.open("wb")
    except OSError as exc:
        raise UsageError(f"-o {target}: cannot write there ({exc.strerror})") from None
    with handle:
        yield handle


def start_writeback(handle: BinaryIO) -> None:
    """Have the kernel start writing what is cached of an output file to disk now, while the
    run goes on. Otherwise renaming the finished file over an old one makes the kernel
    (ext4) write it all out then: about 40 ms per 100 MB, at the very end of the run. Not a
    file (a pipe, a terminal), or no such call: nothing is done."""
    if not hasattr(os, "posix_fadvise"):
        return
    with contextlib.suppress(OSError, ValueError):  # io.UnsupportedOperation is both
        os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


class CsvWriter:
    """Writes chunks as CSV: the header once, then rows."""

    def __init__(self, handle: BinaryIO, columns: list[str]) -> None:
        self.handle, self.columns, self.started = handle, columns, False

    def write(self, frame: pl.DataFrame, quote_free: bool = False) -> None:
        """Append one chunk (`quote_free`: no cell needs quotes, so skip looking for them)."""
        self._header()
        style: Literal["never", "necessary"] = "never" if quote_free else "necessary"
        frame.write_csv(self.handle, include_header=False, quote_style=style)
        start_writeback(self.handle)

    def close(self) -> None:
        """Write the header alone if no row came."""
        self._header()

    def _header(self) -> None:
        # The header is `columns`, whatever the chunks' own column names (see segments.py).
        if not self.started:
            pl.DataFrame(schema=dict.fromkeys(self.columns, pl.String)).write_csv(self.handle)
            self.started = True


class ParquetWriter:
    """Writes each chunk to a part file, then streams the parts into one Parquet file."""

    def __init__(self, handle: BinaryIO, columns: list[str]) -> None:
        self.handle, self.columns = handle, columns
        self.folder = Path(tempfile.mkdtemp(prefix="b12cli-parquet-"))
        self.parts: list[Path] = []

    def write(self, frame: pl.DataFrame, quote_free: bool = False) -> None:
        """Keep one chunk as a part (every column as text, so the parts share a schema)."""
        part = self.folder / f"{len(self.parts):06d}.parquet"
        frame.select(pl.all().cast(pl.String)).write_parquet(part)
        self.parts.append(part)

    def close(self) -> None:
        """Join the parts into the output without holding them all in memory."""
        try:
            if not self.parts:
                self.write(pl.DataFrame(schema=dict.fromkeys(self.columns, pl.String)))
            joined = self.folder / "joined.parquet"
            pl.scan_parquet(self.parts).sink_parquet(joined)
            with joined.open("rb") as source:
                shutil.copyfileobj(source, self.handle, 1 << 20)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


class JsonWriter:
    """Writes JSON objects one per line (JSON Lines) or as one JSON array."""

    def __init__(self, handle: BinaryIO, array: bool) -> None:
        self.handle, self.array, self.count = handle, array, 0

    def write_line(self, line: str) -> None:
        """Append one serialised object."""
        if self.array:
            self.handle.write(b"[\n" if self.count == 0 else b",\n")
        self.handle.write(line.encode("utf-8"))
        if not self.array:
            self.handle.write(b"\n")
        self.count += 1

    def close(self) -> None:
        """Close the array (an empty one if nothing was written)."""
        if self.array:
            self.handle.write(b"[]\n" if self.count == 0 else b"\n]\n")
