"""Encodings of real exports: UTF-8 with or without BOM, UTF-16 with BOM, cp1252 and latin-1."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest

from b12cli.batch.row_notes import ERROR, RECODED_ROW
from b12cli.errors import UsageError

TEXT = "Patient\tMMA (µmol/L)\tNote\nRenée\t0,35\tcafé €5\n"


def _rows(read, path: Path, **options) -> list[tuple[str | None, ...]]:
    table, rows = read(path, **options)
    return [tuple(table.columns), *rows.rows()]


EXPECTED = [("Patient", "MMA (µmol/L)", "Note"), ("Renée", "0,35", "café €5")]


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with a BOM, as Excel's "Unicode text" writes it
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM: the NUL pattern gives it away
        TEXT.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "cp1252"],
)
def test_every_common_encoding_reads_the_same(read, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(data)
    assert _rows(read, path) == EXPECTED


def test_latin1_bytes_undefined_in_cp1252_still_read(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"name,b12\nM\xfcller\x81,180\n")
    assert _rows(read, path) == [("name", "b12"), ("Müller\x81", "180")]


def test_non_utf8_late_in_a_large_file_is_still_found(read, tmp_path: Path) -> None:
    body = "".join(f"{i},200\n" for i in range(150_000))  # beyond the first read blocks
    path = tmp_path / "export.csv"
    path.write_bytes(f"id,b12\n{body}last,\xb5\n".encode("latin-1"))
    _, rows = read(path)
    assert rows.row(-1) == ("last", "µ")
    assert rows.height == 150_001


def test_utf8_with_a_stray_byte_stays_utf8_and_its_row_says_so(read, tmp_path: Path) -> None:
    # Reading it all as cp1252 would garble the µ of the UTF-8 lines; the stray line is read
    # as cp1252 (its ± kept, not replaced) and its row carries an error.
    path = tmp_path / "export.csv"
    path.write_bytes("unit,b12\nµmol/L,180\n".encode() + b"pg/ml,\xb1200\nng/L,150\n")
    table, rows = read(path)
    assert table.columns == ["unit", "b12", ERROR]
    assert [row[:2] for row in rows.rows()] == [
        ("µmol/L", "180"),
        ("pg/ml", "±200"),
        ("ng/L", "150"),
    ]
    assert [row[2] for row in rows.rows()] == [None, RECODED_ROW, None]


def test_given_encoding_wins(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("note,b12\n€,180\n".encode("cp1252"))
    assert _rows(read, path, encoding="latin-1")[1] == ("\x80", "180")
    assert _rows(read, path, encoding="cp1252")[1] == ("€", "180")


def test_forced_utf8_on_other_bytes_names_the_line(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"id,b12\n1,180\n2,\xb5\n")
    with pytest.raises(UsageError, match=r"export.csv: line 3: bytes that are not valid utf-8"):
        read(path, encoding="utf-8")


def test_forced_encoding_that_cannot_decode_names_the_line(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"id,b12\n1,\x81\n")
    with pytest.raises(UsageError, match=r"line 2: bytes that are not valid cp1252"):
        read(path, encoding="windows-1252")


def test_unknown_encoding_name_is_a_usage_error(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id,b12\n1,180\n")
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        read(path, encoding="klingon")


def test_gzipped_cp1252_is_decompressed_and_transcoded(read, tmp_path: Path) -> None:
    path = tmp_path / "export.tsv.gz"
    path.write_bytes(gzip.compress(TEXT.encode("cp1252")))
    assert _rows(read, path) == EXPECTED


def test_old_mac_line_ends_are_read_as_lines(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"id,b12\r1,180\r2,200\r")
    assert _rows(read, path) == [("id", "b12"), ("1", "180"), ("2", "200")]


def test_windows_line_ends_leave_no_carriage_returns(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"id,b12\r\n1,180\r\n")
    assert _rows(read, path) == [("id", "b12"), ("1", "180")]


def test_transcoded_copies_are_removed_after_reading(read, tmp_path: Path, temp_dir) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(TEXT.encode("utf-16"))
    assert _rows(read, path) == EXPECTED
    assert list(temp_dir.iterdir()) == []


def test_copies_are_removed_when_reading_stops_early(tmp_path: Path, temp_dir) -> None:
    from b12cli.batch.readers import open_table
    from b12cli.batch.table import InputSpec

    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(b"id\n" + b"1\n" * 10))
    chunks = open_table(InputSpec(path=str(path))).chunks
    next(chunks)
    assert len(list(temp_dir.iterdir())) == 1
    chunks.close()  # type: ignore[attr-defined]
    assert list(temp_dir.iterdir()) == []
