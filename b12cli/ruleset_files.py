"""Where ruleset text comes from: bundled ids, file paths, and paths relative to a parent file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from b12cli.errors import RulesetError
from b12cli.yamlsafe import MAX_BYTES

CATALOG_FILE = "catalog.yaml"


@dataclass(frozen=True)
class RulesetText:
    """The text of one ruleset file and how to name and place it."""

    text: str
    name: str  # for messages: rules/<id>.yaml or the path
    key: str  # identity for cycle detection: bundled:<id> or the resolved path
    folder: Path | None  # where a relative `extends:` resolves; None for bundled files


def bundled_names() -> list[str]:
    """Ids of the rulesets shipped in the package, sorted."""
    files = resources.files("b12cli.rules")
    names = [f.name[: -len(".yaml")] for f in files.iterdir() if f.name.endswith(".yaml")]
    return sorted(n for n in names if n + ".yaml" != CATALOG_FILE)


def bundled_text(filename: str) -> str:
    """The text of a file shipped in `b12cli.rules`."""
    try:
        return resources.files("b12cli.rules").joinpath(filename).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        raise RulesetError(f"no bundled ruleset named {filename!r}") from None


def find_ruleset(ref: str, folder: Path | None = None) -> RulesetText:
    """A bundled id, or a path (relative to `folder` when given, else to the working directory)."""
    if ref in bundled_names():
        return RulesetText(bundled_text(f"{ref}.yaml"), f"rules/{ref}.yaml", f"bundled:{ref}", None)
    if "\0" in ref:
        raise RulesetError(f"{ref!r}: not a valid path")
    path = Path(ref)
    if folder is not None and not path.is_absolute():
        path = Path(os.path.normpath(folder / path))
    if not ref.endswith((".yaml", ".yml")) and not path.exists():
        known = ", ".join(bundled_names())
        raise RulesetError(f"unknown ruleset {ref!r}; bundled rulesets are: {known}")
    return RulesetText(_read(path), str(path), str(path.resolve()), path.parent)


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            # Read one byte past the cap, never the whole of a huge or endless file (/dev/zero).
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise RulesetError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB; not a rule file")
        return data.decode("utf-8")
    except IsADirectoryError:
        raise RulesetError(f"{path}: is a directory, not a ruleset file") from None
    except UnicodeDecodeError:
        raise RulesetError(f"{path}: not UTF-8 text; not a ruleset file") from None
    except OSError as exc:
        raise RulesetError(f"{path}: cannot read ({exc.strerror})") from None
