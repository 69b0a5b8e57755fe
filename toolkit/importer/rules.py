"""Prometheus rule files (or ``PrometheusRule`` manifests) to a module of typed rule objects.

Whatever Prometheus loads is imported and builds back to the same rules. A trailing threshold of an alert
(``<query> > 0.05``) becomes a constant named after its alert, one per rule; YAML comments are kept
above the group or rule they belong to. Where a rule does not follow a house convention (a CamelCase
name, ``level:metric:operations``, a severity, a team label, the three annotations), the rule keeps
what it had and carries a reasoned waiver in its ``lint_ignore``; every waiver is listed in the notes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import yaml

from toolkit import promql
from toolkit.bundle import RuleEntry, RuleGroupEntry
from toolkit.importer.comments import file_comments
from toolkit.importer.pysource import (
    ImportedModule,
    constant,
    docstring,
    imported_names,
    literal,
    module_name,
    number,
    string,
)
from toolkit.locations import SourceLocation
from toolkit.rules import ALERT_NAME, GROUP_FILE, METRIC_NAME, RECORD_NAME, Severity
from toolkit.sources.files import RULER_GROUP_KEYS, SourceError, parse_rule_file

THRESHOLD = re.compile(
    r"^(?P<query>.*\S)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<value>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$", re.S
)
SERVER_KEYS = {"labels", *RULER_GROUP_KEYS}  # group keys of Prometheus 3 and of rulers
SERVER_GROUP_KEYS = re.compile(rf"^ *(?:{'|'.join(sorted(SERVER_KEYS))})(?= *:)", re.M)
TYPED_GROUP_KEYS = ("interval", "limit", "query_offset", "labels")
GENERIC_STEMS = {"alerts", "alert", "rules", "rule", "prometheus", "prometheus_rules", "recording_rules"}
WAIVERS = {
    "NAME_AS_IMPORTED": (
        "rule/name",
        "imported as Prometheus loads it: rename to the house convention, then drop this waiver",
    ),
    "LABELS_AS_IMPORTED": (
        "rule/label",
        "imported as it was: no team label or a severity outside critical/warning/info; set them to route it",
    ),
    "ANNOTATIONS_AS_IMPORTED": (
        "alerts/annotation",
        "imported as it was: add the missing summary, description or runbook_url",
    ),
    "DUPLICATE_AS_IMPORTED": (
        "rule/duplicate",
        "imported as it was: this alert is defined twice with the same labels",
    ),
}


class RuleImportError(SourceError):
    """The input cannot be imported; the message says where and why."""


@dataclass
class _Module:
    """What the module being written needs besides its rule groups."""

    thresholds: dict[str, str] = field(default_factory=dict)
    waivers: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    alert_names: Counter = field(default_factory=Counter)
    seen_alerts: set = field(default_factory=set)

    def threshold(self, rule: RuleEntry, value: str) -> str:
        """A constant for ``rule``'s threshold, named after the alert and unique in the module."""
        name = rule.name
        base = constant(name)
        severity = rule.data.get("labels", {}).get("severity", "")
        if self.alert_names[name] > 1 and severity:
            base = f"{base}_{constant(severity)}"
        chosen, count = base, 1
        while chosen in self.thresholds or chosen in WAIVERS:
            count += 1
            chosen = f"{base}_{count}"
        self.thresholds[chosen] = number(value)
        return chosen

    def waive(self, rule: RuleEntry, waiver: str, why: str) -> str:
        """Record a house convention ``rule`` does not follow; the ``lint_ignore`` entry for it."""
        self.waivers.add(waiver)
        self.notes.append(f"{rule.name}: {why}; kept as it was, waived {WAIVERS[waiver][0]}")
        return f"{string(WAIVERS[waiver][0])}: {waiver}"


