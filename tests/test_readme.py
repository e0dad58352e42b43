"""README examples are real: every `$ b12cli ...` line in a console block runs, exits as the
README says, and prints the lines shown under it."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import ROOT, Invoke

FENCE = re.compile(r"```console\n(.*?)```", re.DOTALL)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def examples() -> list[tuple[str, str, list[str]]]:
    """(document, command line, lines shown after it) for each example."""
    found: list[tuple[str, str, list[str]]] = []
    for doc in DOCS:
        for block in FENCE.findall(doc.read_text(encoding="utf-8")):
            current: tuple[str, str, list[str]] | None = None
            for line in block.splitlines():
                if line.startswith("$ "):
                    current = (doc.name, line[2:], [])
                    found.append(current)
                elif current is not None and line.strip():
                    current[2].append(line.rstrip())
    return found


def test_readme_has_examples() -> None:
    assert len(examples()) >= 5


@pytest.mark.parametrize("doc,command,shown", examples(), ids=lambda v: str(v)[:60])
def test_example_runs(
    cli: Invoke, doc: str, command: str, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    command, _, comment = command.partition("  # ")
    words: list[str] = []
    for word in shlex.split(command):
        words += (
            sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(word)) if "*" in word else [word]
        )
    assert words[0] == "b12cli", f"{doc}: examples start with b12cli"
    if "|" in words or "-o" in words:
        pytest.skip("pipelines and file outputs are covered by their own tests")
    result = cli(*words[1:])
    expected = int(comment[len("exits ") :].split(":")[0]) if comment.startswith("exits") else 0
    assert result.exit_code == expected, result.stderr
    for line in shown:
        assert line.strip() in result.stdout, f"{doc}: {line!r} not in the output of {command}"
