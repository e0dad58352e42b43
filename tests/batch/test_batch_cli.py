"""`b12cli batch` as a user runs it: files in, one row out per row in, summary, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner, Result

from b12cli.cli import app

ENV = {"NO_COLOR": "1", "COLUMNS": "100"}
HEADER = "Sample ID,Age,Sex,Vitamin B12,MMA,Unit,Homocysteine (umol/L),comment\n"
ROWS = [
    "S1,45,F,190 pmol/L,300,nmol/L,,\n",  # B12 257.5 ng/L indeterminate; MMA 0.3 normal
    "S2,70,M,<150 pg/mL,0.62,umol/L,18,on metformin\n",  # censored low B12
    'S3,52,F,hemolysed,,,,=HYPERLINK("x")\n',  # a bad cell and a formula-looking comment
    "S4,33,M,950,,,,-5\n",  # bare number: ng/L assumed; high
]


def run(*args: str, stdin: str | None = None) -> Result:
    """`b12cli batch ARGS...` in-process, stdout and stderr apart."""
    return CliRunner().invoke(app, ["batch", *args], input=stdin, env=ENV)


def write(tmp_path: Path, text: str, name: str = "labs.csv") -> str:
    """A lab export file with this text."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def rows_of(text: str) -> list[dict[str, str]]:
    """CSV text as dicts."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def labs(tmp_path: Path) -> str:
    return write(tmp_path, HEADER + "".join(ROWS))


def test_every_row_comes_out_interpreted_in_order(labs: str) -> None:
    result = run(labs)
    assert result.exit_code == 1  # finished, but one row carries an error
    out = rows_of(result.stdout)
    assert [r["Sample ID"] for r in out] == ["S1", "S2", "S3", "S4"]
    assert [r["category"] for r in out] == [
        "not_deficient",
        "deficient",
        "insufficient_data",
        "not_deficient",
    ]
    assert [r["rules_fired"] for r in out] == [
        "mma-normal",
        "screen-low",
        "no-markers",
        "screen-normal",
    ]


def test_values_are_converted_to_canonical_units_with_their_bands(labs: str) -> None:
    first, second, third, fourth = rows_of(run(labs).stdout)
    assert (first["b12_value"], first["b12_unit"], first["b12_band"]) == (
        "257.52",
        "ng/L",
        "indeterminate",
    )
    assert (first["mma_value"], first["mma_unit"], first["mma_band"]) == ("0.3", "umol/L", "normal")
    assert (second["b12_value"], second["b12_band"]) == ("<150.0", "low")
    assert (fourth["b12_value"], fourth["b12_band"]) == ("950.0", "high")
    assert third["b12_value"] == "" and third["mma_value"] == ""


def test_a_bad_cell_is_an_error_of_its_row_and_the_rest_still_counts(labs: str) -> None:
    out = rows_of(run(labs).stdout)
    assert out[2]["error"] == "Vitamin B12: not a result value: 'hemolysed'"
    assert [r["error"] for r in out if r is not out[2]] == ["", "", ""]


def test_input_columns_are_kept_and_formulas_escaped(labs: str) -> None:
    out = rows_of(run(labs).stdout)
    assert list(out[0])[:8] == HEADER.strip().split(",")
    assert out[2]["comment"] == '\'=HYPERLINK("x")'
    assert out[3]["comment"] == "-5"  # a plain negative number is not a formula
    raw = rows_of(run(labs, "--no-formula-escape").stdout)
    assert raw[2]["comment"] == '=HYPERLINK("x")'


def test_the_summary_goes_to_stderr_and_quiet_silences_it(labs: str) -> None:
    result = run(labs)
    assert "4 rows read, 4 rows out, 1 with errors, 0 skipped" in result.stderr
    assert "deficient" in result.stderr and "nice-ng239" in result.stderr
    assert "b12: 3 values, 1 converted from another unit, 1 censored" in result.stderr
    assert "Sample ID" not in result.stderr
    assert run(labs, "--quiet").stderr == ""


def test_exit_code_is_zero_when_no_row_has_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "id,B12 (ng/L)\nA,250\nB,\n")
    result = run(path, "--quiet")
    assert result.exit_code == 0
    assert [r["category"] for r in rows_of(result.stdout)] == ["indeterminate", "insufficient_data"]


def test_output_columns_never_overwrite_input_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "category,error,B12 (ng/L)\nmine,also mine,100\n")
    row = rows_of(run(path, "--quiet").stdout)[0]
    assert (row["category"], row["error"]) == ("mine", "also mine")
    assert (row["category_b12cli"], row["error_b12cli"]) == ("deficient", "")


def test_several_rulesets_give_suffixed_columns_and_counts_side_by_side(labs: str) -> None:
    result = run(labs, "--rules", "nice-ng239,bsh-2014")
    row = rows_of(result.stdout)[0]
    assert row["category_nice-ng239"] == "not_deficient"
    assert row["category_bsh-2014"] == "functional_deficiency"  # MMA 0.3 > 0.28
    assert row["b12_band_nice-ng239"] == "indeterminate"
    assert row["b12_band_bsh-2014"] == "normal"
    header = next(line for line in result.stderr.splitlines() if line.startswith("category"))
    assert header.split()[1:] == ["nice-ng239", "bsh-2014"]


def test_explain_adds_label_summary_and_next_steps(labs: str) -> None:
    row = rows_of(run(labs, "--explain").stdout)[1]
    assert row["label"] == "Deficiency confirmed"
    assert row["summary"].startswith("Total or active B12 is below")
    assert "Consider looking for a cause" in row["next_steps"]


def test_jsonl_lines_are_interpret_json_plus_row_and_id(labs: str) -> None:
    result = run(labs, "--format", "jsonl", "--quiet")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["row"], r["id"]) for r in lines] == [(1, "S1"), (2, "S2"), (3, "S3"), (4, "S4")]
    single = CliRunner().invoke(
        app,
        ["interpret", "--b12", "190 pmol/L", "--mma", "300 nmol/L", "--age", "45", "--sex",
         "female", "--format", "json"],
        env=ENV,
    )  # fmt: skip
    expected = json.loads(single.stdout)
    got = lines[0]
    assert set(got) == {"row", "id", *expected}
    assert got["category"] == expected["category"]
    assert got["rules_fired"][0]["id"] == expected["rules_fired"][0]["id"]
    assert got["caveats"] == expected["caveats"]
    assert got["next_steps"] == expected["next_steps"]
    assert got["context"] == expected["context"]
    assert [m["canonical_value"] for m in got["measurements"]] == [
        m["canonical_value"] for m in expected["measurements"]
    ]
    assert lines[2]["errors"] == [
        {"analyte": "b12", "column": "Vitamin B12", "message": "not a result value: 'hemolysed'"}
    ]


def test_json_is_one_array_and_the_format_follows_the_extension(labs: str, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    assert run(labs, "-o", str(out), "--quiet").exit_code == 1
    body = json.loads(out.read_text(encoding="utf-8"))
    assert [r["row"] for r in body] == [1, 2, 3, 4]


def test_parquet_holds_the_same_table_as_csv(labs: str, tmp_path: Path) -> None:
    run(labs, "-o", str(tmp_path / "out.parquet"), "--quiet")
    run(labs, "-o", str(tmp_path / "out.csv"), "--quiet", "--no-formula-escape")
    parquet = pl.read_parquet(tmp_path / "out.parquet")
    as_csv = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    assert parquet.columns == as_csv.columns
    assert parquet.get_column("category").to_list() == as_csv.get_column("category").to_list()
    assert parquet.get_column("b12_value").to_list() == as_csv.get_column("b12_value").to_list()


def test_output_file_replaces_the_old_one_only_when_finished(labs: str, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("previous results\n", encoding="utf-8")
    result = run(labs, "-o", str(out), "--rules", "no-such-ruleset")
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert run(labs, "-o", str(out), "--quiet").exit_code == 1
    assert len(rows_of(out.read_text(encoding="utf-8"))) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labs.csv", "out.csv"]


def test_an_interrupted_run_leaves_no_partial_file(
    labs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from b12cli.batch import pipeline

    def interrupted(*args: object, **kwargs: object) -> pl.DataFrame:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline.Engine, "decide", interrupted)
    out = tmp_path / "out.csv"
    result = run(labs, "-o", str(out))
    assert result.exit_code == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labs.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--column", "b12=Nope"],
            r"--column b12=Nope: no such column; the columns are 'Sample ID'",
        ),
        (["--column", "zinc=MMA"], r"unknown analyte or context 'zinc'"),
        (["--unit", "b12=furlongs"], r"--unit b12=furlongs: b12: unknown unit 'furlongs'"),
        (["--rules", "nope"], r"unknown ruleset 'nope'"),
        (["--id", "Nope"], r"--id Nope: no such column; the columns are 'Sample ID'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(labs: str, args: list[str], message: str) -> None:
    result = run(labs, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("b12cli: error: ")
    assert re.search(message, result.stderr), result.stderr


def test_two_candidate_columns_ask_for_column(tmp_path: Path) -> None:
    path = write(tmp_path, "B12 (pg/mL),Vitamin B12\n200,300\n")
    result = run(path)
    assert result.exit_code == 2
    assert "columns 'B12 (pg/mL)' and 'Vitamin B12' could each be b12" in result.stderr
    assert "--column b12=HEADER" in result.stderr
    chosen = run(path, "--column", "b12=Vitamin B12", "--quiet")
    assert rows_of(chosen.stdout)[0]["b12_value"] == "300.0"


def test_stdin_is_read_with_a_dash() -> None:
    result = run("-", "--quiet", stdin="id,B12 (ng/L)\nA,100\n")
    assert rows_of(result.stdout)[0]["category"] == "deficient"


def test_file_and_example_are_exclusive(labs: str) -> None:
    assert run(labs, "--example").exit_code == 2
    assert run().exit_code == 2


def test_decimal_commas_in_a_semicolon_file_stay_in_their_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "id;B12 (ng/L);MMA (umol/L)\nA;150;0,62\nB;400;0,20\n")
    rows = rows_of(run(path, "--quiet").stdout)
    assert [(r["MMA (umol/L)"], r["mma_value"], r["mma_band"]) for r in rows] == [
        ("0,62", "0.62", "high"),
        ("0,20", "0.2", "normal"),
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_cells_needing_quotes_are_quoted_in_whichever_chunk_they_fall(
    tmp_path: Path, newline: str
) -> None:
    # About 4 MB: several chunks, most of them plain. A quoted comma, a quote and a bare CR
    # fall in different chunks; every id must come back exactly as it went in.
    ids = [f"P{i:07d}" for i in range(150_000)]
    ids[70_000], ids[100_000], ids[140_000] = "Smith, J", 'say "hi"', "A\rB"
    quoted = {70_000: '"Smith, J"', 100_000: '"say ""hi"""'}
    lines = [f"{quoted.get(i, ident)},{200 + i % 700}" for i, ident in enumerate(ids)]
    path = tmp_path / "many.csv"
    path.write_bytes(newline.join(["id,b12", *lines, ""]).encode())
    result = run(str(path), "--quiet")
    assert result.exit_code == 0, result.stderr
    out = rows_of(result.stdout)
    assert [r["id"] for r in out] == ids
    assert out[1]["b12_value"] == "201.0"
