"""`b12cli batch` end to end on the inputs the readers handle: real MIMIC exports, the bundled
long example, stdin, other encodings, code maps and unreadable files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

MIMIC4 = ["--code", "51010=b12", "--code", "50925=folate", "--id", "subject_id"]
MIMIC4 += ["--group", "specimen_id", "--value", "value,comments", "--format", "jsonl"]


def _lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def _b12(record: dict[str, Any]) -> dict[str, Any] | None:
    return next((m for m in record["measurements"] if m["analyte"] == "b12"), None)


def test_mimic4_command_interprets_every_b12_result(cli, shared: Path) -> None:
    path = shared / "data" / "external" / "mimic4-demo" / "labevents.csv.gz"
    result = cli("batch", str(path), "--layout", "long", *MIMIC4)
    assert result.exit_code == 0, result.stderr
    records = _lines(result.stdout)
    assert len(records) == 52
    with_b12 = [r for r in records if _b12(r)]
    assert len(with_b12) == 49
    assert all(r["category"] in {"indeterminate", "not_deficient"} for r in with_b12)
    censored = [_b12(r) for r in with_b12 if _b12(r)["comparator"]]  # type: ignore[index]
    assert [(m["comparator"], m["value"], m["band"]) for m in censored] == [
        (">", 2000.0, "high")
    ] * 6
    assert all(r["errors"] == [] for r in records)
    assert records[0]["id"] == "10037928"
    assert "107,727" in result.stderr and "107,649" in result.stderr  # rows read, skipped


def test_mimic3_command_reads_greater_than_in_the_value(cli, shared: Path) -> None:
    path = shared / "data" / "external" / "mimic3-demo" / "LABEVENTS.csv.gz"
    result = cli(
        "batch", str(path), "--layout", "long", "--code", "51010=b12", "--code", "50925=folate",
        "--id", "SUBJECT_ID", "--group", "SUBJECT_ID,CHARTTIME", "--value", "VALUE",
        "--format", "jsonl",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    records = _lines(result.stdout)
    assert len(records) == 39
    b12 = [m for r in records if (m := _b12(r))]
    assert len(b12) == 38
    assert [m["input"] for m in b12 if m["comparator"] == ">"] == ["GREATER THAN 2000"]


def test_bundled_long_example_with_its_local_code(cli, example: Path) -> None:
    result = cli("batch", str(example), "--code", "VB12X=b12", "--quiet")
    assert result.exit_code == 1  # two specimens carry an error, the rest are interpreted
    rows = pl.read_csv(result.stdout.encode(), infer_schema=False)
    assert rows.height == 36
    assert rows.columns[:4] == ["specimen_id", "patient_id", "collected", "b12_result"]
    errors = dict(rows.drop_nulls("error").select("specimen_id", "error").rows())
    assert set(errors) == {"S24-041991", "S24-042080"}
    assert errors["S24-042080"].startswith("b12: 2 different results for one sample")
    assert rows.filter(pl.col("specimen_id") == "S24-041937")["b12_band"].to_list() == ["high"]
    assert result.stderr == ""


def test_stdin_long_export(cli, example: Path) -> None:
    result = cli(
        "batch", "-", "--code", "VB12X=b12", "--format", "jsonl", "--quiet",
        input=example.read_text(),
    )  # fmt: skip
    assert result.exit_code == 1
    assert [r["id"] for r in _lines(result.stdout)][:2] == ["S24-041872", "S24-041878"]


def test_utf16_excel_text_with_decimal_commas(cli, tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("Probe;B12 (pmol/L);MMA (µmol/L)\nA;95;0,45\n".encode("utf-16"))
    result = cli("batch", str(path), "--format", "jsonl", "--quiet")
    assert result.exit_code == 0, result.stderr
    (record,) = _lines(result.stdout)
    values = {m["analyte"]: m["canonical_value"] for m in record["measurements"]}
    assert values["mma"] == pytest.approx(0.45)
    assert values["b12"] == pytest.approx(95 * 1.35537)


def test_code_map_option(cli, tmp_path: Path) -> None:
    codes = tmp_path / "codes.csv"
    codes.write_text("code,analyte\nVB12X,b12\n")
    export = tmp_path / "export.csv"
    export.write_text("specimen,test_code,value,unit\ns1,VB12X,120,ng/L\ns1,XX,1,g\n")
    result = cli("batch", str(export), "--code-map", str(codes), "--format", "jsonl", "-q")
    assert result.exit_code == 0, result.stderr
    assert [_b12(r)["canonical_value"] for r in _lines(result.stdout)] == [120.0]  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "message"),
    [("nope.csv", "nope.csv: no such file"), ("", "is a directory, not a file"),
     ("empty.csv", "empty.csv: the file is empty")],
)  # fmt: skip
def test_unreadable_input_is_one_line_and_exit_2(
    cli, tmp_path: Path, name: str, message: str
) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    result = cli("batch", str(tmp_path / name))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("b12cli: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
