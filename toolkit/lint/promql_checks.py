"""Checks of PromQL expressions, in rules and in dashboard queries alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import promql_parser as pp

from toolkit.lint.context import Expression, LintContext
from toolkit.lint.findings import Finding, Level
from toolkit.lint.promql import (
    COMPARISONS,
    RATE_FUNCTIONS,
    Parsed,
    nodes_by_type,
    output_labels,
    parse,
    selector_name,
)
from toolkit.lint.registry import check
from toolkit.promql import GRAFANA_VARIABLE
from toolkit.sources.yaml_lines import find_token

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
# Only these suffixes mark a counter by name: `_count` is as often a gauge (pg_stat_activity_count).
COUNTER_NAME = re.compile(r"_(?:total|sum|bucket)$")
GAUGE_NAME = re.compile(r"(?:^up|_bytes|_ratio|_percent|_celsius|_volts|_info|_timestamp(?:_seconds)?)$")
REGEX_META = re.compile(r"[.*+?()\[\]{}|\\^$]")
TEMPLATE_LABEL = re.compile(r"\$labels\.(\w+)|\.Labels\.(\w+)")
_NOT_RE = pp.MatchOp.NotRe
_REGEX_OPS = (pp.MatchOp.Re, _NOT_RE)


@check(
    "promql/syntax",
    "The expression does not parse as PromQL (fatal in a rule, which Prometheus refuses to load; a bug in a "
    "dashboard query, which Grafana keeps but fails to run), or exceeds the parser's size limits.",
    Level.FATAL,
)
def syntax(ctx: LintContext) -> Iterator[Finding]:
    for group, rule in ctx.rules():
        parsed = parse(rule.data["expr"])
        if parsed.ast is None:
            verb = "expression refused" if parsed.limit else "could not parse expression"
            number = group.rules.index(rule) + 1
            token, nth = _error_token(parsed)
            yield ctx.rule_finding(
                "promql/syntax",
                rule,
                f'group "{group.name}", rule {number}, "{rule.name}": {verb}: {parsed.error}',
                field="expr",
                token=token,
                nth=nth,
            )
    for board, panel, parsed in ctx.panel_queries():
        if parsed.ast is None:
            token, nth = _error_token(parsed)
            yield ctx.panel_finding(
                "promql/syntax",
                board,
                panel,
                parsed.error,
                Level.BUG,
                query=parsed.text,
                token=token,
                nth=nth,
            )


def _error_token(parsed) -> tuple[str, int]:
    """The word or character a parse error points at, and how many times it comes before in the text."""
    if not parsed.column or parsed.column > len(parsed.text):
        return "", 0
    offset = parsed.column - 1
    match = re.match(r"\w+|\S", parsed.text[offset:])
    token = match.group(0) if match else parsed.text[offset]
    return token, parsed.text[:offset].count(token)


def _live_type(ctx: LintContext, name: str) -> str:
    return ctx.live.type_of(name) if ctx.live else ""


def _counter_verdict(ctx: LintContext, name: str) -> Level | None:
    """BUG when the catalogue or the server's metadata says ``name`` is a counter (or a histogram's or
    summary's series), WARNING when only its name suggests one, None when it is not one or nobody knows."""
    metric = ctx.catalogue.get(name)
    if metric is not None:
        from toolkit.metrics import MetricType  # here: only the project has a catalogue

        return Level.BUG if metric.type is MetricType.COUNTER or name != metric.name else None
    live_type = _live_type(ctx, name)
    if live_type == "counter":
        return Level.BUG
    if live_type in ("histogram", "summary"):
        return Level.BUG if name not in ctx.live.types and not name.endswith("_count") else None
    if live_type:
        return None
    return Level.WARNING if ":" not in name and COUNTER_NAME.search(name) else None


def _gauge_verdict(ctx: LintContext, name: str) -> tuple[Level, str] | None:
    """BUG with the source when the catalogue or metadata says ``name`` is a gauge, WARNING when its name
    says so (a unit or _info suffix counters do not have), None otherwise."""
    metric = ctx.catalogue.get(name)
    if metric is not None:
        from toolkit.metrics import MetricType

        return (Level.BUG, "a gauge in the metric catalogue") if metric.type is MetricType.GAUGE else None
    live_type = _live_type(ctx, name)
    if live_type == "gauge":
        return Level.BUG, f"a gauge on {ctx.live.url}"
    if live_type or ":" in name:
        return None
    return (Level.WARNING, "by its name a gauge") if GAUGE_NAME.search(name) else None


