"""Typed Prometheus rules: alerting and recording rules and the groups that hold them.

Every object is frozen, validated when it is made, and remembers the Python file and line that made it,
so an error here or in any later check points at the definition.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from toolkit import promql
from toolkit.durations import canonical_duration
from toolkit.errors import DefinitionError
from toolkit.locations import SourceLocation, caller_location

ALERT_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")  # the house convention, waivable with "rule/name"
# the house convention level:metric:operations, operations newest last (``instance:node_cpu:rate:sum``)
RECORD_NAME = re.compile(r"^([a-zA-Z_][a-zA-Z0-9_]*)?:[a-zA-Z_][a-zA-Z0-9_]*(:[a-zA-Z0-9_]+)+$")
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")  # what Prometheus accepts as a recorded name
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
GROUP_FILE = re.compile(r"^[^./\\\x00][^/\\\x00]*\.ya?ml$")
RESERVED_LABELS = ("severity", "team", "category")


class Severity(enum.StrEnum):
    """How urgent an alert is: critical pages now, warning waits for working hours, info is context."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


def _fail(location: SourceLocation, message: str) -> None:
    raise DefinitionError(message, location)


def _check_expr(location: SourceLocation, what: str, expr: str) -> str:
    if not isinstance(expr, str) or not expr.strip():
        _fail(location, f"{what}: expr is empty: give a PromQL expression")
    try:
        promql.parse(expr)
    except ValueError as error:
        _fail(location, f"{what}: expr is not valid PromQL: {error}")
    return expr.strip()


