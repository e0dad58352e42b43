"""`--format json`: one object per interpretation (an array when several rulesets ran)."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from typing import Any, TextIO

from b12cli.render import RenderOptions
from b12cli.result import Interpretation


def to_dict(result: Interpretation) -> dict[str, Any]:
    """The JSON object for one interpretation (the documented schema, `b12cli schema`)."""
    data: dict[str, Any] = plain(result)
    return data


def plain(value: Any) -> Any:
    """Models as JSON-ready data: objects in field order; a non-finite number as null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def render(results: Sequence[Interpretation], out: TextIO, options: RenderOptions) -> None:
    """Write one JSON document: an object, or an array of objects for several rulesets."""
    body: Any = to_dict(results[0]) if len(results) == 1 else [to_dict(r) for r in results]
    out.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
