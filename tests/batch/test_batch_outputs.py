"""Output layout: joined few-valued columns write exactly what separate columns would."""

from __future__ import annotations

import io

import polars as pl
import pytest

from b12cli.batch.column_map import map_columns
from b12cli.batch.outputs import OutputLayout
from b12cli.batch.pipeline import Engine, Plan
from b12cli.batch.writers import CsvWriter
from b12cli.rulesets import bundled_names, load_catalog, load_ruleset

CATALOG = load_catalog()
ROWS = {
    "id": ["a", "b", "c", "d", "e", "f"],
    "B12 (pmol/L)": ["150", "<100", ">1500", None, "300", "90"],
    "MMA (umol/L)": ["0.5", None, "0.2", "0.31", ">=0.9", "0.1"],
    "Folate (ng/mL)": ["3", "12", None, "8", "4.5", "20"],
    "eGFR": [">90", "45", "61", None, "59", "<60"],
    "Age": ["70", "40", "65", "30", None, "80"],
}


def written(frame: pl.DataFrame, rulesets: list[str], merge: bool) -> tuple[bytes, int]:
    """The CSV bytes of one interpreted frame, and how many columns were written."""
    plan = Plan(CATALOG, map_columns(frame.columns, CATALOG), [load_ruleset(r) for r in rulesets])
    engine = Engine(plan)
    layout = OutputLayout(frame.columns, plan, engine.compiled)
    out = io.BytesIO()
    writer = CsvWriter(out, layout.header(True))
    worked = engine.process(frame)
    selected, quote_free = layout.select(worked, escape=True, text_values=False, merge=merge)
    writer.write(selected, quote_free)
    writer.close()
    return out.getvalue(), selected.width


@pytest.mark.parametrize("rulesets", [["nice-ng239"], bundled_names()], ids=["one", "all"])
@pytest.mark.parametrize("bad", [False, True], ids=["clean", "with-errors"])
def test_joined_columns_write_the_same_bytes(rulesets: list[str], bad: bool) -> None:
    rows = dict(ROWS)
    if bad:
        rows["B12 (pmol/L)"] = [*rows["B12 (pmol/L)"][:-1], "hemolysed"]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows, pl.String))
    merged, joined_width = written(frame, rulesets, merge=True)
    separate, width = written(frame, rulesets, merge=False)
    assert merged == separate
    assert merged.count(b"\n") == 7
    assert joined_width < width  # the runs were joined


def test_a_chunk_needing_quotes_is_written_column_by_column() -> None:
    rows = {**ROWS, "note": ["x, y", "", "", "", "", ""]}
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows, pl.String))
    text, joined_width = written(frame, ["nice-ng239"], merge=True)
    assert b'"x, y"' in text
    assert (text, joined_width) == written(frame, ["nice-ng239"], merge=False)
