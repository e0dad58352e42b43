"""cB12 (experimental): formula, units, bands, when it is computed, and that it never decides."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from b12cli.cli import app
from b12cli.evaluate import interpret
from b12cli.record import build_context, build_record
from b12cli.result import Interpretation
from b12cli.rulesets import bundled_names, load_catalog, load_ruleset

ENV = {"NO_COLOR": "1", "COLUMNS": "100"}
REPLETE_40 = {"holotc": "60 pmol/L", "b12": "300 pmol/L", "mma": "0.18 umol/L", "hcy": "9 umol/L"}
DEFICIENT_60 = {"holotc": "15 pmol/L", "b12": "110 pmol/L", "mma": "0.90 umol/L", "hcy": "24"}


def run(values: dict[str, str], age: float | None, ruleset: str = "nice-ng239") -> Interpretation:
    catalog = load_catalog()
    record = build_record(catalog, values, build_context(catalog, age=age))
    return interpret(record, load_ruleset(ruleset), catalog)


def test_worked_vectors_of_clinical_facts_4_3() -> None:
    # Our own vectors (clinical-facts.md section 4.3), not published ones.
    assert run(REPLETE_40, age=40).indicators["cb12"] == {
        "value": 0.2955,
        "band": "adequate",
        "status": "experimental",
    }
    assert run(DEFICIENT_60, age=60).indicators["cb12"] == {
        "value": -1.7952,
        "band": "possible_deficiency",
        "status": "experimental",
    }


def test_units_do_not_change_cb12() -> None:
    # B12 enters the formula in pmol/L: 300 pmol/L entered as ng/L must give the same cB12.
    in_mass_units = {**REPLETE_40, "b12": f"{300 * 1.35537} ng/L", "mma": "180 nmol/L"}
    assert run(in_mass_units, age=40).indicators["cb12"]["value"] == 0.2955


@pytest.mark.parametrize("missing", ["holotc", "b12", "mma", "hcy", "age"])
def test_not_computed_without_all_five(missing: str) -> None:
    values = {k: v for k, v in REPLETE_40.items() if k != missing}
    result = run(values, age=None if missing == "age" else 40)
    assert result.indicators == {}
    assert "fedosov-2015" not in result.sources


@pytest.mark.parametrize(
    ("analyte", "text"), [("b12", "<150 pmol/L"), ("mma", ">1.5"), ("hcy", "0"), ("holotc", "0")]
)
def test_not_computed_from_censored_or_zero_values(analyte: str, text: str) -> None:
    assert run({**REPLETE_40, analyte: text}, age=40).indicators == {}


def test_computed_result_cites_the_formula_bands_and_unverified_age_term() -> None:
    result = run(REPLETE_40, age=40)
    assert {"fedosov-2015", "viapath-cb12", "cb12-age-term"} <= set(result.sources)
    assert "NOT verified" in result.sources["cb12-age-term"].title
    assert load_catalog().indicators["cb12"].age_term.evidence == "M"


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-2.5001, "probable_deficiency"),
        (-2.5, "possible_deficiency"),
        (-1.5001, "possible_deficiency"),
        (-1.5, "low"),
        (-0.5001, "low"),
        (-0.5, "adequate"),
        (1.4999, "adequate"),
        (1.5, "elevated"),
    ],
)
def test_bands_lower_bound_inclusive(value: float, band: str) -> None:
    bands = load_catalog().indicators["cb12"].bands
    assert [b.name for b in bands if b.contains(value)] == [band]


@settings(max_examples=60, deadline=None)
@given(
    holotc=st.floats(1, 200),
    b12=st.floats(50, 1500),
    mma=st.floats(0.05, 3),
    hcy=st.floats(3, 80),
    age=st.integers(18, 100),
    ruleset=st.sampled_from(bundled_names()),
)
def test_cb12_never_changes_the_interpretation(
    holotc: float, b12: float, mma: float, hcy: float, age: int, ruleset: str
) -> None:
    values = {"holotc": f"{holotc}", "b12": f"{b12}", "mma": f"{mma}", "hcy": f"{hcy}"}
    catalog = load_catalog()
    record = build_record(catalog, values, build_context(catalog, age=age))
    loaded = load_ruleset(ruleset)
    with_cb12 = interpret(record, loaded, catalog)
    without = interpret(record, loaded, replace(catalog, indicators={}))
    assert with_cb12.indicators["cb12"]["status"] == "experimental"
    assert without.indicators == {}
    assert replace(with_cb12, indicators={}, sources={}) == replace(
        without, indicators={}, sources={}
    )


def _cli(*fmt: str) -> str:
    args = ["interpret", "--b12", "300 pmol/L", "--holotc", "60", "--mma", "0.18"]
    result = CliRunner().invoke(app, [*args, "--hcy", "9", "--age", "40", *fmt], env=ENV)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_every_output_marks_it_experimental() -> None:
    body = json.loads(_cli("--format", "json"))
    assert body["indicators"]["cb12"] == {
        "value": 0.2955,
        "band": "adequate",
        "status": "experimental",
    }
    for fmt in ("text", "rich"):
        out = " ".join(_cli("--format", fmt).replace("│", " ").split())
        assert "cB12 0.30: adequate (experimental" in out
        assert "never changes the category" in out
