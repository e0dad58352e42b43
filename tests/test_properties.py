"""Invariants of the core over generated results (hypothesis, fixed budgets), for every
bundled ruleset.

Generated values keep a relative distance of MARGIN from every band bound of every bundled
ruleset. Converting a value to another unit and back costs a few ulps, so a value exactly at
a threshold may legitimately land on either side once written in another unit; a margin of one
part per million is far beyond that noise and far below any laboratory's precision.
"""

from __future__ import annotations

import io
import json
import math
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from b12cli.cli import app
from b12cli.conditions import UncertainTest
from b12cli.errors import InputError
from b12cli.evaluate import interpret
from b12cli.logic import Facts, evaluate
from b12cli.model import Analyte
from b12cli.record import build_context, build_record
from b12cli.render import RENDERERS, RenderOptions
from b12cli.result import Context, Interpretation
from b12cli.rulesets import bundled_names, load_catalog, load_ruleset
from b12cli.validation import validate
from b12cli.values import parse_measurement, split_value

CATALOG = load_catalog()
INFO: dict[str, Analyte] = {str(a): info for a, info in CATALOG.analytes.items()}
RULESETS = bundled_names()
ANALYTES = tuple(INFO)
MARGIN = 1e-6
# Most to least severe. insufficient_data ranks with indeterminate: it neither confirms nor
# reassures, so a lower B12 may turn "not deficient" into it (a cascade that wants MMA for
# low values) but never turn "deficient" into it. Caveats are not ordered: they describe
# context and can appear or go (b12-high goes when B12 falls) without the conclusion getting
# milder.
SEVERITY = {
    "deficient": 3,
    "functional_deficiency": 2,
    "indeterminate": 1,
    "insufficient_data": 1,
    "not_deficient": 0,
}

Reading = tuple[str | None, float]  # (comparator, value in the canonical unit)


def _bounds(analyte: str) -> list[float]:
    """Every finite band bound of the analyte in every bundled ruleset (canonical unit)."""
    found = set()
    for name in RULESETS:
        variants = {str(k): v for k, v in load_ruleset(name).ruleset.bands.items()}
        for variant in variants.get(analyte, []):
            for band in variant.bands:
                found |= {b for b in (band.lower, band.upper) if math.isfinite(b)}
    return sorted(found)


BOUNDS: dict[str, list[float]] = {a: _bounds(a) for a in ANALYTES}


def _clear_of_bounds(analyte: str, value: float) -> bool:
    return all(abs(value - b) > MARGIN * abs(b) for b in BOUNDS[analyte])


def values(analyte: str) -> st.SearchStrategy[float]:
    """Canonical values, crowded around the thresholds, each clear of them by MARGIN."""
    bounds = BOUNDS[analyte]
    scale = 3 * max(bounds) if bounds else INFO[analyte].plausible.max / 10
    near = (
        st.sampled_from(bounds).flatmap(lambda b: st.floats(0.5 * b, 1.5 * b)) if bounds else None
    )
    anywhere = st.floats(0, scale)
    drawn = st.one_of(near, anywhere) if near is not None else anywhere
    low = INFO[analyte].plausible.min
    return drawn.filter(lambda v: v >= low and _clear_of_bounds(analyte, v))


def readings(analyte: str) -> st.SearchStrategy[Reading]:
    """A value, quantified three times in four, otherwise censored."""
    comparator = st.sampled_from([None, None, None, "<", "<=", ">", ">="])
    return st.tuples(comparator, values(analyte))


def other_readings(*exclude: str) -> st.SearchStrategy[dict[str, Reading]]:
    """Any subset of the other analytes, each with a reading."""
    return st.fixed_dictionaries(
        {}, optional={a: readings(a) for a in ANALYTES if a not in exclude}
    )


ages = st.one_of(st.none(), st.floats(16, 100), st.sampled_from([64.0, 65.0]))
contexts = st.fixed_dictionaries(
    {"age": ages},
    optional={
        "sex": st.sampled_from(["female", "male"]),
        "pregnant": st.booleans(),
        "risks": st.lists(st.sampled_from(sorted(CATALOG.risks)), unique=True, max_size=3),
        "symptoms": st.lists(st.sampled_from(sorted(CATALOG.symptoms)), unique=True, max_size=3),
    },
)


