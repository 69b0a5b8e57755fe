"""The code source: load ``toolkit.yaml``, ``dashboards/`` and ``alerts/`` of a project into a bundle.

Registries are explicit: ``dashboards/__init__.py`` defines ``DASHBOARDS``, a sequence of functions that take
the settings and return a dashboard; ``alerts/__init__.py`` defines ``RULE_GROUPS``, functions that return
rule groups, ``ALERTMANAGER``, a function that returns the Alertmanager configuration, and optionally
``ALERT_TESTS``, functions that return alert and expression tests, ``ROUTE_TESTS``, functions that return
route and template tests (``toolkit.route_tests``), and ``METRICS``, the metric catalogue (a sequence of
``toolkit.metrics.Metric``).
"""

from __future__ import annotations

import ast
import importlib
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attr

from toolkit.alert_tests import AlertTest, ExprTest, RuleTest
from toolkit.alertmanager import AlertmanagerConfig
from toolkit.bundle import Bundle, DashboardEntry, RuleEntry, RuleGroupEntry, RuleTestEntry
from toolkit.bundle.rules import normalize_group_options, normalize_rule
from toolkit.errors import DefinitionError, ProjectError, ToolkitError
from toolkit.lint.dashboard_checks import house_rule_findings
from toolkit.locations import SourceLocation, is_user_file, set_project_root
from toolkit.panels import DashboardDef
from toolkit.route_tests import NotificationTest, RouteTest
from toolkit.rules import AlertRule, RuleGroup
from toolkit.settings import Settings, load_settings
from toolkit.sources.grafanalib import grafanalib_json, modernize

PACKAGES = ("dashboards", "alerts")


@dataclass(frozen=True)
class Project:
    """A loaded project: its settings, typed rule definitions, and the bundle made from them."""

    root: Path
    settings: Settings
    rule_groups: tuple[RuleGroup, ...]
    alertmanager: AlertmanagerConfig | None
    bundle: Bundle
    warnings: tuple[str, ...] = ()


def load_project(root: Path, each_dashboard: Callable[[DashboardEntry], None] | None = None) -> Project:
    """Load the project at ``root``; raise a ToolkitError that points at the failing definition.

    Dashboards are built one at a time (built, normalized and checked, then their grafanalib objects
    dropped). With ``each_dashboard``, each entry is handed to it as soon as it is made and none is kept
    (the bundle's ``dashboards`` stay empty), so memory stays flat however many dashboards there are.
    """
    root = root.resolve()
    settings = load_settings(root)
    disabled = settings.section("lint").get("disabled", {})
    dashboards: list[DashboardEntry] = []
    keep = each_dashboard or dashboards.append
    with _project_imports(root):
        dashboards_pkg = _import(root, "dashboards")
        alerts_pkg = _import(root, "alerts")
        builders = _registry(root, dashboards_pkg, "DASHBOARDS")
        group_builders = _registry(root, alerts_pkg, "RULE_GROUPS")
        for definition in _unique(
            (_call(root, fn, settings, DashboardDef) for fn in builders),
            lambda d: d.uid,
            lambda d: f"dashboard uid {d.uid!r}",
            "give each dashboard its own uid",
        ):
            keep(_dashboard_entry(definition, disabled))
        groups = tuple(g for fn in group_builders for g in _call_many(root, fn, settings))
        am_builder = getattr(alerts_pkg, "ALERTMANAGER", None)
        alertmanager = _call(root, am_builder, settings, AlertmanagerConfig) if am_builder else None
        metrics = tuple(getattr(alerts_pkg, "METRICS", ()))
        tests = [
            t
            for fn in getattr(alerts_pkg, "ALERT_TESTS", ())
            for t in _call_many(root, fn, settings, RuleTest)
        ]
        route_tests = tuple(
            t
            for fn in getattr(alerts_pkg, "ROUTE_TESTS", ())
            for t in _call_many(root, fn, settings, NotificationTest)
        )
        warnings = unregistered_modules(root)
    _check_unique_names(groups)
    rule_groups = tuple(_group_entry(g, settings) for g in groups)
    bundle = Bundle(
        dashboards=tuple(sorted(dashboards, key=lambda e: e.uid)),
        rule_groups=rule_groups,
        alertmanager=alertmanager.to_data() if alertmanager else None,
        alertmanager_source=alertmanager.source if alertmanager else None,
        origin=f"code in {root}",
        metrics=metrics,
        rule_tests=_test_entries(tests, rule_groups),
        alertmanager_files=MappingProxyType(alertmanager.template_files() if alertmanager else {}),
        route_sources=tuple(route.source for route in alertmanager.route.walk()) if alertmanager else (),
        route_tests=_check_route_tests(route_tests, alertmanager),
    )
    return Project(root, settings, groups, alertmanager, bundle, warnings)


