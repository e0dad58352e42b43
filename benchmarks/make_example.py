#!/usr/bin/env python3
"""Write the bundled example lab export, `b12cli/examples/lab-export.csv` (deterministic).

A wide export of the kind a hospital laboratory system produces: one row per sample, total B12
with its unit inside the cell (pg/mL and pmol/L mixed), MMA with its unit in a separate column
(nmol/L and umol/L rows), homocysteine and folate with units in the headers, eGFR reported as
">90" above 90, censored B12 results (`<150 pg/mL`, `>2000 pg/mL`, `GREATER THAN 2000`), a
haemolysed sample whose B12 cell holds a comment instead of a result, and a comments column.
Values are synthetic (log-normal around population medians), never real patients.

    python benchmarks/make_example.py [OUT.csv]
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

ROWS = 300
SEED = 20240306
OUT = Path(__file__).resolve().parents[1] / "b12cli" / "examples" / "lab-export.csv"
HEADER = [
    "Sample ID",
    "Collected",
    "Age",
    "Sex",
    "Vitamin B12",
    "MMA",
    "MMA units",
    "Homocysteine (umol/L)",
    "Folate (ng/mL)",
    "eGFR",
    "Comments",
]
COMMENTS = [
    "",
    "",
    "",
    "",
    "",
    "",
    "Fasting sample",
    "On metformin",
    "Repeat requested",
    "GP query",
]


def b12_cell(rng: random.Random, ng_l: float, i: int) -> str:
    """Total B12 as a lab prints it: pg/mL or pmol/L, censored at the assay limits."""
    if i % 97 == 13:
        return "hemolysed"
    if ng_l < 150:
        return "<150 pg/mL"
    if ng_l > 2000:
        return "GREATER THAN 2000" if i % 2 else ">2000 pg/mL"
    if rng.random() < 0.3:
        return f"{ng_l / 1.355:.0f} pmol/L"
    return f"{ng_l:.0f} pg/mL"


def mma_cells(rng: random.Random, b12: float) -> tuple[str, str]:
    """MMA, raised when B12 is low, in nmol/L or umol/L (unit in its own column)."""
    if rng.random() < 0.35:
        return "", ""
    umol = rng.lognormvariate(-1.55, 0.35) * (1.8 if b12 < 260 and rng.random() < 0.6 else 1)
    if rng.random() < 0.5:
        return f"{umol * 1000:.0f}", "nmol/L"
    return f"{umol:.2f}", "umol/L"


def row(rng: random.Random, i: int, day: dt.date) -> list[str]:
    """One sample."""
    b12 = rng.lognormvariate(5.8, 0.55)
    mma, mma_unit = mma_cells(rng, b12)
    hcy = f"{rng.lognormvariate(2.35, 0.3):.1f}" if rng.random() < 0.5 else ""
    folate = f"{rng.lognormvariate(2.2, 0.5):.1f}" if rng.random() < 0.6 else ""
    egfr_value = rng.gauss(78, 22)
    egfr = ">90" if egfr_value > 90 else f"{max(egfr_value, 12):.0f}"
    age = str(rng.randint(18, 94)) if rng.random() < 0.97 else ""
    collected = dt.datetime.combine(day, dt.time(8 + i % 9, (i * 7) % 60))
    comment = "Sample haemolysed" if i % 97 == 13 else rng.choice(COMMENTS)
    return [
        f"S24-{104210 + i * 7}",
        collected.strftime("%Y-%m-%d %H:%M"),
        age,
        rng.choice("FM"),
        b12_cell(rng, b12, i),
        mma,
        mma_unit,
        hcy,
        folate,
        egfr if rng.random() < 0.8 else "",
        comment,
    ]


def main() -> None:
    """Write the example (to OUT.csv if given)."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, not security
    start = dt.date(2024, 3, 4)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for i in range(ROWS):
            writer.writerow(row(rng, i, start + dt.timedelta(days=i // 12)))


if __name__ == "__main__":
    main()
