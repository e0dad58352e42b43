"""Wide headers -> analyte and context columns: aliases, units in headers, unit columns."""

from __future__ import annotations

import pytest

from b12cli.batch.column_map import map_columns
from b12cli.batch.headers import AnalyteSource, find_id_column
from b12cli.errors import UsageError
from b12cli.rulesets import load_catalog

CATALOG = load_catalog()


@pytest.mark.parametrize(
    ("header", "analyte", "unit"),
    [
        ("B12", "b12", None),
        ("Vitamin B-12", "b12", None),
        ("vitamin_b12", "b12", None),
        ("B12 (pg/mL)", "b12", "ng/L"),
        ("Serum B12 [pmol/L]", "b12", "pmol/L"),
        ("b12_pg_ml", "b12", "ng/L"),
        ("mma_umol_l", "mma", "umol/L"),
        ("MMA (µmol/L)", "mma", "umol/L"),
        ("Methylmalonic acid nmol/L", "mma", "nmol/L"),
        ("Homocysteine (umol/L)", "hcy", "umol/L"),
        ("folate_ng_ml", "folate", "ng/mL"),
        ("Active B12", "holotc", None),
        ("eGFR", "egfr", None),
        ("GFR mL/min/1.73m2", "egfr", "mL/min/1.73m2"),
        ("2132-9", "b12", None),
    ],
)
def test_headers_name_analytes_and_units(header: str, analyte: str, unit: str | None) -> None:
    found = map_columns(["id", header], CATALOG)
    assert found.analytes == {
        analyte: AnalyteSource(header, unit=unit, unit_source="header" if unit else "default")
    }


def test_context_columns_and_unit_columns() -> None:
    columns = ["Sample ID", "Age (years)", "Gender", "Pregnancy status", "MMA", "MMA units"]
    columns += ["B12", "Unit", "Risk factors", "Symptoms"]
    found = map_columns(columns, CATALOG)
    assert found.context == {
        "age": "Age (years)",
        "sex": "Gender",
        "pregnant": "Pregnancy status",
        "risks": "Risk factors",
        "symptoms": "Symptoms",
    }
    assert found.analytes["mma"].unit_column == "MMA units"
    assert found.analytes["b12"].unit_column == "Unit"  # a bare unit column right after it


def test_options_override_headers() -> None:
    columns = ["SEQN", "LBXB12", "LBXMMA", "Age"]
    found = map_columns(columns, CATALOG, {"b12": "lbxb12", "age": "Age"}, {"b12": "pg/mL"})
    assert found.analytes == {"b12": AnalyteSource("LBXB12", unit="ng/L", unit_source="option")}
    assert found.context == {"age": "Age"}


def test_two_candidates_are_never_guessed() -> None:
    with pytest.raises(UsageError, match="'B12' and 'Vitamin B12' could each be b12; choose one"):
        map_columns(["B12", "Vitamin B12"], CATALOG)
    with pytest.raises(UsageError, match="could each be b12"):
        map_columns(["B12", "B12_2"], CATALOG)  # a repeated header, numbered by the reader
    chosen = map_columns(["B12", "Vitamin B12"], CATALOG, {"b12": "Vitamin B12"})
    assert chosen.analytes["b12"].column == "Vitamin B12"


def test_bad_options_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="no such column; the columns are 'a', 'b'"):
        map_columns(["a", "b"], CATALOG, {"b12": "c"})
    with pytest.raises(UsageError, match="unknown analyte or context 'zinc'"):
        map_columns(["a"], CATALOG, {"zinc": "a"})
    with pytest.raises(UsageError, match="no column holds mma"):
        map_columns(["B12"], CATALOG, units={"mma": "umol/L"})


def test_an_id_column_is_found_for_json_ids() -> None:
    assert find_id_column(["Collected", "Sample ID", "B12"]) == "Sample ID"
    assert find_id_column(["patient_id", "B12"]) == "patient_id"
    assert find_id_column(["B12"]) is None