@contextmanager
def _project_imports(root: Path) -> Iterator[None]:
    """Import the project's packages fresh from ``root``, with locations relative to it."""
    _forget_packages()
    sys.path.insert(0, str(root))
    set_project_root(root)
    try:
        yield
    finally:
        set_project_root(None)
        sys.path.remove(str(root))
        _forget_packages()


# package -> (function a module defines, registry in the package's __init__.py it belongs to)
REGISTRIES = {
    "dashboards": (("build", "DASHBOARDS"),),
    "alerts": (("groups", "RULE_GROUPS"), ("tests", "ALERT_TESTS")),
}


def unregistered_modules(root: Path) -> tuple[str, ...]:
    """One warning per module in ``dashboards/`` or ``alerts/`` that loading the project never imported,
    with the line to add. Call while the project's packages are imported (modules named ``_*`` are private
    helpers and not reported)."""
    warnings = []
    for package, registries in REGISTRIES.items():
        for path in sorted((root / package).glob("*.py")):
            if path.stem.startswith("_") or f"{package}.{path.stem}" in sys.modules:
                continue
            try:
                defined = {
                    n.name for n in ast.parse(path.read_bytes()).body if isinstance(n, ast.FunctionDef)
                }
            except (SyntaxError, ValueError):
                defined = set()
            adds = [f"{path.stem}.{fn} to {registry}" for fn, registry in registries if fn in defined]
            adds = adds or [f"its builder function to {registries[0][1]}"]
            warnings.append(
                f"{package}/{path.name} is not registered: add {' and '.join(adds)} in {package}/__init__.py"
            )
    return tuple(warnings)


def _forget_packages() -> None:
    for name in [m for m in sys.modules if m.split(".")[0] in PACKAGES]:
        del sys.modules[name]


def _where_raised(root: Path, error: BaseException) -> SourceLocation | None:
    """The innermost frame of the traceback in the user's own code inside the project (never a frame of
    generated code, the toolkit or an installed library)."""
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        if is_user_file(frame.filename) and Path(frame.filename).resolve().is_relative_to(root):
            found = SourceLocation(frame.filename, frame.lineno or 0).relative_to(root)
    return found


def _message(error: BaseException) -> str:
    """The error's own words: attrs validators raise TypeError(message, attribute, type, value)."""
    args = error.args
    return args[0] if len(args) > 1 and isinstance(args[1], attr.Attribute) else str(error)


def _wrap(root: Path, error: Exception, what: str) -> ToolkitError:
    if isinstance(error, ToolkitError):
        return error
    where = _where_raised(root, error)
    return ProjectError(f"{what} raised {type(error).__name__}: {_message(error)}", where)


def _import(root: Path, package: str) -> Any:
    if not (root / package / "__init__.py").is_file():
        raise ProjectError(
            f"{package}/__init__.py is missing: create it with its registry", SourceLocation(str(root))
        )
    try:
        return importlib.import_module(package)
    except Exception as error:
        where = _where_raised(root, error)
        module = Path(where.path).with_suffix("").as_posix().removesuffix("/__init__") if where else package
        raise _wrap(root, error, f"importing {module.replace('/', '.')}") from error


