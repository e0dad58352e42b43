"""Context cells (age, sex, pregnant, risks, symptoms) -> typed columns and errors.

Each distinct cell text is parsed once in Python and mapped back: context columns hold few
distinct values, so this costs one hash lookup per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import polars as pl

from b12cli.batch import names
from b12cli.model import Catalog

Parsed = tuple[object, str | None]
_AGE = re.compile(r"^(?P<n>[0-9]{1,3}(?:[.,][0-9]+)?)\s*(?:y|yr|yrs|years?|a)?\.?$", re.I)
_SEX = {"f": "female", "female": "female", "w": "female", "woman": "female"}
_SEX |= {"m": "male", "male": "male", "man": "male"}
_YES = {"y", "yes", "true", "t", "1", "pregnant"}
_NO = {"n", "no", "false", "f", "0", "not pregnant"}
_TERMS = re.compile(r"[;,|]")
DTYPES: dict[str, pl.DataType] = {
    "age": pl.Float64(),
    "sex": pl.String(),
    "pregnant": pl.Boolean(),
    "risks": pl.List(pl.String()),
    "symptoms": pl.List(pl.String()),
}


def parse_age(text: str, catalog: Catalog) -> Parsed:
    """'54', '54.5', '54 y', '54 years' -> years (0-130)."""
    match = _AGE.match(text.strip())
    if not match:
        return None, f"not an age in years: {_preview(text)}"
    age = float(match["n"].replace(",", "."))
    if not 0 <= age <= 130:
        return None, "age must be between 0 and 130 years"
    return age, None


def parse_sex(text: str, catalog: Catalog) -> Parsed:
    """'F', 'female', 'M', 'male' (any case) -> female or male."""
    sex = _SEX.get(text.strip().lower())
    return (sex, None) if sex else (None, f"unknown sex {_preview(text)}; use female or male")


def parse_pregnant(text: str, catalog: Catalog) -> Parsed:
    """yes/no, true/false, 1/0, y/n -> a boolean."""
    folded = " ".join(text.lower().split())
    if folded in _YES or folded in _NO:
        return folded in _YES, None
    return None, f"pregnant: expected yes or no, not {_preview(text)}"


def _terms(
    vocabulary: Callable[[Catalog], Mapping[str, object]], kind: str
) -> Callable[[str, Catalog], Parsed]:
    def parse(text: str, catalog: Catalog) -> Parsed:
        known = vocabulary(catalog)
        given = [t.strip().lower().replace(" ", "-") for t in _TERMS.split(text)]
        terms = list(dict.fromkeys(t for t in given if t))
        unknown = [t for t in terms if t not in known]
        kept = [t for t in terms if t in known] or None
        if unknown:
            return kept, f"unknown {kind} {_preview(unknown[0])}; valid: {', '.join(known)}"
        return kept, None

    return parse


PARSERS: dict[str, Callable[[str, Catalog], Parsed]] = {
    "age": parse_age,
    "sex": parse_sex,
    "pregnant": parse_pregnant,
    "risks": _terms(lambda c: c.risks, "risk factor"),
    "symptoms": _terms(lambda c: c.symptoms, "symptom"),
}


def parse_context(
    frame: pl.DataFrame,
    context: dict[str, str],
    catalog: Catalog,
    notice: Callable[[str, list[str]], None],
) -> pl.DataFrame:
    """Add a typed column and an error column for each mapped context field; `notice` sees
    each column's distinct texts (see `CellParser.notice`)."""
    columns = []
    for field, column in context.items():
        texts = [t for t in frame.get_column(column).unique().to_list() if t and t.strip()]
        notice(column, texts)
        parsed = {t: PARSERS[field](t, catalog) for t in texts}
        cell = pl.col(column)
        values = {t: v for t, (v, _) in parsed.items()}
        errors = {t: e for t, (_, e) in parsed.items()}
        columns += [
            cell.replace_strict(values, default=None, return_dtype=DTYPES[field]).alias(
                names.context(field)
            ),
            cell.replace_strict(errors, default=None, return_dtype=pl.String).alias(
                names.error(field)
            ),
        ]
    return frame.with_columns(columns) if columns else frame


def _preview(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
