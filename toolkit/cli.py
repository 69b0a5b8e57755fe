"""The ``toolkit`` command line: a thin click layer over the library.

Commands live in ``toolkit.commands.<name>`` and are imported only when run, so ``toolkit lint`` never
pays for the imports of ``toolkit sync``, and ``toolkit --help`` lists them from ``COMMANDS`` without
importing any (it loads click and this shell only; tests/test_cli_startup.py guards that). Every command
runs inside one error boundary
(``toolkit.commands.common.error_boundary``): exit 0 ok, 1 findings or differences, 2 errors (misuse of flags
included), 130 Ctrl-C, 143 SIGTERM; no traceback reaches the user (docs/exit-codes.md).
"""

from __future__ import annotations

import gc
import importlib

import click

from toolkit import __version__
from toolkit.commands.common import error_boundary
from toolkit.interrupts import sigterm_unwinds

# command name -> (module under toolkit.commands, its short help): the one source of the line each command
# has in `toolkit --help` (and in shell completion), set on the command when it is loaded
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "Build build/ from dashboards/, alerts/ and toolkit.yaml."),
    "diff": ("diff", "Show what changed in build/ between git revisions, by meaning."),
    "import": ("import_", "Turn existing rule files and dashboards (files or live) into toolkit Python."),
    "lint": ("lint", "Lint PromQL, rules and dashboards: the project's, or foreign files."),
    "render": ("render", "Draw a dashboard's grid layout as SVG."),
    "sync": ("sync", "Publish dashboards, rules and routing to Grafana, Prometheus and Alertmanager."),
    "test": ("test", "Run the alert and expression tests with promtool."),
}
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, summary = COMMANDS[name]
        command = importlib.import_module(f"toolkit.commands.{module}").command
        command.short_help = summary
        gc.enable()  # the imports are done: see toolkit.__main__.run, which paused the cycle collector
        return command

    def main(self, *args, **kwargs):
        """Run the CLI with SIGTERM unwinding the stack like Ctrl-C, so cleanup runs on both."""
        with sigterm_unwinds():
            return super().main(*args, **kwargs)

    def make_context(self, *args, **kwargs) -> click.Context:
        with error_boundary():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        with error_boundary():
            return super().invoke(ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False),
    help="Project root (the folder with toolkit.yaml); default: the nearest one at or above the current folder.",
)
@click.version_option(__version__, "-V", "--version", prog_name="toolkit")
@click.pass_context
def main(ctx: click.Context, project_dir: str | None) -> None:
    """Dashboards, alert rules and routing as reviewed Python, checked before they ship.

    Exit codes: 0 ok, 1 findings or differences, 2 errors, 130 Ctrl-C, 143 SIGTERM
    (docs/exit-codes.md).

    \b
    Example:
      toolkit build            # regenerate build/
      toolkit build --check    # exit 1 if build/ is stale
    """
    from pathlib import Path  # here: `toolkit --help` needs no pathlib, which click does not import either

    ctx.obj = {"project_dir": Path(project_dir) if project_dir is not None else None}
