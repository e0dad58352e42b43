"""Formula escaping for CSV output: a text cell a spreadsheet would run as a formula
(`=`, `+`, `-`, `@`, tab or CR first) gets a leading `'`; plain numbers, negative ones
included, stay as they are."""

from __future__ import annotations

import re

import polars as pl

RISKY = r"^[=+\-@\t\r]"
NUMBER = r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?$"
_RISKY_FIRST = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(NUMBER.removesuffix("$"))


def starts_risky(text: str) -> bool:
    """Whether a cell starts with a character a spreadsheet reads as a formula."""
    return text.startswith(_RISKY_FIRST)


def escape_text(text: str) -> str:
    """One cell, escaped if a spreadsheet would run it as a formula."""
    return "'" + text if starts_risky(text) and not _NUMBER.fullmatch(text) else text


def escape_expr(column: pl.Expr) -> pl.Expr:
    """`escape_text` for a String column."""
    risky = column.str.contains(RISKY) & ~column.str.contains(NUMBER)
    return pl.when(risky).then(pl.lit("'") + column).otherwise(column)


QUOTED = [",", '"', "\n", "\r"]


def needs_quotes(text: str) -> bool:
    """Whether a CSV cell must be quoted (it holds the delimiter, a quote or a line break)."""
    return any(q in text for q in QUOTED)


def scan(frame: pl.DataFrame, formulas: list[str], quotes: list[str]) -> tuple[set[str], set[str]]:
    """Of the columns given, those with a cell that starts like a formula, and those with a
    cell that must be quoted.

    A column's smallest and largest cells bound every cell's first character: when no
    formula character lies between theirs (IDs, dates, numbers), no cell is matched."""
    exprs = [pl.col(c).min().alias(f"lo{i}") for i, c in enumerate(formulas)]
    exprs += [pl.col(c).max().alias(f"hi{i}") for i, c in enumerate(formulas)]
    exprs += [pl.col(c).str.contains_any(QUOTED).any().alias(f"q{i}") for i, c in enumerate(quotes)]
    if not exprs:
        return set(), set()
    found = frame.select(exprs).row(0, named=True)
    unsure = [
        c for i, c in enumerate(formulas) if _may_start_risky(found[f"lo{i}"], found[f"hi{i}"])
    ]
    risky: set[str] = set()
    if unsure:
        tests = [pl.col(c).str.contains(RISKY).any().alias(f"f{i}") for i, c in enumerate(unsure)]
        hits = frame.select(tests).row(0)
        risky = {c for c, hit in zip(unsure, hits, strict=True) if hit}
    return risky, {c for i, c in enumerate(quotes) if found[f"q{i}"]}


def _may_start_risky(low: str | None, high: str | None) -> bool:
    """Whether a cell may start like a formula, in a column whose smallest and largest cells
    are `low` and `high` (None: no cell; an empty cell says nothing of the others)."""
    if low is None or high is None:
        return False
    return not low or any(low[0] <= c <= high[0] for c in _RISKY_FIRST)
