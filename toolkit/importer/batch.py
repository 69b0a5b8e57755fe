"""Many inputs, one import: every rule file or dashboard read and turned into a planned module before
anything is written, every bad input reported at once, module names and rule files kept unique."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from toolkit.errors import ToolkitError
from toolkit.importer.install import ImportFailed, Planned
from toolkit.importer.pysource import check_module_name
from toolkit.sources.files import RULE_SUFFIXES, SourceError, files_under
from toolkit.sources.files import _read as read_text  # the one reading of a file we were given

Progress = Callable[[Sequence[Any], str], Iterable[Any]]
# a ``groups:`` key at any indentation (a PrometheusRule manifest's is under ``spec:``), found in one pass:
# the multi-line ^\s*groups\s*: tried every line of a run of blank lines to its end
GROUPS_KEY = re.compile(r"(?:\A|\n)[^\S\n]*+groups\s*+:")


class RuleSource(NamedTuple):
    """One rule file's text, where it came from, the module name it gets unless --name says, and its
    file name where ``origin`` does not end in it (a live server's answer)."""

    text: str
    origin: str
    module: str
    file: str = ""


class DashboardSource(NamedTuple):
    """How to read one dashboard (its JSON and Grafana folder uid) and where it comes from."""

    read: Callable[[], tuple[dict[str, Any], str]]
    origin: str


def _each(items: Sequence[Any], label: str) -> Iterable[Any]:
    return items


def expand(paths: Sequence[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Files given, and the files with ``suffixes`` under folders given, in sorted order; ImportFailed
    naming every folder that cannot be listed, with the reason."""
    files: list[Path] = []
    errors: list[SourceError] = []
    for path in paths:
        files += files_under(path, errors, suffixes) if path.is_dir() else [path]
    if errors:
        raise ImportFailed("\n".join(map(str, errors)))
    return files


def looks_like_rules(text: str) -> bool:
    """True for a rule file or PrometheusRule manifest (``groups:``), or an empty one; a promtool
    test file, an Alertmanager config or other YAML found in a folder is not."""
    from toolkit.importer.rules import is_empty_rule_file
    from toolkit.sources.files import is_promtool_test

    has_groups = GROUPS_KEY.search(text) is not None
    return is_empty_rule_file(text) or (has_groups and not is_promtool_test(text))


def rule_file_sources(paths: Sequence[Path]) -> tuple[list[RuleSource], list[Path]]:
    """The rule files among ``paths`` (files given are taken as they are), and the files found in
    folders that are no rule files (skipped)."""
    from toolkit.importer.rules import rule_module_name

    sources, skipped = [], []
    for file in expand(paths, RULE_SUFFIXES):
        text = read_text(file)
        if file not in paths and not looks_like_rules(text):
            skipped.append(file)
        else:
            sources.append(RuleSource(text, str(file), rule_module_name(file)))
    return sources, skipped


def unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... when taken; the chosen one becomes taken."""
    chosen, count = name, 1
    while chosen in taken:
        count += 1
        chosen = f"{name}_{count}"
    taken.add(chosen)
    return chosen


def _project_rules(root: Path) -> tuple[set[str], set]:
    """The rule files the project's groups are built to now, and its alerts (name and labels)."""
    from toolkit.importer.rules import alert_key
    from toolkit.sources.code import load_project

    bundle = load_project(root).bundle
    return {g.file for g in bundle.rule_groups}, {alert_key(r.data) for _, r in bundle.alert_rules()}


def plan_rules(
    root: Path,
    sources: Sequence[RuleSource],
    name: str | None = None,
    notes: Sequence[str] = (),
    progress: Progress = _each,
) -> list[Planned]:
    """One planned module per rule source (``name`` for a single one), each with ``notes`` first;
    ImportFailed listing every bad input."""
    from toolkit.importer.rules import import_rules

    taken_files, seen_alerts = _project_rules(root)
    taken_names: set[str] = set()
    planned, problems = [], []
    for source in progress(sources, "importing rule files"):
        module = check_module_name(name) if name else unique(source.module, taken_names)
        try:
            imported = import_rules(
                source.text,
                source.origin,
                f"Alert and recording rules imported from {source.origin if source.file else Path(source.origin).name}.",
                module=module,
                file_name=source.file,
                taken_files=taken_files,
                seen_alerts=seen_alerts,
            )
        except ToolkitError as error:
            problems.append(str(error))
            continue
        imported.notes[:0] = notes
        taken_files.add(imported.rule_file)
        planned.append(Planned(module, imported, source.origin))
    if problems:
        raise ImportFailed("\n".join(problems))
    return planned


def folder_of(data: Any) -> str:
    """The folder uid of the API envelope ``{dashboard, meta}`` ('' for none or the General folder)."""
    meta = data.get("meta") if isinstance(data, dict) else None
    return str(meta.get("folderUid") or "") if isinstance(meta, dict) else ""


def dashboard_file_source(file: Path) -> DashboardSource:
    """A dashboard JSON file (bare, API envelope or export for sharing), its shape checked first."""
    from toolkit.importer.dashboards import read_dashboard
    from toolkit.importer.shape import check_shape
    from toolkit.sources.files import load_json

    def read() -> tuple[dict[str, Any], str]:
        text = read_text(file)
        data = load_json(text, str(file))
        envelope = isinstance(data, dict) and isinstance(data.get("dashboard"), dict)
        check_shape(data["dashboard"] if envelope else data, str(file), text)
        return read_dashboard(text, str(file)), folder_of(data)

    return DashboardSource(read, str(file))


def plan_dashboards(
    root: Path, sources: Sequence[DashboardSource], name: str | None = None, progress: Progress = _each
) -> list[Planned]:
    """One planned module per dashboard source (``name`` for a single one), named from its title;
    ImportFailed listing every bad input."""
    from toolkit.importer.dashboards import dashboard_module_name, import_dashboard
    from toolkit.settings import load_settings

    settings = load_settings(root)
    taken: set[str] = set()
    planned, problems = [], []
    for source in progress(sources, "importing dashboards"):
        try:
            board, folder = source.read()
            module = check_module_name(name) if name else unique(dashboard_module_name(board), taken)
            planned.append(
                Planned(
                    module, import_dashboard(board, module, source.origin, settings, folder), source.origin
                )
            )
        except ToolkitError as error:
            problems.append(str(error))
        except (ValueError, TypeError, KeyError, AttributeError) as error:  # a shape no check foresaw
            where = source.origin if "://" in source.origin else f"{source.origin}:1"
            problems.append(
                f"{where}: not a dashboard the importer can read: {type(error).__name__}: {error}"
            )
    if problems:
        raise ImportFailed("\n".join(problems))
    return planned
