"""`python -m fuzz [--examples N] [--seconds S] [--target values|cells|csv|all] [--seed N]`."""

from __future__ import annotations

import argparse
import sys

from .harness import Report


def main(argv: list[str] | None = None) -> int:
    """Run the chosen fuzz targets; print inputs tried and crashes; exit 1 on any crash."""
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__)
    parser.add_argument("--examples", type=int, default=10_000, help="inputs per target")
    parser.add_argument("--seconds", type=float, default=None, help="time cap per target")
    parser.add_argument("--target", choices=["values", "cells", "csv", "all"], default="all")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    reports: list[Report] = []
    if args.target in ("values", "all"):
        from . import fuzz_values

        reports.append(fuzz_values.run(args.examples, args.seconds, args.seed))
    if args.target in ("cells", "all"):
        from . import fuzz_cells

        reports.append(fuzz_cells.run(args.examples, args.seconds, args.seed))
    if args.target in ("csv", "all"):
        from . import fuzz_csv

        reports.append(fuzz_csv.run(args.examples, args.seconds, args.seed))
    for report in reports:
        print(report.line())
        for signature, example in report.crashes.items():
            print(f"  crash {signature}\n    first input: {example}")
    return 1 if any(r.crashes for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
