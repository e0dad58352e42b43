"""Long layout: one row per result in, one row per sample out, in order of first appearance."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from b12cli.errors import UsageError

B12_CODE = {"VB12X": "b12"}


def _write(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_example_without_its_local_code_skips_b12(read, example: Path) -> None:
    table, _ = read(example)
    assert table.analytes is not None
    assert "b12" not in table.analytes
    assert {"folate", "mma"} <= set(table.analytes)


def test_example_groups_results_into_specimens(read, example: Path) -> None:
    with example.open(newline="") as handle:
        lines = list(csv.DictReader(handle))
    specimens = list(dict.fromkeys(line["specimen_id"] for line in lines))
    unmapped = [
        line for line in lines if line["test_code"] in {"718-7", "787-2", "2276-4", "2160-0"}
    ]

    table, rows = read(example, codes=B12_CODE)

    assert rows["specimen_id"].to_list() == specimens
    assert table.input_rows == len(lines)
    assert table.skipped_rows == len(unmapped)
    assert table.id_columns == ["specimen_id"]
    assert table.error_column == "__error"
    assert table.columns[:3] == ["specimen_id", "patient_id", "collected"]
    assert table.analytes is not None
    assert list(table.analytes) == ["b12", "mma", "hcy", "folate", "egfr"]
    assert table.analytes["b12"].value == "b12_result"
    assert table.analytes["b12"].unit == "b12_result_unit"


def _sample(rows, specimen: str) -> dict[str, str | None]:
    found = rows.filter(rows["specimen_id"] == specimen).to_dicts()
    assert len(found) == 1
    return found[0]


def test_example_keeps_what_a_lab_export_hides(read, example: Path) -> None:
    _, rows = read(example, codes=B12_CODE)
    censored = _sample(rows, "S24-041937")  # empty value, '>2000' in the comments
    assert (censored["b12_result"], censored["b12_result_unit"]) == (">2000", "ng/L")
    add_on = _sample(rows, "S24-041906")  # MMA referred out, listed at the end of the file
    assert (add_on["mma_result"], add_on["mma_result_unit"]) == ("634", "nmol/L")
    assert _sample(rows, "S24-041991")["b12_result"] == "haemolysed"
    repeated = _sample(rows, "S24-042080")
    assert repeated["__error"] == (
        "b12: 2 different results for one sample; the first in the file was used"
    )
    assert rows["__error"].drop_nulls().len() == 1


def test_id_and_group_options_shape_the_row(read, example: Path) -> None:
    table, rows = read(example, codes=B12_CODE, id=["patient_id"], group=["specimen_id"])
    assert table.columns[:3] == ["patient_id", "specimen_id", "collected"]
    assert table.id_columns == ["patient_id"]
    assert rows.height == 36


def test_column_options_match_case_insensitively(read, example: Path) -> None:
    table, _ = read(example, codes=B12_CODE, group=["SPECIMEN_ID"])
    assert table.columns[0] == "specimen_id"


def test_missing_column_is_named_with_the_columns_there_are(read, example: Path) -> None:
    with pytest.raises(UsageError, match=r"--group: no column 'accession' in .*patient_id, spec"):
        read(example, codes=B12_CODE, group=["accession"])


def test_patient_and_time_group_when_there_is_no_specimen(read, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "export.csv",
        "patient,collection_time,test,result,units",
        "p1,2024-01-01 08:00,B12,180,ng/L",
        "p1,2024-01-01 08:00,Folate,3.1,ug/L",
        "p1,2024-02-01 08:00,B12,350,ng/L",
        "p2,,B12,120,ng/L",
        "p2,,Folate,9,ug/L",
    )
    table, rows = read(path)
    assert table.columns == [
        "patient", "collection_time",
        "b12_result", "b12_result_unit", "folate_result", "folate_result_unit", "__error",
    ]  # fmt: skip
    # A result without a collection time cannot be paired: it is a sample of its own.
    assert rows.select("patient", "b12_result", "folate_result").rows() == [
        ("p1", "180", "3.1"),
        ("p1", "350", None),
        ("p2", "120", None),
        ("p2", None, "9"),
    ]


def test_tests_match_codes_loinc_and_aliases(read, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "export.csv",
        "specimen,test_code,value",
        "s1,vb12x,100",
        "s2,2132-9,200",
        "s3,VITAMIN B-12,300",
        "s4, Serum B12 ,400",
        "s5,Vitamin B12 binding capacity,500",
        "s6,13964-2,0.4",
    )
    table, rows = read(path, codes=B12_CODE)
    assert rows.select("specimen", "b12_result", "mma_result").rows() == [
        ("s1", "100", None),
        ("s2", "200", None),
        ("s3", "300", None),
        ("s4", "400", None),
        ("s6", None, "0.4"),
    ]
    assert table.skipped_rows == 1


def test_test_columns_are_tried_in_order(read, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "export.csv",
        "specimen,test_code,test_name,value",
        "s1,LOCAL1,Folate,5",
        "s2,2284-8,Whatever,6",
    )
    _, rows = read(path)
    assert rows["folate_result"].to_list() == ["5", "6"]
    _, by_name = read(path, test=["test_name"])
    assert by_name["folate_result"].to_list() == ["5"]


def test_value_columns_are_tried_in_order(read, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "export.csv",
        "specimen,test,value,comments",
        "s1,B12,,>2000*.",
        "s2,B12,  ,GREATER THAN 2000.",
        "s3,B12,250,see note",
        "s4,B12,,",
    )
    _, rows = read(path, value=["value", "comments"])
    assert rows["b12_result"].to_list() == [">2000*.", "GREATER THAN 2000.", "250", None]
    _, values_only = read(path, value=["value"])
    assert values_only["b12_result"].to_list() == [None, None, "250", None]


def test_duplicates_keep_the_first_result_and_say_so(read, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "export.csv",
        "specimen,test,value,unit",
        "s1,B12,,ng/L",
        "s1,B12,180,ng/L",
        "s1,B12,180,ng/L",
        "s2,B12,180,ng/L",
        "s2,MMA,0.3,umol/L",
        "s2,B12,200,pmol/L",
        "s2,MMA,0.5,umol/L",
    )
    _, rows = read(path)
    assert rows.select("b12_result", "b12_result_unit", "mma_result").rows() == [
        ("180", "ng/L", None),
        ("180", "ng/L", "0.3"),
    ]
    assert rows["__error"].to_list() == [
        None,  # the same result twice is not a conflict
        "b12: 2 different results for one sample; the first in the file was used; "
        "mma: 2 different results for one sample; the first in the file was used",
    ]


def test_nothing_mapped_suggests_a_code(read, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "export.csv",
        "specimen,itemid,value",
        "s1,51010,200",
        "s1,51221,40",
        "s2,51010,300",
    )
    with pytest.raises(UsageError, match=r"none of the 3 result rows .* --code .*'51010' \(2\)"):
        read(path, layout="long")


def test_no_sample_columns_asks_for_group(read, tmp_path: Path) -> None:
    path = _write(tmp_path / "export.csv", "test,value", "B12,200")
    with pytest.raises(UsageError, match="say which columns make one sample with --group"):
        read(path)


def test_wide_tables_are_not_taken_for_long(read, tmp_path: Path) -> None:
    path = _write(tmp_path / "export.csv", "id,test,value,B12", "1,routine,x,200")
    table, rows = read(path)
    assert table.analytes is None
    assert table.columns == ["id", "test", "value", "B12"]
    assert rows.height == 1


def test_long_layout_reads_jsonl_too(read, tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text(
        '{"specimen": "s1", "test": "B12", "value": 180, "unit": "ng/L"}\n'
        '{"specimen": "s1", "test": "MMA", "value": 0.35, "unit": "umol/L"}\n'
    )
    _, rows = read(path, layout="long")
    assert rows.select("specimen", "b12_result", "mma_result", "mma_result_unit").rows() == [
        ("s1", "180", "0.35", "umol/L")
    ]


def test_context_columns_travel_with_each_sample(read, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "export.csv",
        "specimen,patient_age,Sex,test,value,notes",
        "s1,71,F,B12,160,",
        "s1,71,F,MMA,0.5,",
    )
    table, rows = read(path)
    assert table.columns[:3] == ["specimen", "patient_age", "Sex"]
    assert rows.select("specimen", "patient_age", "Sex", "b12_result", "mma_result").rows() == [
        ("s1", "71", "F", "160", "0.5")
    ]