def text(analyte: str, reading: Reading, unit: str | None = None, spelling: str = "") -> str:
    """The reading written in `unit` (canonical by default), as a user would type it."""
    comparator, canonical = reading
    unit = unit or INFO[analyte].canonical_unit
    factor = INFO[analyte].units[unit].factor
    return f"{comparator or ''}{canonical / factor!r} {spelling or unit}"


def run(name: str, texts: dict[str, str], context: dict[str, Any]) -> Interpretation:
    record = build_record(CATALOG, texts, build_context(CATALOG, **context))
    return interpret(record, load_ruleset(name), CATALOG)


def canonical_texts(given_readings: dict[str, Reading]) -> dict[str, str]:
    return {a: text(a, r) for a, r in given_readings.items()}


@st.composite
def unit_spellings(draw: st.DrawFn, analyte: str) -> tuple[str, str]:
    """An accepted unit of the analyte and one of its spellings."""
    units = INFO[analyte].units
    unit = draw(st.sampled_from(sorted(units)))
    return unit, draw(st.sampled_from([unit, *units[unit].spellings]))


@pytest.mark.parametrize("name", RULESETS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(given_readings=other_readings(), context=contexts, data=st.data())
def test_unit_never_changes_the_interpretation(
    name: str, given_readings: dict[str, Reading], context: dict[str, Any], data: st.DataObject
) -> None:
    converted = {}
    for analyte, reading in given_readings.items():
        unit, spelling = data.draw(unit_spellings(analyte), label=analyte)
        converted[analyte] = text(analyte, reading, unit, spelling)
    first = run(name, canonical_texts(given_readings), context)
    second = run(name, converted, context)
    assert second.category == first.category
    assert second.rules_fired[0].id == first.rules_fired[0].id
    assert [m.band for m in second.measurements] == [m.band for m in first.measurements]
    assert [c.id for c in second.caveats] == [c.id for c in first.caveats]


def _undecided(result: Interpretation) -> bool:
    """Decided by the ruleset's `uncertain` rule: a censored value left the rules unable to tell.

    That outcome is not a severity grade but "cannot tell", so it is not ranked; the property
    instead checks that it only ever happens when a censored value really spans bands.
    """
    uncertain = load_ruleset(result.ruleset.id).ruleset.uncertain.id
    if result.rules_fired[0].id != uncertain:
        return False
    assert any(m.band is None for m in result.measurements), "undecided without a spanning value"
    return True


def _assert_never_milder(worse: Interpretation, better: Interpretation, what: str) -> None:
    """The result for the worse value is at least as severe as for the better one."""
    if _undecided(worse) or _undecided(better):
        return
    assert SEVERITY[worse.category] >= SEVERITY[better.category], (
        f"{what}: {better.category} ({better.rules_fired[0].id}) became "
        f"{worse.category} ({worse.rules_fired[0].id})"
    )


@pytest.mark.parametrize("name", RULESETS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(others=other_readings("b12"), pair=st.tuples(values("b12"), values("b12")), context=contexts)
# Low total B12 with a normal active B12 is "discordant" under nice-ng239; a raised MMA settles
# it, so B12 250 and B12 150 both give functional deficiency (this once gave indeterminate).
@example(
    others={"holotc": (None, 80.0), "mma": (None, 0.6), "egfr": (None, 90.0)},
    pair=(150.0, 250.0),
    context={"age": 45.0},
)
def test_lower_b12_is_never_milder(
    name: str, others: dict[str, Reading], pair: tuple[float, float], context: dict[str, Any]
) -> None:
    low, high = sorted(pair)
    assume(low < high)
    texts = canonical_texts(others)
    lower = run(name, {**texts, "b12": text("b12", (None, low))}, context)
    higher = run(name, {**texts, "b12": text("b12", (None, high))}, context)
    _assert_never_milder(lower, higher, f"B12 {high:g} -> {low:g} ng/L")


@pytest.mark.parametrize("name", RULESETS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(others=other_readings("mma"), pair=st.tuples(values("mma"), values("mma")), context=contexts)
def test_higher_mma_is_never_milder(
    name: str, others: dict[str, Reading], pair: tuple[float, float], context: dict[str, Any]
) -> None:
    low, high = sorted(pair)
    assume(low < high)
    texts = canonical_texts(others)
    lower = run(name, {**texts, "mma": text("mma", (None, low))}, context)
    higher = run(name, {**texts, "mma": text("mma", (None, high))}, context)
    _assert_never_milder(higher, lower, f"MMA {low:g} -> {high:g} umol/L")


# Text a lab export or a hurried user might produce: free text, and near-misses built from
# the pieces the parser looks for.
PIECES = [
    *"0123456789.,' <>=≤≥eE+-/()[]*µμ²^_xLHlh١",
    "less than ",
    "GREATER THAN ",
    " ng/L",
    " pmol/L",
    " umol/L",
    "mcmol/L",
    " nmol/L",
    " mg/dL",
    "1e308",
    "9" * 30,
    "\n",
    "\t",
]
texts = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(PIECES), max_size=16).map("".join))


@settings(max_examples=1000, deadline=None)
@given(value=texts, decimal=st.sampled_from([None, ".", ","]))
def test_split_value_raises_only_input_error(value: str, decimal: Any) -> None:
    try:
        comparator, number, _ = split_value(value, decimal)
    except InputError:
        return
    assert comparator in (None, "<", "<=", ">", ">=")
    assert math.isfinite(number)


@settings(max_examples=1000, deadline=None)
@given(
    value=texts,
    analyte=st.sampled_from(ANALYTES),
    unit=st.sampled_from([None, "ng/L", "pmol/L", "umol/L", "nmol/L", "mg/L", "furlongs"]),
)
def test_parse_measurement_raises_only_input_error(
    value: str, analyte: str, unit: str | None
) -> None:
    try:
        m = parse_measurement(CATALOG, analyte, value, unit=unit)
    except InputError:
        return
    plausible = INFO[analyte].plausible
    assert plausible.min <= m.canonical_value <= plausible.max


@cache
def schema_validator() -> Draft202012Validator:
    """The validator for the schema the user gets from `b12cli schema`."""
    result = CliRunner().invoke(app, ["schema"], env={"NO_COLOR": "1", "COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize("name", RULESETS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(given_readings=other_readings(), context=contexts)
def test_json_output_round_trips_and_validates(
    name: str, given_readings: dict[str, Reading], context: dict[str, Any]
) -> None:
    result = run(name, canonical_texts(given_readings), context)
    out = io.StringIO()
    RENDERERS["json"]([result], out, RenderOptions())
    body = json.loads(out.getvalue())
    assert validate(Interpretation, body) == result
    errors = sorted(schema_validator().iter_errors(body), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:3]]


@pytest.mark.parametrize(
    ("mma", "hcy"), [("1e-320", "1"), ("1e-200", "1e-200"), ("1e-300", "1e-300")]
)
def test_tiny_positive_values_never_crash_the_evaluator(mma: str, hcy: str) -> None:
    # Found by the properties above: values the parser accepts must interpret without an
    # internal error, whatever a combined indicator computes from them (here cB12, whose
    # MMA x Hcy product underflows to 0, or whose ratio overflows to infinity).
    texts = {"b12": "75", "holotc": "1", "mma": mma, "hcy": hcy}
    for name in RULESETS:
        assert run(name, texts, {"age": 50.0}).category == "deficient", name


@pytest.mark.parametrize("name", RULESETS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(given_readings=other_readings(), context=contexts)
def test_quantified_values_are_never_censored(
    name: str, given_readings: dict[str, Reading], context: dict[str, Any]
) -> None:
    quantified: dict[str, Reading] = {a: (None, v) for a, (_, v) in given_readings.items()}
    result = run(name, canonical_texts(quantified), context)
    loaded = load_ruleset(name).ruleset
    assert result.rules_fired[0].id != loaded.uncertain.id
    assert "censored-value" not in {c.id for c in result.caveats}


def test_an_analyte_the_ruleset_does_not_band_is_not_censored() -> None:
    holotc = parse_measurement(CATALOG, "holotc", "40 pmol/L")  # never banded: band is None
    facts = Facts(measurements={"holotc": holotc}, context=Context())
    assert evaluate(UncertainTest(uncertain=["holotc"]), facts).value is False
