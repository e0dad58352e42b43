"""Every model class: what `validation` prepares for pydantic and what snapshots may name."""

from __future__ import annotations

import dataclasses
from functools import cache
from types import ModuleType
from typing import Any

from b12cli import band_model, conditions, indicator_model, model, result

MODULES: tuple[ModuleType, ...] = (conditions, band_model, indicator_model, model, result)


@cache
def models() -> tuple[type[Any], ...]:
    """The model dataclasses of the ruleset, catalogue and result modules, in definition order."""
    found: list[type[Any]] = []
    for module in MODULES:
        for value in vars(module).values():
            is_model = dataclasses.is_dataclass(value) and isinstance(value, type)
            if is_model and value.__module__ == module.__name__:
                found.append(value)
    return tuple(found)
