"""Broken and hostile lab files: refused with one clear line, or every row out, good ones intact."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
from badcorpus import BAD, ENV, expect_one_line_error, manifest, run_cli
from typer.testing import CliRunner, Result

from b12cli.cli import app

CASES = manifest("lab")
runner = CliRunner()


def batch(*args: str, stdin: bytes | None = None) -> Result:
    """`b12cli batch ARGS...` in-process."""
    return runner.invoke(app, ["batch", *args], input=stdin, env=ENV)


def read_csv(path: Path) -> list[dict[str, str]]:
    """The output CSV as dicts (the file must exist and have a header)."""
    csv.field_size_limit(1 << 26)  # the 2 MB cell; the default limit is 128 KiB
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for i, row in enumerate(rows):  # DictReader files surplus cells under None
        assert None not in row and None not in row.values(), f"output row {i} is misaligned"
    return rows


def check_rows(rows: list[dict[str, str]], case: dict[str, Any]) -> None:
    """Row count, which rows carry errors (naming their column), and chosen cells."""
    assert len(rows) == case["rows"]
    with_error = [i for i, row in enumerate(rows) if row["error"]]
    assert with_error == case.get("error_rows", []), [r["error"] for r in rows]
    for i, row in enumerate(rows):
        if i not in with_error:
            assert row["category"], f"row {i} has neither a category nor an error"
    for i, column, text in case.get("cells", []):
        assert rows[i][column] == text, (i, column)


def check_refused(result: Result, case: dict[str, Any], path: str, out: Path) -> None:
    """Exit 2, one line naming the file, nothing on stdout and no output file."""
    assert result.stdout == ""
    expect_one_line_error(result.stderr, case["message"], path)
    assert not out.exists()


@pytest.mark.parametrize("case", CASES, ids=[Path(c["file"]).stem for c in CASES])
def test_bad_lab_file(case: dict[str, Any], tmp_path: Path) -> None:
    path, out = str(BAD / case["file"]), tmp_path / "out.csv"
    result = batch(path, "-o", str(out), "--quiet", *case.get("args", []))
    assert result.exit_code == case["exit"], result.stderr
    if case["exit"] == 2:
        check_refused(result, case, path, out)
        return
    assert result.stderr == ""
    check_rows(read_csv(out), case)


def test_every_lab_file_has_a_case() -> None:
    listed = {Path(c["file"]).name for c in CASES}
    assert {p.name for p in (BAD / "lab").iterdir()} == listed


def test_row_errors_in_jsonl_name_the_row_and_the_column() -> None:
    result = batch(str(BAD / "lab/special-values.csv"), "--format", "jsonl", "--quiet")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["row"] for r in records] == list(range(1, 11))
    bad = [r for r in records if r["errors"]]
    assert [r["id"] for r in bad] == ["S002", "S003", "S004", "S005", "S006"]
    assert all(e["column"] == "B12 (ng/L)" for r in bad for e in r["errors"])


def write_nul_cell(path: Path) -> None:
    path.write_bytes(b"sample_id,B12 (ng/L)\nS001,15\x000\nS002,300\nS003,420\n")


def write_random_binary(path: Path) -> None:
    path.write_bytes(random.Random(5).randbytes(4096))  # noqa: S311 - test data, not a key


def write_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")


GENERATED = {
    "nul-byte-in-cell": (write_nul_cell, {"exit": 1, "rows": 3, "error_rows": [0]}),
    "random-binary": (write_random_binary, {"exit": 2, "message": "{file}: binary data"}),
    "excel-workbook": (write_workbook, {"exit": 2, "message": "{file}: .*workbook.*CSV"}),
    "directory": (Path.mkdir, {"exit": 2, "message": "{file}: is a directory"}),
    "missing": (lambda p: None, {"exit": 2, "message": "{file}: no such file"}),
}


@pytest.mark.parametrize("name", GENERATED)
def test_generated_bad_input(name: str, tmp_path: Path) -> None:
    make, case = GENERATED[name]
    path, out = tmp_path / "input.csv", tmp_path / "out.csv"
    make(path)
    result = batch(str(path), "-o", str(out), "--quiet")
    assert result.exit_code == case["exit"], result.stderr
    if case["exit"] == 2:
        check_refused(result, case, str(path), out)
    else:
        check_rows(read_csv(out), case)


def test_a_2_mb_cell_is_kept_whole_in_bounded_time_and_memory(tmp_path: Path) -> None:
    big = "x" * 2_000_000
    source = tmp_path / "wide-cell.csv"
    source.write_text(f'id,B12 (ng/L),note\n1,150,{big}\n2,300,ok\n3,420,"{big}"\n')
    run = run_cli(["batch", str(source), "-o", "out.csv", "--quiet"], tmp_path, timeout=60)
    assert run.code == 0, run.stderr
    rows = read_csv(tmp_path / "out.csv")
    assert [len(r["note"]) for r in rows] == [2_000_000, 2, 2_000_000]
    assert [r["b12_band"] for r in rows] == ["low", "indeterminate", "normal"]
    assert run.seconds < 20
    assert run.peak_mib < 600, f"{run.peak_mib:.0f} MiB for a 4 MB file"


def test_an_output_directory_that_does_not_exist(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "out.csv"
    result = batch(str(BAD / "lab/bom-crlf.csv"), "-o", str(out), "--quiet")
    assert result.exit_code == 2
    expect_one_line_error(result.stderr, "-o {file}: .*does not exist", str(out))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_a_read_only_output_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = batch(str(BAD / "lab/bom-crlf.csv"), "-o", str(locked / "out.csv"), "--quiet")
    assert result.exit_code == 2
    expect_one_line_error(result.stderr, "-o .*out\\.csv: cannot write there")
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_an_output_location_nobody_can_write() -> None:
    # /proc refuses new files even to root: the read-only case that holds in any CI.
    result = batch(str(BAD / "lab/bom-crlf.csv"), "-o", "/proc/self/out.csv", "--quiet")
    assert result.exit_code == 2
    expect_one_line_error(result.stderr, "-o /proc/self/out\\.csv: cannot write there")


def test_stdin_closed_before_any_data() -> None:
    result = batch("-", "--quiet", stdin=b"")
    assert result.exit_code == 2
    expect_one_line_error(result.stderr, "standard input: .*empty")


def test_stdin_closed_in_the_middle_of_the_last_row() -> None:
    result = batch("-", "--quiet", stdin=b"id,B12 (ng/L)\nS1,150\nS2,42")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["b12_value"]) for r in rows] == [("S1", "150.0"), ("S2", "42.0")]


@pytest.mark.parametrize(
    "text",
    [
        'sample_id,B12 (ng/L),comment\nS1,150,ok\nS2,300,"he said ""hi\nS3,400,fine\nS4,500,x\n',
        'sample_id,B12 (ng/L)\nS1,150\nS2,"300\nS3,400\nS4,500\n',
    ],
    ids=["in-a-comment", "in-a-result"],
)
def test_an_unclosed_quote_never_swallows_the_rows_after_it(tmp_path: Path, text: str) -> None:
    # Refusing the file (naming the line) or flagging the row both keep every row accounted
    # for; reading S3 and S4 into S2's cell and reporting success does not.
    source, out = tmp_path / "lab.csv", tmp_path / "out.csv"
    source.write_text(text)
    result = batch(str(source), "-o", str(out), "--quiet")
    if result.exit_code == 2:
        expect_one_line_error(result.stderr, "{file}: line 3: .*quot", str(source))
        return
    rows = read_csv(out)
    assert [r["sample_id"] for r in rows] == ["S1", "S2", "S3", "S4"]
    assert [bool(r["error"]) for r in rows] == [False, True, False, False]
    assert result.exit_code == 1


def test_a_json_lines_record_with_a_repeated_key_is_not_guessed(tmp_path: Path) -> None:
    # {"b12": 150, "b12": 999}: json.loads keeps the last; deficient vs not deficient.
    source, out = tmp_path / "lab.jsonl", tmp_path / "out.csv"
    source.write_text('{"id": "a", "b12": 150}\n{"id": "b", "b12": 150, "b12": 999}\n')
    result = batch(str(source), "-o", str(out), "--quiet")
    if result.exit_code == 2:
        expect_one_line_error(result.stderr, "{file}: line 2: .*b12", str(source))
        return
    rows = read_csv(out)
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[1]["error"] and "b12" in rows[1]["error"]
    assert result.exit_code == 1


def test_a_file_larger_than_one_polars_morsel_keeps_every_row(tmp_path: Path) -> None:
    # 20,000 rows: more than polars' 16,384-row unit, where a literal filter once broke.
    source, out = tmp_path / "lab.csv", tmp_path / "out.csv"
    lines = ["sample_id,B12 (ng/L),MMA (umol/L)"]
    lines += [f"S{i},{100 + i % 900},{(i % 97) / 100:.2f}" for i in range(20_000)]
    source.write_text("\n".join(lines) + "\n")
    result = batch(str(source), "-o", str(out), "--quiet")
    assert result.exit_code == 0, result.stderr
    rows = read_csv(out)
    assert [r["sample_id"] for r in rows] == [f"S{i}" for i in range(20_000)]
    assert all(r["category"] for r in rows)


def test_bytes_that_are_not_utf8_are_never_replaced_silently(tmp_path: Path) -> None:
    # UTF-8 'é' on one line, a latin-1 'ô' on the next (two exports pasted together): the
    # 'ô' must not become U+FFFD in an output that reports success.
    source, out = tmp_path / "lab.csv", tmp_path / "out.csv"
    utf8, latin1 = "Jérôme".encode(), "Jérôme".encode("latin-1")
    source.write_bytes(b"sample_id,B12 (ng/L)\n" + utf8 + b",150\n" + latin1 + b",420\nS3,260\n")
    result = batch(str(source), "-o", str(out), "--quiet")
    if result.exit_code == 2:
        pattern = "{file}: line 3: .*(UTF-8|utf-8|encoding)"
        expect_one_line_error(result.stderr, pattern, str(source))
        return
    rows = read_csv(out)
    assert len(rows) == 3
    flagged = [bool(r["error"]) for r in rows]
    assert "\ufffd" not in rows[1]["sample_id"] or flagged == [False, True, False]
    assert result.exit_code == (1 if any(flagged) else 0)
