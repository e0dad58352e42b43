"""Faults outside the data: a full disk, a closed pipe, an interrupt. No traceback, no lost data."""

from __future__ import annotations

import os
import subprocess
import sys
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