@check(
    "promql/rate",
    "rate/irate/increase over a gauge (certain by the catalogue or --prometheus metadata, else a guess by "
    "name), around an aggregation, or (where the scrape interval is known: the project's toolkit.yaml) over a "
    "window shorter than 4 scrape intervals.",
    Level.BUG,
)
def rate(ctx: LintContext) -> Iterator[Finding]:
    minimum = 4 * ctx.scrape_seconds
    for expression in ctx.expressions():
        for call in expression.parsed.of_type(pp.Call):
            function = call.func.name
            if function not in RATE_FUNCTIONS or not call.args:
                continue
            arg = call.args[0]
            if isinstance(arg, pp.SubqueryExpr) and isinstance(_unwrap(arg.expr), pp.AggregateExpr):
                yield expression.finding(
                    ctx,
                    "promql/rate",
                    f"{function}() of an aggregation: aggregate the {function}() instead, e.g. sum(rate(x[5m]))",
                    token=f"{function}(",
                )
                continue
            if not isinstance(arg, pp.MatrixSelector):
                continue
            name = selector_name(arg)
            gauge = _gauge_verdict(ctx, name) if name else None
            if gauge is not None:
                yield expression.finding(
                    ctx,
                    "promql/rate",
                    f"{function}() of {name}, {gauge[1]}: {function}() reads a gauge's dips as counter resets; "
                    "use deriv() or delta() for gauges",
                    gauge[0],
                    token=name,
                )
            seconds = arg.range.total_seconds()
            if expression.rule is not None and seconds < minimum and ctx.knows_scrape_interval:
                yield expression.finding(
                    ctx,
                    "promql/rate",
                    f"{function}({name}[{pp.display_duration(arg.range)}]) spans under 4 scrape intervals "
                    f"({ctx.scrape_seconds:g}s each): use at least [{pp.display_duration(timedelta(seconds=minimum))}]",
                    Level.WARNING,
                    token=name or f"{function}(",
                )


def _unwrap(expr: pp.Expr) -> pp.Expr:
    while type(expr) is pp.ParenExpr:
        expr = expr.expr
    return expr


def _is_zero(expr: pp.Expr) -> bool:
    expr = _unwrap(expr)
    return isinstance(expr, pp.NumberLiteral) and expr.val == 0


def _set_filters(parsed: Parsed) -> set[str]:
    """Metric names read on the right of ``and``/``unless``, where only label sets matter, not values."""
    names: set[str] = set()
    for binary in parsed.of_type(pp.BinaryExpr):
        if str(binary.op) in ("and", "unless"):
            names.update(map(selector_name, nodes_by_type(binary.rhs).get(pp.VectorSelector, ())))
    return names


def _shielded(parsed: Parsed) -> set[int]:
    """The selectors (by ``id``) where a counter's raw value is read correctly: under a call or aggregation
    that reads counters (rate(), count(), ...), or inside a subquery."""
    roots = [call for call in parsed.of_type(pp.Call) if call.func.name in COUNTER_SAFE_CALLS]
    roots += [op for op in parsed.of_type(pp.AggregateExpr) if str(op.op) in COUNTER_SAFE_AGGREGATIONS]
    roots += parsed.of_type(pp.SubqueryExpr)
    return {id(selector) for root in roots for selector in nodes_by_type(root).get(pp.VectorSelector, ())}


def _guarded(parents: tuple[pp.Expr, ...]) -> bool:
    """True where a counter's raw value is compared with 0 (``x_count > 0``: it exists, or has counted)."""
    return any(
        isinstance(parent, pp.BinaryExpr)
        and str(parent.op) in COMPARISONS
        and (_is_zero(parent.lhs) or _is_zero(parent.rhs))
        for parent in parents
    )


