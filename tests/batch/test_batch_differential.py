"""The batch engine and the pure evaluator agree, row by row, on random lab exports.

Each example is a random frame of ROWS rows: values at, just beside and between every band
bound of every bundled ruleset, in every unit, bare or with a unit, censored (`<`, `<=`, `>`,
`>=`, `LESS THAN`), missing, or not results at all; a unit column, a header unit, a --unit
option and the default unit; ages around 65, eGFR around 60, sex, pregnancy, risk factors and
symptoms. The batch side (cells.py + compile.py + outputs.py) must give, for every row, what
`values.parse_measurement` + `evaluate.interpret` give: the parsed value, unit and comparator,
the band(s), category, deciding rule, caveats and next steps. EXAMPLES x ROWS per ruleset,
12,500 records in all, and as many again without the context columns, where the engine looks
each row's outcome up in a table of every band combination (rule_table.py).
"""

from __future__ import annotations

import contextlib
import math
import random
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12cli.batch import names, value_texts
from b12cli.batch.context_cells import PARSERS
from b12cli.batch.headers import AnalyteSource, ColumnMap
from b12cli.batch.outputs import OutputLayout
from b12cli.batch.pipeline import Engine, Plan
from b12cli.errors import InputError
from b12cli.evaluate import interpret
from b12cli.result import Context, Interpretation, Measurement, Record
from b12cli.rulesets import bundled_names, load_catalog, load_ruleset
from b12cli.values import parse_measurement

CATALOG = load_catalog()
RULESETS = bundled_names()
ROWS = 250
EXAMPLES = 10
SOURCES = {
    "b12": AnalyteSource("b12", unit_column="b12_unit"),
    "holotc": AnalyteSource("holotc"),
    "mma": AnalyteSource("mma", unit="umol/L", unit_source="header"),
    "hcy": AnalyteSource("hcy", unit="umol/L", unit_source="option"),
    "folate": AnalyteSource("folate", unit="ng/mL", unit_source="header"),
    "egfr": AnalyteSource("egfr"),
}
CONTEXT = {f: f for f in ("age", "sex", "pregnant", "risks", "symptoms")}
ODD = [
    "hemolysed", "see comment", "-5", "1,500", "1e400", "99999999", "250 furlongs", " 250 ",
    "250 H", ">2000*.", "<", "GREATER THAN 2000", "1 000", "12 34", "0,5", "+5", ".5", "5.",
    "007", "nan", "inf", "\u0661\u0662", "<=0", "0", "1.0000000000001", "123456789012.5",
]  # fmt: skip


def _bounds(analyte: str) -> list[float]:
    """Every finite band bound of the analyte in every bundled ruleset (canonical unit)."""
    found = {0.0}
    for name in RULESETS:
        for variant in load_ruleset(name).ruleset.bands.get(analyte, []):  # type: ignore[call-overload]
            found |= {x for b in variant.bands for x in (b.lower, b.upper) if math.isfinite(x)}
    return sorted(found)


BOUNDS = {a: _bounds(a) for a in SOURCES}


def value_text(rng: random.Random, analyte: str) -> str | None:
    """A result cell: mostly numbers near bounds in some unit, sometimes anything at all."""
    kind = rng.choice(["number"] * 6 + ["censored"] * 2 + ["odd", "missing"])
    if kind == "missing":
        return rng.choice([None, "", "  "])
    if kind == "odd":
        return rng.choice(ODD)
    model = CATALOG.analytes[analyte]  # type: ignore[index]
    cut = rng.choice(BOUNDS[analyte])
    canonical = cut * rng.choice([1, 1, 1 - 1e-3, 1 + 1e-3, 0.5, 2, 1 + 1e-9, rng.random() * 3])
    unit = rng.choice(list(model.units))
    number = canonical / model.units[unit].factor
    shown = rng.choice([f"{number:g}", f"{number:.0f}", f"{number:.2f}", repr(number)])
    if rng.random() < 0.5:
        shown = f"{shown} {rng.choice([unit, *model.units[unit].spellings])}"
    if kind == "censored":
        shown = rng.choice(["<", "<=", ">", ">=", "< ", "LESS THAN "]) + shown
    return shown


def terms(rng: random.Random, vocabulary: list[str]) -> str | None:
    """A risks or symptoms cell: terms joined by ';' (now and then an unknown one)."""
    if rng.random() < 0.5:
        return None
    return ";".join(rng.choice([*vocabulary, "unknown-term"]) for _ in range(rng.randint(0, 3)))


def random_row(rng: random.Random) -> dict[str, str | None]:
    """One row of a random export."""
    row = {a: value_text(rng, a) for a in SOURCES}
    row["b12_unit"] = rng.choice([None, "", " pmol/L ", "pmol/L", "ng/L", "pg/ml", "furlongs"])
    row["age"] = rng.choice([None, "17", "64", "64.9", "65", "65.0", "65.1", "80", "x", "131"])
    row["sex"] = rng.choice([None, "F", "M", "female", "x"])
    row["pregnant"] = rng.choice([None, "yes", "no", "maybe"])
    row["risks"] = terms(rng, list(CATALOG.risks))
    row["symptoms"] = terms(rng, list(CATALOG.symptoms))
    return row


