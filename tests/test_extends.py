"""`extends:`: a lab ruleset inherits from a parent and overrides bands, texts and metadata."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from b12cli.errors import RulesetError
from b12cli.evaluate import interpret
from b12cli.record import build_context, build_record
from b12cli.result import Interpretation
from b12cli.rulesets import LoadedRuleset, load_catalog, load_ruleset

LAB = """\
extends: nice-ng239
id: mylab
title: NICE NG239 with our assay's bands
version: "0.2.0"
effective: 2025-01-01
status: laboratory
sources:
  mylab: {title: "Our verification of the B12 assay"}
bands:
  b12:
    - unit: pmol/L
      bands:
        - {name: low, lt: 107, source: mylab, evidence: C}
        - {name: indeterminate, ge: 107, le: 258, source: mylab, evidence: C}
        - {name: normal, gt: 258, le: 674, source: mylab, evidence: C}
        - {name: high, gt: 674, source: mylab, evidence: C}
rules:
  - id: screen-low
    label: Low for our assay
caveats:
  - id: pregnancy
    text: Our assay reads low in pregnancy; consider active B12.
  - id: our-assay
    when: {measured: b12}
    text: Bands verified for our assay only.
    source: mylab
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a ruleset file (dedented) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(loaded: LoadedRuleset, pregnant: bool | None = None, **values: str) -> Interpretation:
    """Interpret values (analyte=text) with a loaded ruleset."""
    catalog = load_catalog()
    context = build_context(catalog, pregnant=pregnant)
    return interpret(build_record(catalog, values, context), loaded, catalog)


def test_child_overrides_bands_texts_and_metadata(tmp_path: Path) -> None:
    loaded = load_ruleset(str(write(tmp_path, "mylab.yaml", LAB)))
    r = loaded.ruleset
    assert (r.id, r.version, r.status, r.extends) == ("mylab", "0.2.0", "laboratory", "nice-ng239")
    assert r.title == "NICE NG239 with our assay's bands"
    # 106 pmol/L is low for the lab (< 107) although NICE would call 143.7 ng/L low too;
    # 108 pmol/L (146.4 ng/L) is indeterminate here but low under NICE (< 180 ng/L).
    low = run(loaded, b12="106 pmol/L")
    assert (low.category, low.label) == ("deficient", "Low for our assay")
    parent_rules = {rule.id: rule for rule in load_ruleset("nice-ng239").ruleset.rules}
    assert low.summary == parent_rules["screen-low"].summary  # inherited
    mid = run(loaded, b12="108 pmol/L")
    assert mid.category == "indeterminate"
    assert run(load_ruleset("nice-ng239"), b12="108 pmol/L").category == "deficient"


def test_child_inherits_other_analytes_caveats_and_adds_its_own(tmp_path: Path) -> None:
    loaded = load_ruleset(str(write(tmp_path, "mylab.yaml", LAB)))
    result = run(loaded, pregnant=True, b12="300 pmol/L", mma="0.62 umol/L")
    assert result.rules_fired[0].id == "mma-high"  # MMA bands inherited from NICE
    caveats = {c.id: c for c in result.caveats}
    assert caveats["pregnancy"].text.startswith("Our assay reads low")
    assert caveats["pregnancy"].source == "bnssg-pregnancy"  # fields not given are inherited
    assert caveats["our-assay"].source == "mylab"
    assert "kidney-unknown" in caveats


def test_threshold_in_band_unit_compares_equal_to_value_in_that_unit(tmp_path: Path) -> None:
    loaded = load_ruleset(str(write(tmp_path, "mylab.yaml", LAB)))
    # 107 pmol/L entered is exactly the lower bound of 'indeterminate' (inclusive).
    assert run(loaded, b12="107 pmol/L").measurements[0].band == "indeterminate"
    assert run(loaded, b12="258 pmol/L").measurements[0].band == "indeterminate"
    assert run(loaded, b12="258.01 pmol/L").measurements[0].band == "normal"


def test_relative_parent_resolves_against_the_child_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "base/mylab.yaml", LAB)
    child = write(tmp_path, "sites/north/ward.yaml", "extends: ../../base/mylab.yaml\nid: ward\n")
    monkeypatch.chdir(tmp_path / "sites")  # not the child's folder: the path is not CWD-relative
    loaded = load_ruleset(str(child))
    assert (loaded.ruleset.id, loaded.ruleset.extends) == ("ward", "mylab")
    assert loaded.ruleset.version == "0.2.0"  # metadata inherited through two levels
    assert run(loaded, b12="106 pmol/L").label == "Low for our assay"


