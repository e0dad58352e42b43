"""What ships works: build the sdist and the wheel from it, install the wheel in a fresh venv
outside the repository, and use the bundled rulesets from there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("b12cli-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel installed; its dependencies are borrowed from this
    environment through a path file (offline and fast), never the repository's source."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "borrowed-deps.pth").write_text(deps + "\n", encoding="utf-8")
    return env_dir


def run(env_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"NO_COLOR": "1"}
    return subprocess.run(
        [str(env_dir / "bin" / "b12cli"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )


def test_wheel_carries_rules_and_examples(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "b12cli/rules/nice-ng239.yaml" in names
    assert "b12cli/rules/catalog.yaml" in names
    assert "b12cli/py.typed" in names
    # The validated snapshots, without which every run would validate the YAML again.
    assert {f"b12cli/rules/validated/{n}.json" for n in ("catalog", "nice-ng239")} <= set(names)
    assert any(n.startswith("b12cli/examples/") and n.endswith(".csv") for n in names)


def test_installed_wheel_lists_and_uses_bundled_rulesets(installed: Path, tmp_path: Path) -> None:
    where = run(installed, "--version", cwd=tmp_path)
    assert where.returncode == 0 and "b12cli" in where.stdout
    listed = run(installed, "rules", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "nice-ng239" in listed.stdout
    result = run(
        installed,
        "interpret",
        "--b12",
        "250 ng/L",
        "--mma",
        "0.62 umol/L",
        "--age",
        "55",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["category"] == "functional_deficiency"
    assert body["ruleset"]["id"] == "nice-ng239"


def test_installed_wheel_interprets_from_its_snapshots(installed: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from b12cli.rulesets import load_ruleset\n"
        "assert load_ruleset('nice-ng239').ruleset.id == 'nice-ng239'\n"
        "print('pydantic' in sys.modules)\n"
    )
    python = installed / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert done.stdout.strip() == "False"


def test_installed_package_is_the_wheel_not_the_source(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    found = subprocess.run(
        [str(python), "-c", "import b12cli; print(b12cli.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout.strip()
    assert str(installed) in found
    assert str(ROOT) not in found