def _expr(rule: RuleEntry, module: _Module) -> str:
    """The expression as Python: a trailing number compared against becomes the alert's constant."""
    expr = rule.data["expr"]
    match = THRESHOLD.match(expr)
    if not rule.is_alert or not match or match.group("query").rstrip().endswith(("bool", "offset")):
        return string(expr)
    query = match.group("query")
    try:
        promql.parse(query)
    except ValueError:
        return string(expr)
    name = module.threshold(rule, match.group("value"))
    spaced = expr[len(query) : match.start("value")]
    if "{" in query or "}" in query:
        return f"{string(query)} + f{string(spaced + '{' + name + '}')}"
    return "f" + string(f"{query}{spaced}{{{name}}}")


def alert_key(data: dict) -> tuple:
    """What makes two alerts the same one: the name and every label."""
    return (data.get("alert"), tuple(sorted(data.get("labels", {}).items())))


def _checked(rule: RuleEntry) -> RuleEntry:
    """``rule`` as Prometheus reads it (a number as a name is its text); what Prometheus refuses is
    refused here, at the input's line rather than in the generated module."""
    key = "alert" if rule.is_alert else "record"
    name = rule.data.get(key)
    if isinstance(name, int | float) and not isinstance(name, bool):
        rule = RuleEntry({**rule.data, key: str(name)}, rule.source, rule.lint_ignore)
        name = rule.data[key]
    kind = "alert" if rule.is_alert else "recording rule"
    if not isinstance(name, str) or not name:
        raise RuleImportError(f"{kind} name {name!r} is not valid: give a non-empty name", rule.source)
    if not rule.is_alert and not METRIC_NAME.match(name):
        raise RuleImportError(
            f"recording rule name {name!r} is not a metric name: Prometheus refuses it", rule.source
        )
    try:
        promql.parse(rule.data["expr"])
    except ValueError as error:
        raise RuleImportError(f"{kind} {name}: expr is not valid PromQL: {error}", rule.source) from None
    return rule


def _check_group(group: RuleGroupEntry) -> None:
    limit = group.options.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise RuleImportError(
            f"rule group {group.name}: limit {limit!r} is not a whole number of 0 or more", group.source
        )


def _alert(rule: RuleEntry, module: _Module, duplicated: bool) -> list[str]:
    data = rule.data
    name = data["alert"]
    labels = dict(data.get("labels", {}))
    annotations = dict(data.get("annotations", {}))
    ignores = []
    if not ALERT_NAME.match(name):
        ignores.append(module.waive(rule, "NAME_AS_IMPORTED", "the name is not CamelCase"))
    severity = labels.pop("severity", None)
    team = labels.pop("team", None)
    if severity not in {s.value for s in Severity} or team is None:
        why = "no team label" if team is None else ""
        if severity not in {s.value for s in Severity}:
            why = ", ".join(filter(None, [f"severity {severity!r} is not critical, warning or info", why]))
        ignores.append(module.waive(rule, "LABELS_AS_IMPORTED", why))
    missing = [key for key in ("summary", "description", "runbook_url") if not annotations.get(key)]
    if missing:
        ignores.append(module.waive(rule, "ANNOTATIONS_AS_IMPORTED", f"no {', '.join(missing)} annotation"))
    if duplicated:
        ignores.append(
            module.waive(
                rule,
                "DUPLICATE_AS_IMPORTED",
                "defined twice with the same labels (here or in another module)",
            )
        )
    if severity in {s.value for s in Severity}:
        severity_code = f"Severity.{severity.upper()}"
    else:
        severity_code = literal(severity)
    lines = ["AlertRule(", f"    name={string(name)},", f"    expr={_expr(rule, module)},"]
    for key, arg in (("for", "for_"), ("keep_firing_for", "keep_firing_for")):
        if data.get(key):
            lines.append(f"    {arg}={string(data[key])},")
    lines.append(f"    severity={severity_code},")
    lines.append(f"    team={string(team or '')},")
    if "category" in labels:
        lines.append(f"    category={string(labels.pop('category'))},")
    for key in ("summary", "description"):
        lines.append(f"    {key}={string(annotations.pop(key, ''))},")
    lines.append(f"    runbook_url={string(annotations.pop('runbook_url', ''))},")
    if labels:
        lines.append(f"    labels={literal(labels)},")
    if annotations:
        lines.append(
            f"    annotations={{{', '.join(f'{string(k)}: {string(v)}' for k, v in annotations.items())}}},"
        )
    ignores += _commented_ignores(rule, ignores)
    if ignores:
        lines.append(f"    lint_ignore={{{', '.join(ignores)}}},")
    return [*lines, "),"]


