"""A strict YAML reader for hand-written rule files.

Safe constructors only, no aliases (so no "billion laughs"), no duplicate keys, a size cap,
a nesting cap (deep nesting would exhaust the recursion limit), and a record of the line of
every key path so errors can point at it. The parsing itself lives in `yaml_reader`, imported
on first use.
"""

from __future__ import annotations

from typing import Any

MAX_BYTES = 1_000_000
MAX_DEPTH = 64  # nested conditions in real rulesets stay well under 20 levels
Path = tuple[str | int, ...]


def load_yaml(text: str, name: str) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document; return the data and the 1-based line of each key path."""
    from b12cli.yaml_reader import read_yaml

    return read_yaml(text, name)


def dotted(path: Path) -> str:
    """A key path as `rules[3].when.all[0]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
