"""Inputs that cannot be read give one clear UsageError; a header-only file gives zero rows."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from b12cli.batch.readers import open_table
from b12cli.batch.row_notes import NUL_ROW
from b12cli.batch.table import InputSpec
from b12cli.errors import UsageError


def _fails(read, path: Path | str, message: str, **options) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        read(path, **options)
    assert "\n" not in str(caught.value)


def test_missing_file(read, tmp_path: Path) -> None:
    _fails(read, tmp_path / "nope.csv", r"nope.csv: no such file")


def test_directory(read, tmp_path: Path) -> None:
    _fails(read, tmp_path, r"is a directory, not a file")


def test_unreadable_file(read, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.csv"
    path.write_text("id,b12\n1,180\n")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:  # chmod 0 would not stop root, so refuse as the OS would
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    _fails(read, path, r"locked.csv: cannot read it: Permission denied")


def test_empty_file(read, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    _fails(read, path, r"empty.csv: the file is empty")


def test_blank_file(read, tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n  \n")
    _fails(read, path, r"blank.csv: the file is empty")


def test_empty_gzip(read, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv.gz"
    path.write_bytes(gzip.compress(b""))
    _fails(read, path, r"empty.csv.gz: the file is empty")


def test_header_only_gives_zero_rows(read, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("id,b12,mma\n")
    table, rows = read(path)
    assert table.columns == ["id", "b12", "mma"]
    assert rows.height == 0


def test_header_only_long_layout_gives_zero_rows(read, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("specimen_id,test_code,value,unit\n")
    table, rows = read(path, layout="long")
    assert rows.height == 0
    assert table.skipped_rows == 0
    assert table.columns[0] == "specimen_id"


def test_binary_garbage(read, tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes((i * 7919 + i // 3) % 256 for i in range(5000)))
    _fails(read, path, r"garbage.csv: binary data, not a text table")


def test_a_nul_byte_deep_in_a_file_makes_only_its_row_unusable(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"id,b12\n" + b"1,180\n" * 20_000 + b"2,\x00\x00\n3,200\n")
    table = open_table(InputSpec(path=str(path), chunk_rows=7_000))
    unusable = {}
    heights = []
    for chunk in table.chunks:  # the engine takes a chunk's row errors as it reads the chunk
        heights.append(chunk.height)
        unusable |= table.row_errors
    assert sum(heights) == 20_002
    assert unusable == {20_001: NUL_ROW}


def test_a_nul_byte_in_the_header_names_its_line(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"id,b1\x002\n1,180\n")
    _fails(read, path, r"export.csv: line 1: a NUL byte in the header")


def test_excel_workbook_is_named(read, tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    _fails(read, path, r"an Excel workbook \(.xlsx\); export the sheet as CSV")


def test_damaged_gzip(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv.gz"
    packed = gzip.compress(b"id,b12\n" + b"".join(b"%d,%d\n" % (i, i % 997) for i in range(50_000)))
    path.write_bytes(packed[: len(packed) // 2])
    _fails(read, path, r"export.csv.gz: damaged or unreadable data")


def test_stdin_from_a_terminal_is_refused(read, monkeypatch) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    _fails(read, "-", r"no input: give a FILE, or pipe data into '-'")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"decimal": ";"}, r"--decimal must be '.' or ','"),
        ({"layout": "tall"}, r"--layout must be 'wide' or 'long'"),
        ({"input_format": "xlsx"}, r"unknown input format 'xlsx'"),
    ],
)
def test_bad_options(read, tmp_path: Path, options: dict[str, str], message: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id,b12\n1,180\n")
    _fails(read, path, message, **options)
