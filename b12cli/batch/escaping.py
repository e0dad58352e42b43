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


def risky_columns(frame: pl.DataFrame, columns: list[str]) -> set[str]:
    """The columns (of those given) holding at least one cell that starts like a formula."""
    if not columns:
        return set()
    found = frame.select(pl.col(c).str.contains(RISKY).any().alias(c) for c in columns)
    return {c for c, hit in found.row(0, named=True).items() if hit}