def _record(rule: RuleEntry, module: _Module) -> list[str]:
    data = rule.data
    lines = ["RecordingRule(", f"    {string(data['record'])},", f"    {_expr(rule, module)},"]
    if data.get("labels"):
        lines.append(f"    labels={literal(dict(data['labels']))},")
    ignores = []
    if not RECORD_NAME.match(data["record"]):
        ignores.append(module.waive(rule, "NAME_AS_IMPORTED", "the name is not level:metric:operations"))
    ignores += _commented_ignores(rule, ignores)
    if ignores:
        lines.append(f"    lint_ignore={{{', '.join(ignores)}}},")
    return [*lines, "),"]


def _commented_ignores(rule: RuleEntry, given: list[str]) -> list[str]:
    """The input's ``# toolkit lint ignore CHECK: reason`` comments of ``rule`` as lint_ignore entries
    (a waiver the import already writes for the same check stays)."""
    return [
        f"{string(check)}: {string(reason or 'waived by a comment in the input without a reason: give one')}"
        for check, reason in rule.lint_ignore.items()
        if not any(entry.startswith(string(check) + ":") for entry in given)
    ]


def _group(
    group: RuleGroupEntry, options: dict[str, Any], file: str, comments: dict[int, list[str]], module: _Module
) -> list[str]:
    lines = [*comments.get(group.source.line, []), "RuleGroup(", f"    {string(group.name)},", "    ["]
    _check_group(group)
    for rule in map(_checked, group.rules):
        lines += [f"        {comment}" for comment in comments.get(rule.source.line, [])]
        if rule.is_alert:
            key = alert_key(rule.data)
            body = _alert(rule, module, key in module.seen_alerts)
            module.seen_alerts.add(key)
        else:
            body = _record(rule, module)
        lines += [f"        {line}" for line in body]
    lines.append("    ],")
    for key in TYPED_GROUP_KEYS:
        if options.get(key) is not None:
            lines.append(f"    {key}={literal(options[key])},")
    extra = {k: v for k, v in options.items() if k not in TYPED_GROUP_KEYS}
    if extra:
        lines.append(f"    extra={literal(extra)},")
    if file != f"{group.name}.yml":
        lines.append(f"    file={string(file)},")
    return [*lines, "),"]


def is_empty_rule_file(text: str) -> bool:
    """True for a rule file with no document or only empty ones (``null``, ``{}``), which Prometheus
    loads as no groups."""
    if not re.fullmatch(r"(\s|#[^\n]*|---|null|~|\{\s*\})*", text):
        return False
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return all(not document for document in yaml.load_all(text, Loader=loader))
    except yaml.YAMLError:
        return False


def _server_keys(text: str, groups: list[RuleGroupEntry]) -> list[dict[str, Any]]:
    """For each group, its ``labels`` (Prometheus 3) and the keys only a ruler reads, from the YAML
    itself: the file reader may keep only what every Prometheus reads."""
    columns = set()
    lines = text.splitlines()
    for group in groups:
        line = lines[group.source.line - 1] if 0 < group.source.line <= len(lines) else ""
        item = re.match(r"\s*-\s+", line)
        columns.add(item.end() if item else -1)
    found = (len(m.group(0)) - len(m.group(0).lstrip()) for m in SERVER_GROUP_KEYS.finditer(text))
    if not any(column in columns for column in found):
        return [{} for _ in groups]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = []
    for document in yaml.load_all(text, Loader=loader):
        if isinstance(document, dict) and document.get("kind") == "PrometheusRule":
            document = document.get("spec") or {}
        if isinstance(document, dict):
            raw += [g for g in document.get("groups") or [] if isinstance(g, dict)]
    found_keys = [{k: v for k, v in data.items() if k in SERVER_KEYS} for data in raw[: len(groups)]]
    return found_keys + [{} for _ in range(len(groups) - len(found_keys))]


