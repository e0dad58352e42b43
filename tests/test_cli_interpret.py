"""`b12cli interpret` as a user meets it: formats, exit codes, messages and the schema."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from tests.conftest import Invoke

ACCEPTANCE = ("interpret", "--b12", "250 ng/L", "--mma", "0.62 umol/L", "--age", "55")


def schema(cli: Invoke) -> dict[str, object]:
    result = cli("schema")
    assert result.exit_code == 0
    body: dict[str, object] = json.loads(result.stdout)
    return body


def test_acceptance_example_is_functional_deficiency_and_valid(cli: Invoke) -> None:
    result = cli(*ACCEPTANCE, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    body = json.loads(result.stdout)
    assert body["category"] == "functional_deficiency"
    jsonschema.Draft202012Validator(schema(cli)).validate(body)
    assert body["rules_fired"][0]["id"] == "mma-high"
    assert body["disclaimer"]
    assert len(body["ruleset"]["sha256"]) == 64
    b12 = body["measurements"][0]
    assert (b12["analyte"], b12["band"], b12["unit_source"]) == ("b12", "indeterminate", "given")


def test_text_format_shows_basis_and_disclaimer(cli: Invoke) -> None:
    result = cli(*ACCEPTANCE, "--format", "text")
    assert result.exit_code == 0
    out = result.stdout
    assert "FUNCTIONAL DEFICIENCY" in out
    assert "high (> 0.4 umol/L)" in out
    assert "Next steps to consider" in out
    assert "not a diagnosis" in out


def test_rich_format_fits_80_columns_and_has_no_colour(cli: Invoke) -> None:
    result = cli(*ACCEPTANCE, "--symptom", "joint-pain", "--format", "rich", "--no-color")
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert "Joint and muscle pain" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_rich_view_at_80_columns(cli: Invoke) -> None:
    from io import StringIO

    from b12cli.render import RENDERERS, RenderOptions
    from tests.test_cases import run_case

    result = run_case("nice-ng239", {"b12": "<200", "mma": "0.3", "age": 70})
    out = StringIO()
    RENDERERS["rich"]([result], out, RenderOptions(color=False, width=80))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any("censored" in line for line in lines)


def test_bare_number_says_unit_was_assumed(cli: Invoke) -> None:
    result = cli("interpret", "--b12", "400", "--format", "text")
    assert result.exit_code == 0
    assert "no unit: ng/L assumed" in result.stdout


def test_unknown_unit_is_one_line_exit_1(cli: Invoke) -> None:
    result = cli("interpret", "--mma", "0.5 mmol/L", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "accepted units: umol/L, nmol/L" in result.stderr


def test_implausible_value_suggests_unit(cli: Invoke) -> None:
    result = cli("interpret", "--mma", "250 umol/L")
    assert result.exit_code == 1
    assert "did you mean nmol/L" in result.stderr


def test_unknown_term_lists_valid_ones(cli: Invoke) -> None:
    result = cli("interpret", "--b12", "300", "--symptom", "headache")
    assert result.exit_code == 1
    assert "unknown symptom 'headache'" in result.stderr
    assert "joint-pain" in result.stderr


def test_unknown_ruleset_is_exit_2(cli: Invoke) -> None:
    result = cli("interpret", "--b12", "300", "--rules", "no-such-guideline")
    assert result.exit_code == 2
    assert "unknown ruleset 'no-such-guideline'" in result.stderr
    assert "nice-ng239" in result.stderr


def test_bad_option_is_usage_error(cli: Invoke) -> None:
    result = cli("interpret", "--format", "xml")
    assert result.exit_code == 2


def test_no_values_is_insufficient_data(cli: Invoke) -> None:
    result = cli("interpret", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["category"] == "insufficient_data"


@pytest.mark.parametrize("fmt", ["rich", "text", "json"])
def test_every_format_carries_the_disclaimer(cli: Invoke, fmt: str) -> None:
    result = cli("interpret", "--b12", "120", "--format", fmt, "--no-color")
    assert result.exit_code == 0
    assert "not a replacement for professional" in " ".join(result.stdout.split())


def test_every_format_name_maps_to_a_renderer() -> None:
    import typing

    from b12cli.cli import Format
    from b12cli.render import RENDERERS

    assert set(typing.get_args(Format)) == set(RENDERERS)


def test_interpret_json_imports_neither_dataframe_libraries_nor_pydantic() -> None:
    # Start-up time: pydantic validates rule files, but the bundled rulesets come from their
    # validated snapshots, so one interpretation never imports it (nor does typer < 0.29).
    code = (
        "import sys\n"
        "sys.argv = ['b12cli', 'interpret', '--b12', '250', '--format', 'json']\n"
        "from b12cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = {'polars', 'pandas', 'numpy', 'rich', 'pydantic'} & set(sys.modules)\n"
        "print('IMPORTED', sorted(bad), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "IMPORTED []" in done.stderr


def test_internal_error_is_one_line_without_values(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import b12cli.evaluate

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret 123 ng/L")

    monkeypatch.setattr(b12cli.evaluate, "interpret", broken)
    result = cli("interpret", "--b12", "123")
    assert result.exit_code == 3
    assert "internal error (RuntimeError)" in result.stderr
    assert "123" not in result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "b12cli", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.startswith("b12cli ")
