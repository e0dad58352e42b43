"""Load rulesets and the analyte catalogue: safe-load, merge `extends:`, convert band units,
validate and cross-check, with errors that name file, line and key."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from b12cli import snapshot
from b12cli.band_units import BandUnit, BandUnits, convert_band_units
from b12cli.conditions import KEYS
from b12cli.errors import RulesetError
from b12cli.extends import Origins, load_raw, locate
from b12cli.model import Catalog, Ruleset
from b12cli.ruleset_checks import CheckError, check_terms
from b12cli.ruleset_files import CATALOG_FILE, bundled_names, bundled_text
from b12cli.yamlsafe import dotted, load_yaml

if TYPE_CHECKING:
    from pydantic import ValidationError

DEFAULT_RULESET = "nice-ng239"
_TAGS = set(KEYS.values())  # discriminator tags pydantic puts in error locations
M = TypeVar("M")


@dataclass(frozen=True)
class LoadedRuleset:
    """A validated ruleset with where it came from and the hash of its text.

    `sha256` is the hash of the file's text; for a ruleset that extends another it also
    covers the parent's hash. `band_units` records, per analyte and band list, the unit the
    bounds were written in (None: canonical) so views can show them as written.
    """

    ruleset: Ruleset
    origin: str
    sha256: str
    band_units: BandUnits = field(default_factory=dict)

    def band_unit(self, analyte: str, variant: int) -> BandUnit | None:
        """The unit band list `variant` of `analyte` was written in (None: canonical)."""
        units = self.band_units.get(analyte, [])
        return units[variant] if variant < len(units) else None


@cache
def load_catalog() -> Catalog:
    """The bundled analyte catalogue: its current validated snapshot, else validated now."""
    return snapshot.load("catalog", Catalog) or validated_catalog()


def validated_catalog() -> Catalog:
    """The bundled catalogue, validated in full."""
    return parse_model(bundled_text(CATALOG_FILE), f"rules/{CATALOG_FILE}", Catalog)


def load_ruleset(ref: str) -> LoadedRuleset:
    """One ruleset by bundled id or path, validated and cross-checked (once per process).

    A bundled ruleset comes from its snapshot while that matches the bundled files
    (see `b12cli.snapshot`); anything else is validated here.
    """
    return _load_cached(ref)


@cache
def _load_cached(ref: str) -> LoadedRuleset:
    if ref in bundled_names():
        trusted = snapshot.load(ref, LoadedRuleset)
        if trusted is not None:
            return trusted
    return validated_ruleset(ref)


def validated_ruleset(ref: str) -> LoadedRuleset:
    """Load, merge, convert, validate and cross-check one ruleset in full."""
    raw = load_raw(ref)
    data, units = convert_band_units(raw.data, raw.origins, load_catalog())
    ruleset = validate_model(data, raw.origins, raw.name, Ruleset)
    try:
        check_terms(ruleset, load_catalog())
    except CheckError as exc:
        raise RulesetError(f"{_at(raw.origins, exc.path, raw.name)}: {exc.problem}") from None
    return LoadedRuleset(ruleset=ruleset, origin=raw.name, sha256=raw.sha256, band_units=units)


def parse_model(text: str, name: str, model: type[M]) -> M:
    """Safe-load YAML text and validate it as `model`."""
    data, lines = load_yaml(text, name)
    return validate_model(data, {p: (name, n, p) for p, n in lines.items()}, name, model)


def validate_model(data: Any, origins: Origins, name: str, model: type[M]) -> M:
    """Validate parsed YAML; raise RulesetError naming file, line and key path."""
    from b12cli.validation import ValidationError, validate

    if not isinstance(data, dict):
        raise RulesetError(f"{name}: expected a mapping of keys at the top level")
    try:
        return validate(model, data)
    except ValidationError as exc:
        raise RulesetError(_describe(exc, name, origins)) from None


def _at(origins: Origins, path: tuple[str | int, ...], name: str) -> str:
    """'file:line: key.path' as written in the file it came from (through `extends:`)."""
    if not origins:
        return f"{name}: {dotted(path) or '(top level)'}"
    at, written = locate(origins, path)
    key = dotted(written) or "(top level)"
    inherited = not at.startswith(f"{name}:")
    return f"{at} (inherited by {name}): {key}" if inherited else f"{at}: {key}"


def _describe(exc: ValidationError, name: str, origins: Origins) -> str:
    error = exc.errors(include_url=False)[0]
    path = tuple(p for p in error["loc"] if p not in _TAGS and not str(p).startswith("tagged"))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "unexpected_keyword_argument":
        message = "unknown key (not part of this format)"
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, CheckError):
        # A cross-reference check knows the key path inside the model it checked.
        path, message = (*path, *cause.path), cause.problem
    at = _at(origins, path, name)
    more = len(exc.errors()) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{at}: {message}{tail}"


__all__ = [
    "DEFAULT_RULESET",
    "LoadedRuleset",
    "bundled_names",
    "load_catalog",
    "load_ruleset",
]
