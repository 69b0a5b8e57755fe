"""``toolkit --help`` starts light: it loads click and the CLI's own shell, never a command module or a
library (its time beside ``python -c pass`` is measured by ``python -m bench startup``, not here)."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from toolkit.cli import COMMANDS, main

# the modules a run imports beyond those the interpreter started with, one per line on stderr
PROBE = """
import atexit, sys
before = set(sys.modules)
atexit.register(lambda: print("\\n".join(sorted(set(sys.modules) - before)), file=sys.stderr))
sys.argv = ["toolkit", "--help"]
{run}
"""
# what `toolkit --help` may load besides what a bare click group's --help loads: the entry point, which
# pauses the cycle collector (toolkit.__main__, gc), the CLI's shell, its error boundary
# (toolkit.commands.common, toolkit.errors) and the SIGTERM handler (toolkit.interrupts)
SHELL = {
    "toolkit",
    "toolkit.__main__",
    "gc",
    "toolkit.cli",
    "toolkit.commands",
    "toolkit.commands.common",
    "toolkit.errors",
    "toolkit.interrupts",
    "signal",
}
BARE_CLICK = "import click\nclick.group(help='A group.')(lambda: None)()"
RUNS = {
    "the console script": "from toolkit.__main__ import run\nrun()",
    "python -m toolkit": "import runpy\nrunpy.run_module('toolkit', run_name='__main__', alter_sys=True)",
}


def imported(run: str) -> tuple[set[str], str]:
    """The modules a fresh interpreter imports for ``run`` (code), and what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(run=run)], capture_output=True, text=True, check=True
    )
    return set(done.stderr.split()), done.stdout


@pytest.mark.parametrize("how", sorted(RUNS))
def test_toolkit_help_imports_click_and_the_cli_shell_only(how: str) -> None:
    baseline, bare_help = imported(BARE_CLICK)
    modules, output = imported(RUNS[how])
    assert "click.core" in baseline and "A group." in bare_help
    assert "Commands:" in output
    extra = modules - baseline - SHELL - ({"runpy"} if "runpy" in RUNS[how] else set())
    assert not extra, f"`toolkit --help` ({how}) imports more than click and the CLI shell: {sorted(extra)}"


def test_every_command_line_in_the_help_comes_from_the_registry_alone() -> None:
    ctx = click.Context(main)
    for name, (_, summary) in COMMANDS.items():
        assert main.get_command(ctx, name).get_short_help_str(limit=200) == summary
    listed = CliRunner().invoke(main, ["--help"], terminal_width=200).output
    rows = listed.split("Commands:\n", 1)[1].splitlines()
    assert [row.split(None, 1) for row in rows] == [[name, COMMANDS[name][1]] for name in sorted(COMMANDS)]
