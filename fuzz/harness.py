"""Drive one fuzz target with a hypothesis strategy, counting inputs and crashes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from b12cli.errors import B12Error


@dataclass
class Report:
    """How many inputs one target tried and the distinct crashes it met."""

    target: str
    tried: int = 0
    crashes: dict[str, str] = field(default_factory=dict)  # signature -> first input (repr)
    seconds: float = 0.0

    def line(self) -> str:
        """One summary line: inputs tried, crashes found, time taken."""
        rate = self.tried / self.seconds if self.seconds else 0.0
        return (
            f"{self.target}: {self.tried} inputs, {len(self.crashes)} crashes "
            f"({self.seconds:.1f} s, {rate:.0f}/s)"
        )


class WrongResultError(Exception):
    """A target's own check failed (a wrong result rather than an exception)."""


def drive(
    name: str,
    strategy: st.SearchStrategy[Any],
    target: Callable[[Any], int | None],
    *,
    examples: int,
    seconds: float | None = None,
    rng_seed: int = 0,
) -> Report:
    """Feed `examples` inputs (or as many as fit in `seconds`) to `target`.

    B12Error is the expected way to refuse an input; anything else is a crash, recorded
    (first input per signature) without stopping the run. A target may return how many
    inputs one example held (a column of cells); otherwise each example counts as one.
    """
    report = Report(name)
    deadline = time.monotonic() + seconds if seconds else None

    @seed(rng_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(data: Any) -> None:
        if deadline and time.monotonic() > deadline:
            return
        try:
            counted = target(data)
            report.tried += counted if isinstance(counted, int) else 1
        except B12Error:
            report.tried += 1
        except Exception as exc:  # a crash: record it and go on
            report.tried += 1
            signature = f"{type(exc).__name__}: {str(exc)[:120]}"
            report.crashes.setdefault(signature, repr(data)[:300])

    started = time.monotonic()
    run()
    report.seconds = time.monotonic() - started
    return report
