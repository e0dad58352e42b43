"""Rule-derived cell texts, looked up by index rather than built per row: categories, rule ids,
band labels, caveat ids and next steps."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from b12cli.batch import names
from b12cli.batch.bandmasks import mask_labels
from b12cli.batch.compile import CompiledRuleset
from b12cli.batch.escaping import escape_text

DENSE_BITS = 14  # up to this many caveats, the text of every caveat mask is built once


def lookup(texts: list[str], index: pl.Expr, escape: bool, empty: bool = False) -> pl.Expr:
    """texts[index] as an Enum column (`empty`: the empty text reads as null)."""
    return pl.lit(text_table(texts, escape, empty)).gather(index)


def text_table(texts: list[str], escape: bool, empty: bool = False) -> pl.Series:
    """The texts (escaped for CSV if asked) as an Enum Series to gather from."""
    shown = [escape_text(t) if escape else t for t in texts]
    values: list[str | None] = [None if empty and not t else t for t in shown]
    categories = list(dict.fromkeys(t for t in values if t is not None))
    # Built as text, then cast: faster than building the Enum Series directly.
    return pl.Series(values, dtype=pl.String).cast(pl.Enum(categories))


def band_expr(compiled: CompiledRuleset, analyte: str, escape: bool) -> pl.Expr:
    """The band label ('low', or 'low|indeterminate' for a censored value) of each row."""
    labels = mask_labels(compiled.ruleset.bands[analyte])  # type: ignore[index]
    mask = pl.col(names.mask(compiled.index, analyte))
    return lookup([labels[m] for m in range(len(labels))], mask, escape)


class CaveatTexts:
    """Caveat ids ('a;b') per row, from a table of every mask built once when it is small."""

    def __init__(self, compiled: CompiledRuleset, escape: bool) -> None:
        self.compiled, self.escape = compiled, escape
        self.ids = [c.id for c in compiled.ruleset.caveats]
        possible = compiled.possible_caveats()
        if possible is not None:  # the rule table knows every mask a row can get: only those
            texts = [""] * (max(possible, default=0) + 1)
            for mask in possible:
                texts[mask] = self.text(mask)
        else:
            texts = self._every() if len(self.ids) <= DENSE_BITS else []
        self.table = text_table(texts, escape, empty=True)

    def _every(self) -> list[str]:
        """`text(mask)` for every mask, each from a smaller one's (thousands of masks)."""
        texts = [""]
        for mask in range(1, 1 << len(self.ids)):
            top = mask.bit_length() - 1
            rest = texts[mask ^ (1 << top)]
            texts.append(f"{rest};{self.ids[top]}" if rest else self.ids[top])
        return texts

    def text(self, mask: int) -> str:
        """The caveat ids of one mask."""
        return ";".join(i for k, i in enumerate(self.ids) if mask >> k & 1)

    def expr(self, frame: pl.DataFrame) -> pl.Expr:
        """The caveats column of one chunk."""
        key = pl.col(self.compiled.caveat_column)
        if len(self.table):
            return pl.lit(self.table).gather(key)
        return by_distinct(frame, key, self.text, self.escape)


def steps_expr(frame: pl.DataFrame, compiled: CompiledRuleset, escape: bool) -> pl.Expr:
    """The next-step texts ('x | y') of the rule that decided each row."""
    key = pl.col(compiled.rule_column).cast(pl.Int64) * (1 << 32) + pl.col(compiled.step_column)

    def text(value: int) -> str:
        rule, mask = compiled.rules[value >> 32], value & 0xFFFFFFFF
        chosen = [s for k, s in enumerate(rule.next_steps) if mask >> k & 1]
        return " | ".join(compiled.ruleset.steps[s].text for s in chosen)

    return by_distinct(frame, key, text, escape)


def by_distinct(
    frame: pl.DataFrame, key: pl.Expr, text: Callable[[int], str], escape: bool
) -> pl.Expr:
    """The text of each distinct key in the chunk, mapped back to the rows."""
    keys = [k for k in frame.select(key.unique()).to_series().to_list() if k is not None]
    found = {k: text(k) for k in keys}
    shown = {k: escape_text(t) if escape else t for k, t in found.items() if t}
    return key.replace_strict(
        shown, default=None, return_dtype=pl.Enum(list(dict.fromkeys(shown.values())))
    )
