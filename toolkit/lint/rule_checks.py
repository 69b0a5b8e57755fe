"""Checks of alerting and recording rules: for, comparisons, templates, annotations, labels, names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import promql_parser as pp

from toolkit.bundle import RuleEntry
from toolkit.durations import duration_seconds
from toolkit.lint.context import Expression, LintContext
from toolkit.lint.findings import Finding, Level
from toolkit.lint.policy import HOUSE_ANNOTATIONS, full_match
from toolkit.lint.promql import COMPARISONS, Parsed
from toolkit.lint.promql_checks import rate_windows
from toolkit.lint.registry import check
from toolkit.lint.templates import template_problem
from toolkit.locations import SourceLocation

RAW_VALUE = re.compile(r"\{\{\s*\$value\s*\}\}")
GROUP_NAME = r"[^\W_][\w.-]*"  # any script, but lower case: checked apart (compiled on first use)
ABSENT = {"absent", "absent_over_time"}


def _is_condition(node: pp.Expr) -> bool:
    if isinstance(node, pp.BinaryExpr):
        op = str(node.op)
        return (op in COMPARISONS and not (node.modifier and node.modifier.return_bool)) or op == "unless"
    return isinstance(node, pp.Call) and node.func.name in ABSENT


def _has_comparison(parsed: Parsed) -> bool:
    return any(_is_condition(node) for kind in (pp.BinaryExpr, pp.Call) for node in parsed.of_type(kind))


def _is_constant(parsed: Parsed) -> bool:
    """True for an expression that reads no series (vector(1): the always-firing Watchdog)."""
    return not parsed.of_type(pp.VectorSelector) and not parsed.of_type(pp.MatrixSelector)


@check(
    "alerts/for",
    "absent() needs a `for` of at least 2m or 4 scrapes; a `for` under a quarter of the rate() window "
    "filters no spike; (with conventions) an alert without `for` fires on one bad evaluation.",
    Level.WARNING,
)
def alert_for(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        if not rule.is_alert:
            continue
        for_seconds = duration_seconds(rule.data["for"]) if rule.data.get("for") else 0.0
        uses_absent = any(call.func.name in ABSENT for call in parsed.of_type(pp.Call))
        if uses_absent and for_seconds < max(120.0, 4 * ctx.scrape_seconds):
            yield ctx.rule_finding(
                "alerts/for",
                rule,
                "absent() fires as soon as the series goes stale (a target gone, one scrape without the "
                "metric): give the alert for: 2m or more",
                Level.WARNING,
                field="for" if rule.data.get("for") else "alert",
            )
        elif not for_seconds and _has_comparison(parsed) and ctx.conventions:
            yield ctx.rule_finding(
                "alerts/for",
                rule,
                "no for: one evaluation over the threshold fires it; add for: (e.g. 5m) or lint_ignore with the reason",
                field="alert",
            )
        windows = rate_windows(Expression(parsed, rule=rule))
        if for_seconds and windows and 4 * for_seconds <= min(windows):
            window = pp.display_duration(timedelta(seconds=min(windows)))
            yield ctx.rule_finding(
                "alerts/for",
                rule,
                f"for: {rule.data['for']} is under a quarter of the [{window}] rate window: one short spike "
                f"keeps the rate high for {window}, so for: filters nothing; make for: longer or the window shorter",
                Level.WARNING,
                field="expr",
                token=f"[{window}]",
            )


@check(
    "alerts/comparison",
    "An alert expression that reads series but compares nothing fires for every series it returns (fine "
    "when the series exist only in trouble; vector(1), the always-firing Watchdog, is quiet).",
    Level.WARNING,
)
def comparison(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        if rule.is_alert and not _has_comparison(parsed) and not _is_constant(parsed):
            yield ctx.rule_finding(
                "alerts/comparison",
                rule,
                "the expression has no comparison, so it fires whenever it returns anything: add a threshold such as > 0.05",
                field="expr",
            )


@check(
    "alerts/template",
    "A label or annotation template that does not parse, so Prometheus refuses the file: Go's text/template "
    "parser with Prometheus 3's functions, in Go's words.",
    Level.FATAL,
)
def template(ctx: LintContext) -> Iterator[Finding]:
    for _, rule in ctx.rules():
        if not rule.is_alert:
            continue
        for kind in ("labels", "annotations"):
            for key, text in rule.data.get(kind, {}).items():
                problem = template_problem(text, rule.name)
                if problem:
                    yield ctx.rule_finding(
                        "alerts/template",
                        rule,
                        f'{kind[:-1]} "{key}": template: __alert_{rule.name}: {problem}',
                        field=key,
                    )


@check(
    "alerts/humanize",
    "A description that shows $value raw instead of through humanize, humanizePercentage or humanizeDuration.",
    Level.INFO,
    convention=True,
)
def humanize(ctx: LintContext) -> Iterator[Finding]:
    for _, rule in ctx.rules():
        description = rule.data.get("annotations", {}).get("description", "")
        if rule.is_alert and RAW_VALUE.search(description):
            yield ctx.rule_finding(
                "alerts/humanize",
                rule,
                "description shows $value raw: use {{ $value | humanize }} (or humanizePercentage, humanizeDuration)",
                field="description",
            )


@check(
    "alerts/annotation",
    "An alert without a summary, description or runbook_url annotation (or, with lint.policies.annotations "
    "in toolkit.yaml, without those annotations or with values that do not match their patterns).",
    Level.WARNING,
    convention=True,
)
def annotation(ctx: LintContext) -> Iterator[Finding]:
    required = ctx.policy.annotations or HOUSE_ANNOTATIONS
    for _, rule in ctx.rules():
        if not rule.is_alert:
            continue
        annotations = rule.data.get("annotations", {})
        missing = [key for key in required if not annotations.get(key)]
        if missing:
            yield ctx.rule_finding("alerts/annotation", rule, f"missing annotation(s): {', '.join(missing)}")
        for key, pattern in required.items():
            value = annotations.get(key)
            if value and not full_match(pattern, value):
                yield ctx.rule_finding(
                    "alerts/annotation",
                    rule,
                    f"annotation {key} {value!r} does not match the policy's {pattern!r}",
                    Level.BUG,
                    field=key,
                )


@check(
    "rule/label",
    "An alert without severity or team, or with a severity outside the allowed set (a deliberate "
    "severity: none, as on the Watchdog, is accepted); with lint.policies.labels in toolkit.yaml, the "
    "labels and value patterns the policy requires.",
    Level.BUG,
    convention=True,
)
def label(ctx: LintContext) -> Iterator[Finding]:
    allowed = ", ".join(ctx.severities)
    for _, rule in ctx.rules():
        if not rule.is_alert:
            continue
        labels = rule.data.get("labels", {})
        if ctx.policy.labels:
            yield from _policy_labels(ctx, rule, labels)
            continue
        severity = labels.get("severity")
        if severity is None:
            yield ctx.rule_finding("rule/label", rule, f"no severity label: set one of {allowed}")
        elif severity not in ctx.severities and severity != "none":
            yield ctx.rule_finding(
                "rule/label", rule, f"severity {severity!r} is not one of {allowed}", field="severity"
            )
        if "team" not in labels:
            yield ctx.rule_finding(
                "rule/label", rule, "no team label: routing needs to know who owns it", Level.WARNING
            )


def _policy_labels(ctx: LintContext, rule: RuleEntry, labels: dict) -> Iterator[Finding]:
    for key, pattern in ctx.policy.labels.items():
        value = labels.get(key)
        if value is None:
            yield ctx.rule_finding(
                "rule/label", rule, f"no {key} label: the policy requires one matching {pattern!r}"
            )
        elif not full_match(pattern, value):
            yield ctx.rule_finding(
                "rule/label", rule, f"{key} {value!r} does not match the policy's {pattern!r}", field=key
            )


@check(
    "rule/name",
    "Naming conventions: CamelCase alerts, level:metric:operations recording rules, lower-case group names.",
    Level.WARNING,
    convention=True,
)
def name(ctx: LintContext) -> Iterator[Finding]:
    from toolkit.rules import ALERT_NAME, RECORD_NAME  # here: the rule DSL loads only for this convention

    for group in ctx.bundle.rule_groups:
        if not re.fullmatch(GROUP_NAME, group.name) or group.name != group.name.lower():
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


DEFINED = "rule/duplicate"  # LintContext.shared's key for the rules seen: definition key -> (path, line)


def definition_key(rule: RuleEntry) -> int:
    """What makes two rules the same (kind, name, labels, expression, for), as a 64-bit hash: the rules seen
    are kept across batches of files by it, so memory stays small (two different rules share a hash about
    once in 10^10 runs of 50,000 rules). Python salts string hashes per process: keys agree within one run
    and its forked workers only."""
    labels = tuple(sorted(rule.data.get("labels", {}).items()))
    return hash((rule.is_alert, rule.name, labels, rule.data["expr"], rule.data.get("for")))


@check(
    "rule/duplicate",
    "The same rule (name, labels and expression) defined twice in one file (a warning across files, which "
    "may be loaded apart): the second adds nothing but load and confusion.",
    Level.BUG,
    whole_bundle=True,
)
def duplicate(ctx: LintContext) -> Iterator[Finding]:
    seen: dict[int, tuple[str, int]] = ctx.shared.setdefault(DEFINED, {})
    for _, rule in ctx.rules():
        key = definition_key(rule)
        first = seen.get(key)
        if first is None:
            seen[key] = (rule.source.path, rule.source.line)
        else:
            same = first[0] == rule.source.path
            yield ctx.rule_finding(
                "rule/duplicate",
                rule,
                level=None if same else Level.WARNING,
                message=f"{rule.name} with the same labels and expression is already defined at "
                f"{f'line {first[1]}' if same else SourceLocation(*first)}",
            )


@check(
    "rule/dependency",
    "A recording rule's name (level:metric:ops) is queried but no rule linted with it records it (it may "
    "live in a file not given).",
    Level.WARNING,
)
def dependency(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        for selector in parsed.of_type(pp.VectorSelector):
            used = selector.name or ""
            if ":" in used and not used.startswith(":") and used not in ctx.recorded:
                yield ctx.rule_finding(
                    "rule/dependency",
                    rule,
                    f"{used} is not recorded by any rule here: define the recording rule or fix the name",
                    field="expr",
                    token=used,
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


COUNT_WINDOW = 86400.0  # alerts/count looks back one day
COUNT_STEP = 60.0


def firing_spells(timestamps: list[float], step: float, hold: float) -> int:
    """How many times a series present at ``timestamps`` (every ``step`` while present) stays for at least
    ``hold`` seconds without a gap: each is one alert that would have fired."""
    spells, start, last = 0, None, None
    for at in [*timestamps, float("inf")]:
        if last is None or at - last > step * 1.5:
            if start is not None and last - start >= hold:
                spells += 1
            start = at
        last = at
    return spells


@check(
    "alerts/count",
    "With --prometheus URL: how often each alert would have fired over the last day on that server, by "
    "running its expression with its for: (pint's alerts/count); said as info, for judging noise.",
    Level.INFO,
    needs_server=True,
)
def count(ctx: LintContext) -> Iterator[Finding]:
    if ctx.live is None:
        return
    from toolkit.lint.live import LiveError  # here: only a run with --prometheus asks a server

    for rule, _ in ctx.rule_exprs():
        if not rule.is_alert:
            continue
        hold = duration_seconds(rule.data["for"]) if rule.data.get("for") else 0.0
        try:
            series = ctx.live.query_range(rule.data["expr"], COUNT_WINDOW, COUNT_STEP)
        except LiveError as error:
            yield ctx.rule_finding("alerts/count", rule, f"cannot run the expression: {error}", Level.WARNING)
            continue
        fired = sum(firing_spells(times, COUNT_STEP, hold) for times in series)
        yield ctx.rule_finding(
            "alerts/count",
            rule,
            f"would have fired {fired} time{'s' if fired != 1 else ''} over the last day on {ctx.live.url} "
            f"({len(series)} series matched)",
            field="expr",
        )
