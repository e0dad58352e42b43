"""A CSV speed-up: neighbouring output columns with few distinct values, written as one column.

Category, rule and caveats (per ruleset), and each analyte's unit and band(s), take a handful
of value combinations per chunk. When no cell of a chunk needs CSV quotes, each such run of
columns becomes one pre-joined text column ("not_deficient,mma-normal,kidney-unknown"), looked
up from a small integer key: the file is byte for byte what separate columns would give, with
fewer columns for the CSV writer to format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from b12cli.batch import names
from b12cli.batch.bandmasks import band_names, mask_labels
from b12cli.batch.compile import CompiledRuleset
from b12cli.batch.escaping import escape_text

MAX_BITS = 62


@dataclass(frozen=True)
class Part:
    """Some neighbouring cells: an integer key per row, and the cells each key stands for."""

    key: pl.Expr
    bits: int
    cells: Callable[[int], list[str]]


def head_part(compiled: CompiledRuleset, escape: bool) -> Part:
    """Category, rules fired and caveats of one ruleset."""
    caveats = [c.id for c in compiled.ruleset.caveats]
    width = len(caveats)
    shown = _shower(escape)

    def cells(key: int) -> list[str]:
        rule, mask = compiled.rules[key >> width], key & ((1 << width) - 1)
        fired = ";".join(c for k, c in enumerate(caveats) if mask >> k & 1)
        return [shown(rule.category), shown(rule.id), shown(fired)]

    rule_bits = max(len(compiled.rules) - 1, 1).bit_length()
    key = pl.col(compiled.rule_column).cast(pl.Int64) * (1 << width) + pl.col(
        compiled.caveat_column
    )
    return Part(key, rule_bits + width, cells)


def analyte_part(analyte: str, unit: str, compiled: list[CompiledRuleset], escape: bool) -> Part:
    """An analyte's unit and its band under each ruleset that bands it (blank if not given)."""
    banding = [c for c in compiled if analyte in c.banded]
    widths = [len(band_names(c.ruleset.bands[analyte])) for c in banding]  # type: ignore[index]
    labels = [mask_labels(c.ruleset.bands[analyte]) for c in banding]  # type: ignore[index]
    shown = _shower(escape)
    key: pl.Expr = pl.lit(1, pl.Int64)
    offset = 1
    for c, width in zip(banding, widths, strict=True):
        key = key + pl.col(names.mask(c.index, analyte)).cast(pl.Int64) * (1 << offset)
        offset += width

    def cells(value: int) -> list[str]:
        if not value:
            return [""] * (1 + len(banding))
        found, at = [shown(unit)], 1
        for width, label in zip(widths, labels, strict=True):
            found.append(shown(label[value >> at & ((1 << width) - 1)]))
            at += width
        return found

    present = pl.col(names.value(analyte)).is_not_null()
    return Part(pl.when(present).then(key).otherwise(0), offset, cells)


def joined(frame: pl.DataFrame, parts: list[Part]) -> pl.Expr | None:
    """One text column holding the parts' cells joined by commas (None: keys too wide)."""
    if sum(p.bits for p in parts) > MAX_BITS:
        return None
    key: pl.Expr = pl.lit(0, pl.Int64)
    offset = 0
    for part in parts:
        key = key + part.key.cast(pl.Int64) * (1 << offset)
        offset += part.bits
    texts = {}
    for value in frame.select(key.unique()).to_series().to_list():
        cells, at = [], 0
        for part in parts:
            cells += part.cells(value >> at & ((1 << part.bits) - 1))
            at += part.bits
        texts[value] = ",".join(cells)
    categories = list(dict.fromkeys(texts.values()))
    return key.replace_strict(texts, return_dtype=pl.Enum(categories))


def _shower(escape: bool) -> Callable[[str], str]:
    return escape_text if escape else str
