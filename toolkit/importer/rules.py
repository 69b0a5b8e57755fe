"""Prometheus rule files (or ``PrometheusRule`` manifests) to a module of typed rule objects.

Thresholds of alert expressions (``<query> > 0.05``) become named constants; YAML comments inside a rule
are kept as Python comments above it. What the typed model adds by convention (a severity, the team
label, the runbook URL, a summary or description the input lacks) is listed in the result's notes, so the
import never changes a rule silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit import promql
from toolkit.bundle import RuleEntry, RuleGroupEntry
from toolkit.rule_data import GROUP_OPTION_KEYS
from toolkit.rules import ALERT_NAME, RECORD_NAME, Severity
from toolkit.sources.files import SourceError, parse_rule_file

THRESHOLD = re.compile(
    r"^(?P<query>.*\S)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<value>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$", re.S
)
QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")


class RuleImportError(SourceError):
    """The input cannot be expressed with the typed model; the message says which rule and why."""


@dataclass
class ImportedModule:
    """The module's source text, and notes on what the import added or could not carry as-is."""

    source: str
    notes: list[str] = field(default_factory=list)


def _string(text: str) -> str:
    """A Python literal for ``text``: a triple-quoted one for multi-line text where that is exact."""
    if "\n" in text and '"""' not in text and "\\" not in text and not text.endswith('"'):
        return f'"""{text}"""'
    return repr(text)


