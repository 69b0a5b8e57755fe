"""``toolkit import``: bring existing rule files and dashboards into the project as Python.

Every form imports all or nothing: one module per input file (or per live rule file, namespace or
dashboard), registered, and the project loaded once to prove it builds; on any error, Ctrl-C or SIGTERM
nothing is left behind. Errors name the input file and line and exit 2; an interruption exits 130.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from toolkit.commands.common import project_root
from toolkit.errors import ToolkitError
from toolkit.importer.install import Planned

RULE_SUFFIXES = (".yml", ".yaml")


class ImportRefused(click.ClickException):
    """An import that was refused or undone: exit 2, as for every error."""

    exit_code = 2


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors exit 2 with their located message; an interruption (Ctrl-C, SIGTERM) exits 130;
    nothing is written."""
    from toolkit.importer.install import terminate_as_interrupt

    try:
        with terminate_as_interrupt():
            yield
    except ToolkitError as error:
        raise ImportRefused(f"{error}\nnothing was written") from None
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was written", err=True)
        raise SystemExit(130) from None


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


def _read(file: Path) -> str:
    from toolkit.source import SourceLocation
    from toolkit.sources.files import SourceError

    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError("not UTF-8 text: save the file as UTF-8", SourceLocation(str(file))) from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror}", SourceLocation(str(file))) from None


