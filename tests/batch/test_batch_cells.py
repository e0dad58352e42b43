"""Cell parsing of analytes with a fixed unit: done once per distinct text and gathered back,
it must give every row what `cell_plan.parse_cell` (values.py) gives that row's cell."""

from __future__ import annotations

import polars as pl
import pytest

from b12cli.batch import cells, names
from b12cli.batch.cell_codes import KnownTexts
from b12cli.batch.cell_plan import MISSING, Parsed, parse_cell
from b12cli.batch.cells import DISTINCT_FLOOR, CellParser
from b12cli.batch.headers import AnalyteSource
from b12cli.rulesets import load_catalog
from b12cli.values import Decimal

CATALOG = load_catalog()
MIXED = [
    "250", "<50", "hemolysed", None, "", "  ", "250", "0.41", "<50", "250000", " 250 ",
    ">2000", "1,5", "=1+2", None, "hemolysed", "007", "250.",
]  # fmt: skip


def working(frame: pl.DataFrame, analyte: str) -> list[Parsed]:
    """The six working columns of an analyte, row by row."""
    return list(frame.select(names.parsed(analyte)).iter_rows())


def expected(
    cells: list[str | None], analyte: str, source: AnalyteSource, decimal: Decimal | None = None
) -> list[Parsed]:
    """What values.py makes of each cell on its own."""
    unit = source.unit or ""
    return [
        MISSING
        if cell is None
        else parse_cell(CATALOG, analyte, cell, unit, source.unit_source, decimal)
        for cell in cells
    ]


def parsed(
    cells: list[str | None], analyte: str, source: AnalyteSource, parser: CellParser | None = None
) -> pl.DataFrame:
    frame = pl.DataFrame({source.column: cells}, schema={source.column: pl.String})
    return (parser or CellParser(CATALOG)).parse(frame, {analyte: source})


@pytest.mark.parametrize(
    ("analyte", "source"),
    [
        ("b12", AnalyteSource("b12")),
        ("b12", AnalyteSource("b12", unit="pmol/L", unit_source="header")),
        ("folate", AnalyteSource("folate", unit="ng/mL", unit_source="option")),
    ],
)
def test_mixed_cells_agree_with_the_pure_parser(analyte: str, source: AnalyteSource) -> None:
    assert working(parsed(MIXED, analyte, source), analyte) == expected(MIXED, analyte, source)


@pytest.mark.parametrize("unit", ["ng/L", "pmol/L"])
def test_plain_numbers_with_blanks_agree_with_the_pure_parser(unit: str) -> None:
    cells = ["250", None, "250", "185.5", "1200", None, "5000", "007", "250"] * 3
    source = AnalyteSource("b12", unit=unit, unit_source="header")
    frame = parsed(cells, "b12", source)
    assert working(frame, "b12") == expected(cells, "b12", source)
    # Every cell took the fast path: no error or comparator anywhere, a unit on every number.
    assert frame.get_column(names.error("b12")).null_count() == len(cells)
    assert frame.get_column(names.unit("b12")).null_count() == cells.count(None)


def test_decimal_comma_cells_agree_with_the_pure_parser() -> None:
    cells = ["0,41", "<0,2", "0,41", None, "1.5", "abc", "0,41"]
    source = AnalyteSource("mma", unit="umol/L", unit_source="header")
    frame = parsed(cells, "mma", source, CellParser(CATALOG, decimal=","))
    assert working(frame, "mma") == expected(cells, "mma", source, decimal=",")


def test_a_column_with_no_cells_gives_empty_working_columns() -> None:
    source = AnalyteSource("b12")
    assert working(parsed([None, None], "b12", source), "b12") == [MISSING, MISSING]
    assert working(parsed([], "b12", source), "b12") == []


def test_unit_column_and_fixed_unit_analytes_together() -> None:
    frame = pl.DataFrame(
        {"b12": ["250", "<50", None, "185"], "b12_unit": ["pmol/L", "", "ng/L", None]}
        | {"mma": ["0.41", "0.41", "high", None]}
    )
    sources = {
        "b12": AnalyteSource("b12", unit_column="b12_unit"),
        "mma": AnalyteSource("mma", unit="umol/L", unit_source="header"),
    }
    out = CellParser(CATALOG).parse(frame, sources)
    assert working(out, "mma") == expected(frame["mma"].to_list(), "mma", sources["mma"])
    assert working(out, "b12")[0] == parse_cell(CATALOG, "b12", "250", "pmol/L", "column", None)
    assert not any(c.startswith(f"{names.PREFIX}cells_") for c in out.columns)


def test_cells_a_spreadsheet_would_run_or_csv_must_quote_are_noticed() -> None:
    parser = CellParser(CATALOG)
    parsed(["250", "=1+2", "250"], "b12", AnalyteSource("b12"), parser)
    parsed(["0.41", "1,5"], "mma", AnalyteSource("mma"), parser)
    parsed(["12", "13", None], "hcy", AnalyteSource("hcy"), parser)
    assert (parser.risky, parser.quoted) == ({"b12"}, {"mma"})


