"""Real long-layout lab exports: the MIMIC-IV and MIMIC-III demo lab tables (in ../shared)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from b12cli.rulesets import load_catalog
from b12cli.values import parse_measurement

MIMIC_CODES = {"51010": "b12", "50925": "folate"}


@pytest.fixture
def mimic4(shared: Path) -> Path:
    return shared / "data" / "external" / "mimic4-demo" / "labevents.csv.gz"


@pytest.fixture
def mimic3(shared: Path) -> Path:
    return shared / "data" / "external" / "mimic3-demo" / "LABEVENTS.csv.gz"


def _parse_all(rows: pl.DataFrame, analyte: str) -> list[float]:
    """Every result text read as `interpret` reads it (a bad one raises)."""
    catalog = load_catalog()
    column = f"{analyte}_result"  # as reported; b12cli adds the canonical b12_value/b12_unit
    found = rows.drop_nulls(column).select(column, f"{column}_unit").rows()
    return [parse_measurement(catalog, analyte, text, unit=unit).value for text, unit in found]


def test_mimic4_gives_each_b12_result_a_sample(read, mimic4: Path) -> None:
    table, rows = read(
        mimic4,
        layout="long",
        codes=MIMIC_CODES,
        id=["subject_id"],
        group=["specimen_id"],
        value=["value", "comments"],
    )
    assert table.input_rows == 107_727
    assert rows.height == 52  # specimens with B12 or folate (26 have both)
    assert table.skipped_rows == 107_727 - 49 - 29
    assert rows["specimen_id"].n_unique() == 52
    assert rows["__error"].null_count() == 52
    b12 = _parse_all(rows, "b12")
    assert len(b12) == 49
    censored = rows.filter(pl.col("b12_result").str.contains("2000"))["b12_result"].to_list()
    assert sorted(censored) == sorted(
        [">2000*.", ">2000*.", ">2000*.", ">2000.", "GREATER THAN 2000.", "GREATER THAN 2000."]
    )
    assert min(b12) == 187
    assert len(_parse_all(rows, "folate")) == 29


def test_mimic4_without_comments_loses_the_censored_results(read, mimic4: Path) -> None:
    _, rows = read(mimic4, codes=MIMIC_CODES, group=["specimen_id"], value=["value"])
    assert rows["b12_result"].drop_nulls().len() == 43


def test_mimic3_groups_by_patient_and_chart_time(read, mimic3: Path) -> None:
    table, rows = read(
        mimic3, codes=MIMIC_CODES, id=["SUBJECT_ID"], group=["SUBJECT_ID", "CHARTTIME"]
    )
    assert table.columns[:2] == ["SUBJECT_ID", "CHARTTIME"]
    assert rows.height == 39
    assert len(_parse_all(rows, "b12")) == 38
    assert len(_parse_all(rows, "folate")) == 33
    assert rows.filter(pl.col("b12_result").str.starts_with("GREATER"))["b12_result"].to_list() == [
        "GREATER THAN 2000"
    ]
    both = rows.drop_nulls(["b12_result", "folate_result"])
    assert both.height == 32  # drawn together: same patient and chart time