def _expand(paths: Sequence[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Files given, and the files with ``suffixes`` under folders given, in sorted order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in suffixes)
        else:
            files.append(path)
    if not files:
        raise click.UsageError(f"no {' or '.join(suffixes)} files under {', '.join(map(str, paths))}")
    return files


def _looks_like_rules(text: str) -> bool:
    """True for a rule file or PrometheusRule manifest (``groups:``), or an empty one; a promtool
    test file, an Alertmanager config or other YAML found in a folder is not."""
    from toolkit.importer.rules import is_empty_rule_file
    from toolkit.sources.files import is_promtool_test

    has_groups = re.search(r"^\s*groups\s*:", text, re.M) is not None
    return is_empty_rule_file(text) or (has_groups and not is_promtool_test(text))


def _progress(items: Sequence[Any], label: str) -> Iterable[Any]:
    """``items``, with a progress bar on stderr when it is a terminal and there are several."""
    if len(items) < 2 or not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar


def _unique(name: str, taken: set[str]) -> str:
    chosen, count = name, 1
    while chosen in taken:
        count += 1
        chosen = f"{name}_{count}"
    taken.add(chosen)
    return chosen


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


def _project_rules(root: Path) -> tuple[set[str], set]:
    """The rule files the project's groups are built to now, and its alerts (name and labels)."""
    from toolkit.importer.rules import alert_key
    from toolkit.project import load_project

    bundle = load_project(root).bundle
    return {g.file for g in bundle.rule_groups}, {alert_key(r.data) for _, r in bundle.alert_rules()}


def _plan_rules(
    root: Path, sources: Sequence[tuple[str, str, str]], name: str | None, common_notes: Sequence[str] = ()
) -> list[Planned]:
    """One planned module per ``(text, path, default module name)``; every bad input is reported."""
    from toolkit.importer.install import ImportFailed
    from toolkit.importer.pysource import check_module_name
    from toolkit.importer.rules import import_rules

    taken_files, seen_alerts = _project_rules(root)
    taken_names: set[str] = set()
    planned, problems = [], []
    for text, path, default in _progress(sources, "importing rule files"):
        module = check_module_name(name) if name else _unique(default, taken_names)
        try:
            imported = import_rules(
                text,
                path,
                f"Alert and recording rules imported from {Path(path).name}.",
                module=module,
                taken_files=taken_files,
                seen_alerts=seen_alerts,
            )
        except ToolkitError as error:
            problems.append(str(error))
            continue
        imported.notes[:0] = common_notes
        taken_files.add(imported.rule_file)
        planned.append(Planned(module, imported, path))
    if problems:
        raise ImportFailed("\n".join(problems))
    return planned


@command.command("rules")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--name", help="Module name under alerts/ (one input only; default: from the file name).")
@click.option(
    "--from-prometheus",
    "prometheus_url",
    metavar="URL",
    help="Import the rule groups this Prometheus has loaded.",
)
@click.option(
    "--from-ruler", is_flag=True, help="Import every namespace of the context's Mimir/Cortex/Loki ruler."
)
@click.option(
    "--context",
    "context_name",
    metavar="NAME",
    help="With --from-ruler: the context (env RULER_URL etc. override it).",
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
      toolkit import rules --from-ruler --context prod
    """
    from toolkit.importer.rules import rule_module_name

    if sum(map(bool, (paths, prometheus_url, from_ruler))) != 1:
        raise click.UsageError("give rule FILES or folders, or --from-prometheus URL, or --from-ruler")
    root = project_root(ctx)
    with _errors():
        notes: list[str] = []
        if paths:
            sources, skipped = [], []
            for file in _expand(paths, RULE_SUFFIXES):
                text = _read(file)
                if file not in paths and not _looks_like_rules(text):
                    skipped.append(str(file))
                    continue
                sources.append((text, str(file), rule_module_name(file)))
            for file in skipped:
                click.echo(f"skipped {file}: found in a folder, and not a rule file (no groups:)", err=True)
            if not sources:
                raise click.UsageError(f"no rule files under {', '.join(map(str, paths))}")
        elif prometheus_url:
            sources, notes = _from_prometheus(prometheus_url)
        else:
            sources = _from_ruler(root, context_name)
        if name and len(sources) > 1:
            raise click.UsageError(f"--name names one module, but {len(sources)} rule files are imported")
        _install(root, "alerts", _plan_rules(root, sources, name, notes))


def _from_prometheus(url: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    from toolkit.clients.prometheus import Prometheus
    from toolkit.clients.transport import Transport
    from toolkit.importer.live import prometheus_rule_files
    from toolkit.importer.rules import rule_module_name

    files, notes = prometheus_rule_files(Prometheus(url, Transport()).rule_groups())
    if not files:
        raise ImportRefused(f"Prometheus at {url} has no rule groups loaded: nothing to import")
    return [(text, f"{url} ({name})", rule_module_name(Path(name))) for name, text in files.items()], notes


def _from_ruler(root: Path, context_name: str | None) -> list[tuple[str, str, str]]:
    from toolkit.clients import connect
    from toolkit.clients.transport import Transport
    from toolkit.contexts import resolve_context
    from toolkit.importer.live import ruler_rule_files
    from toolkit.importer.pysource import module_name
    from toolkit.settings import load_settings

    client = connect.ruler(resolve_context(load_settings(root), context_name), Transport())
    files = ruler_rule_files(client.rule_groups())
    if not files:
        raise ImportRefused(f"the ruler at {client.url} has no rule groups: nothing to import")
    return [(text, f"{client.url} (namespace {ns})", module_name(ns, "rules")) for ns, text in files.items()]


# --- dashboards -------------------------------------------------------------------------------------


def _plan_dashboards(
    root: Path, boards: Sequence[tuple[Callable[[], tuple[dict, str]], str]], name: str | None
) -> list[Planned]:
    """One planned module per ``(read, origin)``; every bad input is reported."""
    from toolkit.importer.dashboards import dashboard_module_name, import_dashboard
    from toolkit.importer.install import ImportFailed
    from toolkit.importer.pysource import check_module_name
    from toolkit.settings import load_settings

    settings = load_settings(root)
    taken: set[str] = set()
    planned, problems = [], []
    for read, origin in _progress(boards, "importing dashboards"):
        try:
            board, folder = read()
            module = check_module_name(name) if name else _unique(dashboard_module_name(board), taken)
            imported = import_dashboard(board, module, origin, settings, folder)
            planned.append(Planned(module, imported, origin))
        except ToolkitError as error:
            problems.append(str(error))
        except (ValueError, TypeError, KeyError, AttributeError) as error:  # a shape no check foresaw
            where = f"{origin}:1" if "://" not in origin else origin
            problems.append(
                f"{where}: not a dashboard the importer can read: {type(error).__name__}: {error}"
            )
    if problems:
        raise ImportFailed("\n".join(problems))
    return planned


def _folder_of(data: Any) -> str:
    """The folder uid of the API envelope ``{dashboard, meta}`` ('' for none or the General folder)."""
    meta = data.get("meta") if isinstance(data, dict) else None
    return str(meta.get("folderUid") or "") if isinstance(meta, dict) else ""


def _file_reader(file: Path) -> Callable[[], tuple[dict, str]]:
    from toolkit.importer.dashboards import read_dashboard
    from toolkit.importer.shape import check_shape
    from toolkit.sources.files import load_json

    def read() -> dict:
        text = _read(file)
        data = load_json(text, str(file))
        inner = (
            data.get("dashboard")
            if isinstance(data, dict) and isinstance(data.get("dashboard"), dict)
            else data
        )
        check_shape(inner, str(file), text)
        return read_dashboard(text, str(file)), _folder_of(data)

    return read


@command.command("dashboard")
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
    root = project_root(ctx)
    with _errors():
        boards = _from_grafana(root, uid, folder, context_name) if live else [(_file_reader(file), str(file))]
        _install(root, "dashboards", _plan_dashboards(root, boards, name))


@command.command("dashboards")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def dashboards(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Write one dashboards/<name>.py per Grafana JSON file (every .json under folders given).

    Module names come from the titles. All or nothing: one bad file, and nothing is written.

    \b
    Example:
      toolkit import dashboards exports/ legacy/overview.json
    """
    root = project_root(ctx)
    with _errors():
        files = _expand(paths, (".json",))
        _install(root, "dashboards", _plan_dashboards(root, [(_file_reader(f), str(f)) for f in files], None))


def _from_grafana(
    root: Path, uid: str | None, folder: str | None, context_name: str | None
) -> list[tuple[Callable[[], tuple[dict, str]], str]]:
    from toolkit.clients import connect
    from toolkit.clients.transport import Transport
    from toolkit.contexts import resolve_context
    from toolkit.importer.dashboards import read_dashboard
    from toolkit.importer.shape import check_shape
    from toolkit.settings import load_settings

    context = resolve_context(load_settings(root), context_name)
    client = connect.grafana(context, Transport())
    if uid:
        uids = [uid]
    else:
        hits = [h for h in client.dashboards() if folder is None or h.get("folderUid", "") == folder]
        uids = [h["uid"] for h in hits]
        if not uids:
            where = f" in folder {folder}" if folder else ""
            raise ImportRefused(f"Grafana at {client.url} has no dashboards{where}: nothing to import")

    def reader(one: str) -> Callable[[], tuple[dict, str]]:
        url = f"{client.url}/d/{one}"

        def read() -> dict:
            answer = client.dashboard(one)
            check_shape(answer.get("dashboard") if isinstance(answer, dict) else answer, url)
            return read_dashboard(json.dumps(answer), url), _folder_of(answer)

        return read

    return [(reader(one), f"{client.url}/d/{one}") for one in uids]
