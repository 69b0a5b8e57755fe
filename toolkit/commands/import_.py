"""``toolkit import``: bring existing rule files and dashboards into the project as Python.

Every form imports all or nothing: one module per input file (or per live rule file, namespace or
dashboard), registered, and the project loaded once to prove it builds; on any error, Ctrl-C or SIGTERM
nothing is left behind. Errors name the input file and line and exit 2; an interruption exits 130.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from toolkit.commands.common import CommandError, project_root
from toolkit.commands.progress import Progress, quiet_option
from toolkit.errors import ToolkitError
from toolkit.importer.install import Planned


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors exit 2 with their located message, Ctrl-C 130 and SIGTERM 143 (the one error
    boundary); each says that nothing was written."""
    from toolkit.interrupts import sigterm_unwinds

    try:
        with sigterm_unwinds():
            yield
    except ToolkitError as error:
        raise CommandError(f"{error}\nnothing was written") from None
    except KeyboardInterrupt:
        click.echo("nothing was written", err=True)
        raise


@click.group("import")
def command() -> None:
    """Turn existing rule files and dashboards into toolkit Python.

    \b
    Example:
      toolkit import rules legacy/api-alerts.yml
      toolkit import rules legacy/rules/ other/rules/
      toolkit import rules --from-prometheus http://prometheus:9090
      toolkit import dashboard exported/api.json --name api
      toolkit import dashboards exported/
      toolkit import dashboard --from-grafana --all --folder platform --context prod
    """


def _progress(items: Sequence[Any], label: str) -> Iterable[Any]:
    """``items``, counted on the one progress line (stderr, a terminal only, not with --quiet)."""
    with Progress(click.get_current_context(silent=True), label, total=len(items)) as progress:
        for item in items:
            yield item
            progress.advance()


def _report(root: Path, package: str, written: list[Path], planned: Sequence[Planned]) -> None:
    for path, item in zip(written, planned, strict=True):
        click.echo(f"wrote {path.relative_to(root)} from {item.origin}")
        for note in item.module.notes:
            click.echo(f"note: {item.name}: {note}")
    click.echo(
        f"registered {len(written)} module(s) in {package}/__init__.py; next: toolkit build, then review build/"
    )


def _install(root: Path, package: str, planned: list[Planned]) -> None:
    from toolkit.importer.install import install

    tuple_name, entry = ("RULE_GROUPS", "groups") if package == "alerts" else ("DASHBOARDS", "build")
    written = install(root, package, planned, tuple_name, entry)
    _report(root, package, written, planned)


# --- rules ------------------------------------------------------------------------------------------


@command.command("rules")
@quiet_option
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--name", help="Module name under alerts/ (one input only; default: from the file name).")
@click.option(
    "--from-prometheus",
    "prometheus_url",
    metavar="URL",
    is_flag=False,
    flag_value="",
    default=None,
    help="Import the rule groups this Prometheus (default: the context's) has loaded.",
)
@click.option(
    "--from-ruler", is_flag=True, help="Import every namespace of the context's Mimir/Cortex/Loki ruler."
)
@click.option(
    "--context",
    "context_name",
    metavar="NAME",
    help="With --from-prometheus or --from-ruler: the context (env PROMETHEUS_URL, RULER_URL etc. override it).",
)
@click.pass_context
def rules(
    ctx: click.Context,
    paths: tuple[Path, ...],
    name: str | None,
    prometheus_url: str | None,
    from_ruler: bool,
    context_name: str | None,
) -> None:
    """Write alerts/<name>.py from Prometheus rule files or PrometheusRule manifests, and register them.

    Give files or folders (every .yml/.yaml under them: one module per file), or pull the groups a
    server runs now. Thresholds become constants named after their alert, comments are kept, and house
    conventions a rule does not follow become reasoned waivers; all of it is listed. Nothing is written
    on error.

    \b
    Example:
      toolkit import rules legacy/api.rules.yml --name api
      toolkit import rules legacy/rules/ vendor/mixins/
      toolkit import rules --from-prometheus http://localhost:9090
      toolkit import rules --from-prometheus --context prod
      toolkit import rules --from-ruler --context prod
    """
    from toolkit.importer.batch import plan_rules, rule_file_sources
    from toolkit.importer.live import prometheus_sources, ruler_sources

    if sum((bool(paths), prometheus_url is not None, from_ruler)) != 1:
        raise click.UsageError("give rule FILES or folders, or --from-prometheus URL, or --from-ruler")
    root = project_root(ctx)
    with _errors():
        notes: list[str] = []
        if paths:
            sources, skipped = rule_file_sources(paths)
            for file in skipped:
                click.echo(f"skipped {file}: found in a folder, and not a rule file (no groups:)", err=True)
            if not sources:
                raise click.UsageError(f"no rule files under {', '.join(map(str, paths))}")
        elif prometheus_url is not None:
            sources, notes = prometheus_sources(root, prometheus_url, context_name)
        else:
            sources = ruler_sources(root, context_name)
        if name and len(sources) > 1:
            raise click.UsageError(f"--name names one module, but {len(sources)} rule files are imported")
        _install(root, "alerts", plan_rules(root, sources, name, notes, _progress))


