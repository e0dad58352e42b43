"""`extends:` for lab-specific rulesets: merge a parent ruleset under a child's overrides."""

from __future__ import annotations

from typing import Any

Lines = dict[tuple[str | int, ...], int]


def merge_parents(data: Any, lines: Lines, name: str) -> tuple[Any, Lines]:
    """Return the data with any `extends:` parent merged in (no parent: unchanged)."""
    if isinstance(data, dict) and "extends" in data:
        from b12cli.errors import RulesetError

        raise RulesetError(f"{name}: 'extends' is not supported yet")
    return data, lines