def test_a_high_cardinality_column_is_right_and_then_parsed_row_by_row() -> None:
    cells = [f"{100 + i / 1000:.3f}" for i in range(2 * DISTINCT_FLOOR)] + ["<5", None]
    source = AnalyteSource("b12", unit="pmol/L", unit_source="header")
    parser = CellParser(CATALOG)
    first = parsed(cells, "b12", source, parser)  # encoded: too many distinct texts to repeat
    assert parser.by_row == {"b12"}
    second = parsed(cells, "b12", source, parser)  # parsed row by row
    assert working(first, "b12") == working(second, "b12") == expected(cells, "b12", source)


def test_a_column_that_repeats_its_texts_stays_encoded() -> None:
    cells = [str(100 + i % 50) for i in range(4 * DISTINCT_FLOOR)]
    parser = CellParser(CATALOG)
    parsed(cells, "b12", AnalyteSource("b12"), parser)
    assert parser.by_row == set()


def test_known_texts_keep_their_codes_from_chunk_to_chunk() -> None:
    known = KnownTexts()
    codes, new = known.encode(pl.Series("x", ["b", None, "a", "", "b", " a"]))
    assert new.to_list() == ["b", "a", "", " a"]  # in code order, each once
    assert codes.to_list() == [0, None, 1, 2, 0, 3]
    codes, new = known.encode(pl.Series("x", ["a", "c", None, "b", "c"]))
    assert new.to_list() == ["c"]  # only what the first chunk did not hold
    assert codes.to_list() == [1, 4, None, 0, 4]
    codes, new = known.encode(pl.Series("x", [None, None], dtype=pl.String))
    assert (codes.to_list(), new.to_list(), known.count) == ([None, None], [], 5)


def test_known_texts_start_afresh_past_their_limit() -> None:
    known = KnownTexts(limit=3)
    known.encode(pl.Series("x", ["a", "b"]))
    known.results = pl.DataFrame({"r": [1, 2]})
    codes, new = known.encode(pl.Series("x", ["c", "a", "d"]))
    # Numbering "c" and "d" after "a" and "b" would pass the limit: start again from this chunk.
    assert (codes.to_list(), new.to_list(), known.count) == ([0, 1, 2], ["c", "a", "d"], 3)
    assert known.results is None


@pytest.mark.parametrize("few", [0, cells.FEW_TEXTS], ids=["polars", "python"])
def test_texts_learnt_in_earlier_chunks_agree_with_the_pure_parser(
    few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # New texts are parsed all at once in polars, or one by one: both must agree, and so must
    # the results kept for texts met again, including after a later chunk brings the first
    # text the fast path leaves (a comparator, an error) or the first unit conversion.
    monkeypatch.setattr(cells, "FEW_TEXTS", few)
    source = AnalyteSource("b12", unit="pmol/L", unit_source="header")
    parser = CellParser(CATALOG)
    chunks = [["250", "300", None, "250"], ["300", "<50", "250", "x"], ["250", "<50", " 300 "]]
    for chunk in chunks:
        frame = parsed(chunk, "b12", source, parser)
        assert working(frame, "b12") == expected(chunk, "b12", source)
    assert parser.texts["b12"].known.count == 5  # each distinct text numbered once


@pytest.mark.parametrize("few", [0, cells.FEW_TEXTS], ids=["polars", "python"])
def test_results_stay_right_when_a_column_starts_its_codes_afresh(
    few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A column of many distinct texts passes the limit of texts kept: its codes start again
    # (from the chunk that passed it), and every row still gets its own text's results.
    monkeypatch.setattr(cells, "FEW_TEXTS", few)
    source = AnalyteSource("mma", unit="umol/L", unit_source="header")
    parser = CellParser(CATALOG)
    parser.texts["mma"] = cells.TextResults(known=KnownTexts(limit=5))
    chunks = [["0.1", "0.2", "<0.05"], ["0.3", "0.1", "x"], ["0.4", "0.5", "0.2"], ["0.1", None]]
    for chunk in chunks:
        frame = parsed(chunk, "mma", source, parser)
        assert working(frame, "mma") == expected(chunk, "mma", source)
    assert parser.texts["mma"].known.count < 5


def test_several_fixed_unit_columns_are_parsed_side_by_side() -> None:
    # Columns with different numbers of distinct texts (the shorter padded while parsed), one
    # with cells the fast path leaves and two with plain numbers only, one of them converted.
    frame = pl.DataFrame(
        {
            "b12": MIXED,
            "mma": ["0.41", "0.2", None, "0.41"] * 4 + ["0.3", "0.3"],
            "folate": ["3", "12.5", "3", None, "20", "3"] * 3,
        }
    )
    sources = {
        "b12": AnalyteSource("b12", unit="pmol/L", unit_source="header"),
        "mma": AnalyteSource("mma", unit="umol/L", unit_source="header"),
        "folate": AnalyteSource("folate", unit="ng/mL", unit_source="option"),
    }
    out = CellParser(CATALOG).parse(frame, sources)
    for analyte, source in sources.items():
        cells = frame.get_column(source.column).to_list()
        assert working(out, analyte) == expected(cells, analyte, source), analyte
