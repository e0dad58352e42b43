"""The validated snapshots of the bundled rulesets: current, faithful, and never trusted stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from b12cli import snapshot
from b12cli.model import Catalog, Ruleset
from b12cli.rulesets import (
    LoadedRuleset,
    bundled_names,
    load_catalog,
    load_ruleset,
    validated_catalog,
    validated_ruleset,
)

FOLDER = Path(__file__).resolve().parents[1] / "rules" / snapshot.FOLDER


def test_committed_snapshots_are_current() -> None:
    # After editing a bundled YAML file: python -m b12cli.snapshot
    expected = snapshot.build()
    on_disk = {p.stem: p.read_text(encoding="utf-8") for p in FOLDER.glob("*.json")}
    assert sorted(on_disk) == sorted(expected)
    stale = [name for name, text in expected.items() if on_disk[name] != text]
    assert not stale, f"stale snapshots {stale}: run python -m b12cli.snapshot"


@pytest.mark.parametrize("name", bundled_names())
def test_a_snapshot_loads_exactly_what_full_validation_gives(name: str) -> None:
    trusted = snapshot.load(name, LoadedRuleset)
    assert trusted is not None
    assert trusted == validated_ruleset(name)
    assert isinstance(trusted.ruleset, Ruleset)
    assert load_ruleset(name) == trusted


def test_the_catalogue_snapshot_matches_full_validation() -> None:
    assert snapshot.load("catalog", Catalog) == validated_catalog() == load_catalog()


def test_a_snapshot_that_no_longer_matches_the_bundled_files_is_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(snapshot, "bundle_sha256", lambda: "0" * 64)
    assert snapshot.load("nice-ng239", LoadedRuleset) is None
    assert snapshot.load("catalog", Catalog) is None


def test_a_snapshot_of_the_wrong_kind_or_a_missing_one_is_ignored() -> None:
    assert snapshot.load("catalog", LoadedRuleset) is None
    assert snapshot.load("no-such-ruleset", LoadedRuleset) is None


def test_a_snapshot_can_only_name_model_classes() -> None:
    text = '{"format": 1, "value": {"$model": "Popen", "args": ["sh"]}}'
    with pytest.raises(KeyError):
        snapshot.decode(text)


def test_encoding_refuses_a_mapping_that_would_read_back_as_a_model() -> None:
    with pytest.raises(ValueError, match=r"\$model"):
        snapshot.encode({"$model": "Source"})
