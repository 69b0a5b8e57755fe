"""The checks a team configures in toolkit.yaml (``lint.policies``, see :mod:`toolkit.lint.policy`), and
the evaluation-interval check of rule groups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import promql_parser as pp

from toolkit.durations import duration_seconds
from toolkit.lint.context import Expression, LintContext
from toolkit.lint.findings import Finding, Level
from toolkit.lint.policy import search
from toolkit.lint.promql import output_labels, parse, selector_name
from toolkit.lint.promql_checks import rate_windows
from toolkit.lint.registry import check

STALENESS_SECONDS = 300.0  # Prometheus' lookback delta: a series not written for 5m is gone


@check(
    "rule/for",
    "With lint.policies.min_for in toolkit.yaml: an alert whose for: is shorter than the policy's minimum.",
    Level.BUG,
)
def rule_for(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.policy.min_for:
        return
    minimum = pp.display_duration(timedelta(seconds=ctx.policy.min_for))
    for _, rule in ctx.rules():
        if not rule.is_alert:
            continue
        given = duration_seconds(rule.data["for"]) if rule.data.get("for") else 0.0
        if given < ctx.policy.min_for:
            yield ctx.rule_finding(
                "rule/for",
                rule,
                f"for: {rule.data.get('for', '0s')} is shorter than the policy's minimum of {minimum}",
                field="for" if rule.data.get("for") else "alert",
            )


@check(
    "rule/reject",
    "With lint.policies.reject in toolkit.yaml: a label or annotation whose name or value the policy refuses.",
    Level.BUG,
)
def reject(ctx: LintContext) -> Iterator[Finding]:
    refused = ctx.policy.reject
    if not refused:
        return
    for _, rule in ctx.rules():
        for kind in ("labels", "annotations"):
            singular = kind[:-1]
            for key, value in rule.data.get(kind, {}).items():
                for part, text, shown in (("keys", key, key), ("values", value, f"{key}={value!r}")):
                    for pattern in refused.get(f"{singular}_{part}", ()):
                        if search(pattern, text):
                            message = f"{singular} {shown} is refused by the policy ({pattern!r})"
                            yield ctx.rule_finding("rule/reject", rule, message, field=key)


@check(
    "rule/report",
    "With lint.policies.report in toolkit.yaml: the policy's message, on every rule whose name matches.",
    Level.WARNING,
)
def report(ctx: LintContext) -> Iterator[Finding]:
    for _, rule in ctx.rules():
        for pattern, message in ctx.policy.report:
            if search(pattern, rule.name):
                yield ctx.rule_finding("rule/report", rule, message)


@check(
    "promql/selector",
    "With lint.policies.selectors in toolkit.yaml: a rule's selector without a matcher on a label the policy "
    "requires (e.g. job), so it reads every target's series.",
    Level.BUG,
)
def selector(ctx: LintContext) -> Iterator[Finding]:
    required = ctx.policy.selectors
    if not required:
        return
    for rule, parsed in ctx.rule_exprs():
        for selector in parsed.of_type(pp.VectorSelector):
            name = selector_name(selector)
            if not name or name in ctx.recorded:
                continue
            have = {matcher.name for matcher in selector.matchers.matchers}
            for label in required:
                if label not in have:
                    yield Expression(parsed, rule=rule).finding(
                        ctx,
                        "promql/selector",
                        f'{name} has no {label} matcher, which the policy requires: add {label}="..."',
                        token=name,
                    )


@check(
    "promql/keep",
    "With lint.policies.keep in toolkit.yaml: a recording rule whose aggregation drops a label the policy "
    "says every recorded series keeps (pint's configurable promql/aggregate).",
    Level.BUG,
)
def keep(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.policy.keep:
        return
    for rule, parsed in ctx.rule_exprs():
        if rule.is_alert:
            continue
        kept, removed = output_labels(parsed.ast)
        for label in ctx.policy.keep:
            if label in removed or (kept is not None and label not in kept):
                yield ctx.rule_finding(
                    "promql/keep",
                    rule,
                    f"the aggregation drops {label}, which the policy says recorded series keep: add it to by (...)",
                    field="expr",
                )


@check(
    "group/interval",
    "A rule group evaluated so rarely that its series go stale (interval over 5m), or more rarely than a "
    "rate() window it reads, or than an alert's for: lasts.",
    Level.WARNING,
)
def interval(ctx: LintContext) -> Iterator[Finding]:
    for group in ctx.bundle.rule_groups:
        every = group.options.get("interval")
        if not every:
            continue
        seconds = duration_seconds(every)
        if seconds > STALENESS_SECONDS:
            yield Finding(
                group.source,
                "group/interval",
                Level.WARNING,
                f"interval: {every} is over the 5m lookback: between evaluations the recorded series and alerts "
                "go stale; evaluate at most every 5m",
                group.name,
            )
        for rule in group.rules:
            parsed = Expression(parse(rule.data["expr"]), rule=rule)
            windows = rate_windows(parsed) if parsed.parsed.ast is not None else []
            if windows and min(windows) < seconds:
                yield ctx.rule_finding(
                    "group/interval",
                    rule,
                    f"a rate() window of {pp.display_duration(timedelta(seconds=min(windows)))} is shorter than the "
                    f"group's interval: {every}: part of the data is never read",
                    field="expr",
                )
            given = duration_seconds(rule.data["for"]) if rule.data.get("for") else 0.0
            if rule.is_alert and 0 < given < seconds:
                yield ctx.rule_finding(
                    "group/interval",
                    rule,
                    f"for: {rule.data['for']} is shorter than the group's interval: {every}: the alert fires at the "
                    f"next evaluation, {every} later, whatever for: says",
                    field="for",
                )
