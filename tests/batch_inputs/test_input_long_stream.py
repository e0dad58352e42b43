"""Long layout at scale: grouping agrees with a plain reference however results interleave,
in memory or streamed, and the streamed pass emits samples before the input ends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import b12cli.batch.long as long
from b12cli.batch.table import InputSpec, Table

TESTS = {"VB12X": "b12", "2284-8": "folate", "Homocysteine": "hcy", "718-7": None, "Hb": None}
ORDER = ["b12", "mma", "hcy", "folate", "egfr"]
DUPLICATE = "{}: {} different results for one sample; the first in the file was used"
CODES = {"VB12X": "b12"}

cells = st.sampled_from(["180", "", "  ", ">2000", "0,4", None])
results = st.fixed_dictionaries(
    {
        "specimen": st.sampled_from(["s1", "s2", "s3", "s4", "s5", None]),
        "test": st.sampled_from(list(TESTS)),
        "value": cells,
        "comments": cells,
        "unit": st.sampled_from(["ng/L", "pmol/L", None, " "]),
    }
)


def _text(cell: str | None) -> str | None:
    return cell if cell is not None and cell.strip() else None


def reference(records: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    """The grouping rules, one record at a time, in plain Python."""
    samples: dict[object, dict[str, list[tuple[str, str | None]]]] = {}
    seen: set[str] = set()
    for index, record in enumerate(records):
        analyte = TESTS[record["test"]]  # type: ignore[index]
        if analyte is None:
            continue
        seen.add(analyte)
        key = record["specimen"] if record["specimen"] is not None else ("solo", index)
        sample = samples.setdefault(key, {})
        value = _text(record["value"]) or _text(record["comments"])
        if value is not None:
            sample.setdefault(analyte, []).append((value, _text(record["unit"])))
    analytes = [a for a in ORDER if a in seen]
    out = []
    for key, found in samples.items():
        row: dict[str, str | None] = {"specimen": key if isinstance(key, str) else None}
        errors = []
        for analyte in analytes:
            picks = found.get(analyte, [])
            row[f"{analyte}_result"], row[f"{analyte}_result_unit"] = (
                picks[0] if picks else (None, None)
            )
            if len(set(picks)) > 1:
                errors.append(DUPLICATE.format(analyte, len(set(picks))))
        row["__error"] = "; ".join(errors) or None
        out.append(row)
    return out


def _grouped(path: Path, chunk_rows: int, collect) -> pl.DataFrame:
    from b12cli.batch.readers import open_table

    spec = InputSpec(
        path=str(path), layout="long", codes=CODES, value=["value", "comments"],
        chunk_rows=chunk_rows,
    )  # fmt: skip
    return collect(open_table(spec))


# `collect` is a pure function, safe to share between examples.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(results, min_size=1, max_size=40), chunk_rows=st.integers(1, 7))
def test_grouping_matches_the_reference_held_and_streamed(
    records, chunk_rows: int, tmp_path_factory, collect
) -> None:
    if all(TESTS[r["test"]] is None for r in records):
        return  # nothing maps: a usage error, tested elsewhere
    path = tmp_path_factory.mktemp("long") / "results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    expected = reference(records)
    held = _grouped(path, chunk_rows, collect)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(long, "HOLD_ROWS", 0)
        streamed = _grouped(path, chunk_rows, collect)
    assert held.to_dicts() == expected
    assert streamed.to_dicts() == expected


def _sorted_chunks(consumed: list[int], total: int) -> Iterator[pl.DataFrame]:
    for start in range(0, total, 100):
        consumed.append(start)
        specimens = [f"s{(start + i) // 8}" for i in range(100)]
        yield pl.DataFrame(
            {
                "specimen": specimens,
                "test": ["B12", "Folate", "Hb", "MCV"] * 25,
                "value": ["200"] * 100,
            }
        )


def test_streamed_pass_emits_samples_before_the_input_ends(monkeypatch) -> None:
    monkeypatch.setattr(long, "HOLD_ROWS", 10)
    first_pass: list[int] = []
    second_pass: list[int] = []

    def table(consumed: list[int]) -> Table:
        return Table(columns=["specimen", "test", "value"], chunks=_sorted_chunks(consumed, 1000))

    grouped = long.group_long(
        table(first_pass), lambda: table(second_pass), InputSpec(path="x"), "results"
    )
    assert first_pass == list(range(0, 1000, 100))
    first = next(grouped.chunks)
    assert second_pass == [0]  # one input chunk read, its complete samples already out
    # s12's results straddle the first two input chunks, so it waits for the second.
    assert first["specimen"].to_list() == [f"s{i}" for i in range(12)]
    rest = pl.concat(list(grouped.chunks))
    assert rest["specimen"].to_list() == [f"s{i}" for i in range(12, 125)]
    assert grouped.skipped_rows == 500
