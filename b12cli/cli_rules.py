"""`b12cli rules ...`: list, show and validate rulesets."""

from pathlib import Path
from typing import Annotated

import typer

from b12cli.errors import RulesetError
from b12cli.guard import guarded
from b12cli.rulesets import bundled_names, load_ruleset

rules_app = typer.Typer(
    help="List, show, compare, validate and start rulesets.", no_args_is_help=True
)
Ref = Annotated[str, typer.Argument(help="Bundled id or path to a YAML file.")]


@rules_app.command("list")
@guarded
def list_rules() -> None:
    """List the bundled rulesets with version and status."""
    from b12cli.render.rules import print_list

    print_list([load_ruleset(name) for name in bundled_names()])


@rules_app.command("show")
@guarded
def show(ruleset: Ref) -> None:
    """Show a ruleset's thresholds, rules and caveats with their sources."""
    from b12cli.render.rules import print_ruleset

    print_ruleset(load_ruleset(ruleset))


@rules_app.command("validate")
@guarded
def validate(files: Annotated[list[Path], typer.Argument(help="Ruleset files to check.")]) -> None:
    """Check ruleset files; print one line per file; exit 2 if any is invalid."""
    failed = 0
    for path in files:
        if path.name == "catalog.yaml":
            continue
        try:
            loaded = load_ruleset(str(path))
        except RulesetError as exc:
            failed += 1
            typer.echo(f"invalid: {exc}", err=True)
        else:
            typer.echo(f"ok: {path} ({loaded.ruleset.id} {loaded.ruleset.version})")
    if failed:
        raise RulesetError(f"{failed} of {len(files)} ruleset file(s) invalid")


@rules_app.command("diff")
@guarded
def diff(
    a: Ref,
    b: Ref,
    changed: Annotated[bool, typer.Option("--changed", help="Show only what differs.")] = False,
) -> None:
    """Show two rulesets' thresholds, rules and caveats side by side, differences marked."""
    from b12cli.render.rules_diff import print_diff

    print_diff(load_ruleset(a), load_ruleset(b), changed_only=changed)


@rules_app.command("new")
@guarded
def new(
    parent: Annotated[str, typer.Option("--from", help="Bundled id or path to extend.")],
    new_id: Annotated[
        str | None, typer.Option("--id", help="Id of the new ruleset (default: <parent>-local).")
    ] = None,
) -> None:
    """Write a commented starting point for a lab ruleset that extends another (to stdout)."""
    from b12cli.render.rules_new import starter_yaml

    typer.echo(starter_yaml(load_ruleset(parent), parent, new_id), nl=False)
