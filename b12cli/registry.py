"""Every model class: what `validation` prepares for pydantic and what snapshots may name."""

from __future__ import annotations

import dataclasses
from functools import cache
from types import ModuleType
from typing import Any

from b12cli import band_model, conditions, indicator_model, model

RULESET_MODULES: tuple[ModuleType, ...] = (conditions, band_model, indicator_model, model)


@cache
def ruleset_models() -> tuple[type[Any], ...]:
    """The dataclasses of rulesets and the catalogue, in definition order."""
    return _defined_in(RULESET_MODULES)


@cache
def models() -> tuple[type[Any], ...]:
    """Every model: the ruleset and catalogue ones, then the result ones."""
    from b12cli import result  # the batch CSV path never needs it: imported here, on use

    return ruleset_models() + _defined_in((result,))


def _defined_in(modules: tuple[ModuleType, ...]) -> tuple[type[Any], ...]:
    found: list[type[Any]] = []
    for module in modules:
        for value in vars(module).values():
            is_model = dataclasses.is_dataclass(value) and isinstance(value, type)
            if is_model and value.__module__ == module.__name__:
                found.append(value)
    return tuple(found)