def rule_file_name(name: str, module: str, taken: set[str]) -> tuple[str, str]:
    """The file groups read from the file ``name`` are built to, and a note when it is not ``name``:
    a name ending in .yml/.yaml (no folder), not one ``taken`` by another import or group of the project."""
    chosen = name if GROUP_FILE.match(name) else f"{module}.yml"
    if chosen in taken:
        chosen = f"{module}.yml"
    count = 1
    while chosen in taken:
        count += 1
        chosen = f"{module}_{count}.yml"
    if chosen == name:
        return chosen, ""
    return chosen, f"groups are built to prometheus/{chosen}: {name!r} is taken or not a .yml/.yaml name"


def import_rules(
    text: str,
    path: str,
    module_doc: str,
    *,
    module: str = "imported",
    taken_files: set[str] | None = None,
    seen_alerts: set | None = None,
    file_name: str = "",
) -> ImportedModule:
    """The Python module for the rule file ``text`` (read from ``path``); raises SourceError on bad input.

    ``module`` is the module's name and ``taken_files`` the rule files other groups are built to, so
    the groups of this file get a file of their own. ``seen_alerts`` holds the (name, labels) of the
    alerts defined elsewhere in the project; it grows by this file's. ``file_name`` is the input's file
    name where ``path`` does not end in it (a live server's answer).
    """
    try:
        groups = [] if is_empty_rule_file(text) else parse_rule_file(text, path)
    except (AttributeError, TypeError) as error:  # a shape the file reader did not foresee
        raise RuleImportError(f"not a rule file Prometheus loads: {error}", SourceLocation(path, 1)) from None
    state = _Module(seen_alerts=seen_alerts if seen_alerts is not None else set())
    file, file_note = rule_file_name(file_name or PurePath(path).name, module, taken_files or set())
    if file_note:
        state.notes.append(file_note)
    state.alert_names.update(rule.name for group in groups for rule in group.rules if rule.is_alert)
    lines_of_file = text.splitlines()
    anchors = [g.source.line for g in groups] + [r.source.line for g in groups for r in g.rules]
    comments = file_comments(lines_of_file, anchors)
    body: list[str] = []
    for group, server_keys in zip(groups, _server_keys(text, groups), strict=True):
        options = {**server_keys, **group.options}
        body += [f"        {line}" for line in _group(group, options, file, comments.by_line, state)]
    rules = [rule for group in groups for rule in group.rules]
    uses = {"AlertRule" if rule.is_alert else "RecordingRule" for rule in rules}
    severities = {s.value for s in Severity}
    if any(rule.is_alert and rule.data.get("labels", {}).get("severity") in severities for rule in rules):
        uses.add("Severity")
    head = [
        docstring(module_doc),
        *comments.header,
        "",
        "from __future__ import annotations",
        "",
        f"from toolkit.rules import {imported_names({'RuleGroup', *uses})}",
        "from toolkit.settings import Settings",
        "",
    ]
    head += [f"{name} = {string(WAIVERS[name][1])}" for name in sorted(state.waivers)]
    head += [f"{name} = {value}" for name, value in state.thresholds.items()]
    groups_code = ["    return [", *body, "    ]"] if body else ["    return []"]
    source = "\n".join(
        [
            *head,
            "",
            "",
            "def groups(settings: Settings) -> list[RuleGroup]:",
            f"    {docstring('The rule groups imported from ' + (file_name or PurePath(path).name) + '.')}",
            *groups_code,
            "",
        ]
    )
    return ImportedModule(source, state.notes, file)


def rule_module_name(path: Path) -> str:
    """A module name from a rule file's name: ``nodeExporter.rules.yml`` -> ``node_exporter``; a generic
    name (``alerts.yaml``, ``rules.yml``) is prefixed with its folder's (``ceph_alerts``)."""
    stem = re.sub(r"(\.(rules?|alerts?|ya?ml))+$", "", path.name, flags=re.I) or path.stem
    name = module_name(stem, "rules")
    if name in GENERIC_STEMS and path.parent.name:
        name = module_name(f"{path.parent.name}_{name}", "rules")
    return name