def test_new_rule_is_added_after_the_parents_rules(tmp_path: Path) -> None:
    new_rule = (
        "  - id: folate-only\n    when: {measured: folate}\n    category: indeterminate\n"
        "    label: Folate only\n    summary: Only folate was given.\n    source: mylab\n"
    )
    text = LAB.replace("caveats:\n", new_rule + "caveats:\n", 1)
    loaded = load_ruleset(str(write(tmp_path, "mylab.yaml", text)))
    ids = [rule.id for rule in loaded.ruleset.rules]
    assert ids == [*(rule.id for rule in load_ruleset("nice-ng239").ruleset.rules), "folate-only"]
    # Appended last, it decides only where no parent rule does: here NICE's no-markers wins...
    assert run(loaded, folate="20 nmol/L").rules_fired[0].id == "no-markers"
    # ...until the child narrows that rule's `when` (by id), after which the new rule decides.
    narrowed = "  - id: no-markers\n    when: {all: [{not: {measured: b12}}, {measured: mma}]}\n"
    text = text.replace("caveats:\n", narrowed + "caveats:\n", 1)
    loaded = load_ruleset(str(write(tmp_path, "mylab2.yaml", text)))
    assert run(loaded, folate="20 nmol/L").rules_fired[0].id == "folate-only"


def test_cycle_is_an_error_naming_the_chain(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "extends: b.yaml\nid: a\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nid: b\n")
    with pytest.raises(
        RulesetError, match=r"a\.yaml:1: extends: cycle .*a\.yaml -> .*b\.yaml -> .*a\.yaml"
    ):
        load_ruleset(str(a))


def test_self_extension_is_a_cycle(tmp_path: Path) -> None:
    me = write(tmp_path, "me.yaml", "id: me\nextends: me.yaml\n")
    with pytest.raises(RulesetError, match=r"me\.yaml:2: extends: cycle"):
        load_ruleset(str(me))


def test_missing_parent_names_the_child_line_and_the_parent(tmp_path: Path) -> None:
    child = write(tmp_path, "child.yaml", "id: child\nextends: nowhere.yaml\n")
    with pytest.raises(RulesetError, match=r"child\.yaml:2: extends: .*nowhere\.yaml"):
        load_ruleset(str(child))


def test_unknown_parent_id_lists_the_bundled_ones(tmp_path: Path) -> None:
    child = write(tmp_path, "child.yaml", "id: child\nextends: nice-ng240\n")
    with pytest.raises(RulesetError, match=r"unknown ruleset 'nice-ng240'.*nice-ng239"):
        load_ruleset(str(child))


@pytest.mark.parametrize(
    ("head", "problem"),
    [("", "needs its own id"), ("id: nice-ng239\n", "must differ from the parent's id")],
)
def test_child_needs_its_own_id(tmp_path: Path, head: str, problem: str) -> None:
    child = write(tmp_path, "child.yaml", f"extends: nice-ng239\n{head}title: X\n")
    with pytest.raises(RulesetError, match=problem):
        load_ruleset(str(child))


def test_merged_error_points_at_the_childs_file_line_and_key(tmp_path: Path) -> None:
    text = LAB.replace("label: Low for our assay", "when: {band: b12, in: [very_low]}")
    child = write(tmp_path, "mylab.yaml", text)
    line = text.splitlines().index("    when: {band: b12, in: [very_low]}") + 1
    with pytest.raises(RulesetError) as caught:
        load_ruleset(str(child))
    assert str(caught.value) == (
        f"{child}:{line}: rules[0].when: unknown band(s) ['very_low'] of 'b12'"
    )


def test_error_in_inherited_part_names_the_parent_and_says_inherited(tmp_path: Path) -> None:
    # Dropping the parent's 'high' B12 band breaks a condition written in the parent.
    text = LAB.replace(
        "        - {name: normal, gt: 258, le: 674, source: mylab, evidence: C}\n"
        "        - {name: high, gt: 674, source: mylab, evidence: C}\n",
        "        - {name: normal, gt: 258, source: mylab, evidence: C}\n",
    )
    child = write(tmp_path, "mylab.yaml", text)
    with pytest.raises(
        RulesetError, match=rf"^rules/nice-ng239\.yaml:\d+ \(inherited by {child}\): "
    ):
        load_ruleset(str(child))


def test_item_without_id_is_refused(tmp_path: Path) -> None:
    child = write(tmp_path, "c.yaml", "extends: nice-ng239\nid: c\ncaveats:\n  - text: No id.\n")
    with pytest.raises(RulesetError, match=r"c\.yaml:4: caveats\[0\]: an item .* needs an id"):
        load_ruleset(str(child))


def test_hash_covers_the_parent(tmp_path: Path) -> None:
    for folder, version in (("one", "0.1.0"), ("two", "0.9.0")):
        write(tmp_path, f"{folder}/base.yaml", LAB.replace('"0.2.0"', f'"{version}"'))
        write(tmp_path, f"{folder}/child.yaml", "extends: base.yaml\nid: child\n")
    one = load_ruleset(str(tmp_path / "one/child.yaml"))
    two = load_ruleset(str(tmp_path / "two/child.yaml"))
    assert (tmp_path / "one/child.yaml").read_bytes() == (tmp_path / "two/child.yaml").read_bytes()
    assert one.sha256 != two.sha256


def test_incomplete_parent_reports_missing_keys_at_the_child_without_crashing(
    tmp_path: Path,
) -> None:
    write(tmp_path, "parent.yaml", "title: Not a ruleset on its own (no id)\n")
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\nid: child\n")
    with pytest.raises(RulesetError, match=rf"^{child}:1: version: Field required"):
        load_ruleset(str(child))