def _constant(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper() + "_THRESHOLD"


def _comment(line: str) -> str:
    """The comment on a YAML line ('' when there is none), ignoring ``#`` inside quotes."""
    match = re.search(r"(?:^|\s)#\s?(.*)$", QUOTED.sub("", line))
    return match.group(1).rstrip() if match else ""


def _comments(lines: list[str], start: int, end: int) -> list[str]:
    """The comments of the rule on lines ``start``..``end`` (1-based): the comment block right above it,
    then comments inside it, leaving a block right above the next rule to that rule."""
    above = start - 1
    while above >= 1 and lines[above - 1].strip().startswith("#"):
        above -= 1
    while end > start and lines[end - 1].strip().startswith("#"):
        end -= 1
    return [text for line in lines[above:end] if (text := _comment(line))]


def _alert(rule: RuleEntry, constants: dict[str, str], notes: list[str]) -> list[str]:
    data = rule.data
    name = data["alert"]
    if not ALERT_NAME.match(name):
        raise RuleImportError(
            f"alert {name!r} is not CamelCase; rename it in the file first (e.g. 'HighErrorRate')",
            rule.source,
        )
    labels = dict(data.get("labels", {}))
    annotations = dict(data.get("annotations", {}))
    expr = data["expr"]
    match = THRESHOLD.match(expr)
    if match and not match.group("query").rstrip().endswith(("bool", "offset")):
        try:
            promql.parse(match.group("query"))
            constant = _constant(name)
            constants[constant] = match.group("value")
            expr_code = f'{_string(match.group("query"))} f" {match.group("op")} {{{constant}}}"'
        except ValueError:
            expr_code = _string(expr)
    else:
        expr_code = _string(expr)
    severity = labels.pop("severity", None)
    if severity not in {s.value for s in Severity}:
        notes.append(
            f"{name}: severity {severity!r} is not one of critical, warning, info; set warning, review it"
        )
        severity = "warning"
    lines = ["AlertRule(", f"    name={name!r},", f"    expr={expr_code},"]
    for key, arg in (("for", "for_"), ("keep_firing_for", "keep_firing_for")):
        if data.get(key):
            lines.append(f"    {arg}={data[key]!r},")
    lines.append(f"    severity=Severity.{severity.upper()},")
    for key in ("team", "category"):
        if key in labels:
            lines.append(f"    {key}={labels.pop(key)!r},")
    if "team" not in data.get("labels", {}):
        notes.append(f"{name}: no team label; the build adds alerting.default_team")
    for key in ("summary", "description"):
        value = annotations.pop(key, None)
        if value is None:
            value = name if key == "summary" else f"{name} is firing."
            notes.append(f"{name}: no {key} annotation; wrote {value!r}, review it")
        lines.append(f"    {key}={_string(value)},")
    if "runbook_url" in annotations:
        lines.append(f"    runbook_url={_string(annotations.pop('runbook_url'))},")
    else:
        notes.append(f"{name}: no runbook_url; the build fills it from the runbook_url pattern")
    if labels:
        lines.append(f"    labels={labels!r},")
    if annotations:
        lines.append(
            f"    annotations={{{', '.join(f'{k!r}: {_string(v)}' for k, v in annotations.items())}}},"
        )
    return [*lines, "),"]


def _record(rule: RuleEntry) -> list[str]:
    data = rule.data
    if not RECORD_NAME.match(data["record"]):
        raise RuleImportError(
            f"recording rule {data['record']!r} is not level:metric:operations; rename it first (e.g. 'job:http_requests:rate5m')",
            rule.source,
        )
    lines = ["RecordingRule(", f"    {data['record']!r},", f"    {_string(data['expr'])},"]
    if data.get("labels"):
        lines.append(f"    labels={dict(data['labels'])!r},")
    return [*lines, "),"]


def _group(
    group: RuleGroupEntry,
    lines_of_file: list[str],
    ends: dict[int, int],
    constants: dict[str, str],
    notes: list[str],
) -> list[str]:
    lines = ["RuleGroup(", f"    {group.name!r},", "    ["]
    for rule in group.rules:
        for comment in _comments(lines_of_file, rule.source.line, ends[rule.source.line]):
            lines.append(f"        # {comment}")
        body = _alert(rule, constants, notes) if rule.is_alert else _record(rule)
        lines += [f"        {line}" for line in body]
    lines.append("    ],")
    for key, value in group.options.items():
        if key in GROUP_OPTION_KEYS:
            lines.append(f"    {key}={value!r},")
        else:
            notes.append(f"group {group.name}: {key} not carried (RuleGroup has no such option)")
    if group.file != f"{group.name}.yml":
        lines.append(f"    file={group.file!r},")
    return [*lines, "),"]


def import_rules(text: str, path: str, module_doc: str) -> ImportedModule:
    """The Python module for the rule file ``text`` (read from ``path``); raises SourceError on bad input."""
    groups = parse_rule_file(text, path)
    if not groups:
        raise RuleImportError("the file has no rule groups", None)
    notes: list[str] = []
    constants: dict[str, str] = {}
    body: list[str] = []
    lines_of_file = text.splitlines()
    starts = sorted({g.source.line for g in groups} | {r.source.line for g in groups for r in g.rules})
    ends = {
        start: (starts[i + 1] - 1 if i + 1 < len(starts) else len(lines_of_file))
        for i, start in enumerate(starts)
    }
    for group in groups:
        body += [f"        {line}" for line in _group(group, lines_of_file, ends, constants, notes)]
    uses = {word for word in ("AlertRule", "RecordingRule") if any(word + "(" in line for line in body)}
    imports = ", ".join(sorted({"RuleGroup", *uses, *({"Severity"} if "AlertRule" in uses else set())}))
    head = [
        f'"""{module_doc}"""',
        "",
        "from __future__ import annotations",
        "",
        f"from toolkit.rules import {imports}",
        "from toolkit.settings import Settings",
        "",
    ]
    head += [f"{name} = {value}" for name, value in constants.items()]
    source = "\n".join(
        [
            *head,
            "",
            "",
            "def groups(settings: Settings) -> list[RuleGroup]:",
            '    """The imported rule groups."""',
            "    return [",
            *body,
            "    ]",
            "",
        ]
    )
    return ImportedModule(source, notes)


def module_name(path: Path) -> str:
    """A module name from a file name: lower case, words joined by underscores."""
    stem = re.sub(r"\.(rules?|alerts?)$", "", path.stem)
    name = re.sub(r"\W+", "_", stem).strip("_").lower()
    return name if name and not name[0].isdigit() else f"imported_{name}"


def registered_names(registry_text: str) -> Iterable[str]:
    """The module names an explicit registry file imports from its package."""
    for match in re.finditer(r"^from \w+ import (.+)$", registry_text, re.M):
        yield from (n.strip() for n in match.group(1).split(","))
