"""Local test codes: `--code CODE=ANALYTE` and `--code-map FILE` (CSV or YAML)."""

from __future__ import annotations

from pathlib import Path

import pytest

from b12cli.batch.codes import parse_codes
from b12cli.errors import UsageError
from b12cli.rulesets import load_catalog

DATA = Path(__file__).resolve().parent / "data"


def _codes(pairs: list[str], code_map: Path | str | None = None) -> dict[str, str]:
    return parse_codes(load_catalog(), pairs, str(code_map) if code_map else None)


def test_code_options_accept_analyte_ids_and_names() -> None:
    assert _codes(["51010=b12", "VB12X = Vitamin B-12", "A=B=folate"]) == {
        "51010": "b12",
        "VB12X": "b12",
        "A=B": "folate",
    }


@pytest.mark.parametrize("pair", ["51010", "=b12", "51010="])
def test_malformed_code_option(pair: str) -> None:
    with pytest.raises(UsageError, match=r"--code expects CODE=ANALYTE"):
        _codes([pair])


def test_unknown_analyte_lists_the_known_ones() -> None:
    with pytest.raises(
        UsageError, match=r"--code 51010=ferritin: unknown analyte 'ferritin'; known: b12, holotc"
    ):
        _codes(["51010=ferritin"])


def test_csv_code_map_with_a_header() -> None:
    assert _codes([], DATA / "code-map.csv") == {"51010": "b12", "50925": "folate", "VMMA": "mma"}


def test_yaml_code_map_and_options_over_it() -> None:
    codes = _codes(["HOMC=folate"], DATA / "code-map.yaml")
    assert codes == {"51010": "b12", "VB12X": "b12", "HOMC": "folate"}


def test_csv_code_map_without_header_and_with_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "codes.txt"
    path.write_text("# exported from the LIS\nVB12X;b12\n\nFOL;folate\n")
    assert _codes([], path) == {"VB12X": "b12", "FOL": "folate"}


def test_code_map_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("code,analyte\n51010,b12\n50925,vitamin d\n")
    with pytest.raises(UsageError, match=r"codes.csv:3: unknown analyte 'vitamin d'"):
        _codes([], path)


def test_yaml_code_map_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "codes.yaml"
    path.write_text("51010: b12\n50925: [folate]\n")
    with pytest.raises(UsageError, match=r"codes.yaml:2: the analyte for '50925' must be text"):
        _codes([], path)
    path.write_text("51010: b12\n51010: folate\n")
    with pytest.raises(UsageError, match=r"codes.yaml:2: duplicate key"):
        _codes([], path)


def test_missing_or_empty_code_map(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--code-map: cannot read .*nope.csv"):
        _codes([], tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("code,analyte\n")
    with pytest.raises(UsageError, match=r"holds no code,analyte pairs"):
        _codes([], empty)


def test_codes_map_results_in_a_long_export(read, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("specimen,itemid,value\ns1,51010,200\ns1,50925,4.1\ns1,51221,40\n")
    table, rows = read(path, codes=_codes([], DATA / "code-map.csv"))
    assert rows.select("specimen", "b12_result", "folate_result").rows() == [("s1", "200", "4.1")]
    assert table.skipped_rows == 1