@check(
    "promql/counter",
    "A counter used without rate() or increase(): a bug when the catalogue or the --prometheus server's "
    "metadata says it is a counter, a warning when only its name (_total, _sum, _bucket) suggests it.",
    Level.WARNING,
)
def counter(ctx: LintContext) -> Iterator[Finding]:
    for expression in ctx.expressions():
        renames = expression.rule is not None and not expression.is_alert
        if renames and isinstance(_unwrap(expression.parsed.ast), pp.VectorSelector):
            continue  # a recording rule that only renames or filters a series
        filters = shielded = None
        for selector in expression.parsed.of_type(pp.VectorSelector):
            name = selector_name(selector)
            level = _counter_verdict(ctx, name) if name else None
            if level is None:
                continue
            shielded = _shielded(expression.parsed) if shielded is None else shielded
            if id(selector) in shielded or _guarded(expression.parsed.parents(selector)):
                continue
            filters = _set_filters(expression.parsed) if filters is None else filters
            if name in filters:
                continue
            sure = (
                ""
                if level is Level.BUG
                else " (judged by its name; --prometheus or the catalogue can confirm)"
            )
            yield expression.finding(
                ctx,
                "promql/counter",
                f"{name} is a counter{sure}: its raw value only grows; wrap it in rate() or increase()",
                level,
                token=name,
            )


@check(
    "promql/histogram",
    "histogram_quantile() over an aggregation that drops the le label.",
    Level.BUG,
)
def histogram(ctx: LintContext) -> Iterator[Finding]:
    for expression in ctx.expressions():
        for call in expression.parsed.of_type(pp.Call):
            if call.func.name != "histogram_quantile" or len(call.args) < 2:
                continue
            arg = _unwrap(call.args[1])
            if not isinstance(arg, pp.AggregateExpr):
                continue
            kept, removed = output_labels(arg)
            if (kept is not None and "le" not in kept) or "le" in removed:
                yield expression.finding(
                    ctx,
                    "promql/histogram",
                    "histogram_quantile() needs the le label: aggregate by (le, ...) e.g. sum by (le) (rate(x_bucket[5m]))",
                    token="histogram_quantile(",
                )


