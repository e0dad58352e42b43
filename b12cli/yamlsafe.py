"""A strict YAML reader for hand-written rule files.

Safe constructors only, no aliases (so no "billion laughs"), no duplicate keys, a size cap,
and a record of the line of every key path so errors can point at it.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from b12cli.errors import RulesetError

MAX_BYTES = 1_000_000
Path = tuple[str | int, ...]
_STANDARD_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases at composition time."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in rule files", event.start_mark
            )
        return super().compose_node(parent, index)


def load_yaml(text: str, name: str) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document; return the data and the 1-based line of each key path."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise RulesetError(f"{name}: larger than {MAX_BYTES // 1_000_000} MB; not a rule file")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path, int] = {}
        data = _build(loader, node, (), lines, name) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}" if mark else name
        raise RulesetError(f"{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise RulesetError(f"{name}: not valid YAML: {type(exc).__name__}") from None
    finally:
        loader.dispose()
    return data, lines


def _build(loader: _Loader, node: Node, path: Path, lines: dict[Path, int], name: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, ScalarNode):
        return loader.construct_object(node, deep=True)
    if node.tag not in _STANDARD_TAGS:
        raise RulesetError(f"{name}:{node.start_mark.line + 1}: tag {node.tag!r} is not allowed")
    if isinstance(node, SequenceNode):
        return [_build(loader, item, (*path, i), lines, name) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _build(loader, key_node, path, lines, name)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise RulesetError(f"{name}:{key_node.start_mark.line + 1}: keys must be plain text")
        if key in result:
            dotted = _dotted((*path, str(key)))
            raise RulesetError(f"{name}:{key_node.start_mark.line + 1}: duplicate key {dotted!r}")
        lines[(*path, str(key))] = key_node.start_mark.line + 1
        result[key] = _build(loader, value_node, (*path, str(key)), lines, name)
    return result


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of the longest known prefix of a key path."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def dotted(path: Path) -> str:
    """A key path as `rules[3].when.all[0]`."""
    return _dotted(path)
