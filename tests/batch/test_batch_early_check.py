"""The input's first pass, started early on a thread: it may only ever spare the reader a
pass whose answer would have been "plain ASCII, nothing to note"."""

from __future__ import annotations

import gzip
from pathlib import Path

from typer.testing import CliRunner

from b12cli.batch.early_check import check_early, plain_early
from b12cli.cli import app


def test_a_plain_ascii_file_is_found_plain(tmp_path: Path) -> None:
    path = tmp_path / "labs.csv"
    path.write_bytes(b"id,b12\n1,250\n")
    check_early(str(path))
    assert plain_early(str(path))
    assert not plain_early(str(path))  # the answer is given once


def test_anything_else_is_left_to_the_reader(tmp_path: Path) -> None:
    files = {
        "accents.csv": "id,b12\nMüller,250\n".encode("cp1252"),
        "nul.csv": b"id,b12\n1,2\x0050\n",
        "bom.csv": b"\xef\xbb\xbfid,b12\n1,250\n",
        "labs.csv.gz": gzip.compress(b"id,b12\n1,250\n"),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        check_early(str(path))
        assert not plain_early(str(path)), name
    assert not plain_early(str(tmp_path / "never-asked.csv"))
    check_early(str(tmp_path / "missing.csv"))
    assert not plain_early(str(tmp_path / "missing.csv"))


def test_a_file_changed_after_the_pass_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "labs.csv"
    path.write_bytes(b"id,b12\n1,250\n")
    check_early(str(path))
    path.write_bytes("id,b12\n1,250 µg\n".encode("cp1252"))
    assert not plain_early(str(path))


def test_a_cp1252_export_is_still_read_as_cp1252(tmp_path: Path) -> None:
    # The CLI starts the early pass; its "not plain" must leave the encoding to the survey.
    path = tmp_path / "export.csv"
    path.write_bytes("patient,b12_pg_ml,comment\nMüller,150,µ\n".encode("cp1252"))
    result = CliRunner().invoke(app, ["batch", str(path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Müller" in result.stdout and "deficient" in result.stdout
