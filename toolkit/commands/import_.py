"""``toolkit import``: bring existing rule files and dashboards into the project as Python."""

from __future__ import annotations

import json
from pathlib import Path

import click

from toolkit.commands.common import library_errors, project_root
from toolkit.errors import ToolkitError
from toolkit.importer.registry import formatted, register
from toolkit.importer.rules import ImportedModule, module_name


@click.group("import")
def command() -> None:
    """Turn existing rule files and dashboards into toolkit Python.

    \b
    Example:
      toolkit import rules legacy/api-alerts.yml
      toolkit import dashboard exported/api.json --name api
      toolkit import dashboard --from-grafana abc123 --context prod --name api
    """


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ToolkitError(f"{file}: not UTF-8 text") from None


def _install(
    root: Path, package: str, name: str, module: ImportedModule, registry_tuple: str, entry: str
) -> None:
    """Write ``<package>/<name>.py``, register it, and check the project loads; undo everything on failure."""
    from toolkit.project import load_project

    if not name.isidentifier():
        raise click.UsageError(f"--name {name!r} is not a Python module name")
    target = root / package / f"{name}.py"
    registry = root / package / "__init__.py"
    if target.exists():
        raise ToolkitError(f"{target.relative_to(root)} exists: choose another --name")
    new_registry = register(registry, package, name, registry_tuple, entry)
    old_registry = registry.read_text()
    target.write_text(formatted(module.source))
    registry.write_text(new_registry)
    try:
        load_project(root)
    except ToolkitError:
        target.unlink()
        registry.write_text(old_registry)
        raise
    click.echo(f"wrote {target.relative_to(root)} and registered it in {package}/__init__.py")
    for note in module.notes:
        click.echo(f"note: {note}")
    click.echo(f"next: toolkit build, then review build/ ({package})")


@command.command("rules")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Module name under alerts/ (default: from the file name).")
@click.pass_context
def rules(ctx: click.Context, file: Path, name: str | None) -> None:
    """Write alerts/<name>.py from a Prometheus rule file or PrometheusRule manifest, and register it.

    Thresholds become named constants, comments are kept, and anything the
    typed model adds by convention is listed. Nothing is written on error.
    """
    from toolkit.importer.rules import import_rules

    root = project_root(ctx)
    with library_errors():
        module = import_rules(_read(file), str(file), f"Alert and recording rules imported from {file.name}.")
        _install(root, "alerts", name or module_name(file), module, "RULE_GROUPS", "groups")


@command.command("dashboard")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Module name under dashboards/ (default: from the file name or uid).")
@click.option(
    "--from-grafana", "uid", metavar="UID", help="Import this dashboard from Grafana instead of a file."
)
@click.option(
    "--context",
    "context_name",
    metavar="NAME",
    help="With --from-grafana: the context (env GRAFANA_URL etc. override it).",
)
@click.pass_context
def dashboard(
    ctx: click.Context, file: Path | None, name: str | None, uid: str | None, context_name: str | None
) -> None:
    """Write dashboards/<name>.py from Grafana dashboard JSON (any export form), and register it.

    Panels the helpers model become helper calls at their grid positions;
    anything else is carried as raw JSON and listed. Nothing is written on error.
    """
    from toolkit.importer.dashboards import import_dashboard, read_dashboard

    if bool(file) == bool(uid):
        raise click.UsageError("give a FILE, or --from-grafana UID")
    root = project_root(ctx)
    with library_errors():
        if uid:
            board, origin = _from_grafana(root, uid, context_name), f"Grafana ({uid})"
        else:
            board, origin = read_dashboard(_read(file), str(file)), file.name
        module_stem = name or module_name(Path(str(board.get("uid") or file.stem if file else uid)))
        module = import_dashboard(board, module_stem, origin)
        _install(root, "dashboards", module_stem, module, "DASHBOARDS", "build")


def _from_grafana(root: Path, uid: str, context_name: str | None) -> dict:
    from toolkit.clients import connect
    from toolkit.clients.transport import Transport
    from toolkit.contexts import resolve_context
    from toolkit.importer.dashboards import read_dashboard
    from toolkit.settings import load_settings

    context = resolve_context(load_settings(root), context_name)
    answer = connect.grafana(context, Transport()).dashboard(uid)
    return read_dashboard(json.dumps(answer), f"{context.grafana_url}/d/{uid}")