def _check_duration(location: SourceLocation, what: str, key: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return canonical_duration(value)
    except ValueError as error:
        _fail(location, f"{what}: {key} {error}")
    return None


def _check_labels(
    location: SourceLocation, what: str, kind: str, labels: Mapping[str, str]
) -> dict[str, str]:
    checked = {}
    for name, value in labels.items():
        if not isinstance(name, str) or not LABEL_NAME.match(name) or name.startswith("__"):
            _fail(
                location,
                f"{what}: {kind} name {name!r} is not a valid label name: "
                "use letters, digits and underscores, not starting with a digit or '__'",
            )
        if not isinstance(value, str):
            _fail(location, f"{what}: {kind} {name!r} must be a string, not {type(value).__name__}")
        checked[name] = value
    return checked


def _check_severity(
    location: SourceLocation, what: str, severity: Severity | str | None, waived: Mapping[str, str]
) -> Severity | str | None:
    """The severity as a :class:`Severity`; another value (or None) only where ``rule/label`` is waived."""
    try:
        return Severity(severity)
    except ValueError:
        if "rule/label" in waived and (severity is None or (isinstance(severity, str) and severity)):
            return severity
        allowed = ", ".join(s.value for s in Severity)
        _fail(location, f"{what}: unknown severity {severity!r}: use one of {allowed}")
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class AlertRule:
    """An alerting rule. ``team`` and ``category`` become labels that drive routing.

    ``runbook_url`` defaults to the settings' pattern at build time; ``lint_ignore`` maps a lint check's
    name to the reason it does not apply here.

    Prometheus accepts any non-empty alert name and any (or no) severity, team, summary, description and
    runbook; the house conventions (a CamelCase name, a severity of :class:`Severity`, a team label, the
    three annotations) are required unless ``lint_ignore`` waives them with a reason: ``rule/name``
    for the name, ``rule/label`` for a severity of None or outside :class:`Severity` and for
    ``team=""`` (no team label), ``alerts/annotation`` for an empty summary, description or
    ``runbook_url=""`` (no runbook annotation). Imported rules use these waivers to stay as they were.
    """

    name: str
    expr: str
    summary: str
    description: str
    severity: Severity | str | None
    for_: str | None = None
    keep_firing_for: str | None = None
    team: str | None = None
    category: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    runbook_url: str | None = None
    lint_ignore: Mapping[str, str] = field(default_factory=dict)
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = self.source or caller_location()
        object.__setattr__(self, "source", where)
        if not isinstance(self.name, str) or not self.name:
            _fail(where, f"alert name {self.name!r} is not valid: give a non-empty name, e.g. 'PostgresDown'")
        waived = _check_ignores(where, f"alert {self.name}", self.lint_ignore)
        object.__setattr__(self, "lint_ignore", waived)
        if not ALERT_NAME.match(self.name) and "rule/name" not in waived:
            _fail(
                where,
                f"alert name {self.name!r} is not CamelCase: "
                "name it <Component><Symptom> with letters and digits, e.g. 'PostgresDown' "
                "(or waive rule/name in lint_ignore with the reason)",
            )
        what = f"alert {self.name}"
        object.__setattr__(self, "expr", _check_expr(where, what, self.expr))
        object.__setattr__(self, "severity", _check_severity(where, what, self.severity, waived))
        if self.team == "" and "rule/label" not in waived:
            _fail(where, f"{what}: team is empty: name the owning team (or waive rule/label with the reason)")
        for key in ("summary", "description"):
            value = getattr(self, key)
            if not isinstance(value, str):
                _fail(where, f"{what}: {key} must be text, not {type(value).__name__}")
            if not value.strip() and "alerts/annotation" not in waived:
                _fail(where, f"{what}: {key} is required: give a {_ANNOTATION_HINT[key]}")
        if self.runbook_url == "" and "alerts/annotation" not in waived:
            _fail(where, f"{what}: runbook_url is empty: give one, or None for the settings' pattern")
        object.__setattr__(self, "for_", _check_duration(where, what, "for", self.for_))
        keep = _check_duration(where, what, "keep_firing_for", self.keep_firing_for)
        object.__setattr__(self, "keep_firing_for", keep)
        labels = _check_labels(where, what, "label", self.labels)
        for reserved in RESERVED_LABELS:
            if reserved in labels:
                _fail(where, f"{what}: set {reserved} with the {reserved}= argument, not in labels")
        object.__setattr__(self, "labels", MappingProxyType(labels))
        annotations = _check_labels(where, what, "annotation", self.annotations)
        object.__setattr__(self, "annotations", MappingProxyType(annotations))

    def to_data(self, team: str, runbook_url: str) -> dict[str, Any]:
        """The rule as it appears in a rule file; ``team`` and ``runbook_url`` fill what is unset (None)."""
        labels = {
            "severity": self.severity,
            "team": team if self.team is None else self.team,
            "category": self.category,
            **self.labels,
        }
        annotations = {
            "summary": self.summary,
            "description": self.description,
            "runbook_url": runbook_url if self.runbook_url is None else self.runbook_url,
        }
        labels = {key: str(value) for key, value in labels.items() if value}
        annotations = {key: value for key, value in annotations.items() if value} | dict(self.annotations)
        data: dict[str, Any] = {"alert": self.name, "expr": self.expr}
        if self.for_:
            data["for"] = self.for_
        if self.keep_firing_for:
            data["keep_firing_for"] = self.keep_firing_for
        data["labels"] = dict(sorted(labels.items()))
        data["annotations"] = dict(sorted(annotations.items()))
        return data


_ANNOTATION_HINT = {
    "summary": "static one-sentence summary",
    "description": "description that may template labels, e.g. '{{ $labels.job }} is down'",
}


def _check_ignores(where: SourceLocation, what: str, ignores: Mapping[str, str]) -> Mapping[str, str]:
    for check, reason in ignores.items():
        if not isinstance(reason, str) or not reason.strip():
            _fail(where, f"{what}: lint_ignore[{check!r}] needs a reason: say why the check does not apply")
    return MappingProxyType(dict(ignores))


@dataclass(frozen=True)
class RecordingRule:
    """A recording rule named ``level:metric:operations``, e.g. ``job:http_requests:rate5m``.

    Any metric name Prometheus accepts (e.g. ``instance_cpu_seconds``) is allowed where ``lint_ignore``
    waives ``rule/name`` with the reason.
    """

    record: str
    expr: str
    labels: Mapping[str, str] = field(default_factory=dict)
    lint_ignore: Mapping[str, str] = field(default_factory=dict)
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = self.source or caller_location()
        object.__setattr__(self, "source", where)
        if not isinstance(self.record, str) or not METRIC_NAME.match(self.record):
            _fail(
                where,
                f"recording rule name {self.record!r} is not a metric name Prometheus accepts: "
                "use letters, digits, '_' and ':', not starting with a digit, e.g. 'job:http_requests:rate5m'",
            )
        what = f"recording rule {self.record}"
        waived = _check_ignores(where, what, self.lint_ignore)
        object.__setattr__(self, "lint_ignore", waived)
        if not RECORD_NAME.match(self.record) and "rule/name" not in waived:
            _fail(
                where,
                f"recording rule name {self.record!r} is not level:metric:operations: "
                "e.g. 'job:http_requests:rate5m' (or waive rule/name in lint_ignore with the reason)",
            )
        object.__setattr__(self, "expr", _check_expr(where, what, self.expr))
        labels = _check_labels(where, what, "label", self.labels)
        object.__setattr__(self, "labels", MappingProxyType(labels))

    @property
    def name(self) -> str:
        """The recorded metric's name."""
        return self.record

    def to_data(self) -> dict[str, Any]:
        """The rule as it appears in a rule file."""
        data: dict[str, Any] = {"record": self.record, "expr": self.expr}
        if self.labels:
            data["labels"] = dict(sorted(self.labels.items()))
        return data


Rule = AlertRule | RecordingRule


@dataclass(frozen=True)
class RuleGroup:
    """A group of rules evaluated together; written to ``file`` (default ``<name>.yml``).

    ``team`` is the default team label for the group's alerts that set none. A group may be empty, as
    Prometheus allows; ``file`` is any file name ending in ``.yml`` or ``.yaml`` (no folder). ``labels``
    are added to every rule of the group (Prometheus 3); ``extra`` holds keys only some servers read
    (a Mimir, Cortex or Thanos ruler's ``source_tenants``, ``evaluation_delay``...), written as given.
    """

    name: str
    rules: Sequence[Rule]
    interval: str | None = None
    limit: int | None = None
    query_offset: str | None = None
    team: str | None = None
    file: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = self.source or caller_location()
        object.__setattr__(self, "source", where)
        if not isinstance(self.name, str) or not self.name.strip():
            _fail(where, f"rule group name {self.name!r} is not valid: give a non-empty name")
        if "/" in self.name and self.file is None:
            _fail(where, f"rule group name {self.name!r} holds '/': give file= the rule file's name")
        what = f"rule group {self.name}"
        rules = tuple(self.rules)
        for rule in rules:
            if not isinstance(rule, AlertRule | RecordingRule):
                _fail(where, f"{what}: {rule!r} is not an AlertRule or RecordingRule")
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "interval", _check_duration(where, what, "interval", self.interval))
        offset = _check_duration(where, what, "query_offset", self.query_offset)
        object.__setattr__(self, "query_offset", offset)
        if self.limit is not None and (not isinstance(self.limit, int) or self.limit < 0):
            _fail(where, f"{what}: limit must be a whole number of 0 or more, not {self.limit!r}")
        file = self.file or f"{self.name}.yml"
        if not GROUP_FILE.match(file):
            _fail(
                where,
                f"{what}: file {file!r} must be a file name (no folder, not hidden) ending in .yml or .yaml, "
                "e.g. 'api.rules.yml'",
            )
        object.__setattr__(self, "file", file)
        labels = _check_labels(where, what, "label", self.labels)
        object.__setattr__(self, "labels", MappingProxyType(dict(sorted(labels.items()))))
        taken = [key for key in self.extra if key in ("name", "rules", *self.options(extra=False))]
        if taken:
            _fail(where, f"{what}: extra may not set {', '.join(taken)}: use the argument of that name")
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def options(self, extra: bool = True) -> dict[str, Any]:
        """The group's keys besides name and rules, as they appear in a rule file (with the ``extra``
        ones unless ``extra`` is false)."""
        keys = (("interval", self.interval), ("limit", self.limit), ("query_offset", self.query_offset))
        options = {key: value for key, value in keys if value is not None}
        if self.labels:
            options["labels"] = dict(self.labels)
        return {**options, **(dict(self.extra) if extra else {})}
