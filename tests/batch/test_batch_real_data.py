"""Real and bundled exports: NHANES 2003-2004 (../shared) and the example shipped in the package."""

from __future__ import annotations

import csv
import io
import json
import runpy
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from b12cli.cli import app

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
NHANES = SHARED / "data" / "nhanes" / "nhanes_2003_2004_b12_mma_hcy.csv"
NHANES_ARGS = [
    "--column", "b12=LBXB12", "--unit", "b12=pg/mL",
    "--column", "mma=LBXMMA", "--unit", "mma=umol/L",
    "--column", "hcy=LBXHCY", "--unit", "hcy=umol/L",
    "--column", "folate=LBXFOL", "--unit", "folate=ng/mL",
    "--id", "SEQN",
]  # fmt: skip
ENV = {"NO_COLOR": "1", "COLUMNS": "100"}


def run(*args: str) -> Result:
    """`b12cli batch ARGS...` in-process."""
    return CliRunner().invoke(app, ["batch", *args], env=ENV)


@pytest.fixture(scope="module")
def nhanes_jsonl() -> Result:
    if not NHANES.exists():
        pytest.fail(f"the shared NHANES file is missing: {NHANES}")
    return run(str(NHANES), *NHANES_ARGS, "--format", "jsonl")


def test_nhanes_every_participant_is_interpreted(nhanes_jsonl: Result) -> None:
    records = [json.loads(line) for line in nhanes_jsonl.stdout.splitlines()]
    with NHANES.open(encoding="utf-8") as handle:
        seqn = [row["SEQN"] for row in csv.DictReader(handle)]
    assert len(records) == len(seqn) == 9179
    assert [r["row"] for r in records] == list(range(1, 9180))
    assert [r["id"] for r in records] == seqn
    assert all(r["category"] and r["rules_fired"] for r in records)
    given = Counter(m["analyte"] for r in records for m in r["measurements"])
    # The README of the data: 8,267 B12, 7,544 MMA and 7,888 homocysteine results.
    assert (given["b12"], given["mma"], given["hcy"]) == (8267, 7544, 7888)
    assert all(m["unit_source"] == "option" for r in records for m in r["measurements"])


def test_nhanes_supplement_users_high_folate_is_interpreted(nhanes_jsonl: Result) -> None:
    # Three participants have serum folate above 550 nmol/L (up to 245 ng/mL): real, high values
    # from supplement users, inside the catalogue's plausible range, so no row carries an error.
    records = [json.loads(line) for line in nhanes_jsonl.stdout.splitlines()]
    assert nhanes_jsonl.exit_code == 0
    assert not [r for r in records if r["errors"]]
    high = [
        m
        for r in records
        for m in r["measurements"]
        if m["analyte"] == "folate" and m["canonical_value"] > 500
    ]
    assert len(high) == 3
    assert {m["band"] for m in high} == {"normal"}
    assert "9,179 rows read, 9,179 rows out, 0 with errors" in nhanes_jsonl.stderr


def test_nhanes_csv_agrees_with_jsonl(nhanes_jsonl: Result, tmp_path: Path) -> None:
    out = tmp_path / "nhanes.csv"
    assert run(str(NHANES), *NHANES_ARGS, "-o", str(out), "--quiet").exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    records = [json.loads(line) for line in nhanes_jsonl.stdout.splitlines()]
    assert [r["category"] for r in rows] == [r["category"] for r in records]
    assert [r["rules_fired"] for r in rows] == [r["rules_fired"][0]["id"] for r in records]


def test_the_bundled_example_runs_with_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "example-results.csv"
    result = run("--example", "-o", str(out))
    # The example holds haemolysed samples on purpose: reported, but a demonstration exits 0.
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "300 rows read, 300 rows out, 3 with errors, 0 skipped" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 300
    categories = Counter(r["category"] for r in rows)
    assert set(categories) >= {
        "deficient",
        "functional_deficiency",
        "indeterminate",
        "not_deficient",
    }
    units = Counter((r["MMA units"], r["mma_unit"]) for r in rows if r["MMA"])
    assert set(units) == {("nmol/L", "umol/L"), ("umol/L", "umol/L")}  # both converted to umol/L
    assert any(r["Vitamin B12"].endswith("pmol/L") for r in rows)
    assert any(r["b12_band"] == "low" and r["Vitamin B12"].startswith("<") for r in rows)
    assert [r["error"] for r in rows if r["error"]] == [
        "Vitamin B12: not a result value: 'hemolysed'"
    ] * 3


def test_the_example_file_is_what_its_generator_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(__file__).resolve().parents[2]
    made = tmp_path / "lab-export.csv"
    script = runpy.run_path(str(root / "benchmarks" / "make_example.py"))
    monkeypatch.setattr(sys, "argv", ["make_example.py", str(made)])
    script["main"]()
    bundled = root / "b12cli" / "examples" / "lab-export.csv"
    assert made.read_bytes() == bundled.read_bytes()
