"""The chunked delimited reader: byte-range chunks never split a record, whatever it holds."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12cli.batch import byte_ranges, csv_chunks
from b12cli.batch.csv_chunks import read_delimited, record_end
from b12cli.errors import UsageError

CELL = st.text(alphabet=st.sampled_from(list('ab,;"\n\r 1.<')), max_size=8)


def read_all(
    path: Path, delimiter: str = ",", chunk_rows: int = 3
) -> tuple[list[str], list[tuple]]:
    """Columns and every row the reader gives."""
    table = read_delimited(str(path), delimiter, chunk_rows)
    frames = list(table.chunks)
    assert all(f.columns == table.columns for f in frames)
    return table.columns, [row for f in frames for row in f.rows()]


@pytest.fixture
def tiny_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few bytes, so every record and every quoted newline straddles a cut."""
    monkeypatch.setattr(csv_chunks, "MIN_BLOCK", 7)
    monkeypatch.setattr(csv_chunks, "MAX_BLOCK", 7)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=12))
def test_chunks_read_what_the_csv_module_reads(
    rows: list[list[str]], tiny_blocks: None, tmp_path: Path
) -> None:
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(["a", "b", "c"])
        writer.writerows(rows)
    expected = [tuple(c or None for c in row) for row in rows]
    columns, got = read_all(path)
    assert columns == ["a", "b", "c"]
    assert got == expected


def test_quoted_newlines_blank_lines_and_bom(tiny_blocks: None, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b'\xef\xbb\xbfid,note\n\n1,"two\n\nlines"\r\n\r\n2,plain\n\n')
    assert read_all(path) == (["id", "note"], [("1", "two\n\nlines"), ("2", "plain")])


def test_a_stray_quote_is_read_as_spreadsheets_do(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,size\n1,5"\n2,"6"\n3,7\n', encoding="utf-8")
    assert read_all(path)[1] == [("1", '5"'), ("2", "6"), ("3", "7")]


def test_rows_with_too_many_cells_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,b12\n1,260,31\n2,300\n3,150,\n", encoding="utf-8")
    table = read_delimited(str(path), ",", 10)
    rows = [r for f in table.chunks for r in f.rows()]
    assert rows == [("1", "260"), ("2", "300"), ("3", "150")]
    assert list(table.row_errors) == [1]  # a trailing empty cell is not an extra cell
    assert "more cells than the 2 columns of the header" in table.row_errors[1]


def test_repeated_and_blank_headers_get_unique_names(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("note,note,,B12\nx,y,z,1\n", encoding="utf-8")
    assert read_all(path)[0] == ["note", "note_2", "column_3", "B12"]


def test_header_only_and_empty_files(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,B12\n", encoding="utf-8")
    assert read_all(path) == (["id", "B12"], [])
    path.write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="empty file"):
        read_delimited(str(path), ",", 10)


def test_record_end_ignores_newlines_inside_quotes() -> None:
    assert record_end(b'a,"x\ny"\nb,') == 8
    assert record_end(b'a,"x\ny') == 0
    assert record_end(b"a\nb\nc") == 4


def test_many_chunks_keep_every_row_in_order(tmp_path: Path, tiny_blocks: None) -> None:
    path = tmp_path / "t.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(500)), encoding="utf-8")
    table = read_delimited(str(path), ",", 50)
    frame = pl.concat(list(table.chunks))
    assert frame.get_column("n").to_list() == [str(i) for i in range(500)]


def test_semicolon_files_are_read_with_their_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id;B12\n1;"1;2"\n', encoding="utf-8")
    assert read_all(path, ";")[1] == [("1", "1;2")]


def test_plain_files_never_need_the_careful_path(
    tmp_path: Path, tiny_blocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object) -> None:
        raise AssertionError("polars refused a well-formed file")

    monkeypatch.setattr(csv_chunks, "python_chunks", refused)
    path = tmp_path / "t.csv"
    path.write_text(
        'id,b12,note\n1,200,"a, b"\n2,300\n3,150,x,extra\n4,,"q\nr"\n', encoding="utf-8"
    )
    table = read_delimited(str(path), ",", 10)
    rows = [r for f in table.chunks for r in f.rows()]
    assert rows == [
        ("1", "200", "a, b"),
        ("2", "300", None),
        ("3", "150", "x"),
        ("4", None, "q\nr"),
    ]
    assert list(table.row_errors) == [3]


def test_an_unclosed_quote_swallows_only_its_own_line(tmp_path: Path, tiny_blocks: None) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,b12,note\n1,150,"ok, fine"\n2,"300\n3,400,x\n4,500,y\n', encoding="utf-8")
    table = read_delimited(str(path), ",", 10)
    rows = [r for f in table.chunks for r in f.rows()]
    assert rows == [
        ("1", "150", "ok, fine"),
        ("2", '"300', None),
        ("3", "400", "x"),
        ("4", "500", "y"),
    ]
    assert list(table.row_errors) == [2]
    assert "never closed" in table.row_errors[2]


def test_a_quote_still_open_past_the_limit_is_cut_off_there(
    tmp_path: Path, tiny_blocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A quote opened in row 2 and never closed, in a file far longer than the limit: the
    # reader must not hold the rest of the file (it reads at most about the limit at once),
    # and every later row still comes out as it is.
    monkeypatch.setattr(byte_ranges, "UNCLOSED_LIMIT", 64)
    later = [(str(i), str(100 + i), "x") for i in range(3, 200)]
    text = 'id,b12,note\n1,150,"ok, fine"\n2,"300\n' + "".join(",".join(r) + "\n" for r in later)
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    table = read_delimited(str(path), ",", 10)
    frames = list(table.chunks)
    rows = [r for f in frames for r in f.rows()]
    assert rows == [("1", "150", "ok, fine"), ("2", '"300', None), *later]
    assert list(table.row_errors) == [2]
    assert "never closed" in table.row_errors[2]
    assert max(f.height for f in frames) <= 10  # chunks of the limit's size, not the rest


def test_bytes_that_are_not_utf8_make_their_row_unusable(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,b12\nJ\xc3\xa9r\xc3\xb4me,150\nJ\xe9r\xf4me,420\nS3,260\n")
    table = read_delimited(str(path), ",", 10)
    rows = [r for f in table.chunks for r in f.rows()]
    assert [r[1] for r in rows] == ["150", "420", "260"]
    assert list(table.row_errors) == [2]
    assert "not UTF-8" in table.row_errors[2]
