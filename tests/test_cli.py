"""The CLI shell: every command has help with an example, and misuse exits 2."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from toolkit.cli import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "-h"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert result.output.startswith(f"Usage: main {name}")


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name, (_, summary) in COMMANDS.items():
        assert f"{name}" in result.output and summary.split()[0] in result.output


def test_an_unknown_command_or_flag_exits_2() -> None:
    assert CliRunner().invoke(main, ["frobnicate"]).exit_code == 2
    assert CliRunner().invoke(main, ["build", "--frobnicate"]).exit_code == 2


def test_python_dash_m_toolkit_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("toolkit, version ")


def test_outside_a_project_the_error_says_what_to_do(tmp_path) -> None:
    result = CliRunner().invoke(main, ["--project", str(tmp_path), "build"])
    assert result.exit_code == 2
    assert "no toolkit.yaml in" in result.output and "pass --project DIR" in result.output
