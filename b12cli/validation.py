"""Pydantic validation of the models, and their JSON Schema: the only module that imports pydantic.

The models are plain frozen dataclasses whose constraints (`Field(alias=..., min_length=...)`)
are written as string annotations. Nothing evaluates those strings while a record is
interpreted; this module resolves them once, with pydantic's `Field` and the discriminated
`Condition` union in scope, before it builds a validator. So a ruleset file is validated
strictly (unknown keys refused, every error located), while interpreting with a bundled,
already validated ruleset (see `b12cli.snapshot`) never pays for pydantic.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import Discriminator, Field, Tag, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from b12cli import conditions
from b12cli.conditions import KEYS, condition_kind
from b12cli.registry import models

T = TypeVar("T")

_members = tuple(Annotated[getattr(conditions, name), Tag(name)] for name in KEYS.values())
CONDITION: Any = Annotated[
    typing.Union[_members],  # noqa: UP007 - a union built from a tuple of members
    Discriminator(
        condition_kind,
        custom_error_type="condition",
        custom_error_message="not a condition: expected one of the keys " + ", ".join(KEYS),
    ),
]


@cache
def _resolve_annotations() -> None:
    """Replace each model field's string annotation with the object pydantic should read."""
    names = {"Field": Field, "Condition": CONDITION}
    for cls in models():
        hints = typing.get_type_hints(cls, localns=names, include_extras=True)
        for item in dataclasses.fields(cls):
            item.type = hints[item.name]


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def adapter(cls: type[T]) -> TypeAdapter[T]:
    """The (cached) pydantic validator of one model."""
    _resolve_annotations()
    if cls not in _ADAPTERS:
        _ADAPTERS[cls] = TypeAdapter(cls)
    return _ADAPTERS[cls]


def keys(cls: type[Any]) -> list[tuple[str, bool]]:
    """Each field of a model as (key as written, required), in order."""
    _resolve_annotations()
    found = []
    for item in dataclasses.fields(cls):
        metadata = getattr(item.type, "__metadata__", ())
        alias = next((m.alias for m in metadata if isinstance(m, FieldInfo) and m.alias), None)
        required = item.default is dataclasses.MISSING
        required = required and item.default_factory is dataclasses.MISSING
        found.append((alias or item.name, required))
    return found


def validate(cls: type[T], data: Any) -> T:
    """Validate parsed data as `cls`; raises pydantic's ValidationError."""
    return adapter(cls).validate_python(data)


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The JSON Schema of a model as written in JSON (field aliases as keys)."""
    return adapter(cls).json_schema(by_alias=True, mode="serialization")


__all__ = ["ValidationError", "adapter", "json_schema", "keys", "validate"]
