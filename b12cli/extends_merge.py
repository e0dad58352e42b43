"""How a child ruleset's keys override its parent's (see docs/rulesets.md, "Extending").

- metadata and any other top-level key: the child's value replaces the parent's;
- `bands`, `sources`, `derived`: per analyte, source id or status name, the child's entry
  replaces the parent's whole entry (so an analyte's band list is replaced as a whole);
- `rules`, `caveats` (by `id`), `steps` (by key), `uncertain`, `otherwise`: the child's fields
  replace those fields of the parent's item; an id the parent lacks adds a new item (new
  rules go after the parent's rules, so they decide only where no parent rule does).
"""

from __future__ import annotations

from typing import Any

from b12cli.errors import RulesetError
from b12cli.yamlsafe import dotted

KeyPath = tuple[str | int, ...]
# Where a merged key path came from: the file, the line and the key path as written there.
Origin = tuple[str, int, KeyPath]
Origins = dict[KeyPath, Origin]
_PER_KEY = {"bands", "sources", "derived"}
_PER_ID = {"rules", "caveats"}
_FIELDS = {"uncertain", "otherwise"}


def locate(origins: Origins, path: KeyPath) -> tuple[str, KeyPath]:
    """'file:line' of the longest known prefix of a merged key path, and the path as written."""
    for end in range(len(path), -1, -1):
        if path[:end] in origins:
            name, line, written = origins[path[:end]]
            return f"{name}:{line}", (*written, *path[end:])
    return next(iter(origins.values()), ("(unknown)", 0, ()))[0], path


def where(origins: Origins, path: KeyPath) -> str:
    """'file:line' of the longest known prefix of a key path."""
    return locate(origins, path)[0]


def merge(
    parent: Any, parent_origins: Origins, child: dict[str, Any], child_origins: Origins
) -> tuple[dict[str, Any], Origins]:
    """The child's keys merged over the parent's, with the origin of every key path."""
    if not isinstance(parent, dict):
        at = where(child_origins, ("extends",))
        raise RulesetError(f"{at}: extends: the parent is not a mapping of keys")
    _check_id(parent, child, child_origins)
    merger = _Merger(parent_origins, child_origins)
    merger.point((), ())  # a key missing from the merged whole is reported at the child's top
    merged: dict[str, Any] = {}
    for key in [*parent, *(k for k in child if k not in parent)]:
        if key == "extends":
            continue
        if key not in child:
            merger.take(False, (key,), (key,))
            merged[key] = parent[key]
        elif key not in parent or not _same_shape(parent[key], child[key]):
            merger.take(True, (key,), (key,))
            merged[key] = child[key]
        else:
            merged[key] = merger.combine(key, parent[key], child[key])
    parent_id = parent.get("id")
    merged["extends"] = parent_id if isinstance(parent_id, str) else None
    merger.take(True, ("extends",), ("extends",))
    return merged, merger.origins


def _same_shape(a: Any, b: Any) -> bool:
    return (isinstance(a, dict) and isinstance(b, dict)) or (
        isinstance(a, list) and isinstance(b, list)
    )


def _check_id(parent: dict[str, Any], child: dict[str, Any], origins: Origins) -> None:
    at = where(origins, ("id",))
    if "id" not in child:
        raise RulesetError(f"{at}: id: a ruleset that extends another needs its own id")
    if child["id"] == parent.get("id"):
        raise RulesetError(f"{at}: id: must differ from the parent's id {child['id']!r}")


class _Merger:
    """Builds the merged origins while the merge picks values from parent and child."""

    def __init__(self, parent_origins: Origins, child_origins: Origins) -> None:
        self.sources = {False: parent_origins, True: child_origins}
        self.origins: Origins = {}

    def take(self, from_child: bool, src: KeyPath, dst: KeyPath) -> None:
        """Record that everything under `src` of one file now sits under `dst`."""
        n = len(dst)
        self.origins = {p: o for p, o in self.origins.items() if p[:n] != dst}
        size = len(src)
        for path, origin in self.sources[from_child].items():
            if path[:size] == src:
                self.origins[dst + path[size:]] = origin

    def combine(self, key: str, parent: Any, child: Any) -> Any:
        """Merge one top-level key present in both files (same shape)."""
        self.take(False, (key,), (key,))
        self.point((key,), (key,))
        if key in _PER_ID and isinstance(child, list):
            return self._by_id(key, parent, child)
        if isinstance(child, dict) and key in _PER_KEY | {"steps"}:
            return self._by_key(key, parent, child, fields=key == "steps")
        if isinstance(child, dict) and key in _FIELDS:
            return self._fields((key,), parent, (key,), child)
        self.take(True, (key,), (key,))
        return child

    def _by_key(
        self, key: str, parent: dict[str, Any], child: dict[str, Any], *, fields: bool
    ) -> Any:
        merged = dict(parent)
        for name, value in child.items():
            both = fields and isinstance(parent.get(name), dict) and isinstance(value, dict)
            if both:
                merged[name] = self._fields((key, name), parent[name], (key, name), value)
            else:
                self.take(True, (key, name), (key, name))
                merged[name] = value
        return merged

    def _by_id(self, key: str, parent: list[Any], child: list[Any]) -> list[Any]:
        merged = list(parent)
        index = {
            item["id"]: i
            for i, item in enumerate(parent)
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        }
        for i, item in enumerate(child):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                at = where(self.sources[True], (key, i))
                raise RulesetError(
                    f"{at}: {dotted((key, i))}: an item of an extending ruleset needs an id "
                    "(an existing id overrides that item's fields, a new id adds one)"
                )
            if item["id"] in index:
                j = index[item["id"]]
                merged[j] = self._fields((key, j), parent[j], (key, i), item)
            else:
                self.take(True, (key, i), (key, len(merged)))
                merged.append(item)
        return merged

    def _fields(self, dst: KeyPath, parent: Any, src: KeyPath, child: dict[str, Any]) -> Any:
        if not isinstance(parent, dict):
            self.take(True, src, dst)
            return child
        for name in child:
            self.take(True, (*src, name), (*dst, name))
        self.point(dst, src)
        return {**parent, **child}

    def point(self, dst: KeyPath, src: KeyPath) -> None:
        """The merged node itself now points at the child's line (its override)."""
        if src in self.sources[True]:
            self.origins[dst] = self.sources[True][src]
