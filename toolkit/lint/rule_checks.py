"""Checks of alerting and recording rules: for, comparisons, templates, annotations, labels, names."""

from __future__ import annotations

import re
from collections.abc import Iterator

import promql_parser as pp

from toolkit.bundle import RuleEntry
from toolkit.durations import duration_seconds
from toolkit.lint.context import LintContext
from toolkit.lint.findings import Finding, Level
from toolkit.lint.promql import COMPARISONS, Parsed
from toolkit.lint.registry import check
from toolkit.lint.templates import judge
from toolkit.rules import ALERT_NAME, RECORD_NAME

RAW_VALUE = re.compile(r"\{\{\s*\$value\s*\}\}")
GROUP_NAME = re.compile(r"[^\W_][\w.-]*")  # any script, but lower case: checked apart
ABSENT = {"absent", "absent_over_time"}


def _is_condition(node: pp.Expr) -> bool:
    if isinstance(node, pp.BinaryExpr):
        op = str(node.op)
        return (op in COMPARISONS and not (node.modifier and node.modifier.return_bool)) or op == "unless"
    return isinstance(node, pp.Call) and node.func.name in ABSENT


def _has_comparison(parsed: Parsed) -> bool:
    return any(_is_condition(node.expr) for node in parsed.nodes)


@check(
    "alerts/for",
    "An alert without `for` fires on one bad evaluation; absent() needs a `for` of at least 2m or 4 scrapes.",
    Level.WARNING,
)
def alert_for(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        if not rule.is_alert:
            continue
        for_seconds = duration_seconds(rule.data["for"]) if rule.data.get("for") else 0.0
        uses_absent = any(n.expr.func.name in ABSENT for n in parsed.of_type(pp.Call))
        if uses_absent and for_seconds < max(120.0, 4 * ctx.scrape_seconds):
            yield ctx.rule_finding(
                "alerts/for",
                rule,
                "absent() fires on one missed scrape: give the alert for: 2m or more",
                Level.BUG,
            )
        elif not for_seconds and _has_comparison(parsed):
            yield ctx.rule_finding(
                "alerts/for",
                rule,
                "no for: one evaluation over the threshold fires it; add for: (e.g. 5m) or lint_ignore with the reason",
            )


@check(
    "alerts/comparison",
    "An alert expression with no comparison fires for every series it returns.",
    Level.BUG,
)
def comparison(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        if rule.is_alert and not _has_comparison(parsed):
            yield ctx.rule_finding(
                "alerts/comparison",
                rule,
                "the expression has no comparison, so it fires whenever it returns anything: add a threshold such as > 0.05",
            )


@check(
    "alerts/template",
    "A label or annotation template that does not parse (promtool judges where installed), or $value shown raw in a description.",
    Level.BUG,
    whole_bundle=True,
)
def template(ctx: LintContext) -> Iterator[Finding]:
    uses: dict[str, list[tuple[RuleEntry, str]]] = {}
    for _, rule in ctx.rules():
        if rule.is_alert:
            for kind in ("labels", "annotations"):
                for key, text in rule.data.get(kind, {}).items():
                    if "{{" in text:
                        uses.setdefault(text, []).append((rule, f"{kind[:-1]} {key}"))
    judged = judge(list(uses))
    for text in sorted(uses):
        for problem in judged[text]:
            for rule, where in uses[text]:
                yield ctx.rule_finding("alerts/template", rule, f"{where}: {problem}")
    for _, rule in ctx.rules():
        description = rule.data.get("annotations", {}).get("description", "")
        if rule.is_alert and RAW_VALUE.search(description):
            yield ctx.rule_finding(
                "alerts/template",
                rule,
                "description shows $value raw: use {{ $value | humanize }} (or humanizePercentage, humanizeDuration)",
                Level.INFO,
            )


@check(
    "alerts/annotation",
    "An alert without a summary, description or runbook_url annotation.",
    Level.WARNING,
)
def annotation(ctx: LintContext) -> Iterator[Finding]:
    for _, rule in ctx.rules():
        if rule.is_alert:
            annotations = rule.data.get("annotations", {})
            missing = [key for key in ("summary", "description", "runbook_url") if not annotations.get(key)]
            if missing:
                yield ctx.rule_finding(
                    "alerts/annotation", rule, f"missing annotation(s): {', '.join(missing)}"
                )


@check(
    "rule/label",
    "An alert without severity or team, or with a severity outside the allowed set.",
    Level.BUG,
)
def label(ctx: LintContext) -> Iterator[Finding]:
    allowed = ", ".join(ctx.severities)
    for _, rule in ctx.rules():
        if not rule.is_alert:
            continue
        labels = rule.data.get("labels", {})
        severity = labels.get("severity")
        if severity is None:
            yield ctx.rule_finding("rule/label", rule, f"no severity label: set one of {allowed}")
        elif severity not in ctx.severities:
            yield ctx.rule_finding("rule/label", rule, f"severity {severity!r} is not one of {allowed}")
        if "team" not in labels:
            yield ctx.rule_finding(
                "rule/label", rule, "no team label: routing needs to know who owns it", Level.WARNING
            )


@check(
    "rule/name",
    "Naming conventions: CamelCase alerts, level:metric:operations recording rules, lower-case group names.",
    Level.WARNING,
)
def name(ctx: LintContext) -> Iterator[Finding]:
    for group in ctx.bundle.rule_groups:
        if not GROUP_NAME.fullmatch(group.name) or group.name != group.name.lower():
            yield Finding(
                group.source,
                "rule/name",
                Level.INFO,
                f"group name {group.name!r}: use lower-case words with dashes, e.g. api-alerts",
                group.name,
            )
        for rule in group.rules:
            if rule.is_alert and not ALERT_NAME.match(rule.name):
                yield ctx.rule_finding(
                    "rule/name", rule, f"alert {rule.name!r} is not CamelCase, e.g. PostgresDown"
                )
            if not rule.is_alert and not RECORD_NAME.match(rule.name):
                yield ctx.rule_finding(
                    "rule/name",
                    rule,
                    f"recording rule {rule.name!r} is not level:metric:operations, e.g. job:http_requests:rate5m",
                )


@check(
    "rule/duplicate",
    "The same alert (name and labels) or recording rule (name, labels and expression) defined twice.",
    Level.BUG,
    whole_bundle=True,
)
def duplicate(ctx: LintContext) -> Iterator[Finding]:
    seen = {}
    for _, rule in ctx.rules():
        labels = tuple(sorted(rule.data.get("labels", {}).items()))
        key = (rule.is_alert, rule.name, labels, None if rule.is_alert else rule.data["expr"])
        if key in seen:
            yield ctx.rule_finding(
                "rule/duplicate",
                rule,
                f"{rule.name} with the same labels is already defined at {seen[key].source}",
            )
        else:
            seen[key] = rule


@check(
    "rule/dependency",
    "A recording rule's name (level:metric:ops) is queried but no rule records it.",
    Level.BUG,
)
def dependency(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        for node in parsed.of_type(pp.VectorSelector):
            used = node.expr.name or ""
            if ":" in used and used not in ctx.recorded:
                yield ctx.rule_finding(
                    "rule/dependency",
                    rule,
                    f"{used} is not recorded by any rule here: define the recording rule or fix the name",
                )


@check(
    "alerts/untested",
    "An alert with no AlertTest: nothing proves it fires.",
    Level.WARNING,
    project_only=True,
)
def untested(ctx: LintContext) -> Iterator[Finding]:
    tested = {entry.subject for entry in ctx.bundle.rule_tests if entry.is_alert}
    for _, rule in ctx.rules():
        if rule.is_alert and rule.name not in tested:
            yield ctx.rule_finding(
                "alerts/untested",
                rule,
                f"{rule.name} has no test: add an AlertTest that makes it fire and one that keeps it quiet",
            )
