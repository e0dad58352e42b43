"""Find, safe-load and validate rulesets and the analyte catalogue."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from b12cli.errors import RulesetError
from b12cli.model import Catalog, Ruleset
from b12cli.ruleset_checks import check_terms
from b12cli.yamlsafe import dotted, line_of, load_yaml

CATALOG_FILE = "catalog.yaml"
DEFAULT_RULESET = "nice-ng239"
_TAGS = {"AllOf", "AnyOf", "NotOf", "BandTest", "DerivedTest", "MeasuredTest", "UncertainTest"}
_TAGS |= {"ContextTest", "RiskTest", "SymptomTest", "CategoryTest", "function-after"}
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LoadedRuleset:
    """A validated ruleset with where it came from and the hash of its text."""

    ruleset: Ruleset
    origin: str
    sha256: str


def bundled_names() -> list[str]:
    """Ids of the rulesets shipped in the package, sorted."""
    files = resources.files("b12cli.rules")
    names = [f.name[: -len(".yaml")] for f in files.iterdir() if f.name.endswith(".yaml")]
    return sorted(n for n in names if n + ".yaml" != CATALOG_FILE)


def _bundled_text(filename: str) -> str:
    try:
        return resources.files("b12cli.rules").joinpath(filename).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        raise RulesetError(f"no bundled ruleset named {filename!r}") from None


@cache
def load_catalog() -> Catalog:
    """The bundled analyte catalogue (validated once per process)."""
    return parse_model(_bundled_text(CATALOG_FILE), f"rules/{CATALOG_FILE}", Catalog)


def read_ruleset_text(ref: str) -> tuple[str, str]:
    """Text and display name of a ruleset given as a bundled id or a file path."""
    if ref in bundled_names():
        return _bundled_text(f"{ref}.yaml"), f"rules/{ref}.yaml"
    path = Path(ref)
    if not ref.endswith((".yaml", ".yml")) and not path.exists():
        known = ", ".join(bundled_names())
        raise RulesetError(f"unknown ruleset {ref!r}; bundled rulesets are: {known}")
    try:
        return path.read_text(encoding="utf-8"), ref
    except IsADirectoryError:
        raise RulesetError(f"{ref}: is a directory, not a ruleset file") from None
    except UnicodeDecodeError:
        raise RulesetError(f"{ref}: not UTF-8 text; not a ruleset file") from None
    except OSError as exc:
        raise RulesetError(f"{ref}: cannot read ({exc.strerror})") from None


def load_ruleset(ref: str) -> LoadedRuleset:
    """Load, validate and cross-check one ruleset by bundled id or path."""
    return _load_cached(ref)


@cache
def _load_cached(ref: str) -> LoadedRuleset:
    text, name = read_ruleset_text(ref)
    data = resolve_extends(text, name)
    ruleset = validate_model(data, name, Ruleset)
    try:
        check_terms(ruleset, load_catalog())
    except ValueError as exc:
        raise RulesetError(f"{name}: {exc}") from None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedRuleset(ruleset=ruleset, origin=name, sha256=digest)


def resolve_extends(text: str, name: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """Parse a ruleset file; merging of `extends:` parents happens here."""
    from b12cli.extends import merge_parents

    data, lines = load_yaml(text, name)
    return merge_parents(data, lines, name)


def parse_model(text: str, name: str, model: type[M]) -> M:
    """Safe-load YAML text and validate it as `model`."""
    return validate_model(load_yaml(text, name), name, model)


def validate_model(
    loaded: tuple[Any, dict[tuple[str | int, ...], int]], name: str, model: type[M]
) -> M:
    """Validate parsed YAML; raise RulesetError naming file, line and key path."""
    data, lines = loaded
    if not isinstance(data, dict):
        raise RulesetError(f"{name}: expected a mapping of keys at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RulesetError(_describe(exc, name, lines)) from None


def _describe(exc: ValidationError, name: str, lines: dict[tuple[str | int, ...], int]) -> str:
    error = exc.errors(include_url=False)[0]
    path = tuple(p for p in error["loc"] if p not in _TAGS and not str(p).startswith("tagged"))
    line = line_of(lines, path)
    where = f"{name}:{line}" if line else name
    key = dotted(path) or "(top level)"
    message = str(error["msg"]).removeprefix("Value error, ")
    more = len(exc.errors()) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{where}: {key}: {message}{tail}"
