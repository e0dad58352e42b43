"""Shared by the hardening tests: the bad-input manifest, and checks of a refused run."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

BAD = Path(__file__).parent / "data" / "bad"
ENV = {"NO_COLOR": "1", "COLUMNS": "100"}
ERROR_PREFIX = "b12cli: error: "


def manifest(section: str) -> list[dict[str, Any]]:
    """The cases of one section (`rules` or `lab`) of tests/data/bad/cases.yaml."""
    cases: list[dict[str, Any]] = yaml.safe_load((BAD / "cases.yaml").read_text("utf-8"))[section]
    return cases


def expect_one_line_error(stderr: str, pattern: str, file: str | None = None) -> str:
    """Assert stderr is one `b12cli: error:` line matching pattern; return the message."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {stderr[:2000]!r}"
    assert lines[0].startswith(ERROR_PREFIX), lines[0]
    message = lines[0][len(ERROR_PREFIX) :]
    wanted = pattern.replace("{file}", re.escape(file)) if file else pattern
    assert re.search(wanted, message), f"{message!r} does not match {wanted!r}"
    return message


@dataclass(frozen=True)
class Run:
    """What a b12cli subprocess did: exit code, output, wall time and peak resident memory."""

    code: int
    stdout: bytes
    stderr: str
    seconds: float
    peak_mib: float


# Linux counts a child's memory from before its exec (a copy of the parent, here all of
# pytest) in its peak, so b12cli runs as the child of this small launcher, which reports
# that grandchild's own peak (KiB) into the file named first.
_LAUNCHER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code if code >= 0 else 128 - code)
"""


def run_cli(
    args: list[str],
    tmp: Path,
    *,
    stdin: bytes | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
    max_mib: int | None = None,
) -> Run:
    """Run `python -m b12cli ARGS` in `tmp`; kill it after `timeout` seconds.

    `max_mib` caps the child's address space, so a run that would eat all memory fails
    alone (with a MemoryError) instead of taking the machine down with it.
    """
    out, err, peak = tmp / ".stdout", tmp / ".stderr", tmp / ".peak"
    launch = [sys.executable, "-c", _LAUNCHER, str(peak), sys.executable, "-m", "b12cli"]
    with out.open("wb") as fout, err.open("wb") as ferr:
        started = time.monotonic()
        proc = subprocess.Popen(
            [*launch, *args],
            cwd=tmp,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=fout,
            stderr=ferr,
            env={**os.environ, **ENV, **(env or {})},
            preexec_fn=(lambda: _cap_memory(max_mib)) if max_mib else None,
            start_new_session=True,  # so a timeout kills the launcher and b12cli together
        )
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        if stdin is not None and proc.stdin:
            _feed(proc.stdin, stdin)
        proc.wait()
        timer.cancel()
    seconds = time.monotonic() - started
    assert seconds < timeout, f"b12cli {args} ran over {timeout} s and was killed"
    return Run(
        code=proc.returncode,
        stdout=out.read_bytes(),
        stderr=err.read_text("utf-8", errors="replace"),
        seconds=seconds,
        peak_mib=int(peak.read_text()) / 1024,
    )


def _cap_memory(mib: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (mib << 20, mib << 20))


def _feed(pipe: Any, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except BrokenPipeError:
        pass
