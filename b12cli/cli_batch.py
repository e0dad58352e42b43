"""`b12cli batch`: options in, one batch run, summary on stderr, exit code back."""

import atexit
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from rich.progress import Progress

    from b12cli.batch.runner import BatchRequest
    from b12cli.batch.stats import BatchStats

from b12cli.errors import ExitCode, UsageError
from b12cli.guard import guarded

EXAMPLE = "lab-export.csv"
# Rows per chunk: small enough that the four threads (reading, cells, rules, writing) overlap
# early and peak memory stays flat. Measured on 1M- and 5M-row exports (3 runs each): 64,000
# runs as fast as 80,000 or 100,000 and its peak grows 1.16x from 1M to 5M rows (125 to 145
# MiB), against 1.24x at 80,000 and about 1.3x at 100,000.
CHUNK_ROWS = 64_000


@contextlib.contextmanager
def example_path() -> Iterator[str]:
    """The bundled example export as a file path."""
    with resources.as_file(resources.files("b12cli.examples").joinpath(EXAMPLE)) as path:
        yield str(path)


@guarded
def batch(
    file: Annotated[
        str | None, typer.Argument(help="Lab export (CSV, TSV, .gz, Parquet, JSONL); - for stdin.")
    ] = None,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="Output file (default: stdout).")
    ] = None,
    fmt: Annotated[
        Literal["csv", "jsonl", "json", "parquet"] | None,
        typer.Option("--format", help="csv, jsonl, json or parquet (default: from -o, else csv)."),
    ] = None,
    rules: Annotated[
        str, typer.Option(help="Ruleset id or YAML path; comma list; or 'all'.")
    ] = "nice-ng239",
    column: Annotated[
        list[str] | None,
        typer.Option(help="ANALYTE=HEADER: the column holding an analyte (or age, sex, pregnant)."),
    ] = None,
    unit: Annotated[
        list[str] | None, typer.Option(help="ANALYTE=UNIT: the unit of an analyte's column.")
    ] = None,
    id: Annotated[
        str | None, typer.Option("--id", help="Columns identifying a row (comma list).")
    ] = None,
    explain: Annotated[bool, typer.Option(help="Add label, summary and next steps.")] = False,
    no_formula_escape: Annotated[
        bool, typer.Option("--no-formula-escape", help="Do not escape cells starting with = + - @.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
    delimiter: Annotated[
        str | None, typer.Option(help="Field delimiter (default: sniffed).")
    ] = None,
    decimal: Annotated[Literal[".", ","] | None, typer.Option(help="Decimal mark: . or ,")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Input encoding (default: detected).")
    ] = None,
    layout: Annotated[
        Literal["wide", "long"] | None,
        typer.Option(help="wide (a row per sample) or long (a row per result)."),
    ] = None,
    code: Annotated[
        list[str] | None, typer.Option(help="CODE=ANALYTE: a local test code (long layout).")
    ] = None,
    code_map_file: Annotated[
        str | None, typer.Option("--code-map", help="File of CODE,ANALYTE lines.")
    ] = None,
    group: Annotated[
        str | None, typer.Option(help="Long layout: columns forming one sample.")
    ] = None,
    value: Annotated[
        str | None, typer.Option(help="Long layout: result text columns, tried in order.")
    ] = None,
    test: Annotated[
        str | None, typer.Option(help="Long layout: test name or code columns.")
    ] = None,
    example: Annotated[
        bool,
        typer.Option(
            help="Run on the bundled example lab export (a demonstration: its deliberately "
            "bad cells are reported, but do not make the exit code 1)."
        ),
    ] = False,
) -> None:
    """Interpret every row of a lab export; one interpretation per sample."""
    # polars allocates through jemalloc, which reads this when polars is first imported (just
    # below): one arena lets the reader, interpreter and writer threads reuse each other's
    # freed memory instead of growing an arena each, so peak memory stays flat.
    os.environ.setdefault("_RJEM_MALLOC_CONF", "narenas:1")
    if file not in (None, "-") and not example:
        from b12cli.batch.early_check import check_early

        check_early(str(file))  # the input's first pass goes on while polars is imported
    from b12cli.batch.codes import parse_codes
    from b12cli.batch.options import names_list, pairs
    from b12cli.batch.runner import BatchRequest
    from b12cli.batch.table import InputSpec
    from b12cli.batch.writers import format_for
    from b12cli.cli import ruleset_refs
    from b12cli.rulesets import load_catalog

    if example == (file is not None):
        raise UsageError("give a FILE (or - for standard input), or --example, not both")
    with contextlib.ExitStack() as stack:
        path = stack.enter_context(example_path()) if example else str(file)
        spec = InputSpec(
            path=path,
            encoding=encoding,
            delimiter=delimiter,
            decimal=decimal,
            layout=layout,
            codes=parse_codes(load_catalog(), code or [], code_map_file),
            group=names_list(group),
            id=names_list(id),
            value=names_list(value),
            test=names_list(test),
            chunk_rows=CHUNK_ROWS,
        )
        request = BatchRequest(
            spec=spec,
            output=output,
            fmt=format_for(output, fmt),
            rules=ruleset_refs(rules),
            columns=pairs(column, "--column"),
            units=pairs(unit, "--unit"),
            explain=explain,
            escape=not no_formula_escape,
            histograms=sys.stderr.isatty() and not quiet,
        )
        stats = _run(request, quiet)
    if not quiet:
        _summary(stats)
    _finish(ExitCode.INPUT_ERROR if stats.error_rows and not example else ExitCode.OK)


def _finish(code: ExitCode) -> None:
    """End the run with `code`. As the b12cli process itself, end it here: the interpreter's
    teardown of polars and every loaded module takes about 0.1 s, a tenth of a million-row
    run. Streams are flushed and exit handlers run first; in-process callers (tests) get
    the usual typer.Exit."""
    if Path(sys.argv[0]).name in ("b12cli", "__main__.py") and _has_descriptors():
        sys.stdout.flush()
        sys.stderr.flush()
        atexit._run_exitfuncs()
        os._exit(int(code))
    if code:
        raise typer.Exit(int(code))


def _has_descriptors() -> bool:
    try:
        sys.stdout.fileno()
        sys.stderr.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return False
    return True


class _LazyProgress:
    """A progress line on stderr that appears only once a run has taken over a second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar: Progress | None = None

    def __call__(self, rows: int) -> None:
        if self.bar is None and time.monotonic() - self.started > 1.0:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            columns = (SpinnerColumn(), TextColumn("{task.completed:,} rows"), TimeElapsedColumn())
            self.bar = Progress(*columns, console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("batch", total=None)
        if self.bar is not None:
            self.bar.update(self.task, completed=rows)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _run(request: "BatchRequest", quiet: bool) -> "BatchStats":
    from b12cli.batch.runner import run_batch

    to_terminal = request.output in (None, "-") and sys.stdout.isatty()
    if quiet or to_terminal or not sys.stderr.isatty():
        return run_batch(request)
    progress = _LazyProgress()
    try:
        return run_batch(request, progress)
    finally:
        progress.stop()


def _summary(stats: "BatchStats") -> None:
    from b12cli.batch.summary import write_plain, write_rich

    if sys.stderr.isatty():
        write_rich(stats, sys.stderr)
    else:
        write_plain(stats, sys.stderr)
