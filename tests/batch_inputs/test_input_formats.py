"""Input formats: delimited text (sniffed delimiter and decimal mark), gzip, Parquet, JSON Lines."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import polars as pl
import pytest

from b12cli.errors import UsageError

WIDE = "id,B12 (ng/L),MMA\n1,180,0.35\n2,<150,0.52\n"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed(read, tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "export.txt"
    path.write_text(WIDE.replace(",", delimiter))
    table, rows = read(path)
    assert table.columns == ["id", "B12 (ng/L)", "MMA"]
    assert rows["B12 (ng/L)"].to_list() == ["180", "<150"]


def test_quoted_cells_keep_delimiters_and_newlines(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('id,b12,note\n1,"1,250","seen, then\nrepeated"\n2,300,ok\n')
    _, rows = read(path)
    assert rows.rows() == [("1", "1,250", "seen, then\nrepeated"), ("2", "300", "ok")]


def test_given_delimiter_wins_over_the_sniffed_one(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id;b12\n1;1,5\n2;2,5\n")
    assert read(path)[0].columns == ["id", "b12"]
    assert read(path, delimiter=",")[0].columns == ["id;b12"]
    assert read(path, delimiter="tab")[0].columns == ["id;b12"]


def test_bad_delimiter_option_is_a_usage_error(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(WIDE)
    with pytest.raises(UsageError, match="--delimiter must be one character"):
        read(path, delimiter=";;")


def test_semicolon_files_read_decimal_commas(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id;b12;mma\n1;180;0,35\n2;1.250;0,52\n")
    table, rows = read(path)
    assert table.decimal == ","
    assert rows["mma"].to_list() == ["0,35", "0,52"]


def test_semicolon_files_with_dot_decimals_say_so(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id;b12;mma\n1;180;0.35\n2;250;0.52\n")
    assert read(path)[0].decimal == "."


def test_comma_files_leave_the_decimal_mark_to_each_cell(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(WIDE)
    assert read(path)[0].decimal is None
    assert read(path, decimal=",")[0].decimal == ","


def test_gzip_reads_like_the_plain_file(read, tmp_path: Path) -> None:
    plain, packed = tmp_path / "export.csv", tmp_path / "export.csv.gz"
    plain.write_text(WIDE)
    packed.write_bytes(gzip.compress(WIDE.encode()))
    assert read(packed)[1].equals(read(plain)[1])


def test_gzip_is_recognised_by_content_whatever_the_name(read, tmp_path: Path) -> None:
    path = tmp_path / "export.dat"
    path.write_bytes(gzip.compress(WIDE.encode()))
    assert read(path)[1]["id"].to_list() == ["1", "2"]


def test_parquet_cells_come_back_as_text_in_column_order(read, tmp_path: Path) -> None:
    path = tmp_path / "export.parquet"
    frame = pl.DataFrame(
        {"seqn": [1, 2, 3], "b12": [180.5, None, 2000.0], "ok": [True, False, None]}
    )
    frame.write_parquet(path)
    table, rows = read(path)
    assert table.columns == ["seqn", "b12", "ok"]
    assert rows.rows() == [("1", "180.5", "true"), ("2", None, "false"), ("3", "2000.0", None)]


def test_parquet_is_read_in_chunks(read, tmp_path: Path, collect) -> None:
    from b12cli.batch.readers import open_table
    from b12cli.batch.table import InputSpec

    path = tmp_path / "export.pq"
    pl.DataFrame({"b12": [str(v) for v in range(5)]}).write_parquet(path, row_group_size=2)
    chunks = list(open_table(InputSpec(path=str(path), chunk_rows=2)).chunks)
    assert [c.height for c in chunks] == [2, 2, 1]


def test_parquet_with_nested_cells_is_refused(read, tmp_path: Path) -> None:
    path = tmp_path / "export.parquet"
    pl.DataFrame({"id": [1], "results": [[180, 200]]}).write_parquet(path)
    with pytest.raises(UsageError, match="column 'results' holds nested data"):
        read(path)


def test_a_broken_parquet_file_is_a_usage_error(read, tmp_path: Path) -> None:
    path = tmp_path / "export.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    with pytest.raises(UsageError, match="not a readable Parquet file"):
        read(path)


def test_jsonl_keys_become_columns_in_order_of_first_appearance(read, tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(
        '{"id": "a", "b12": 180}\n\n'
        '{"id": "b", "b12": "180 ng/L", "mma": 0.10, "pregnant": true}\n'
        '{"id": "c", "b12": null, "extra": {"x": [1, 2.50]}, "mma": 0.10}\n'
    )
    table, rows = read(path)
    assert table.columns == ["id", "b12", "mma", "pregnant", "extra"]
    assert rows.rows() == [
        ("a", "180", None, None, None),
        ("b", "180 ng/L", "0.10", "true", None),
        ("c", None, "0.10", None, '{"x":[1,2.5]}'),
    ]


def test_jsonl_line_that_is_not_json_names_its_line(read, tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('{"b12": 180}\n{"b12": 200,\n')
    with pytest.raises(UsageError, match=r"records.jsonl: line 2: not valid JSON"):
        read(path)


def test_jsonl_array_is_explained(read, tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text('[{"b12": 180}]\n')
    with pytest.raises(UsageError, match="a JSON array; batch reads JSON Lines"):
        read(path)


def test_jsonl_format_option_overrides_the_name(read, tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_text('{"b12": 180}\n')
    assert read(path, input_format="jsonl")[0].columns == ["b12"]


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_csv_is_spooled_and_the_spool_removed(read, monkeypatch, temp_dir: Path) -> None:
    _stdin(monkeypatch, WIDE.encode())
    _, rows = read("-")
    assert rows["id"].to_list() == ["1", "2"]
    assert list(temp_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("data", "columns"),
    [
        (b'{"b12": 180, "id": 1}\n', ["b12", "id"]),
        (gzip.compress(WIDE.encode()), ["id", "B12 (ng/L)", "MMA"]),
    ],
)
def test_stdin_format_is_sniffed(read, monkeypatch, data: bytes, columns: list[str]) -> None:
    _stdin(monkeypatch, data)
    assert read("-")[0].columns == columns


def test_stdin_parquet_is_sniffed(read, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "export.parquet"
    pl.DataFrame({"b12": ["180"]}).write_parquet(path)
    _stdin(monkeypatch, path.read_bytes())
    assert read("-")[1].rows() == [("180",)]
