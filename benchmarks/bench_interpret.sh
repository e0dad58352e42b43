#!/usr/bin/env bash
# Start-up benchmark for `b12cli interpret --format json` (issue: <= 1.5x the bare imports of
# typer, rich.console, pydantic and yaml). Both commands run alternately in one hyperfine call,
# so the ratio, not the absolute time, is what to read on a shared, noisy machine.
#   bash benchmarks/bench_interpret.sh [RUNS]
# Needs hyperfine (Debian: apt-get install hyperfine) and b12cli installed in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-40}
py=${PYTHON:-.venv/bin/python}
bin=$(dirname "$py")/b12cli
# An installed wheel has .pyc files; an editable install under PYTHONDONTWRITEBYTECODE would
# recompile b12cli on every run and measure the compiler, not the tool.
"$py" -m compileall -q b12cli >/dev/null
report=$(mktemp)
hyperfine -N --warmup 5 --runs "$runs" --export-json "$report" \
  "$py -c 'import typer, rich.console, pydantic, yaml'" \
  "$bin interpret --b12 '250 ng/L' --mma '0.62 umol/L' --age 55 --format json"
"$py" - "$report" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
base, ours = (r["median"] for r in runs)
print(f"median: imports {base * 1e3:.1f} ms, interpret {ours * 1e3:.1f} ms, ratio {ours / base:.2f}")
PY
