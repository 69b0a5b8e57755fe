"""``toolkit import``: bring existing rule files into the project as typed Python."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.common import library_errors, project_root
from toolkit.errors import ToolkitError
from toolkit.importer.registry import formatted, register
from toolkit.importer.rules import import_rules, module_name


@click.group("import")
def command() -> None:
    """Turn existing rule files into toolkit Python.

    \b
    Example:
      toolkit import rules legacy/api-alerts.yml
      toolkit import rules k8s/prometheusrule.yaml --name platform
    """


@command.command("rules")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Module name under alerts/ (default: from the file name).")
@click.pass_context
def rules(ctx: click.Context, file: Path, name: str | None) -> None:
    """Write alerts/<name>.py from a Prometheus rule file or PrometheusRule manifest, and register it.

    Thresholds become named constants, comments are kept, and anything the
    typed model adds by convention is listed. Nothing is written on error.
    """
    from toolkit.project import load_project

    root = project_root(ctx)
    name = name or module_name(file)
    target = root / "alerts" / f"{name}.py"
    registry = root / "alerts" / "__init__.py"
    with library_errors():
        if not name.isidentifier():
            raise click.UsageError(f"--name {name!r} is not a Python module name")
        if target.exists():
            raise ToolkitError(f"{target.relative_to(root)} exists: choose another --name")
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ToolkitError(f"{file}: not UTF-8 text") from None
        module = import_rules(text, str(file), f"Alert and recording rules imported from {file.name}.")
        new_registry = register(registry, "alerts", name, "RULE_GROUPS", "groups")
        old_registry = registry.read_text()
        target.write_text(formatted(module.source))
        registry.write_text(new_registry)
        try:
            load_project(root)
        except ToolkitError:
            target.unlink()
            registry.write_text(old_registry)
            raise
    click.echo(f"wrote {target.relative_to(root)} and registered it in alerts/__init__.py")
    for note in module.notes:
        click.echo(f"note: {note}")
    click.echo("next: toolkit build, then review the diff of build/prometheus/")
