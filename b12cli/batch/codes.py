"""Which analyte a long-layout test names: local codes, LOINC codes and catalogue aliases.

Local codes come from `--code CODE=ANALYTE` and `--code-map FILE` (CSV or YAML of code,
analyte); `parse_codes` turns both into the `InputSpec.codes` mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl

from b12cli.batch.headers import compact
from b12cli.errors import B12Error, UsageError
from b12cli.model import Catalog

_HEADER_WORDS = {"code", "testcode", "test", "itemid", "localcode", "loinc"}


def analyte_names(catalog: Catalog) -> dict[str, str]:
    """Folded analyte id or alias -> analyte id."""
    names: dict[str, str] = {}
    for analyte_id, analyte in catalog.analytes.items():
        for name in (analyte_id, *analyte.aliases):
            names.setdefault(compact(name), analyte_id)
    return names


def resolve_analyte(catalog: Catalog, text: str) -> str | None:
    """The analyte id an id or alias names ('Vitamin B12' -> 'b12'), or None."""
    return analyte_names(catalog).get(compact(text))


class CodeMatcher:
    """Maps test cells to analyte ids: local codes first, then LOINC, then aliases."""

    def __init__(self, catalog: Catalog, codes: dict[str, str]) -> None:
        loinc = {c: a for a, analyte in catalog.analytes.items() for c in analyte.loinc}
        self._exact = loinc | {code.strip(): analyte for code, analyte in codes.items()}
        self._folded = analyte_names(catalog) | {
            compact(c): a for c, a in codes.items() if compact(c)
        }

    def analyte(self, cell: str | None) -> str | None:
        """The analyte a test name or code stands for, or None."""
        if cell is None:
            return None
        text = cell.strip()
        return self._exact.get(text) or self._folded.get(compact(text))

    def map_series(self, cells: pl.Series) -> pl.Series:
        """One analyte id (or null) per cell; each distinct cell is looked up once."""
        distinct = cells.drop_nulls().unique().to_list()
        table = {cell: self.analyte(cell) for cell in distinct}
        found = {cell: analyte for cell, analyte in table.items() if analyte}
        return cells.replace_strict(found, default=None, return_dtype=pl.String)


def parse_codes(catalog: Catalog, pairs: Sequence[str], code_map: str | None) -> dict[str, str]:
    """`--code CODE=ANALYTE` options over a `--code-map` file -> local code -> analyte id."""
    codes = load_code_map(catalog, code_map) if code_map else {}
    for pair in pairs:
        code, _, name = pair.rpartition("=")
        if not code.strip() or not name.strip():
            raise UsageError(f"--code expects CODE=ANALYTE (e.g. VB12X=b12), not {pair!r}")
        codes[code.strip()] = _analyte_or_fail(catalog, name, f"--code {pair}")
    return codes


def load_code_map(catalog: Catalog, path: str) -> dict[str, str]:
    """A code map file: YAML (code: analyte) or CSV rows of code,analyte (header optional)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise UsageError(f"--code-map: cannot read {path}: {reason}") from None
    if path.lower().endswith((".yaml", ".yml")):
        entries = _yaml_entries(text, path)
    else:
        entries = _csv_entries(text, path)
    codes: dict[str, str] = {}
    for line, code, name in entries:
        if not code:
            raise UsageError(f"{path}:{line}: empty code")
        codes[code] = _analyte_or_fail(catalog, name, f"{path}:{line}")
    if not codes:
        raise UsageError(f"--code-map: {path} holds no code,analyte pairs")
    return codes


def _analyte_or_fail(catalog: Catalog, name: str, where: str) -> str:
    analyte = resolve_analyte(catalog, name)
    if analyte is None:
        known = ", ".join(catalog.analytes)
        raise UsageError(f"{where}: unknown analyte {name.strip()!r}; known: {known}")
    return analyte


def _csv_entries(text: str, path: str) -> Iterable[tuple[int, str, str]]:
    from b12cli.batch.sniff import sample_rows, sniff_delimiter

    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    delimiter = sniff_delimiter("\n".join(line for _, line in lines) + "\n")
    for position, (number, line) in enumerate(lines):
        cells = [cell.strip() for cell in sample_rows(line + "\n", delimiter)[0]]
        if len(cells) < 2:
            raise UsageError(f"{path}:{number}: expected code,analyte")
        if position == 0 and (compact(cells[0]) in _HEADER_WORDS or compact(cells[1]) == "analyte"):
            continue
        yield number, cells[0], cells[1]


def _yaml_entries(text: str, path: str) -> Iterable[tuple[int, str, str]]:
    from b12cli.yamlsafe import load_yaml

    try:
        data, lines = load_yaml(text, path)
    except B12Error as exc:
        raise UsageError(str(exc)) from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of code: analyte")
    for key, value in data.items():
        line = lines.get((str(key),), 0)
        if not isinstance(value, str):
            raise UsageError(f"{path}:{line}: the analyte for {str(key)!r} must be text")
        yield line, str(key).strip(), value
