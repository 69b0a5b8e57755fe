"""PromQL as lint sees it: Grafana macros substituted, parsed once, walked with each node's parents."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import promql_parser as pp

from toolkit.promql import PromQLError
from toolkit.promql import parse as parse_promql

COMPARISONS = {">", "<", ">=", "<=", "==", "!="}
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")
RATE_FUNCTIONS = {"rate", "irate", "increase"}
_LITERALS = (pp.NumberLiteral, pp.StringLiteral)  # a tuple, not a union: isinstance checks it twice as fast
_node = tuple.__new__  # a Node from its fields without the named tuple's Python __new__ (one per syntax node)


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


class Parsed:
    """An expression's text, its syntax tree (None when it does not parse) and the parser's message, with
    the 1-based column it points at (0 when unknown) and whether a size limit refused it. Read-only by
    convention. One is made per expression of a run: a plain class with slots, made and read faster than a
    dataclass, its node index built on first use."""

    __slots__ = ("text", "ast", "error", "column", "limit", "_by_type")

    def __init__(
        self, text: str, ast: pp.Expr | None, error: str = "", column: int = 0, limit: bool = False
    ) -> None:
        self.text, self.ast, self.error, self.column, self.limit = text, ast, error, column, limit
        self._by_type: dict[type, list[Node]] | None = None

    def of_type(self, kind: type) -> Sequence[Node]:
        """The nodes of one syntax type, e.g. ``promql_parser.VectorSelector``, in depth-first order."""
        by_type = self._by_type
        if by_type is None:
            by_type = self._by_type = nodes_by_type(self.ast) if self.ast is not None else {}
        return by_type.get(kind, ())


def nodes_by_type(ast: pp.Expr) -> dict[type, list[Node]]:
    """Every node under ``ast`` (itself included) with its parents, by syntax type, each type's nodes in
    depth-first order."""
    # Our own walk: promql_parser.walk calls back into Python for every node, over ten times slower.
    index: dict[type, list[Node]] = {}
    pending: list[tuple[pp.Expr, tuple[pp.Expr, ...]]] = [(ast, ())]
    while pending:
        expr, parents = pending.pop()
        kind = type(expr)
        found = index.get(kind)
        if found is None:
            index[kind] = [_node(Node, (expr, parents))]
        else:
            found.append(_node(Node, (expr, parents)))
        if kind is pp.BinaryExpr:
            inner: tuple[pp.Expr, ...] = (expr.rhs, expr.lhs)
        elif kind is pp.Call:
            inner = tuple(reversed(expr.args))
        elif kind is pp.AggregateExpr:
            inner = (expr.expr,) if expr.param is None else (expr.expr, expr.param)
        elif kind is pp.ParenExpr or kind is pp.UnaryExpr or kind is pp.SubqueryExpr:
            inner = (expr.expr,)
        elif kind is pp.MatrixSelector:
            inner = (expr.vector_selector,)
        else:
            continue  # a leaf (most nodes) makes no tuple of parents
        parents = (*parents, expr)
        for child in inner:  # the last pushed is visited first: the children in order
            pending.append((child, parents))
    return index


@cache  # emptied after each chunk of rules and dashboards (engine.CHUNK)
def parse(text: str, grafana: bool = False) -> Parsed:
    """Parse ``text`` (after Grafana substitution when ``grafana``); errors are kept, not raised."""
    try:
        return Parsed(text, parse_promql(text, grafana=grafana))
    except PromQLError as error:
        return Parsed(text, None, error.message, error.column or 0, error.limit)


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
    kind = type(expr)
    while kind is pp.ParenExpr or kind is pp.UnaryExpr or kind is pp.SubqueryExpr:
        expr = expr.expr
        kind = type(expr)
    labels = _LABELS.get(kind)  # one lookup by the node's type: this runs on every node of every alert
    return _ANY_LABELS if labels is None else labels(expr)


def _aggregation_labels(expr: pp.AggregateExpr) -> tuple[frozenset[str] | None, frozenset[str]]:
    op = str(expr.op)
    inner = output_labels(expr.expr)
    if op in ("topk", "bottomk", "limitk", "limit_ratio"):
        return inner
    labels = frozenset(expr.modifier.labels) if expr.modifier else _NONE
    if expr.modifier and str(expr.modifier.type).endswith("Without"):
        return None, inner[1] | labels
    return labels, _NONE


def _call_labels(call: pp.Call) -> tuple[frozenset[str] | None, frozenset[str]]:
    name = call.func.name
    if name in ("vector", "time", "scalar", "pi") or not call.args:
        return frozenset(), frozenset()
    if name == "absent":
        arg = call.args[0]
        if isinstance(arg, pp.VectorSelector):
            return frozenset(m.name for m in arg.matchers.matchers if m.op == pp.MatchOp.Equal), frozenset()
        return frozenset(), frozenset()
    vector_args = [a for a in call.args if not isinstance(a, _LITERALS)]
    inner = output_labels(vector_args[0]) if vector_args else (frozenset(), frozenset())
    if name == "histogram_quantile":
        return (inner[0] - {"le"} if inner[0] is not None else None), inner[1] | {"le"}
    if (
        name in ("label_replace", "label_join")
        and len(call.args) > 1
        and isinstance(call.args[1], pp.StringLiteral)
    ):
        added = call.args[1].val
        return (inner[0] | {added} if inner[0] is not None else None), inner[1] - {added}
    return inner


def _binary_labels(expr: pp.BinaryExpr) -> tuple[frozenset[str] | None, frozenset[str]]:
    lhs, rhs = output_labels(expr.lhs), output_labels(expr.rhs)
    scalar_lhs = isinstance(expr.lhs, pp.NumberLiteral) or (lhs[0] == frozenset() and rhs[0] != frozenset())
    if scalar_lhs:
        return rhs
    modifier, op = expr.modifier, str(expr.op)
    if op == "or":
        if lhs[0] is None or rhs[0] is None:
            return None, lhs[1] & rhs[1]
        return lhs[0] | rhs[0], frozenset()
    if modifier is None or modifier.matching is None or op in ("and", "unless"):
        return lhs
    matching = frozenset(modifier.matching.labels)
    one_to_one = str(modifier.card).endswith("OneToOne")
    is_on = str(modifier.matching.type).endswith("Include")
    if one_to_one and is_on:
        return matching, frozenset()
    if one_to_one:
        return (lhs[0] - matching if lhs[0] is not None else None), lhs[1] | matching
    # group_left(x)/group_right(x) copy labels from the other side, which promql-parser does not expose
    return None, frozenset()


_NONE: frozenset[str] = frozenset()
_NO_LABELS = (_NONE, _NONE)  # a number or a string: no labels
_ANY_LABELS = (None, _NONE)  # a selector: any labels, none surely removed
_LABELS = {
    pp.NumberLiteral: lambda _: _NO_LABELS,
    pp.StringLiteral: lambda _: _NO_LABELS,
    pp.AggregateExpr: _aggregation_labels,
    pp.Call: _call_labels,
    pp.BinaryExpr: _binary_labels,
}
