"""`--format json`: one object per interpretation (an array when several rulesets ran)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from b12cli.render import RenderOptions
from b12cli.result import Interpretation


def to_dict(result: Interpretation) -> dict[str, Any]:
    """The JSON object for one interpretation (the documented schema)."""
    return result.model_dump(mode="json", by_alias=True)


def render(results: Sequence[Interpretation], out: TextIO, options: RenderOptions) -> None:
    """Write one JSON document: an object, or an array of objects for several rulesets."""
    body: Any = to_dict(results[0]) if len(results) == 1 else [to_dict(r) for r in results]
    out.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
