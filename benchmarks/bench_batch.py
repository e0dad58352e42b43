#!/usr/bin/env python3
"""Reproduce the batch speed and memory figures of issue 3.

Generates `make_wide_csv.py` files (../shared/bench), then runs `b12cli batch FILE -o OUT
--quiet` (nice-ng239, CSV to CSV) and the hand-written baselines alternately, RUNS times each,
and reports median wall times and their ratios; then the peak anonymous resident memory
(`peak_anon.py`) of the batch run at 1M and 5M rows, the median of MEMORY_RUNS runs each.

    python benchmarks/bench_batch.py [--rows 1000000] [--runs 7] [--memory-rows 5000000]
                                     [--memory-runs 5] [--workdir DIR] [--no-pandas]

Targets: median wall <= 2.0 x baseline_polars and <= 0.25 x baseline_pandas; peak RssAnon
<= 400 MiB at 5M rows and <= 1.25 x the 1M peak. The pandas baseline needs pandas and numpy
(benchmark only: `pip install pandas`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"


def make_input(rows: int, folder: Path) -> Path:
    """The synthetic wide export of `rows` rows (made once, kept in `folder`)."""
    path = folder / f"labs{rows}.csv"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(BENCH / "make_wide_csv.py"), str(rows), str(path)], check=True
        )
    return path


def commands(source: Path, folder: Path, pandas: bool) -> dict[str, list[str]]:
    """The commands compared, each writing its own output file."""
    python, src = sys.executable, str(source)
    found = {
        "b12cli batch": [python, "-m", "b12cli", "batch", src, "-o", str(folder / "b12cli.csv")],
        "baseline_polars": [python, str(BENCH / "baseline_polars.py"), src, str(folder / "pl.csv")],
    }
    found["b12cli batch"].append("--quiet")
    if pandas:
        found["baseline_pandas"] = [
            python, str(BENCH / "baseline_pandas.py"), src, str(folder / "pd.csv")
        ]  # fmt: skip
    return found


def wall(command: list[str]) -> float:
    """Seconds one run takes (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def alternate(runs: dict[str, list[str]], count: int) -> dict[str, list[float]]:
    """Every command once per round, `count` rounds, after one warm-up round."""
    for command in runs.values():
        wall(command)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(count):
        for name, command in runs.items():
            times[name].append(wall(command))
    return times


def peak_mib(command: list[str]) -> int:
    """Peak anonymous resident memory of a command, in MiB (peak_anon.py's last line)."""
    result = subprocess.run(
        [sys.executable, str(BENCH / "peak_anon.py"), *command],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.split()[-1])


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--memory-rows", type=int, default=5_000_000)
    # The 1M-row peak varies by about 20 MiB with how the threads interleave: five runs give a
    # steadier median than three.
    parser.add_argument("--memory-runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--no-pandas", action="store_true")
    args = parser.parse_args()
    # An installed wheel has .pyc files; an editable install where PYTHONDONTWRITEBYTECODE is set
    # would otherwise recompile b12cli on every run and measure the compiler, not the tool.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "b12cli")], check=True)
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="b12cli-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = make_input(args.rows, folder)
    runs = commands(source, folder, pandas=not args.no_pandas)
    times = alternate(runs, args.runs)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.rows:,} rows, {args.runs} alternating runs each (median wall seconds):")
    for name, median in medians.items():
        print(
            f"  {name:<16} {median:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times[name])})"
        )
    ours = medians["b12cli batch"]
    print(f"  ratio to baseline_polars: {ours / medians['baseline_polars']:.3f} (target <= 2.0)")
    if "baseline_pandas" in medians:
        print(
            f"  ratio to baseline_pandas: {ours / medians['baseline_pandas']:.3f} (target <= 0.25)"
        )
    # Peaks vary from run to run with how the threads interleave: take the median of a few,
    # alternating the two sizes.
    big_source = make_input(args.memory_rows, folder)
    big_run = commands(big_source, folder, pandas=False)["b12cli batch"]
    peaks: dict[str, list[int]] = {"small": [], "big": []}
    for _ in range(args.memory_runs):
        peaks["small"].append(peak_mib(runs["b12cli batch"]))
        peaks["big"].append(peak_mib(big_run))
    small, big = (int(statistics.median(peaks[k])) for k in ("small", "big"))
    print(
        f"peak RssAnon (median of {args.memory_runs}): {small} MiB at {args.rows:,} rows "
        f"(runs: {peaks['small']}), {big} MiB at {args.memory_rows:,} rows (runs: {peaks['big']})"
    )
    print(f"  {big / small:.2f} x the smaller run (target <= 1.25), {big} MiB (target <= 400)")


if __name__ == "__main__":
    main()