def _registry(root: Path, package: Any, name: str) -> tuple[Callable, ...]:
    where = SourceLocation(f"{package.__name__}/__init__.py")
    entries = getattr(package, name, None)
    if entries is None:
        raise ProjectError(
            f"{package.__name__}/__init__.py defines no {name}: list the builder functions", where
        )
    if not all(callable(entry) for entry in entries):
        raise ProjectError(f"{name} must list functions that take the settings", where)
    return tuple(entries)


def _describe(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _call(root: Path, fn: Callable, settings: Settings, kind: type) -> Any:
    try:
        result = fn(settings)
    except Exception as error:
        raise _wrap(root, error, _describe(fn)) from error
    if not isinstance(result, kind):
        where = SourceLocation(fn.__code__.co_filename, fn.__code__.co_firstlineno).relative_to(root)
        raise ProjectError(f"{_describe(fn)} returned {type(result).__name__}, not a {kind.__name__}", where)
    return result


def _call_many(root: Path, fn: Callable, settings: Settings, kind: Any = RuleGroup) -> list[Any]:
    try:
        result = list(fn(settings))
    except Exception as error:
        raise _wrap(root, error, _describe(fn)) from error
    for item in result:
        if not isinstance(item, kind):
            where = SourceLocation(fn.__code__.co_filename, fn.__code__.co_firstlineno).relative_to(root)
            expected = " or ".join(k.__name__ for k in getattr(kind, "__args__", (kind,)))
            raise ProjectError(f"{_describe(fn)} returned {type(item).__name__}, not a {expected}", where)
    return result


def _check_route_tests(tests: tuple[NotificationTest, ...], config: AlertmanagerConfig | None) -> tuple:
    """The tests, once each has its own name and names only receivers the policy defines."""
    names: dict[str, NotificationTest] = {}
    receivers = {receiver.name for receiver in config.receivers} if config else set()
    for test in tests:
        first = names.setdefault(test.name, test)
        if first is not test:
            raise DefinitionError(
                f"route test {test.name!r} is defined twice: at {first.source} and at {test.source}; rename one",
                test.source,
            )
        if not isinstance(test, RouteTest):
            continue
        if config is None:
            raise DefinitionError("route test without a routing policy: register ALERTMANAGER", test.source)
        unknown = sorted({*(test.receivers or ()), *(test.notified or ())} - receivers)
        if unknown:
            raise DefinitionError(
                f"route test {test.name!r} names unknown receivers {', '.join(unknown)} "
                f"(receivers: {', '.join(sorted(receivers))})",
                test.source,
            )
    return tests


def _unique(
    items: Iterable[Any], key: Callable[[Any], Any], what: Callable[[Any], str], fix: str
) -> Iterator[Any]:
    """``items`` as they come; ProjectError naming both definitions at the first that repeats the ``key``
    of one before it (only keys and locations are kept, not the items)."""
    seen: dict[Any, SourceLocation] = {}
    for item in items:
        name = key(item)
        if name in seen:
            raise ProjectError(
                f"duplicate {what(item)}: defined at {seen[name]} and at {item.source}; {fix}", item.source
            )
        seen[name] = item.source
        yield item


def _check_unique_names(groups: tuple[RuleGroup, ...]) -> None:
    """Rule group names within a rule file (Prometheus refuses a file that repeats one; files apart may
    share one) and alerts with the same labels (unless waived: an import keeps a file's duplicates as
    Prometheus loads them) are unique in the project (dashboard uids are checked as they are built)."""
    for _ in _unique(
        groups,
        lambda g: (g.file, g.name),
        lambda g: f"rule group name {g.name!r} in {g.file}",
        "give each group of a file its own name",
    ):
        pass
    for _ in _unique(
        (
            rule
            for group in groups
            for rule in group.rules
            if isinstance(rule, AlertRule) and "rule/duplicate" not in rule.lint_ignore
        ),
        lambda r: (r.name, r.severity, r.team, r.category, tuple(sorted(r.labels.items()))),
        lambda r: f"alert {r.name!r} with the same labels",
        "rename one or give them different labels",
    ):
        pass


def _location(text: str) -> SourceLocation:
    path, _, line = text.rpartition(":")
    return SourceLocation(path, int(line)) if line.isdigit() else SourceLocation(text)


def _dashboard_entry(
    definition: DashboardDef, disabled: Mapping[str, str] = MappingProxyType({})
) -> DashboardEntry:
    """The dashboard as current Grafana JSON; refused, at the panel's line, when it breaks a house rule
    that neither the dashboard's ``lint_ignore`` nor the settings' ``lint.disabled`` waives."""
    try:
        data, sources = modernize(grafanalib_json(definition.dashboard))
    except (TypeError, ValueError, KeyError) as error:
        raise DefinitionError(
            f"dashboard {definition.uid!r} cannot be built: {error}", definition.source
        ) from error
    entry = DashboardEntry(
        uid=definition.uid,
        data=data,
        source=definition.source,
        folder=definition.folder,
        panel_sources=MappingProxyType({pid: _location(text) for pid, text in sources.items()}),
        lint_ignore=MappingProxyType(dict(definition.lint_ignore)),
    )
    for finding in house_rule_findings(entry):
        if not finding.suppressed and finding.check not in disabled:
            panel = finding.subject.removeprefix(f"{definition.uid}: ")
            raise DefinitionError(
                f"dashboard {definition.uid!r}, panel {panel!r}: {finding.message} ({finding.check}); "
                f"or waive it with lint_ignore={{{finding.check!r}: 'the reason'}}",
                finding.location,
            )
    return entry


def _group_entry(group: RuleGroup, settings: Settings) -> RuleGroupEntry:
    team = group.team or settings.section("alerting").get("default_team", "")
    rules = []
    for rule in group.rules:
        if isinstance(rule, AlertRule):
            data = rule.to_data(team, settings.runbook_url(rule.name, group.name))
        else:
            data = rule.to_data()
        rules.append(RuleEntry(data=normalize_rule(data), source=rule.source, lint_ignore=rule.lint_ignore))
    return RuleGroupEntry(
        name=group.name,
        file=group.file,
        rules=tuple(rules),
        source=group.source,
        options=normalize_group_options(group.options()),
    )


def _test_entries(tests: list[RuleTest], groups: tuple[RuleGroupEntry, ...]) -> tuple[RuleTestEntry, ...]:
    """Promtool test cases, each alert test given the labels its rule adds; unknown alerts fail."""
    rule_labels: dict[str, list[dict[str, str]]] = {}
    for group in groups:
        for rule in group.rules:
            if rule.is_alert:
                rule_labels.setdefault(rule.name, []).append(rule.data.get("labels", {}))
    entries = []
    for test in tests:
        if isinstance(test, ExprTest):
            entries.append(RuleTestEntry(test.name, test.to_promtool(), test.source, is_alert=False))
            continue
        labels = _rule_labels_for(test, rule_labels)
        entries.append(RuleTestEntry(test.alert, test.to_promtool(labels), test.source))
    return tuple(entries)


def _rule_labels_for(test: AlertTest, rule_labels: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """The labels of the one rule ``test`` is about: by name, then by the test's labels.

    A quiet-only test needs none: it proves that no rule of the name fires.
    """
    if test.alert not in rule_labels:
        known = ", ".join(sorted(rule_labels)) or "none"
        raise DefinitionError(
            f"test of unknown alert {test.alert!r}: define it or fix the name (alerts: {known})", test.source
        )
    candidates = [
        labels
        for labels in rule_labels[test.alert]
        if all(labels.get(k, v) == v for k, v in test.labels.items())
    ]
    if len(candidates) != 1 and not test.fires_at and test.annotations is None:
        return {}
    if len(candidates) != 1:
        severities = ", ".join(sorted(labels.get("severity", "?") for labels in rule_labels[test.alert]))
        raise DefinitionError(
            f"test of alert {test.alert!r}: {len(rule_labels[test.alert])} rules have this name "
            f"(severities {severities}); say which with labels, e.g. labels={{'severity': 'critical'}}",
            test.source,
        )
    return candidates[0]
