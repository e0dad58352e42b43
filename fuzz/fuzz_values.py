"""Fuzz the value parser and the evaluator behind it: any text in, a result or InputError out.

Beyond "no exception other than InputError", every accepted value is checked: a finite,
non-negative canonical value inside the analyte's plausible range, and an interpretation
under the default ruleset whose censored values never get a band they do not fully reach.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from b12cli.evaluate import interpret
from b12cli.model import ANALYTES
from b12cli.result import Record
from b12cli.rulesets import load_catalog, load_ruleset
from b12cli.values import parse_measurement

from .harness import Report, WrongResultError, drive

CATALOG = load_catalog()
RULESET = load_ruleset("nice-ng239")
SPELLINGS = sorted(
    {s for a in CATALOG.analytes.values() for k, u in a.units.items() for s in [k, *u.spellings]}
)
COMPARATORS = ["", "<", "<=", ">", ">=", "=<", "=>", "≤", "≥", "less than ", "GREATER THAN "]
COMPARATORS += ["below ", "Above ", "> =", "<<", "><", "="]
FLAGS = ["", " L", " H", " (L)", " [H]", " HH", "*", ".", "*.", "!", " low", " crit", " a"]
JUNK = [*"0123456789.,'-+eE <>=*()[]/%;:|\t\r\n\x00\u00a0\u2009µμ²^_", "١", "５", "ng/L"]


@st.composite
def number_text(draw: st.DrawFn) -> str:
    """Numbers as labs print them: decimals, commas, groups, exponents, signs, odd sizes."""
    value = draw(
        st.one_of(
            st.integers(0, 3000).map(float),  # plausible B12, folate, eGFR...
            st.floats(0, 50),  # plausible MMA, homocysteine...
            st.floats(allow_nan=True, allow_infinity=True, width=64),
        )
    )
    style = draw(st.sampled_from(["g", "f2", "e", "comma", "group", "int", "raw"]))
    if style == "raw" or not math.isfinite(value):
        return draw(st.sampled_from([repr(value), str(value).upper(), "NaN", "-inf", "1e309"]))
    if style == "comma":
        return f"{value:.3f}".replace(".", ",")
    if style == "group":
        return f"{value:,.1f}".replace(",", draw(st.sampled_from([" ", "'", ",", "."])))
    if style == "int":
        return str(int(value)) if abs(value) < 1e30 else "9" * 40
    return format(value, {"g": "g", "f2": ".2f", "e": "e"}[style])


@st.composite
def result_text(draw: st.DrawFn) -> str:
    """A structured result (comparator, number, unit, flags), sometimes damaged."""
    text = draw(st.sampled_from(COMPARATORS)) + draw(number_text())
    if draw(st.booleans()):
        text += draw(st.sampled_from(["", " "])) + draw(st.sampled_from(SPELLINGS))
    text = draw(st.sampled_from(["", " ", "\t"])) + text + draw(st.sampled_from(FLAGS))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(JUNK)) + text[at:]
    return text


@st.composite
def clean_result(draw: st.DrawFn) -> str:
    """A result as a lab would really print it, mostly in range: the accepted path."""
    comparator = draw(st.sampled_from(["", "", "", "<", ">", "<=", ">=", "less than "]))
    number = draw(st.one_of(st.integers(0, 3000).map(str), st.floats(0, 50).map(_short)))
    unit = draw(st.sampled_from(["", "", " ng/L", " pg/mL", " pmol/L", " umol/L", " nmol/L"]))
    return comparator + number + unit + draw(st.sampled_from(FLAGS))


def _short(value: float) -> str:
    return f"{value:.{3 if value < 10 else 1}f}"


CELL = st.one_of(
    clean_result(),
    clean_result(),
    result_text(),
    st.text(max_size=60),
    st.lists(st.sampled_from(JUNK + COMPARATORS + SPELLINGS), max_size=10).map("".join),
    st.text(min_size=190, max_size=260),
)
INPUT = st.tuples(
    CELL,
    st.sampled_from(ANALYTES),
    st.sampled_from([None, ".", ","]),
    st.sampled_from([None, "pmol/L", "nmol/L", "mg/dL", "mL/min/1.73m2", "furlongs"]),
)


def check_value(data: tuple[str, str, Any, str | None]) -> None:
    """Parse one cell; check an accepted value; interpret it under nice-ng239."""
    text, analyte, decimal, unit = data
    m = parse_measurement(CATALOG, analyte, text, unit=unit, decimal=decimal)
    low, high = CATALOG.analytes[m.analyte].plausible.min, CATALOG.analytes[m.analyte].plausible.max
    if not (math.isfinite(m.canonical_value) and low <= m.canonical_value <= high):
        raise WrongResultError(f"accepted an implausible value {m.canonical_value!r}")
    result = interpret(Record(measurements={m.analyte: m}), RULESET, CATALOG)
    banded = result.measurements[0]
    if banded.band is not None and banded.possible_bands != [banded.band]:
        raise WrongResultError(f"band {banded.band} while {banded.possible_bands} are possible")


def run(examples: int, seconds: float | None = None, rng_seed: int = 0) -> Report:
    """Fuzz the value parser with `examples` inputs."""
    return drive(
        "values", INPUT, check_value, examples=examples, seconds=seconds, rng_seed=rng_seed
    )
