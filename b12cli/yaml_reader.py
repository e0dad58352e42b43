"""The YAML half of `yamlsafe`: libyaml's safe composer and a strict node walker.

Imported only when a YAML file must be read (a rule file not served from its snapshot, or a
codes file), so interpreting with a bundled ruleset does not import PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from b12cli.errors import RulesetError
from b12cli.yamlsafe import MAX_BYTES, MAX_DEPTH, Path, dotted

_STANDARD_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str, name: str) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document; return the data and the 1-based line of each key path."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise RulesetError(f"{name}: larger than {MAX_BYTES // 1_000_000} MB; not a rule file")
    loader: yaml.SafeLoader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        builder = _Builder(loader, name)
        data = builder.build(node, (), 0) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}" if mark else name
        raise RulesetError(f"{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:  # a control character (NUL, ESC...) in the text
        line = text.encode("utf-8", "surrogatepass")[: exc.position].count(b"\n") + 1
        problem = f"control character #x{exc.character:04x} is not allowed"
        raise RulesetError(f"{name}:{line}: not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise RulesetError(f"{name}: not valid YAML: {type(exc).__name__}") from None
    except RecursionError:  # the pure-Python composer, when libyaml is missing
        raise RulesetError(f"{name}: nested more than {MAX_DEPTH} levels deep") from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, builder.lines


class _Builder:
    """Python data from composed nodes, refusing aliases, tags, duplicate keys, deep nesting."""

    def __init__(self, loader: yaml.SafeLoader, name: str) -> None:
        self.loader, self.name = loader, name
        self.lines: dict[Path, int] = {}
        self.seen: set[int] = set()

    def fail(self, node: Node, problem: str) -> RulesetError:
        """The error to raise for a problem at a node's line."""
        return RulesetError(f"{self.name}:{node.start_mark.line + 1}: {problem}")

    def build(self, node: Node, path: Path, depth: int) -> Any:
        """The value of one node at key path `path`, `depth` levels down."""
        # A node met twice is an alias (*name): refused, which also defuses "billion laughs".
        if id(node) in self.seen:
            raise self.fail(node, "aliases (*name) are not allowed")
        if depth > MAX_DEPTH:  # deeper would exhaust the recursion limit, not a rule file anyway
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep")
        self.seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(node, f"tag {node.tag!r} is not allowed")
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        return self.mapping(node, path, depth)

    def mapping(self, node: MappingNode, path: Path, depth: int) -> dict[Any, Any]:
        """A mapping with plain, unique keys; the line of each key is recorded."""
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, path, depth + 1)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise self.fail(key_node, "keys must be plain text")
            if key in result:
                raise self.fail(key_node, f"duplicate key {dotted((*path, str(key)))!r}")
            self.lines[(*path, str(key))] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, (*path, str(key)), depth + 1)
        return result

    def scalar(self, node: ScalarNode) -> Any:
        """A scalar's value; a malformed one (a date like 2024-13-45) names its line."""
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:
            raise self.fail(node, f"cannot read {node.value[:40]!r}: {exc}") from None