# --- dashboards -------------------------------------------------------------------------------------


@command.command("dashboard")
@quiet_option
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Module name under dashboards/ (default: from the dashboard's title).")
@click.option(
    "--from-grafana",
    "uid",
    metavar="UID",
    is_flag=False,
    flag_value="",
    default=None,
    help="Import this dashboard from Grafana instead of a file (no UID with --all).",
)
@click.option("--all", "every", is_flag=True, help="With --from-grafana: every dashboard of the instance.")
@click.option(
    "--folder", metavar="UID", help="With --from-grafana --all: only the dashboards in this folder."
)
@click.option(
    "--context",
    "context_name",
    metavar="NAME",
    help="With --from-grafana: the context (env GRAFANA_URL etc. override it).",
)
@click.pass_context
def dashboard(
    ctx: click.Context,
    file: Path | None,
    name: str | None,
    uid: str | None,
    every: bool,
    folder: str | None,
    context_name: str | None,
) -> None:
    """Write dashboards/<name>.py from Grafana dashboard JSON (any export form), and register it.

    Panels the helpers model become helper calls at their grid positions; anything else is carried
    as raw JSON, and every field not carried is listed with the reason. Nothing is written on error.

    \b
    Example:
      toolkit import dashboard exports/api.json --name api
      toolkit import dashboard --from-grafana api --context prod
      toolkit import dashboard --from-grafana --all --folder platform --context prod
    """
    live = uid is not None
    if file and live or not file and not live:
        raise click.UsageError("give a FILE, or --from-grafana UID, or --from-grafana --all")
    if live and bool(uid) == every:
        raise click.UsageError("--from-grafana takes a UID, or --all for every dashboard, not both")
    if folder and not every:
        raise click.UsageError("--folder goes with --from-grafana --all")
    if every and name:
        raise click.UsageError("--name names one module: with --all, names come from the titles")
    from toolkit.importer.batch import dashboard_file_source, plan_dashboards
    from toolkit.importer.live import grafana_sources

    root = project_root(ctx)
    with _errors():
        sources = grafana_sources(root, uid, folder, context_name) if live else [dashboard_file_source(file)]
        _install(root, "dashboards", plan_dashboards(root, sources, name, _progress))


@command.command("dashboards")
@quiet_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def dashboards(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Write one dashboards/<name>.py per Grafana JSON file (every .json under folders given).

    Module names come from the titles. All or nothing: one bad file, and nothing is written.

    \b
    Example:
      toolkit import dashboards exports/ legacy/overview.json
    """
    from toolkit.importer.batch import dashboard_file_source, expand, plan_dashboards

    root = project_root(ctx)
    with _errors():
        files = expand(paths, (".json",))
        if not files:
            raise click.UsageError(f"no .json files under {', '.join(map(str, paths))}")
        sources = [dashboard_file_source(file) for file in files]
        _install(root, "dashboards", plan_dashboards(root, sources, None, _progress))
