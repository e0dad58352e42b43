"""The guideline library: five bundled rulesets, rules list/validate/diff/new, band units, docs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from b12cli.cli import app
from b12cli.docs_gen import render_docs
from b12cli.docs_schema import CONDITION_KINDS, undocumented
from b12cli.errors import RulesetError
from b12cli.model import Ruleset
from b12cli.rulesets import bundled_names, load_catalog, load_ruleset
from b12cli.units import to_canonical
from b12cli.validation import adapter, validate

REPO = Path(__file__).resolve().parents[1]
ENV = {"NO_COLOR": "1", "COLUMNS": "100"}
FIVE = ["bsh-2014", "labcorp-cascade", "mayo-cascade", "nice-ng239", "who-population"]
NEW = ["bsh-2014", "labcorp-cascade", "mayo-cascade", "who-population"]


def cli(*args: str, width: str = "100") -> tuple[int, str, str]:
    """Run b12cli in-process; return exit code, stdout and stderr."""
    result = CliRunner().invoke(app, list(args), env={**ENV, "COLUMNS": width})
    return result.exit_code, result.stdout, result.stderr


def test_rules_list_shows_five_rulesets_with_version_and_status() -> None:
    code, out, err = cli("rules", "list", width="200")
    assert (code, err) == (0, "")
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[3:] if line.strip()}
    assert rows == {
        "bsh-2014": ["1.0.0", "guideline"],
        "labcorp-cascade": ["1.0.0", "laboratory"],
        "mayo-cascade": ["1.0.0", "laboratory"],
        "nice-ng239": ["1.0.0", "guideline"],
        "who-population": ["1.0.0", "guideline"],
    }


def test_rules_validate_passes_for_every_file_under_rules() -> None:
    files = sorted(str(p) for p in (REPO / "rules").glob("*.yaml"))
    code, out, err = cli("rules", "validate", *files)
    assert (code, err) == (0, "")
    assert sorted(re.findall(r"^ok: .*?\((\S+) ", out, re.MULTILINE)) == FIVE


def test_interpret_all_as_json_gives_one_object_per_ruleset() -> None:
    code, out, err = cli("interpret", "--b12", "250 ng/L", "--rules", "all", "--format", "json")
    assert (code, err) == (0, "")
    body = json.loads(out)
    ids = [item["ruleset"]["id"] for item in body]
    assert ids[0] == "nice-ng239", "the default comes first, so comparisons read against it"
    assert sorted(ids) == sorted(FIVE)
    categories = {item["ruleset"]["id"]: item["category"] for item in body}
    # 250 ng/L: above BSH's 200 (not deficient); NICE indeterminate (180-350); WHO marginal
    # (184.5 pmol/L); both cascades want MMA (150-400 and 200-400).
    assert categories == {
        "bsh-2014": "not_deficient",
        "labcorp-cascade": "indeterminate",
        "mayo-cascade": "indeterminate",
        "nice-ng239": "indeterminate",
        "who-population": "indeterminate",
    }
    assert next(i for i in body if i["ruleset"]["id"] == "who-population")["label"] == "Marginal"


def test_who_thresholds_are_converted_exactly_not_rounded() -> None:
    loaded, b12 = load_ruleset("who-population"), load_catalog().analytes["b12"]
    bands = loaded.ruleset.bands["b12"][0].bands
    assert [b.lower for b in bands[1:]] == [
        to_canonical(b12, 150, "pmol/L"),
        to_canonical(b12, 221, "pmol/L"),
    ]
    assert loaded.band_unit("b12", 0) is not None
    assert loaded.ruleset.bands["mma"][0].bands[0].upper == to_canonical(
        load_catalog().analytes["mma"], 271, "nmol/L"
    )


def test_model_itself_refuses_band_units_so_executors_see_canonical_bounds() -> None:
    ruleset = load_ruleset("nice-ng239").ruleset
    data = adapter(Ruleset).dump_python(ruleset, by_alias=True, exclude_none=True)
    data["bands"]["b12"][0]["unit"] = "pmol/L"
    with pytest.raises(ValueError, match="unit"):
        validate(Ruleset, data)


def _write_with_b12_unit(tmp_path: Path, unit: str) -> Path:
    text = (REPO / "rules" / "labcorp-cascade.yaml").read_text(encoding="utf-8")
    path = tmp_path / "lab.yaml"
    path.write_text(text.replace("    - unit: pg/mL\n", f"    - unit: {unit}\n"), encoding="utf-8")
    return path


def test_unknown_band_unit_names_file_line_and_key(tmp_path: Path) -> None:
    path = _write_with_b12_unit(tmp_path, "furlongs")
    line = path.read_text(encoding="utf-8").splitlines().index("    - unit: furlongs") + 1
    with pytest.raises(RulesetError) as caught:
        load_ruleset(str(path))
    assert str(caught.value) == (
        f"{path}:{line}: bands.b12[0].unit: unknown unit 'furlongs' for b12; "
        "accepted units: ng/L, pmol/L"
    )


def test_band_unit_accepts_any_spelling_of_an_accepted_unit(tmp_path: Path) -> None:
    loaded = load_ruleset(str(_write_with_b12_unit(tmp_path, "ng/dm3")))
    assert loaded.ruleset.bands == load_ruleset("labcorp-cascade").ruleset.bands


def test_rules_show_gives_bounds_as_written_and_canonical() -> None:
    code, out, _ = cli("rules", "show", "who-population", width="160")
    assert code == 0
    assert "< 150 pmol/L (< 203.3 ng/L)" in out
    assert ">= 150 and < 221 pmol/L (>= 203.3 and < 299.5 ng/L)" in out


def test_interpretation_gives_bounds_as_written_beside_the_canonical_ones() -> None:
    args = ["interpret", "--b12", "250 ng/L", "--mma", "300 nmol/L", "--rules"]
    code, out, _ = cli(*args, "who-population", "--format", "text", width="160")
    assert code == 0
    assert "marginal (>= 150 and < 221 pmol/L (>= 203.3 and < 299.5 ng/L)" in out
    code, out, _ = cli(*args, "labcorp-cascade", "--format", "json")
    by_analyte = {m["analyte"]: m["thresholds"] for m in json.loads(out)["measurements"]}
    # pg/mL is ng/L: nothing to restate; LabCorp's MMA limit was written in nmol/L.
    assert all(t["as_written"] is None for t in by_analyte["b12"])
    normal = next(t for t in by_analyte["mma"] if t["band"] == "normal")
    assert normal["upper"] == pytest.approx(0.378)
    assert normal["as_written"] == {"unit": "nmol/L", "lower": None, "upper": 378.0}


def test_diff_of_a_ruleset_with_itself_shows_no_differences() -> None:
    code, out, err = cli("rules", "diff", "bsh-2014", "bsh-2014")
    assert (code, err) == (0, "")
    assert "Differences (≠, A only, B only): 0 of 5 analytes, 0 of 8 rules, 0 of 15 caveats." in (
        " ".join(out.split())
    )


def test_diff_marks_changed_thresholds_and_one_sided_rules() -> None:
    code, out, _ = cli("rules", "diff", "nice-ng239", "bsh-2014", width="160")
    assert code == 0
    b12_row = next(line for line in out.splitlines() if line.strip().startswith("b12 "))
    assert "low: < 180 ng/L" in b12_row and "low: < 200 ng/L" in b12_row and "≠" in b12_row
    assert re.search(r"screen-discordant .* A only", out)
    assert re.search(r"b12-low .* B only", out)
    assert not re.search(r"^\s*egfr .*≠", out, re.MULTILINE)  # same eGFR bands in both


def test_diff_compares_canonical_bounds_not_spelling(tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text(
        "extends: labcorp-cascade\nid: child\nbands:\n  b12:\n    - unit: ng/L\n      bands:\n"
        "        - {name: low, lt: 200, source: labcorp-cascade, evidence: V}\n"
        "        - {name: borderline, ge: 200, le: 400, source: labcorp-cascade, evidence: V}\n"
        "        - {name: normal, gt: 400, le: 1245, source: labcorp-cascade, evidence: V}\n"
        "        - {name: high, gt: 1245, source: labcorp-ranges, evidence: V}\n",
        encoding="utf-8",
    )
    code, out, _ = cli("rules", "diff", "labcorp-cascade", str(child), "--changed")
    assert code == 0
    assert "0 of 4 analytes, 0 of 9 rules, 0 of 12 caveats" in " ".join(out.split())


def test_new_writes_a_starter_that_validates_and_extends_the_parent(tmp_path: Path) -> None:
    code, out, err = cli("rules", "new", "--from", "nice-ng239", "--id", "mylab")
    assert (code, err) == (0, "")
    assert out.startswith("# A ruleset that extends nice-ng239 1.0.0")
    assert 'extends: "nice-ng239"\nid: mylab\n' in out
    path = tmp_path / "mylab.yaml"
    path.write_text(out, encoding="utf-8")
    code, shown, _ = cli("rules", "validate", str(path))
    assert (code, shown.strip()) == (0, f"ok: {path} (mylab 0.1.0)")
    loaded = load_ruleset(str(path))
    assert (loaded.ruleset.extends, loaded.ruleset.status) == ("nice-ng239", "laboratory")


@pytest.mark.parametrize("parent", NEW)
def test_uncommented_starter_bands_reproduce_the_parents_thresholds(
    tmp_path: Path, parent: str
) -> None:
    _, out, _ = cli("rules", "new", "--from", parent)
    lines = out.splitlines()
    start = lines.index("# bands:")
    block = [line[2:] for line in lines[start : lines.index("", start)]]
    path = tmp_path / "child.yaml"
    path.write_text(out + "\n".join(block) + "\n", encoding="utf-8")
    assert load_ruleset(str(path)).ruleset.bands == load_ruleset(parent).ruleset.bands


def test_new_from_unknown_ruleset_is_one_line_error() -> None:
    code, out, err = cli("rules", "new", "--from", "nice-ng240")
    assert (code, out) == (2, "")
    assert err.startswith("b12cli: error: unknown ruleset 'nice-ng240'")
    assert len(err.splitlines()) == 1


def test_docs_are_generated_from_the_current_yaml() -> None:
    current = (REPO / "docs" / "rulesets.md").read_text(encoding="utf-8")
    assert current == render_docs(), "run: python -m b12cli.docs_gen > docs/rulesets.md"


def test_docs_describe_every_schema_field_and_condition_kind() -> None:
    from b12cli.conditions import KEYS

    assert undocumented() == []
    assert set(CONDITION_KINDS) == set(KEYS)


def test_docs_extends_example_is_a_valid_ruleset(tmp_path: Path) -> None:
    docs = (REPO / "docs" / "rulesets.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(extends: .*?)```", docs, re.DOTALL)
    assert example is not None
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    assert load_ruleset(str(path)).ruleset.extends == "nice-ng239"


@pytest.mark.parametrize("name", bundled_names())
def test_no_bundled_threshold_rests_on_memory_alone(name: str) -> None:
    bands = [b for v in load_ruleset(name).ruleset.bands.values() for var in v for b in var.bands]
    assert [b.name for b in bands if b.evidence == "M"] == []


@pytest.mark.parametrize("name", NEW)
def test_next_steps_are_options_not_orders(name: str) -> None:
    steps = load_ruleset(name).ruleset.steps
    assert [k for k, s in steps.items() if "consider" not in s.text.lower()] == []