@check(
    "promql/aggregate",
    "An alert's labels or annotations template $labels.x, but its expression's aggregation surely removes x.",
    Level.BUG,
)
def aggregate(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        if not rule.is_alert:
            continue
        texts = [*rule.data.get("annotations", {}).values(), *rule.data.get("labels", {}).values()]
        used = {a or b for text in texts if "abels." in text for a, b in TEMPLATE_LABEL.findall(text)}
        wanted = sorted(used - set(rule.data.get("labels", {})))
        kept, removed = output_labels(parsed.ast) if wanted else (None, frozenset())
        for label in wanted:
            if label in removed or (kept is not None and label not in kept):
                yield ctx.rule_finding(
                    "promql/aggregate",
                    rule,
                    f"templates use $labels.{label}, but the expression's result has no {label} label: keep it in by (...)",
                    field="expr",
                    token=_aggregation_token(parsed),
                )


def _aggregation_token(parsed) -> str:
    for aggregation in parsed.of_type(pp.AggregateExpr):
        return f"{aggregation.op}"
    return ""


@check(
    "promql/fragile",
    "topk()/bottomk() with k above 1 in an alert: the alerting series change from one evaluation to the next.",
    Level.WARNING,
)
def fragile(ctx: LintContext) -> Iterator[Finding]:
    for rule, parsed in ctx.rule_exprs():
        if not rule.is_alert:
            continue
        for aggregation in parsed.of_type(pp.AggregateExpr):
            op = str(aggregation.op)
            if op not in ("topk", "bottomk"):
                continue
            param = _unwrap(aggregation.param) if aggregation.param is not None else None
            if isinstance(param, pp.NumberLiteral) and param.val == 1:
                continue  # topk(1, ...): the de-duplication idiom, one series per group
            yield ctx.rule_finding(
                "promql/fragile",
                rule,
                f"{op}() in an alert: alerts flap as the top series change; compare every series against the threshold instead",
                field="expr",
                token=op,
            )


def _regexp_advice(name: str, negated: bool, value: str) -> tuple[str, Level] | None:
    op = "!~" if negated else "=~"
    shown = f'{name}{op}"{value}"'
    starts, ends = value.startswith("^"), value.endswith("$") and not value.endswith("\\$")
    if starts and ends:
        return f"{shown}: Prometheus anchors regexps already; drop ^ and $", Level.WARNING
    if starts:
        prefix = value[1:]
        return (
            f'{shown}: Prometheus anchors regexps, so this matches only the whole value "{prefix}"; to match '
            f'values that start with it write {name}{op}"{prefix}.*"',
            Level.WARNING,
        )
    if ends:
        suffix = value[:-1]
        return (
            f'{shown}: Prometheus anchors regexps, so this matches only the whole value "{suffix}"; to match '
            f'values that end with it write {name}{op}".*{suffix}"',
            Level.WARNING,
        )
    if not REGEX_META.search(value):
        return f'{shown} has no regexp in it: use {name}{"!=" if negated else "="}"{value}"', Level.INFO
    return None


@check(
    "promql/regexp",
    "A regexp matcher anchored with ^ or $ (Prometheus anchors it already: ^/var matches only /var; a prefix "
    "is /var.*), or one that is a plain string.",
    Level.WARNING,
)
def regexp(ctx: LintContext) -> Iterator[Finding]:
    for expression in ctx.expressions():
        after = 0  # where the last matcher placed was written: the next is written after it
        for selector in expression.parsed.of_type(pp.VectorSelector):
            for matcher in selector.matchers.matchers:
                if matcher.op not in _REGEX_OPS or GRAFANA_VARIABLE in matcher.value:
                    continue
                negated = matcher.op == _NOT_RE
                advice = _regexp_advice(matcher.name, negated, matcher.value)
                if advice is not None:
                    op = "!~" if negated else "=~"
                    token, nth, after = _matcher_place(
                        expression.parsed.text, matcher.name, op, matcher.value, after
                    )
                    yield expression.finding(ctx, "promql/regexp", advice[0], advice[1], token=token, nth=nth)


def _matcher_place(text: str, name: str, op: str, value: str, after: int = 0) -> tuple[str, int, int]:
    """Where a finding about a matcher points: its value (its name when the value is empty), given as a
    token and which occurrence of it in ``text`` belongs to the matcher as written (``queue_name!~"None"``
    holds an earlier "None" than ``name!~"None"``), and where the matcher as written ends. Matchers are
    written in the order the syntax tree lists them: the first written at or after ``after`` is the one
    (an expression's matchers are placed in one pass, not each from the start); else the first anywhere."""
    token = value or name
    head = rf"(?<![\w:]){re.escape(name)}\s*{re.escape(op)}\s*"
    pattern = re.compile(head + rf"([\"'`]){re.escape(value)}\1")
    written = pattern.search(text, after) or pattern.search(text)
    if written is None:
        return token, 0, after
    position = written.start(1) + 1 if value else written.start()
    nth, found = 0, find_token(text, token)
    while 0 <= found < position:
        nth, found = nth + 1, find_token(text, token, found + len(token))
    return token, nth, written.end()


def _bounds(expr: pp.Expr) -> tuple[float, float] | None:
    """The values ``expr`` can take, when the text alone fixes them."""
    expr = _unwrap(expr)
    if isinstance(expr, pp.NumberLiteral):
        return expr.val, expr.val
    if isinstance(expr, pp.VectorSelector) and selector_name(expr) == "up":
        return 0.0, 1.0
    if isinstance(expr, pp.Call):
        name = expr.func.name
        if name in ("absent", "absent_over_time", "present_over_time"):
            return 1.0, 1.0
        if name in ("rate", "irate", "increase", "count_over_time", "changes", "resets", "abs", "sqrt"):
            return 0.0, float("inf")
    if isinstance(expr, pp.AggregateExpr) and str(expr.op) in ("count", "count_values"):
        return 1.0, float("inf")
    if isinstance(expr, pp.AggregateExpr) and str(expr.op) == "group":
        return 1.0, 1.0
    if isinstance(expr, pp.BinaryExpr) and expr.modifier and expr.modifier.return_bool:
        return 0.0, 1.0
    return None


def _never(op: str, low: float, high: float, value: float) -> bool:
    """True when no x in [low, high] satisfies ``x op value``."""
    return {
        ">": high <= value,
        ">=": high < value,
        "<": low >= value,
        "<=": low > value,
        "==": value < low or value > high,
        "!=": low == high == value,
    }[op]


def _grouping(expr: pp.Expr) -> frozenset[str] | None:
    """The exact labels an aggregation's result has (``sum by (a)``: {a}; ``sum``: none), else None."""
    expr = _unwrap(expr)
    if type(expr) is not pp.AggregateExpr or str(expr.op) in ("topk", "bottomk", "limitk", "limit_ratio"):
        return None
    if expr.modifier is None:
        return frozenset()
    return None if str(expr.modifier.type).endswith("Without") else frozenset(expr.modifier.labels)


def _unmatched(expr: pp.BinaryExpr, op: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The two sides' label sets when a one-to-one match (operator ``op``) between two aggregations can never
    pair them. The sides are looked at first: most are no aggregation, which settles it."""
    left = _grouping(expr.lhs)
    if left is None:
        return None
    right = _grouping(expr.rhs)
    if right is None or left == right:
        return None
    if op in ("or", "unless") or (expr.modifier and expr.modifier.matching is not None):
        return None
    return left, right


@check(
    "promql/impossible",
    "An expression that can never return anything: a comparison no value of its side can meet (up > 1, "
    "rate(...) < 0, absent(...) == 0, count(...) == 0), or two aggregations by different labels matched "
    "one-to-one (sum by (job) (x) / sum(y)), which pairs no series.",
    Level.BUG,
)
def impossible(ctx: LintContext) -> Iterator[Finding]:
    for expression in ctx.expressions():
        for expr in expression.parsed.of_type(pp.BinaryExpr):
            op = str(expr.op)
            unmatched = _unmatched(expr, op)
            if unmatched is not None:
                left, right = (", ".join(sorted(side)) or "no labels" for side in unmatched)
                yield expression.finding(
                    ctx,
                    "promql/impossible",
                    f"'{op}' matches series with the same labels, but the left side has ({left}) and the right "
                    f"({right}): nothing pairs, so the result is always empty; aggregate both by the same "
                    "labels or add on (...) with group_left",
                    token=op,
                )
                continue
            if op not in COMPARISONS or (expr.modifier and expr.modifier.return_bool):
                continue
            lhs, rhs = _unwrap(expr.lhs), _unwrap(expr.rhs)
            if isinstance(rhs, pp.NumberLiteral) and not isinstance(lhs, pp.NumberLiteral):
                side, value, flipped = lhs, rhs.val, op
            elif isinstance(lhs, pp.NumberLiteral) and not isinstance(rhs, pp.NumberLiteral):
                side, value = rhs, lhs.val
                flipped = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(op, op)
            else:
                continue
            bounds = _bounds(side)
            if bounds is not None and _never(flipped, bounds[0], bounds[1], value):
                low, high = (f"{b:g}" for b in bounds)
                yield expression.finding(
                    ctx,
                    "promql/impossible",
                    f"this comparison is never true: the left side is always between {low} and {high}, so "
                    f"'{flipped} {value:g}' matches nothing and the alert never fires",
                    token=op,
                )


@check(
    "promql/absent",
    "absent() of an aggregation: it returns 1 with no labels, where absent() of a selector keeps the "
    'selector\'s labels (absent(up{job="api"}) fires with job="api"), so the alert says what is missing.',
    Level.WARNING,
)
def absent(ctx: LintContext) -> Iterator[Finding]:
    for expression in ctx.expressions():
        for call in expression.parsed.of_type(pp.Call):
            if call.func.name != "absent" or not call.args:
                continue
            if isinstance(_unwrap(call.args[0]), pp.AggregateExpr):
                yield expression.finding(
                    ctx,
                    "promql/absent",
                    "absent() of an aggregation returns 1 with no labels: put absent() on the selector, e.g. "
                    'absent(up{job="api"}), which fires with job="api", so the alert says what is missing',
                    token="absent(",
                )


def _suggestion(name: str, known: set[str]) -> str:
    import difflib  # here: only a misspelt name pays for it

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
    return f": did you mean {close[0]}?" if close else ""


@check(
    "metrics/catalogue",
    "A query reads a metric that is neither in the metric catalogue nor recorded by a rule (a typo, or a "
    "metric to add).",
    Level.WARNING,
    project_only=True,
)
def catalogue(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.catalogue:
        return
    known = set(ctx.catalogue) | ctx.recorded
    for expression in ctx.expressions():
        for selector in expression.parsed.of_type(pp.VectorSelector):
            used = selector.name
            if used and used not in known:
                hint = _suggestion(used, known) or " (alerts/metrics.py): add it or fix the name"
                yield expression.finding(
                    ctx,
                    "metrics/catalogue",
                    f"{used} is not in the metric catalogue{hint}",
                    token=used,
                )


@check(
    "promql/series",
    "With --prometheus URL: a metric or label the queries read does not exist on that server.",
    Level.WARNING,
    needs_server=True,
)
def series(ctx: LintContext) -> Iterator[Finding]:
    if ctx.live is None:
        return
    produced = ctx.recorded | {"ALERTS", "ALERTS_FOR_STATE"}
    for expression in ctx.expressions():
        for selector in expression.parsed.of_type(pp.VectorSelector):
            name = selector.name
            if not name or name in produced:
                continue
            if name not in ctx.live.names:
                yield expression.finding(
                    ctx,
                    "promql/series",
                    f"{name} does not exist on {ctx.live.url}{_suggestion(name, ctx.live.names)}",
                    token=name,
                )
                continue
            known = ctx.live.labels(name)
            for matcher in selector.matchers.matchers:
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
                        token=matcher.name,
                    )


def rate_windows(expression: Expression) -> list[float]:
    """The windows, in seconds, of the rate()/increase() calls in an expression."""
    return [
        call.args[0].range.total_seconds()
        for call in expression.parsed.of_type(pp.Call)
        if call.func.name in RATE_FUNCTIONS and call.args and isinstance(call.args[0], pp.MatrixSelector)
    ]


@check(
    "promql/range",
    "With --prometheus URL: a range or subquery (with its offset) reaching further back than the server keeps "
    "data, so part of the window is always empty.",
    Level.WARNING,
    needs_server=True,
)
def range_(ctx: LintContext) -> Iterator[Finding]:
    if ctx.live is None or not ctx.live.retention:
        return
    try:
        kept = pp.parse_duration(ctx.live.retention).total_seconds()
    except ValueError:
        return
    for expression in ctx.expressions():
        for kind in (pp.MatrixSelector, pp.SubqueryExpr):
            for ranged in expression.parsed.of_type(kind):
                reach = ranged.range.total_seconds()
                offset = getattr(
                    ranged.vector_selector if kind is pp.MatrixSelector else ranged, "offset", None
                )
                reach += offset.total_seconds() if offset else 0
                if reach > kept:
                    window = pp.display_duration(ranged.range)
                    yield expression.finding(
                        ctx,
                        "promql/range",
                        f"[{window}] reaches back {pp.display_duration(timedelta(seconds=reach))}, but "
                        f"{ctx.live.url} keeps {ctx.live.retention} of data: the window is never full",
                        token=f"[{window}",
                    )


def _signature(labels: dict[str, str], modifier) -> tuple:
    """What a one-to-one or many-to-one match compares of a series' labels."""
    matching = modifier.matching if modifier is not None else None
    if matching is not None and str(matching.type).endswith("Include"):
        return tuple(labels.get(name, "") for name in matching.labels)
    ignored = {"__name__", *(matching.labels if matching is not None else ())}
    return tuple(sorted((k, v) for k, v in labels.items() if k not in ignored))


def _is_vector(expr: pp.Expr) -> bool:
    expr = _unwrap(expr)
    if isinstance(expr, pp.NumberLiteral | pp.StringLiteral):
        return False
    return not (isinstance(expr, pp.Call) and expr.func.name in ("scalar", "time", "pi"))


@check(
    "promql/matching",
    "With --prometheus URL: a binary operation whose two sides both return series on that server, but no "
    "pair of them matches on the labels it compares, so the result is empty.",
    Level.WARNING,
    needs_server=True,
)
def matching(ctx: LintContext) -> Iterator[Finding]:
    if ctx.live is None:
        return
    from toolkit.lint.live import LiveError  # here: only a run with --prometheus asks a server

    for rule, parsed in ctx.rule_exprs():
        for expr in parsed.of_type(pp.BinaryExpr):
            op = str(expr.op)
            if op in ("or", "unless") or not (_is_vector(expr.lhs) and _is_vector(expr.rhs)):
                continue
            try:
                left = ctx.live.series(expr.lhs.prettify())
                right = ctx.live.series(expr.rhs.prettify())
            except LiveError:
                continue
            if not left or not right:
                continue
            pairs = {_signature(s, expr.modifier) for s in left} & {
                _signature(s, expr.modifier) for s in right
            }
            if not pairs:
                yield Expression(parsed, rule=rule).finding(
                    ctx,
                    "promql/matching",
                    f"'{op}' finds no pair on {ctx.live.url}: the {len(left)} series on the left and the "
                    f"{len(right)} on the right differ in the labels it compares; match on (...) the labels they share",
                    token=op,
                )
