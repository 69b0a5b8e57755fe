"""Checks of PromQL expressions, in rules and in dashboard queries alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import promql_parser as pp

from toolkit.lint.context import LintContext, is_prometheus_target
from toolkit.lint.findings import Finding, Level
from toolkit.lint.promql import (
    COUNTER_SUFFIXES,
    GRAFANA_VARIABLE,
    RATE_FUNCTIONS,
    error_column,
    output_labels,
    parse,
    selector_name,
)
from toolkit.lint.registry import check
from toolkit.metrics import MetricType

COUNTER_SAFE_CALLS = RATE_FUNCTIONS | {
    "resets",
    "absent",
    "absent_over_time",
    "present_over_time",
    "timestamp",
    "changes",
    "count_over_time",
    "last_over_time",
}
COUNTER_SAFE_AGGREGATIONS = {"count", "group", "count_values"}
REGEX_META = re.compile(r"[.*+?()\[\]{}|\\^$]")
TEMPLATE_LABEL = re.compile(r"\$labels\.(\w+)|\.Labels\.(\w+)")


def _syntax_message(text: str, error: str) -> str:
    column = error_column(text, error)
    where = f" at column {column}" if column else ""
    return f"{error}{where} in: {text}"


@check(
    "promql/syntax",
    "The expression does not parse as PromQL.",
    Level.FATAL,
)
def syntax(ctx: LintContext) -> Iterator[Finding]:
    for _, rule in ctx.rules():
        parsed = parse(rule.data["expr"])
        if parsed.ast is None:
            yield ctx.rule_finding("promql/syntax", rule, _syntax_message(parsed.text, parsed.error))
    for board, panel in ctx.panels():
        for target in panel.get("targets") or []:
            expr = (
                target.get("expr")
                if isinstance(target, dict) and is_prometheus_target(panel, target)
                else None
            )
            if isinstance(expr, str) and expr.strip():
                parsed = parse(expr, grafana=True)
                if parsed.ast is None:
                    yield ctx.panel_finding(
                        "promql/syntax", board, panel, _syntax_message(expr, parsed.error)
                    )


def _is_counter(ctx: LintContext, name: str) -> bool | None:
    """True for a counter (by catalogue, live metadata or name), False for a known non-counter, None when
    unknown."""
    metric = ctx.catalogue.get(name)
    if metric is not None:
        return metric.type is MetricType.COUNTER or name != metric.name
    live_type = ctx.live.type_of(name) if ctx.live else ""
    if live_type in ("counter", "gauge"):
        return live_type == "counter"
    if live_type in ("histogram", "summary"):
        return name not in ctx.live.types  # its _bucket, _count and _sum count; the base name does not
    if ":" in name:
        return None
    return True if name.endswith(COUNTER_SUFFIXES) else None


@check(
    "promql/rate",
    "rate/irate/increase over a non-counter, over a window shorter than 4 scrape intervals, or around an aggregation.",
    Level.BUG,
)
def rate(ctx: LintContext) -> Iterator[Finding]:
    minimum = 4 * ctx.scrape_seconds
    for expression in ctx.expressions():
        for node in expression.parsed.of_type(pp.Call):
            call = node.expr
            if call.func.name not in RATE_FUNCTIONS or not call.args:
                continue
            arg = call.args[0]
            if isinstance(arg, pp.SubqueryExpr) and _aggregates(arg.expr):
                yield expression.finding(
                    ctx,
                    "promql/rate",
                    f"{call.func.name}() of an aggregation: aggregate the {call.func.name}() instead, e.g. sum(rate(x[5m]))",
                )
                continue
            if not isinstance(arg, pp.MatrixSelector):
                continue
            name = selector_name(arg)
            metric = ctx.catalogue.get(name)
            live_type = ctx.live.type_of(name) if ctx.live else ""
            if metric is not None and metric.type is MetricType.GAUGE:
                yield expression.finding(
                    ctx,
                    "promql/rate",
                    f"{call.func.name}() of {name}, a gauge in the metric catalogue: use deriv() or delta() for gauges",
                )
            elif live_type and live_type not in ("counter", "histogram", "summary", "unknown"):
                yield expression.finding(
                    ctx,
                    "promql/rate",
                    f"{call.func.name}() of {name}, a {live_type} on {ctx.live.url}: use deriv() or delta() for gauges",
                )
            seconds = arg.range.total_seconds()
            if expression.rule is not None and seconds < minimum:
                yield expression.finding(
                    ctx,
                    "promql/rate",
                    f"{call.func.name}({name}[{pp.display_duration(arg.range)}]) spans under 4 scrape intervals "
                    f"({ctx.scrape_seconds:g}s each): use at least [{pp.display_duration(timedelta(seconds=minimum))}]",
                    Level.WARNING,
                )


def _aggregates(expr: pp.Expr) -> bool:
    while isinstance(expr, pp.ParenExpr):
        expr = expr.expr
    return isinstance(expr, pp.AggregateExpr)


@check(
    "promql/counter",
    "A counter (by the catalogue, the --prometheus server's metadata, else a _total, _count, _sum or _bucket name) used without rate() or increase().",
    Level.BUG,
)
def counter(ctx: LintContext) -> Iterator[Finding]:
    for expression in ctx.expressions():
        for node in expression.parsed.of_type(pp.VectorSelector):
            name = selector_name(node.expr)
            if not name or not _is_counter(ctx, name):
                continue
            if node.inside_call(COUNTER_SAFE_CALLS) or node.inside_aggregation(COUNTER_SAFE_AGGREGATIONS):
                continue
            if any(isinstance(p, pp.SubqueryExpr) for p in node.parents):
                continue
            yield expression.finding(
                ctx,
                "promql/counter",
                f"{name} is a counter: its raw value only grows; wrap it in rate() or increase()",
            )


@check(
    "promql/histogram",
    "histogram_quantile() over an aggregation that drops the le label.",
    Level.BUG,
)
def histogram(ctx: LintContext) -> Iterator[Finding]:
    for expression in ctx.expressions():
        for node in expression.parsed.of_type(pp.Call):
            call = node.expr
            if call.func.name != "histogram_quantile" or len(call.args) < 2:
                continue
            arg = call.args[1]
            while isinstance(arg, pp.ParenExpr):
                arg = arg.expr
            if not isinstance(arg, pp.AggregateExpr):
                continue
            kept, removed = output_labels(arg)
            if (kept is not None and "le" not in kept) or "le" in removed:
                yield expression.finding(
                    ctx,
                    "promql/histogram",
                    "histogram_quantile() needs the le label: aggregate by (le, ...) e.g. sum by (le) (rate(x_bucket[5m]))",
                )


@check(
    "promql/aggregate",
    "An alert's labels or annotations template $labels.x, but its expression's aggregation removes x.",
    Level.BUG,
)
def aggregate(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        if not rule.is_alert:
            continue
        kept, removed = output_labels(parsed.ast)
        texts = [*rule.data.get("annotations", {}).values(), *rule.data.get("labels", {}).values()]
        used = {a or b for text in texts for a, b in TEMPLATE_LABEL.findall(text)}
        static = set(rule.data.get("labels", {}))
        for label in sorted(used - static):
            if label in removed or (kept is not None and label not in kept):
                yield ctx.rule_finding(
                    "promql/aggregate",
                    rule,
                    f"templates use $labels.{label}, but the expression's result has no {label} label: keep it in by (...)",
                )


@check(
    "promql/fragile",
    "topk()/bottomk() in an alert: the alerting series change from one evaluation to the next.",
    Level.WARNING,
)
def fragile(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        if rule.is_alert:
            for node in parsed.of_type(pp.AggregateExpr):
                if str(node.expr.op) in ("topk", "bottomk"):
                    yield ctx.rule_finding(
                        "promql/fragile",
                        rule,
                        f"{node.expr.op}() in an alert: alerts flap as the top series change; compare every series against the threshold instead",
                    )


@check(
    "promql/regexp",
    "A regexp matcher with redundant anchors, or one that is a plain string.",
    Level.WARNING,
)
def regexp(ctx: LintContext) -> Iterator[Finding]:
    for expression in ctx.expressions():
        for node in expression.parsed.of_type(pp.VectorSelector):
            for matcher in node.expr.matchers.matchers:
                if matcher.op not in (pp.MatchOp.Re, pp.MatchOp.NotRe):
                    continue
                value, negated = matcher.value, matcher.op == pp.MatchOp.NotRe
                if GRAFANA_VARIABLE in value:
                    continue
                if value.startswith("^") or value.endswith("$"):
                    yield expression.finding(
                        ctx,
                        "promql/regexp",
                        f'{matcher.name}{"!~" if negated else "=~"}"{value}": Prometheus anchors regexps already; drop ^ and $',
                    )
                elif not REGEX_META.search(value):
                    yield expression.finding(
                        ctx,
                        "promql/regexp",
                        f'{matcher.name}{"!~" if negated else "=~"}"{value}" has no regexp in it: use {matcher.name}{"!=" if negated else "="}"{value}"',
                        Level.INFO,
                    )


@check(
    "metrics/catalogue",
    "A query reads a metric that is neither in the metric catalogue nor recorded by a rule.",
    Level.WARNING,
    project_only=True,
)
def catalogue(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.catalogue:
        return
    known = set(ctx.catalogue) | ctx.recorded
    for expression in ctx.expressions():
        for node in expression.parsed.of_type(pp.VectorSelector):
            used = node.expr.name
            if used and used not in known:
                yield expression.finding(
                    ctx,
                    "metrics/catalogue",
                    f"{used} is not in the metric catalogue (alerts/metrics.py): add it or fix the name",
                )


@check(
    "promql/series",
    "With --prometheus URL: a metric or label the queries read does not exist on that server.",
    Level.WARNING,
)
def series(ctx: LintContext) -> Iterator[Finding]:
    if ctx.live is None:
        return
    produced = ctx.recorded | {"ALERTS", "ALERTS_FOR_STATE"}
    for expression in ctx.expressions():
        for node in expression.parsed.of_type(pp.VectorSelector):
            name = node.expr.name
            if not name or name in produced:
                continue
            if name not in ctx.live.names:
                yield expression.finding(ctx, "promql/series", f"{name} does not exist on {ctx.live.url}")
                continue
            known = ctx.live.labels(name)
            for matcher in node.expr.matchers.matchers:
                value = matcher.value
                if (
                    matcher.name != "__name__"
                    and matcher.name not in known
                    and GRAFANA_VARIABLE not in value
                    and value
                ):
                    yield expression.finding(
                        ctx,
                        "promql/series",
                        f"{name} has no label {matcher.name!r} on {ctx.live.url} (it has: {', '.join(sorted(known))})",
                    )
