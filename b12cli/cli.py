"""The command line: options in, one call into the core, renderer out, exit code back."""

import os
import sys
from typing import Annotated, Literal

import typer

from b12cli import __version__
from b12cli.cli_batch import batch
from b12cli.cli_rules import rules_app
from b12cli.errors import UsageError
from b12cli.guard import exit_for, guarded

app = typer.Typer(
    name="b12cli",
    help="Interpret vitamin B12 laboratory results against guideline rulesets.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    add_completion=False,
)
app.add_typer(rules_app, name="rules")
app.command()(batch)

Format = Literal["rich", "text", "json"]
Value = Annotated[
    str | None, typer.Option(help="Result with optional unit, e.g. '250 ng/L', '<150'.")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"b12cli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Interpret vitamin B12 laboratory results against guideline rulesets."""


def use_color(no_color: bool) -> bool:
    """Colour only on a terminal, never with --no-color, NO_COLOR or TERM=dumb."""
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def ruleset_refs(rules: str) -> list[str]:
    """'all', one id or path, or a comma list -> ruleset references."""
    from b12cli.rulesets import DEFAULT_RULESET, bundled_names

    if rules.strip() == "all":
        # The default first: comparisons highlight where the others differ from it.
        return [DEFAULT_RULESET, *(n for n in bundled_names() if n != DEFAULT_RULESET)]
    refs = [r.strip() for r in rules.split(",") if r.strip()]
    if not refs:
        raise UsageError("--rules needs at least one ruleset id or path")
    return list(dict.fromkeys(refs))


@app.command()
@guarded
def interpret(
    b12: Value = None,
    holotc: Value = None,
    mma: Value = None,
    hcy: Value = None,
    folate: Value = None,
    egfr: Value = None,
    age: Annotated[float | None, typer.Option(help="Age in years.")] = None,
    sex: Annotated[Literal["female", "male"] | None, typer.Option(help="female or male.")] = None,
    pregnant: Annotated[bool | None, typer.Option("--pregnant/--not-pregnant")] = None,
    risk: Annotated[list[str] | None, typer.Option(help="Risk factor (repeatable).")] = None,
    symptom: Annotated[list[str] | None, typer.Option(help="Symptom (repeatable).")] = None,
    rules: Annotated[str, typer.Option(help="Ruleset id or YAML path; comma list; or 'all'.")] = (
        "nice-ng239"
    ),
    fmt: Annotated[Format | None, typer.Option("--format", help="rich, text or json.")] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No ANSI colour.")] = False,
) -> None:
    """Interpret one patient's results."""
    from b12cli.evaluate import interpret as run
    from b12cli.record import build_context, build_record
    from b12cli.render import RENDERERS, RenderOptions
    from b12cli.rulesets import load_catalog, load_ruleset

    catalog = load_catalog()
    context = build_context(
        catalog, age=age, sex=sex, pregnant=pregnant, risks=risk or [], symptoms=symptom or []
    )
    values = {"b12": b12, "holotc": holotc, "mma": mma, "hcy": hcy, "folate": folate, "egfr": egfr}
    record = build_record(catalog, values, context)
    loaded = [load_ruleset(ref) for ref in ruleset_refs(rules)]
    results = [run(record, ruleset, catalog) for ruleset in loaded]
    chosen = fmt or ("rich" if sys.stdout.isatty() else "text")
    color = use_color(no_color)
    RENDERERS[chosen](results, sys.stdout, RenderOptions(color=color))


@app.command()
@guarded
def schema() -> None:
    """Print the JSON Schema of `interpret --format json` output."""
    import json

    from b12cli.result import Interpretation
    from b12cli.validation import json_schema

    body = json_schema(Interpretation)
    body["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    typer.echo(json.dumps(body, indent=2))


def main() -> None:
    """Console-script entry point: the guard's mapping also covers --help and --version."""
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # a full disk or closed pipe surfaces here, not at shutdown
    except (OSError, KeyboardInterrupt) as exc:
        sys.exit(exit_for(exc).exit_code)
