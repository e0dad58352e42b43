"""Faults outside the data: a full disk, a closed pipe, an interrupt. No traceback, no lost data."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
from badcorpus import ENV, expect_one_line_error

DEV_FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full on this system")
COMMANDS = {
    "interpret-json": ["interpret", "--b12", "150", "--format", "json"],
    "interpret-text": ["interpret", "--b12", "150", "--format", "text"],
    "schema": ["schema"],
    "rules-show": ["rules", "show", "nice-ng239"],
    "version": ["--version"],
    "help": ["--help"],
}


def b12cli(args: list[str], stdout: int | IO[bytes]) -> subprocess.Popen[bytes]:
    """Start `python -m b12cli ARGS`, stderr piped, in a fixed, colourless environment."""
    command = [sys.executable, "-m", "b12cli", *args]
    env = {**os.environ, **ENV}
    return subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, env=env)


@needs_dev_full
@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_full_disk_ends_with_one_clear_line_and_a_failure_code(args: list[str]) -> None:
    with DEV_FULL.open("wb") as full:
        proc = b12cli(args, stdout=full)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    expect_one_line_error(err.decode(), "cannot write output: No space left on device")


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    # The reader is gone before the first write, as with `b12cli ... | head -0`.
    read, write = os.pipe()
    os.close(read)
    proc = b12cli(args, stdout=write)
    os.close(write)
    _, err = proc.communicate(timeout=60)
    assert err.decode() == ""
    assert proc.returncode in (0, 1)  # quiet is what counts; rich's own handler exits 1


def test_head_1_reads_the_first_line_and_the_writer_ends_quietly(tmp_path: Path) -> None:
    script = f"set -o pipefail; {sys.executable} -m b12cli schema | head -1"
    run = subprocess.run(
        ["bash", "-c", script], capture_output=True, env={**os.environ, **ENV}, timeout=60
    )
    assert run.stdout == b"{\n"
    assert run.stderr == b""
    assert run.returncode == 0


def test_no_network_is_touched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import socket

    from typer.testing import CliRunner

    from b12cli.cli import app

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("b12cli opened a network socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    result = CliRunner().invoke(app, ["interpret", "--b12", "150", "--format", "json"], env=ENV)
    assert result.exit_code == 0, result.stderr


def test_an_internal_error_never_prints_the_values_it_held(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import b12cli.evaluate
    from b12cli.cli import app

    def explode(*args: object, **kwargs: object) -> None:
        secret = 123.456
        raise RuntimeError(f"b12 was {secret} for patient Jane Doe")

    monkeypatch.setattr(b12cli.evaluate, "interpret", explode)
    result = CliRunner().invoke(app, ["interpret", "--b12", "123.456"], env=ENV)
    assert result.exit_code == 3
    message = expect_one_line_error(result.stderr, r"internal error \(RuntimeError\)")
    assert "123.456" not in message and "Jane" not in message
    assert result.stdout == ""


def write_large_csv(path: Path, rows: int) -> None:
    """A wide lab export big enough that a batch run takes a few seconds."""
    lines = ["sample_id,B12 (ng/L),MMA (umol/L)"]
    lines += [f"S{i},{100 + i % 900},{(i % 97) / 100:.2f}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")


def wait_for_part_file(folder: Path, proc: subprocess.Popen[bytes]) -> None:
    """Block until the batch has written its first rows to the temporary output.

    Rows written, not just the file created: a signal in the instant after the file is
    created can still leak it today (writers.output_file creates it outside its `try`).
    """
    deadline = time.monotonic() + 60
    while proc.poll() is None and not any(p.stat().st_size for p in folder.glob(".*.part")):
        assert time.monotonic() < deadline, "no temporary output file appeared"
        time.sleep(0.005)


@pytest.mark.parametrize("previous", [b"the previous results\n", None], ids=["previous", "none"])
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_an_interrupted_batch_leaves_the_old_file_or_none(
    tmp_path: Path, previous: bytes | None, how: signal.Signals
) -> None:
    source, out = tmp_path / "large.csv", tmp_path / "out" / "results.csv"
    write_large_csv(source, 600_000)
    out.parent.mkdir()
    if previous is not None:
        out.write_bytes(previous)
    proc = b12cli(["batch", str(source), "-o", str(out), "--quiet"], subprocess.DEVNULL)
    wait_for_part_file(out.parent, proc)
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    expect_one_line_error(err.decode(), "^interrupted$")
    assert [p.name for p in out.parent.iterdir()] == ([out.name] if previous else [])
    if previous is not None:
        assert out.read_bytes() == previous


def test_batch_into_head_ends_quietly(tmp_path: Path) -> None:
    source = tmp_path / "large.csv"
    write_large_csv(source, 15_000)  # about 1.5 MB out: far more than a pipe's buffer
    script = f"set -o pipefail; {sys.executable} -m b12cli batch {source} | head -1"
    run = subprocess.run(
        ["bash", "-c", script], capture_output=True, env={**os.environ, **ENV}, timeout=60
    )
    assert run.stdout.startswith(b"sample_id,B12 (ng/L),MMA (umol/L),category,")
    assert run.stdout.count(b"\n") == 1
    assert run.stderr == b""
    assert run.returncode == 0


@needs_dev_full
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "parquet"])
def test_batch_onto_a_full_disk(tmp_path: Path, fmt: str) -> None:
    source = tmp_path / "small.csv"
    write_large_csv(source, 2_000)
    with DEV_FULL.open("wb") as full:
        proc = b12cli(["batch", str(source), "--format", fmt, "--quiet"], full)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    expect_one_line_error(err.decode(), "cannot write output: No space left on device")


def test_batch_into_a_named_pipe_writes_through_it(tmp_path: Path) -> None:
    # `-o` names a FIFO (or a device such as /dev/stdout): it must be written to, never
    # replaced by a regular file through the temporary-file-and-rename path.
    source, fifo = tmp_path / "small.csv", tmp_path / "results.fifo"
    write_large_csv(source, 3)
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    proc = b12cli(["batch", str(source), "-o", str(fifo), "--quiet"], subprocess.DEVNULL)
    received = drain(reader, proc)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the named pipe was replaced by a file"
    assert received.count(b"\n") == 4


def drain(reader: int, proc: subprocess.Popen[bytes]) -> bytes:
    """Everything written into a non-blocking FIFO reader until the writer process ends."""
    data, deadline = b"", time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            done = proc.poll() is not None
            with contextlib.suppress(BlockingIOError):
                data += os.read(reader, 1 << 16)
            if done:
                return data
            time.sleep(0.01)
        proc.kill()
        raise AssertionError("batch did not finish")
    finally:
        os.close(reader)
        proc.wait()
