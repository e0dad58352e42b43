"""Shared fixtures: an in-process CLI runner with a fixed terminal and no colour."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from b12cli.cli import app

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CLI_ENV = {"NO_COLOR": "1", "COLUMNS": "100", "TERM": "xterm", "FORCE_COLOR": ""}

Invoke = Callable[..., Result]


@pytest.fixture
def cli() -> Invoke:
    """Run `b12cli ARGS...` in-process; stdout and stderr are kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env=CLI_ENV, catch_exceptions=False)

    return invoke
