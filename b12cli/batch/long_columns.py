"""Which columns of a long export (one row per result) play which part.

Options name them (`--group`, `--id`, `--value`, the spec's `test`); otherwise headers are
recognised by the names lab systems use (`test_code`, `itemid`, `valueuom`, `charttime`...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from b12cli.batch.codes import analyte_names
from b12cli.batch.headers import compact
from b12cli.batch.table import InputSpec
from b12cli.errors import UsageError
from b12cli.model import Catalog

# Folded header names, most specific first.
TEST: tuple[str, ...] = (
    "testcode",
    "loinc",
    "loinccode",
    "itemid",
    "code",
    "resultcode",
    "observationcode",
)
TEST += ("obscode", "testid", "analytecode", "test", "testname", "analyte", "observation")
TEST += ("component", "parameter", "labtest", "assay", "label", "description")
RESULT: tuple[str, ...] = (
    "value",
    "result",
    "resultvalue",
    "valuetext",
    "resulttext",
    "valuestring",
)
RESULT += ("observationvalue", "obsvalue", "valuenum", "numericvalue", "numericresult")
# Tried after the result columns: exports put censored results (">2000*.") in comments.
VALUE: tuple[str, ...] = (
    *RESULT,
    "comments",
    "comment",
    "resultcomment",
    "remarks",
    "note",
    "notes",
)
UNIT: tuple[str, ...] = (
    "unit",
    "units",
    "uom",
    "valueuom",
    "resultunit",
    "resultunits",
    "unitofmeasure",
)
UNIT += ("unitofmeasurement", "unitsofmeasure", "measurementunit")
TIME: tuple[str, ...] = (
    "collectiontime",
    "collectiondatetime",
    "collectiondate",
    "collected",
    "charttime",
)
TIME += ("specimentime", "sampletime", "sampledate", "drawtime", "collectedat", "datetime")
TIME += ("observationtime", "effectivedatetime", "date")
SPECIMEN: tuple[str, ...] = (
    "specimenid",
    "specimen",
    "sampleid",
    "sample",
    "accession",
    "accessionnumber",
)
SPECIMEN += ("accessionno", "labno", "labnumber", "specimennumber", "orderid", "requestid")
PATIENT: tuple[str, ...] = ("patientid", "patient", "subjectid", "mrn", "nhsnumber", "personid")
PATIENT += ("participantid", "hospitalnumber", "seqn", "id")


@dataclass(frozen=True)
class LongColumns:
    """The parts of a long table: tests, values tried in order, unit, grouping, identity."""

    tests: list[str]
    values: list[str]
    unit: str | None
    group: list[str]
    id: list[str]
    carried: list[str]  # copied to each output row: id, group, patient, time and context


def detect(columns: Sequence[str], names: Sequence[str]) -> list[str]:
    """The columns whose compacted header is one of `names`, in the order of `names`."""
    by_name = {compact(column): column for column in reversed(columns)}
    return [by_name[name] for name in names if name in by_name]


def looks_long(columns: Sequence[str], spec: InputSpec, catalog: Catalog) -> bool:
    """Long-only options given, or a test and a value column and no analyte-named column."""
    if spec.codes or spec.group or spec.value or spec.test:
        return True
    analytes = analyte_names(catalog)
    if any(compact(column) in analytes for column in columns):
        return False
    return bool(detect(columns, TEST)) and bool(detect(columns, RESULT))


def long_columns(columns: list[str], spec: InputSpec, name: str) -> LongColumns:
    """The parts of a long table, from the options or the headers; UsageError if unclear."""
    tests = _named(columns, spec.test, "--test", name) or detect(columns, TEST)
    values = _named(columns, spec.value, "--value", name) or detect(columns, VALUE)
    if not tests:
        raise UsageError(f"{name}: no test name or code column found (e.g. 'test_code')")
    if not values:
        raise UsageError(f"{name}: no result column found; name it with --value")
    group = _named(columns, spec.group, "--group", name) or _default_group(columns, name)
    ids = _named(columns, spec.id, "--id", name) or group
    extra = detect(columns, PATIENT)[:1] + detect(columns, TIME)[:1] + context_columns(columns)
    carried = list(dict.fromkeys([*ids, *group, *extra]))
    unit = next(iter(detect(columns, UNIT)), None)
    return LongColumns(tests, values, unit, group, ids, carried)


def context_columns(columns: Sequence[str]) -> list[str]:
    """Columns the engine reads as context (age, sex, pregnant...): carried to each sample."""
    from b12cli.batch.headers import CONTEXT_ALIASES

    names = set().union(*CONTEXT_ALIASES.values())
    return [column for column in columns if compact(column) in names]


def _default_group(columns: list[str], name: str) -> list[str]:
    specimen = detect(columns, SPECIMEN)[:1]
    patient, time = detect(columns, PATIENT)[:1], detect(columns, TIME)[:1]
    if specimen or (patient and time):
        return specimen or patient + time
    raise UsageError(
        f"{name}: say which columns make one sample with --group (a specimen id, or "
        "patient and collection time)"
    )


def _named(columns: list[str], wanted: Sequence[str], option: str, name: str) -> list[str]:
    found = []
    for column in wanted:
        if column in columns:
            found.append(column)
            continue
        folded = [c for c in columns if c.lower() == column.lower()]
        if len(folded) != 1:
            shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
            raise UsageError(f"{option}: no column {column!r} in {name}; columns: {shown}")
        found.append(folded[0])
    return found
