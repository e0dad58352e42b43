"""`extends:` for lab-specific rulesets: load a parent (recursively) and merge a child over it.

Loading works on the parsed YAML, before validation, so the merged result is validated like any
other ruleset. Every key path keeps the file and line it came from, so an error in a merged
ruleset still names the file, line and key that caused it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from b12cli.errors import RulesetError
from b12cli.extends_merge import KeyPath, Origins, locate, merge, where
from b12cli.ruleset_files import RulesetText, bundled_names, find_ruleset
from b12cli.yamlsafe import load_yaml

MAX_DEPTH = 8  # far more than any lab needs; stops runaway chains that are not cycles


@dataclass(frozen=True)
class RawRuleset:
    """Parsed (not yet validated) ruleset data with the file and line of every key path."""

    data: Any
    origins: Origins
    name: str
    sha256: str


def load_raw(ref: str) -> RawRuleset:
    """Parse a ruleset by bundled id or path, with any `extends:` parents merged in."""
    return _load(find_ruleset(ref), ())


# Each link of the chain: a file and the 'file:line' of its `extends:` key.
Chain = tuple[tuple[RulesetText, str], ...]


def _load(found: RulesetText, chain: Chain) -> RawRuleset:
    data, lines = load_yaml(found.text, found.name)
    origins = {path: (found.name, line, path) for path, line in lines.items()}
    digest = _sha256(found.text)
    if not isinstance(data, dict) or "extends" not in data:
        return RawRuleset(data, origins, found.name, digest)
    chain = (*chain, (found, where(origins, ("extends",))))
    parent_text = _find_parent(data["extends"], found, chain[-1][1])
    # Errors about the chain point at the file the user asked for, naming every link.
    root = chain[0][1]
    names = " -> ".join(link.name for link, _ in chain)
    if any(parent_text.key == link.key for link, _ in chain):
        raise RulesetError(f"{root}: extends: cycle {names} -> {parent_text.name}")
    if len(chain) >= MAX_DEPTH:
        raise RulesetError(f"{root}: extends: more than {MAX_DEPTH} levels ({names} -> ...)")
    parent = _load(parent_text, chain)
    merged, merged_origins = merge(parent.data, parent.origins, data, origins)
    # The effective ruleset depends on every file in the chain, so its hash does too.
    return RawRuleset(merged, merged_origins, found.name, _sha256(digest + parent.sha256))


def _find_parent(ref: object, child: RulesetText, at: str) -> RulesetText:
    if not isinstance(ref, str) or not ref.strip():
        raise RulesetError(f"{at}: extends: give a bundled ruleset id or a path to a YAML file")
    if child.folder is None and ref not in bundled_names():
        raise RulesetError(f"{at}: extends: a bundled ruleset can extend only bundled ones")
    try:
        return find_ruleset(ref, child.folder)
    except RulesetError as exc:
        raise RulesetError(f"{at}: extends: {exc}") from None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = ["KeyPath", "Origins", "RawRuleset", "load_raw", "locate", "where"]
