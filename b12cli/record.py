"""Build a Record from values as text and context terms (the `interpret` command's input)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from b12cli.errors import InputError
from b12cli.model import AnalyteId, Catalog
from b12cli.result import Context, Measurement, Record, Sex
from b12cli.values import parse_measurement


def check_terms(terms: Sequence[str], vocabulary: Mapping[str, object], kind: str) -> list[str]:
    """The terms, de-duplicated, or an InputError listing the valid ones."""
    unknown = [t for t in terms if t not in vocabulary]
    if unknown:
        raise InputError(f"unknown {kind} {unknown[0]!r}; valid: {', '.join(vocabulary)}")
    return list(dict.fromkeys(terms))


def build_context(
    catalog: Catalog,
    *,
    age: float | None = None,
    sex: Sex | None = None,
    pregnant: bool | None = None,
    risks: Sequence[str] = (),
    symptoms: Sequence[str] = (),
) -> Context:
    """A validated Context (vocabulary terms checked against the catalogue)."""
    if age is not None and not 0 <= age <= 130:
        raise InputError("age must be between 0 and 130 years")
    return Context(
        age=age,
        sex=sex,
        pregnant=pregnant,
        risks=check_terms(risks, catalog.risks, "risk factor"),
        symptoms=check_terms(symptoms, catalog.symptoms, "symptom"),
    )


def build_record(catalog: Catalog, values: Mapping[str, str | None], context: Context) -> Record:
    """Parse each given value (raising InputError on the first bad one) into a Record."""
    measurements: dict[AnalyteId, Measurement] = {}
    for analyte, text in values.items():
        if text is not None and text.strip():
            measurements[cast("AnalyteId", analyte)] = parse_measurement(catalog, analyte, text)
    return Record(measurements=measurements, context=context)