def pure_record(row: dict[str, Any], context_columns: dict[str, str]) -> Record:
    """The record the pure parser makes of a row (the reference)."""
    measurements: dict[str, Measurement] = {}
    for analyte, source in SOURCES.items():
        text = row[analyte]
        if text is None or not text.strip():
            continue
        unit, where = source.unit or "", source.unit_source
        cell = row["b12_unit"] if analyte == "b12" else None
        if cell and cell.strip():
            unit, where = cell.strip(), "column"
        with contextlib.suppress(InputError):  # an unusable cell: no measurement
            measurements[analyte] = parse_measurement(
                CATALOG,
                analyte,
                text,
                unit=unit or None,
                unit_source=where,  # type: ignore[arg-type]
            )
    context: dict[str, Any] = {}
    for field, text in ((f, row[f]) for f in context_columns):
        if text and text.strip():
            value, _ = PARSERS[field](text, CATALOG)
            if value is not None:
                context[field] = value
    return Record(measurements=measurements, context=Context(**context))  # type: ignore[arg-type]


def expected(result: Interpretation) -> dict[str, Any]:
    """What the batch output must say about one row."""
    row: dict[str, Any] = {
        "category": result.category,
        "rules_fired": result.rules_fired[0].id,
        "caveats": sorted(c.id for c in result.caveats),
        "next_steps": [s.text for s in result.next_steps],
    }
    for m in result.measurements:
        if m.thresholds:
            row[f"{m.analyte}_band"] = "|".join(m.possible_bands)
    return row


def batch_rows(
    frame: pl.DataFrame, ruleset: str, context: dict[str, str]
) -> tuple[list[dict[str, Any]], pl.DataFrame]:
    """The engine's output rows and its working frame."""
    plan = Plan(CATALOG, ColumnMap(SOURCES, context), [load_ruleset(ruleset)], explain=True)
    engine = Engine(plan)
    # Without context columns, every bundled ruleset's outcomes come from its rule table.
    assert (engine.compiled[0].lookup(explain=True) is None) == bool(context)
    worked = engine.process(frame)
    layout = OutputLayout(frame.columns, plan, engine.compiled)
    out, _ = layout.select(worked, escape=False, text_values=True)
    return out.to_dicts(), worked


def same_measurement(worked: dict[str, Any], analyte: str, m: Measurement | None) -> bool:
    """The engine parsed the cell exactly as values.py did (or both found nothing usable)."""
    got = [worked[names.value(analyte)], worked[names.comparator(analyte)]]
    got += [worked[names.unit(analyte)], worked[names.unit_source(analyte)]]
    got.append(worked[names.number(analyte)])
    if m is None:
        return got == [None] * 5
    return got == [m.canonical_value, m.comparator, m.unit, m.unit_source, m.value]


@pytest.mark.parametrize("context", [CONTEXT, {}], ids=["context", "no-context"])
@pytest.mark.parametrize("ruleset", RULESETS)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_batch_engine_agrees_with_the_pure_evaluator(
    ruleset: str, context: dict[str, str], seed: int
) -> None:
    # Hypothesis picks the seed; a frame of ROWS rows is too big for it to draw cell by cell.
    rng = random.Random(seed)  # noqa: S311 - test data
    rows = [random_row(rng) for _ in range(ROWS)]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))
    out, worked = batch_rows(frame, ruleset, context)
    worked_rows = worked.to_dicts()
    loaded = load_ruleset(ruleset)
    for i, row in enumerate(rows):
        record = pure_record(row, context)
        for analyte in SOURCES:
            measured = record.measurements.get(analyte)
            assert same_measurement(worked_rows[i], analyte, measured), (i, analyte, row)
        want = expected(interpret(record, loaded, CATALOG))
        got = {k: out[i].get(k) for k in want}
        got["caveats"] = sorted(filter(None, (out[i]["caveats"] or "").split(";")))
        got["next_steps"] = [s for s in (out[i]["next_steps"] or "").split(" | ") if s]
        assert got == want, (i, row)
    # Values are shown as the row-by-row formatting shows them, whether worked out once per
    # distinct cell text (fixed units) or per row (the unit column of b12).
    assert names.value_text("mma") in worked.columns
    for analyte in SOURCES:
        decimals = CATALOG.analytes[analyte].decimals  # type: ignore[index]
        value, comparator = pl.col(names.value(analyte)), pl.col(names.comparator(analyte))
        shown = worked.select(value_texts.shown(value, comparator, decimals)).to_series()
        assert [r[f"{analyte}_value"] for r in out] == shown.to_list(), analyte
