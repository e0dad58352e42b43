"""Damaged and mixed text: binary refused, a NUL or foreign bytes told in the rows holding them.

A file is refused as binary only when it is not text overall; a NUL byte in a text table makes
its row unusable (the row says so); lines that are not UTF-8 in a UTF-8 file are read as
cp1252 and their rows carry an error; a repeated JSON key empties that cell and says so.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from b12cli.batch.csv_chunks import UNCLOSED
from b12cli.batch.encodings import MAX_CONTROLS
from b12cli.batch.readers import open_table
from b12cli.batch.row_notes import ERROR, NUL_ROW, RECODED_ROW
from b12cli.batch.table import InputSpec, Table
from b12cli.errors import UsageError

UTF8_NAME, LATIN1_NAME = "Jérôme".encode(), "Jérôme".encode("latin-1")


def _write(tmp_path: Path, data: bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _drain(path: Path, **options: Any) -> tuple[Table, list[dict[str, Any]], dict[int, str]]:
    """(table, every row as a dict, the rows the reader said were unusable)."""
    table = open_table(InputSpec(path=str(path), **options))
    rows: list[dict[str, Any]] = []
    unusable: dict[int, str] = {}
    for chunk in table.chunks:  # the engine takes a chunk's row errors as it reads the chunk
        assert chunk.columns == table.columns
        rows += chunk.to_dicts()
        unusable |= table.row_errors
    return table, rows, unusable


def _errors(rows: list[dict[str, Any]]) -> list[str | None]:
    return [row.get(ERROR) for row in rows]


# ---- binary or text ----------------------------------------------------------------------


def _zip(tmp_path: Path) -> bytes:
    path = tmp_path / "book.zip"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
    return path.read_bytes()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda _: random.Random(1).randbytes(3000), "binary data, not a text table"),  # noqa: S311
        # Too few bytes for the share of control bytes to tell; not UTF-8 nor mostly ASCII.
        (lambda _: random.Random(2).randbytes(60), "binary data, or text in an encoding other"),  # noqa: S311
        (lambda _: "id,名前\n1,山田\n".encode("gbk"), r"if it is text, name it with --encoding"),
        (_zip, r"a ZIP archive or an Excel workbook \(.xlsx\); export the sheet as CSV"),
        (lambda _: b"7z\xbc\xaf\x27\x1c" + bytes(100), "a 7-Zip archive; unpack it first"),
        (lambda _: b"BZh91AY&SY" + bytes(100), "a bzip2-compressed file; unpack it first"),
        (lambda _: b"SQLite format 3\x00" + bytes(100), "an SQLite database"),
        (lambda _: b"\x89PNG\r\n\x1a\n" + bytes(100), "a PNG image, not a table"),
    ],
    ids=["random", "random-small", "gbk", "zip", "7z", "bzip2", "sqlite", "png"],
)
def test_files_that_are_not_text_are_refused_in_one_line(tmp_path: Path, make, message) -> None:
    path = _write(tmp_path, make(tmp_path))
    with pytest.raises(UsageError, match=message) as caught:
        _drain(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "cell",
    [b"a\x00b", b"\x1b[31mred\x1b[0m\x07\x08", b"one\vtwo\vthree\fpage", b"\x01\x02\x03\x04"],
    ids=["nul", "ansi-bell-backspace", "vertical-tab-form-feed", "four-controls"],
)
def test_a_small_text_table_with_control_bytes_in_a_cell_is_read(tmp_path: Path, cell) -> None:
    path = _write(tmp_path, b"id,B12 (ng/L),note\nS1,150," + cell + b"\nS2,300,ok\n")
    table, rows, _ = _drain(path)
    assert table.columns[:3] == ["id", "B12 (ng/L)", "note"]
    assert [(r["id"], r["note"]) for r in rows] == [("S1", cell.decode()), ("S2", "ok")]


# ---- NUL bytes ------------------------------------------------------------------------------


def test_a_nul_byte_makes_the_row_holding_it_unusable_and_no_other(tmp_path: Path) -> None:
    # Row 1 spans lines 2-3 (a quoted newline), line 5 is empty: the NULs on lines 4 and 6
    # are in data rows 2 and 3.
    data = b'id,note,b12\nS1,"line one\nline two",150\nS2,"a\x00b",300\n\nS3,x,4\x0000\nS4,y,5\n'
    _, rows, unusable = _drain(_write(tmp_path, data))
    assert [r["b12"] for r in rows] == ["150", "300", "4\x0000", "5"]  # cells kept as read
    assert unusable == {2: NUL_ROW, 3: NUL_ROW}


def test_a_nul_after_a_quote_never_closed_is_counted_in_the_right_row(tmp_path: Path) -> None:
    data = b'id,b12\nS1,150\nS2,"300\nS3,4\x000\nS4,200\n'
    _, rows, unusable = _drain(_write(tmp_path, data))
    assert [r["id"] for r in rows] == ["S1", "S2", "S3", "S4"]
    assert unusable == {2: UNCLOSED, 3: NUL_ROW}


def test_a_nul_in_a_gzipped_file_with_old_mac_line_ends(tmp_path: Path) -> None:
    data = gzip.compress(b"id,b12\rS1,150\rS2,3\x0000\rS3,420\r")
    _, rows, unusable = _drain(_write(tmp_path, data, "export.csv.gz"))
    assert [r["id"] for r in rows] == ["S1", "S2", "S3"]
    assert unusable == {2: NUL_ROW}


def test_nul_bytes_in_utf16_text_are_told_too(tmp_path: Path) -> None:
    data = "id\tb12\nS1\t15\x000\nS2\t300\n".encode("utf-16")
    _, rows, unusable = _drain(_write(tmp_path, data, "export.txt"))
    assert [r["id"] for r in rows] == ["S1", "S2"]
    assert unusable == {1: NUL_ROW}


# ---- a UTF-8 file with lines in another encoding --------------------------------------------


def test_a_foreign_line_is_read_as_cp1252_and_its_row_says_so(tmp_path: Path) -> None:
    data = b"name,b12\r\n" + UTF8_NAME + b",150\r\n" + LATIN1_NAME + b",420\r\nS3,260\r\n"
    table, rows, unusable = _drain(_write(tmp_path, data))
    assert table.columns == ["name", "b12", ERROR] and table.error_column == ERROR
    assert [(r["name"], r["b12"]) for r in rows] == [
        ("Jérôme", "150"),
        ("Jérôme", "420"),
        ("S3", "260"),
    ]
    assert _errors(rows) == [None, RECODED_ROW, None]
    assert unusable == {}  # its cells are used: cp1252 is what such bytes almost always are


def test_a_foreign_line_before_any_utf8_is_still_told_apart(tmp_path: Path) -> None:
    # Reading the whole file as cp1252 would turn the later UTF-8 'é' into 'Ã©' silently.
    data = b"name,b12\n" + LATIN1_NAME + b",420\n" + b"x,1\n" * 5000 + UTF8_NAME + b",150\n"
    _, rows, _ = _drain(_write(tmp_path, data))
    assert (rows[0]["name"], rows[-1]["name"]) == ("Jérôme", "Jérôme")
    assert [i for i, error in enumerate(_errors(rows)) if error] == [0]


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"\xef\xbb\xbfname,b12\n" + LATIN1_NAME + b",420\nS2,300\n", "bom.csv", [True, False]),
        (
            gzip.compress(b"name,b12\n" + UTF8_NAME + b",1\n" + LATIN1_NAME + b",2\n"),
            "x.csv.gz",
            [False, True],
        ),
        (b"name,b12\r" + UTF8_NAME + b",1\r" + LATIN1_NAME + b",2\r", "mac.csv", [False, True]),
    ],
    ids=["utf8-bom", "gzip", "cr-line-ends"],
)
def test_foreign_lines_are_told_whatever_else_the_file_is(
    tmp_path: Path, data: bytes, name: str, said: list[bool]
) -> None:
    _, rows, _ = _drain(_write(tmp_path, data, name))
    assert [r["name"] for r, foreign in zip(rows, said, strict=True) if foreign] == ["Jérôme"]
    assert [error == RECODED_ROW for error in _errors(rows)] == said


def test_a_cp1252_export_needs_no_word_in_its_rows(tmp_path: Path) -> None:
    data = "name;MMA (µmol/L)\nRenée;0,35\nMüller;0,2\n".encode("cp1252")
    table, rows, _ = _drain(_write(tmp_path, data))
    assert table.error_column is None
    assert [r["name"] for r in rows] == ["Renée", "Müller"]


def test_a_row_with_too_many_cells_is_still_caught_in_a_mixed_file(tmp_path: Path) -> None:
    data = b"id,name,b12\n1," + UTF8_NAME + b",150\n2," + LATIN1_NAME + b",0,31\n3,x,200\n"
    _, rows, unusable = _drain(_write(tmp_path, data))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert list(unusable) == [2] and "more cells than the 3 columns" in unusable[2]
    assert _errors(rows) == [None, RECODED_ROW, None]


# ---- JSON Lines ------------------------------------------------------------------------------


def test_a_repeated_json_key_empties_that_cell_and_says_so(tmp_path: Path) -> None:
    data = (
        b'{"id": "a", "b12": 150}\n'
        b'{"id": "b", "b12": 150, "mma": 0.2, "b12": "999 ng/L"}\n'
        b'{"id": "c", "note": {"k": 1, "k": 2}, "b12": 300}\n'
    )
    table, rows, _ = _drain(_write(tmp_path, data, "lab.jsonl"))
    assert table.columns == ["id", "b12", "mma", "note", ERROR]
    assert [(r["id"], r["b12"], r["mma"]) for r in rows] == [
        ("a", "150", None),
        ("b", None, "0.2"),
        ("c", "300", None),
    ]
    assert _errors(rows) == [
        None,
        "b12: given 2 times in this record, so none of its values was used",
        None,  # a nested object is kept as text: its keys are not cells
    ]


def test_json_lines_without_problems_have_no_error_column(tmp_path: Path) -> None:
    table, rows, _ = _drain(_write(tmp_path, b'{"id": "a", "b12": 150}\n', "lab.jsonl"))
    assert table.columns == ["id", "b12"] and table.error_column is None
    assert rows == [{"id": "a", "b12": "150"}]


def test_json_lines_with_a_nul_control_characters_and_a_foreign_line(tmp_path: Path) -> None:
    data = (
        b'{"id": "a", "b12": "15\x000"}\n'
        b"\n"
        b'{"id": "' + UTF8_NAME + b'", "b12": 300, "note": "one\x0btwo"}\n'
        b'{"id": "' + LATIN1_NAME + b'", "b12": 420}\r\n'
    )
    _, rows, unusable = _drain(_write(tmp_path, data, "lab.jsonl"))
    assert [(r["id"], r["b12"]) for r in rows] == [
        ("a", "15\x000"),
        ("Jérôme", "300"),
        ("Jérôme", "420"),
    ]
    assert rows[1]["note"] == "one\x0btwo"
    assert unusable == {1: NUL_ROW}
    assert _errors(rows) == [None, None, RECODED_ROW]


# ---- long layout -----------------------------------------------------------------------------


def test_long_results_with_problems_tell_them_in_their_sample(tmp_path: Path) -> None:
    data = (
        b"specimen_id,test_code,value,unit,comment\n"
        b"A1,B12,150,ng/L," + UTF8_NAME + b"\n"
        b"A1,MMA,0.2,umol/L," + LATIN1_NAME + b"\n"
        b"A2,B12,1\x0050,ng/L,x\n"
        b"A3,B12,300,ng/L,x,extra\n"
        b"A4,B12,420,ng/L,x\n"
    )
    _, rows, _ = _drain(_write(tmp_path, data), layout="long")
    assert [(r["specimen_id"], r["b12_result"], r["mma_result"]) for r in rows] == [
        ("A1", "150", "0.2"),  # read as cp1252, used, and said
        ("A2", None, None),  # a NUL: not used
        ("A3", None, None),  # shifted cells: not used
        ("A4", "420", None),
    ]
    errors = [r["__error"] for r in rows]
    assert errors[0] == f"mma result on input row 2: {RECODED_ROW}"
    assert errors[1] == f"b12 result on input row 3: {NUL_ROW}"
    assert errors[2] is not None and errors[2].startswith("b12 result on input row 4: more cells")
    assert errors[3] is None


# ---- end to end ------------------------------------------------------------------------------


def test_batch_reads_a_mixed_file_tells_the_row_and_exits_1(cli, tmp_path: Path) -> None:
    data = b"sample_id,B12 (ng/L)\n" + UTF8_NAME + b",150\n" + LATIN1_NAME + b",420\nS3,260\n"
    result = cli("batch", str(_write(tmp_path, data)), "--format", "jsonl", "--quiet")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["category"]) for r in records] == [
        ("Jérôme", "deficient"),
        ("Jérôme", "not_deficient"),  # its value is used
        ("S3", "indeterminate"),
    ]
    assert [[e["message"] for e in r["errors"]] for r in records] == [[], [RECODED_ROW], []]


def test_batch_on_a_nul_row_keeps_every_other_row(cli, tmp_path: Path) -> None:
    data = b"sample_id,B12 (ng/L)\nS1,150\nS2,15\x000\nS3,420\n"
    result = cli("batch", str(_write(tmp_path, data)), "--format", "jsonl", "--quiet")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["category"]) for r in records] == [
        ("S1", "deficient"),
        ("S2", "insufficient_data"),
        ("S3", "not_deficient"),
    ]
    assert [[e["message"] for e in r["errors"]] for r in records] == [[], [NUL_ROW], []]


# ---- property: the word lands on the row that holds the bytes --------------------------------

CELL = st.lists(st.sampled_from([*'ab1,;"\n\r é', "\x00", "150"]), max_size=6).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(CELL, CELL, st.booleans()), min_size=1, max_size=12),
    utf8_row=CELL.filter(lambda c: "é" in c and "\x00" not in c),
)
def test_each_row_is_told_exactly_its_own_problems(
    rows: list[tuple[str, str, bool]], utf8_row: str
) -> None:
    # Rows written by the csv module (quoted newlines and all), each in UTF-8 or latin-1,
    # after one UTF-8 row with an accent that makes the file a UTF-8 one. More NULs than a
    # few in a small file make it binary data (another test).
    assume(sum((a + b).count("\x00") for a, b, _ in rows) <= MAX_CONTROLS)
    lines = [("id", "a", "b", "utf8"), ("0", utf8_row, "", True)]
    lines += [(str(i), a, b, latin1) for i, (a, b, latin1) in enumerate(rows, start=1)]
    data = b""
    for *cells, latin1 in lines:
        out = io.StringIO()
        # CRLF: csv.writer quotes a bare CR only when it ends its own lines with one.
        csv.writer(out, lineterminator="\r\n").writerow([*cells, "some plain ASCII text"])
        data += out.getvalue().encode("latin-1" if latin1 is True and cells[0] != "0" else "utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lab.csv"
        path.write_bytes(data)
        _, got, unusable = _drain(path, delimiter=",")
    assert [r["id"] for r in got] == [str(i) for i in range(len(rows) + 1)]
    for number, (a, b, latin1) in enumerate(rows, start=1):
        foreign = latin1 and "é" in a + b
        assert (got[number].get(ERROR) == RECODED_ROW) == foreign, number
        assert (unusable.get(number + 1) == NUL_ROW) == ("\x00" in a + b), number
        if not foreign:
            assert (got[number]["a"] or "", got[number]["b"] or "") == (a, b)
