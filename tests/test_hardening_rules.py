"""Hostile and broken rule files: each is refused with one line naming file, line and key."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from badcorpus import BAD, ENV, expect_one_line_error, manifest, run_cli
from typer.testing import CliRunner

from b12cli.cli import app

CASES = manifest("rules")
RULES = BAD / "rules"
runner = CliRunner()


def interpret_with(ruleset: str) -> Any:
    """`b12cli interpret --b12 100 --rules RULESET --format json`, in-process."""
    args = ["interpret", "--b12", "100", "--rules", ruleset, "--format", "json"]
    return runner.invoke(app, args, env=ENV)


@pytest.mark.parametrize("case", CASES, ids=[Path(c["file"]).stem for c in CASES])
def test_bad_rule_file_is_refused_with_one_clear_line(case: dict[str, Any]) -> None:
    path = str(BAD / case["file"])
    started = time.monotonic()
    result = interpret_with(path)
    assert time.monotonic() - started < 5
    assert result.exit_code == case.get("exit", 2), result.stderr
    assert result.stdout == ""
    expect_one_line_error(result.stderr, case["message"], path)


def test_the_corpus_base_is_valid_so_each_file_has_exactly_its_one_fault() -> None:
    result = interpret_with(str(RULES / "valid-minimal.yaml"))
    assert result.exit_code == 0, result.stderr
    assert '"category": "deficient"' in result.stdout


def test_every_bad_rule_file_has_a_case() -> None:
    listed = {Path(c["file"]).name for c in CASES}
    present = {p.name for p in RULES.iterdir()} - {"valid-minimal.yaml"}
    assert present == listed


def test_rules_validate_reports_each_bad_file_on_its_own_line() -> None:
    files = [str(BAD / c["file"]) for c in CASES]
    result = runner.invoke(app, ["rules", "validate", *files], env=ENV)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["invalid"] * len(files)
    assert lines[-1] == f"b12cli: error: {len(files)} of {len(files)} ruleset file(s) invalid"


def test_a_python_tag_is_never_executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = interpret_with(str(RULES / "python-object-tag.yaml"))
    assert result.exit_code == 2
    assert not (tmp_path / "pwned.txt").exists()


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda p: p.mkdir(), "{file}: is a directory"),
        (lambda p: None, "{file}: cannot read \\(No such file or directory\\)"),
        (lambda p: p.write_bytes(b"id: x\x00y\n"), "{file}:1: not valid YAML: .*#x0000"),
        (lambda p: p.write_bytes(b"id: tiny\nb: \x1b[31mred\n"), "{file}:2: not valid YAML"),
    ],
    ids=["directory", "missing", "nul-byte", "escape-char"],
)
def test_unreadable_rule_paths(tmp_path: Path, make: Any, pattern: str) -> None:
    path = tmp_path / "rules.yaml"
    make(path)
    result = interpret_with(str(path))
    assert result.exit_code == 2
    expect_one_line_error(result.stderr, pattern, str(path))


def test_a_50_mb_rule_file_is_refused_quickly_in_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    line = b"# " + b"x" * 97 + b"\n"
    with big.open("wb") as out:
        for _ in range(50):
            out.write(line * 10_000)
    run = run_cli(["interpret", "--b12", "100", "--rules", str(big)], tmp_path, timeout=30)
    assert run.code == 2
    expect_one_line_error(run.stderr, "{file}: larger than 1 MB", str(big))
    assert run.seconds < 10
    assert run.peak_mib < 400, f"peak {run.peak_mib:.0f} MiB for a refused 50 MB file"


def test_a_large_alias_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    text = 'a: &a ["' + "lol" * 1000 + '"]\n'
    for prev, name in zip("abcdefghijkl", "bcdefghijklm", strict=True):
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 20) + "]\n"
    bomb.write_text(text)
    run = run_cli(["interpret", "--b12", "100", "--rules", str(bomb)], tmp_path, timeout=30)
    assert run.code == 2
    expect_one_line_error(run.stderr, "{file}:\\d+: .*aliases", str(bomb))
    assert run.peak_mib < 300


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_rule_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    # /dev/zero (or a FIFO, or a growing file) never ends: read at most the size cap.
    run = run_cli(
        ["interpret", "--b12", "100", "--rules", "/dev/zero"], tmp_path, timeout=30, max_mib=1024
    )
    assert run.code == 2, run.stderr
    expect_one_line_error(run.stderr, "/dev/zero: .*(larger than 1 MB|not a rule file)")
