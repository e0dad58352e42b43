"""The renderer registry: one renderer per `--format` name, all taking the same results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from b12cli.result import Interpretation


@dataclass(frozen=True)
class RenderOptions:
    """How the output stream should look."""

    color: bool = False
    width: int | None = None


Renderer = Callable[[Sequence[Interpretation], TextIO, RenderOptions], None]


def _json(results: Sequence[Interpretation], out: TextIO, options: RenderOptions) -> None:
    from b12cli.render.json import render

    render(results, out, options)


def _text(results: Sequence[Interpretation], out: TextIO, options: RenderOptions) -> None:
    from b12cli.render.text import render

    render(results, out, options)


def _rich(results: Sequence[Interpretation], out: TextIO, options: RenderOptions) -> None:
    from b12cli.render.terminal import render

    render(results, out, options)


# Imports stay inside the wrappers so `--format json` never pays for Rich.
RENDERERS: dict[str, Renderer] = {"rich": _rich, "text": _text, "json": _json}
