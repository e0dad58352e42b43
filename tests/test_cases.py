"""Every clinical case under tests/cases/<ruleset>/ gives the outcome it expects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from b12cli.errors import InputError
from b12cli.evaluate import interpret
from b12cli.record import build_context, build_record
from b12cli.result import Interpretation
from b12cli.rulesets import load_catalog, load_ruleset

CASES = Path(__file__).parent / "cases"
ANALYTES = ("b12", "holotc", "mma", "hcy", "folate", "egfr")
CASE_FILES = sorted(CASES.glob("*/*.yaml"))


def run_case(ruleset: str, given: dict[str, Any]) -> Interpretation:
    """Interpret a case's input with the named ruleset, as `interpret` would."""
    catalog = load_catalog()
    context = build_context(
        catalog,
        age=given.get("age"),
        sex=given.get("sex"),
        pregnant=given.get("pregnant"),
        risks=given.get("risks", []),
        symptoms=given.get("symptoms", []),
    )
    values = {a: str(given[a]) for a in ANALYTES if a in given}
    return interpret(build_record(catalog, values, context), load_ruleset(ruleset), catalog)


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case.get("why"), "every case says why"
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(InputError, match=expect["error"]):
            run_case(path.parent.name, case["input"])
        return
    result = run_case(path.parent.name, case["input"])
    assert result.category == expect["category"], result.rules_fired
    if "rule" in expect:
        assert result.rules_fired[0].id == expect["rule"]
    if "caveats" in expect:
        assert sorted(c.id for c in result.caveats) == sorted(expect["caveats"])
    if "notes" in expect:
        assert sorted(n.id for n in result.notes) == sorted(expect["notes"])
    bands = {m.analyte: m.band for m in result.measurements}
    for analyte, band in expect.get("bands", {}).items():
        assert bands[analyte] == band, analyte
    offered = {s.id for s in result.next_steps}
    assert set(expect.get("next_steps", [])) <= offered
    assert not set(expect.get("not_next_steps", [])) & offered


def test_every_bundled_ruleset_has_cases() -> None:
    from b12cli.rulesets import bundled_names

    for name in bundled_names():
        count = len(list((CASES / name).glob("*.yaml")))
        assert count >= 15, f"{name} has {count} cases; at least 15 expected"
