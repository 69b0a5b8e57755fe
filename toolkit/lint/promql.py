"""PromQL as lint sees it: Grafana macros substituted, parsed once, walked with each node's parents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

import promql_parser as pp

VARIABLE = re.compile(r"\$__\w+|\$\{[^}]+\}|\$\w+|\[\[[^\]]+\]\]")
SECONDS_MACROS = ("$__range_s", "$__range_ms", "$__interval_ms", "$__rate_interval_ms")
COMPARISONS = {">", "<", ">=", "<=", "==", "!="}
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")
RATE_FUNCTIONS = {"rate", "irate", "increase"}
GRAFANA_VARIABLE = "__grafana_variable__"


def _variable_name(token: str) -> str:
    name = token.strip("$[]{}").split(":")[0]
    return re.sub(r"\W", "_", name) or "var"


def substitute_variables(expr: str) -> str:
    """``expr`` with Grafana's macros and template variables replaced by values the parser accepts.

    Inside ``[...]`` a variable becomes a duration (``5m``); in a string it becomes its name marked with
    ``GRAFANA_VARIABLE`` (so checks can tell a variable from a literal);
    ``$__range_s`` and friends become a number; elsewhere a variable becomes an identifier.
    """
    out, last = [], 0
    for match in VARIABLE.finditer(expr):
        token = match.group(0)
        before = expr[: match.start()]
        in_string = before.count('"') % 2 == 1 or before.count("'") % 2 == 1
        in_range = before.rfind("[") > before.rfind("]")
        if token in SECONDS_MACROS:
            value = "300"
        elif in_string:
            value = f"{GRAFANA_VARIABLE}{_variable_name(token)}"
        elif in_range:
            value = "5m"
        else:
            value = _variable_name(token)
        out += [expr[last : match.start()], value]
        last = match.end()
    return "".join(out) + expr[last:]


class Node(NamedTuple):
    """A node of the syntax tree and its ancestors, nearest last."""

    expr: pp.Expr
    parents: tuple[pp.Expr, ...]

    def inside_call(self, names: set[str]) -> bool:
        """True when an ancestor calls one of ``names``."""
        return any(isinstance(p, pp.Call) and p.func.name in names for p in self.parents)

    def inside_aggregation(self, ops: set[str]) -> bool:
        """True when an ancestor aggregates with one of ``ops``."""
        return any(isinstance(p, pp.AggregateExpr) and str(p.op) in ops for p in self.parents)


@dataclass(frozen=True)
class Parsed:
    """An expression's text, its syntax tree (None when it does not parse) and the parser's message."""

    text: str
    ast: pp.Expr | None
    error: str = ""

    @cached_property
    def nodes(self) -> list[Node]:
        """Every node in depth-first order, with its parents."""
        return _nodes(self.ast) if self.ast is not None else []

    @cached_property
    def _by_type(self) -> dict[type, list[Node]]:
        index: dict[type, list[Node]] = {}
        for node in self.nodes:
            index.setdefault(type(node.expr), []).append(node)
        return index

    def of_type(self, kind: type) -> list[Node]:
        """The nodes of one syntax type, e.g. ``promql_parser.VectorSelector``."""
        return self._by_type.get(kind, [])


def children(expr: pp.Expr) -> tuple[pp.Expr, ...]:
    """The direct subexpressions of ``expr``, in the order ``promql_parser.walk`` visits them."""
    kind = type(expr)
    if kind is pp.BinaryExpr:
        return expr.lhs, expr.rhs
    if kind is pp.Call:
        return tuple(expr.args)
    if kind is pp.AggregateExpr:
        return (expr.expr,) if expr.param is None else (expr.param, expr.expr)
    if kind is pp.ParenExpr or kind is pp.UnaryExpr or kind is pp.SubqueryExpr:
        return (expr.expr,)
    if kind is pp.MatrixSelector:
        return (expr.vector_selector,)
    return ()


def _nodes(ast: pp.Expr) -> list[Node]:
    # Our own walk: promql_parser.walk calls back into Python for every node, over ten times slower.
    found: list[Node] = []
    pending: list[tuple[pp.Expr, tuple[pp.Expr, ...]]] = [(ast, ())]
    while pending:
        expr, parents = pending.pop()
        found.append(Node(expr, parents))
        inner = (*parents, expr)
        pending.extend((child, inner) for child in reversed(children(expr)))
    return found


@lru_cache(maxsize=65536)
def parse(text: str, grafana: bool = False) -> Parsed:
    """Parse ``text`` (after Grafana substitution when ``grafana``); errors are kept, not raised."""
    try:
        return Parsed(text, pp.parse(substitute_variables(text) if grafana else text))
    except ValueError as error:
        return Parsed(text, None, str(error))


def selector_name(expr: pp.Expr) -> str:
    """The metric name a vector or matrix selector reads ('' when it has none)."""
    if isinstance(expr, pp.MatrixSelector):
        expr = expr.vector_selector
    if not isinstance(expr, pp.VectorSelector):
        return ""
    if expr.name:
        return expr.name
    for matcher in expr.matchers.matchers:
        if matcher.name == "__name__" and matcher.op == pp.MatchOp.Equal:
            return matcher.value
    return ""


def output_labels(expr: pp.Expr) -> tuple[frozenset[str] | None, frozenset[str]]:
    """What labels the result of ``expr`` can carry: (exactly these, or None for 'any') and (surely removed)."""
    if isinstance(expr, pp.ParenExpr | pp.UnaryExpr | pp.SubqueryExpr):
        return output_labels(expr.expr)
    if isinstance(expr, pp.NumberLiteral | pp.StringLiteral):
        return frozenset(), frozenset()
    if isinstance(expr, pp.AggregateExpr):
        op = str(expr.op)
        inner = output_labels(expr.expr)
        if op in ("topk", "bottomk", "limitk", "limit_ratio"):
            return inner
        labels = frozenset(expr.modifier.labels) if expr.modifier else frozenset()
        if expr.modifier and str(expr.modifier.type).endswith("Without"):
            return None, inner[1] | labels
        return labels, frozenset()
    if isinstance(expr, pp.Call):
        return _call_labels(expr)
    if isinstance(expr, pp.BinaryExpr):
        return _binary_labels(expr)
    return None, frozenset()


def _call_labels(call: pp.Call) -> tuple[frozenset[str] | None, frozenset[str]]:
    name = call.func.name
    if name in ("vector", "time", "scalar", "pi") or not call.args:
        return frozenset(), frozenset()
    if name == "absent":
        arg = call.args[0]
        if isinstance(arg, pp.VectorSelector):
            return frozenset(m.name for m in arg.matchers.matchers if m.op == pp.MatchOp.Equal), frozenset()
        return frozenset(), frozenset()
    vector_args = [a for a in call.args if not isinstance(a, pp.NumberLiteral | pp.StringLiteral)]
    inner = output_labels(vector_args[0]) if vector_args else (frozenset(), frozenset())
    if name == "histogram_quantile":
        return (inner[0] - {"le"} if inner[0] is not None else None), inner[1] | {"le"}
    if name == "label_replace" and len(call.args) > 1 and isinstance(call.args[1], pp.StringLiteral):
        added = call.args[1].val
        return (inner[0] | {added} if inner[0] is not None else None), inner[1] - {added}
    return inner


def _binary_labels(expr: pp.BinaryExpr) -> tuple[frozenset[str] | None, frozenset[str]]:
    lhs, rhs = output_labels(expr.lhs), output_labels(expr.rhs)
    scalar_lhs = isinstance(expr.lhs, pp.NumberLiteral) or (lhs[0] == frozenset() and rhs[0] != frozenset())
    if scalar_lhs:
        return rhs
    modifier = expr.modifier
    if str(expr.op) in ("or",):
        if lhs[0] is None or rhs[0] is None:
            return None, lhs[1] & rhs[1]
        return lhs[0] | rhs[0], frozenset()
    if modifier is None or modifier.matching is None or str(expr.op) in ("and", "unless"):
        return lhs
    matching = frozenset(modifier.matching.labels)
    one_to_one = str(modifier.card).endswith("OneToOne")
    is_on = str(modifier.matching.type).endswith("Include")
    if one_to_one and is_on:
        return matching, frozenset()
    if one_to_one:
        return (lhs[0] - matching if lhs[0] is not None else None), lhs[1] | matching
    many = lhs if str(modifier.card).endswith("ManyToOne") else rhs
    return many


def error_column(text: str, message: str) -> int | None:
    """Where in ``text`` (1-based) a parse error is, when the message lets us find it: an unclosed or
    unexpected bracket, or the character or token the message quotes."""
    stack: list[tuple[str, int]] = []
    closing = {")": "(", "]": "[", "}": "{"}
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[index - 1] != "\\" else quote
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            stack.append((char, index))
        elif char in closing:
            if not stack or stack[-1][0] != closing[char]:
                return index + 1
            stack.pop()
    if stack and "unclosed" in message:
        return stack[-1][1] + 1
    quoted = re.search(r"(?::\s*|')([^'\s]+)'?$", message)
    if quoted and quoted.group(1) in text:
        return (
            text.rindex(quoted.group(1)) + 1
            if "inside braces" in message
            else text.index(quoted.group(1)) + 1
        )
    return None
