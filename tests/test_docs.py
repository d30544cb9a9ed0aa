"""Docs that cannot drift: the README's generated parts are current, every command has help."""

import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from tipweek.cli import load

app = load()

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_readme_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md"],
        cwd=ROOT,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, "README.md is out of date: run `cog -r README.md`\n" + result.stderr


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_examples(run, name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert f"tip {name}" in result.stdout.split("Examples", 1)[1]


def test_readme_quickstart_matches_ci() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    test_line = ci.strip().splitlines()[-1]
    assert test_line in readme
    assert "pip install . && .venv/bin/tip week" in readme
