"""PromQL as lint sees it: Grafana macros substituted, parsed once, walked with each node's parents."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import promql_parser as pp

from toolkit.promql import PromQLError
from toolkit.promql import parse as parse_promql

COMPARISONS = {">", "<", ">=", "<=", "==", "!="}
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")
RATE_FUNCTIONS = {"rate", "irate", "increase"}
_LITERALS = (pp.NumberLiteral, pp.StringLiteral)  # a tuple, not a union: isinstance checks it twice as fast


class Parsed:
    """An expression's text, its syntax tree (None when it does not parse) and the parser's message, with
    the 1-based column it points at (0 when unknown) and whether a size limit refused it. Read-only by
    convention. One is made per expression of a run: a plain class with slots, made and read faster than a
    dataclass, its indexes of the tree built on first use."""

    __slots__ = ("text", "ast", "error", "column", "limit", "_by_type", "_parents")

    def __init__(
        self, text: str, ast: pp.Expr | None, error: str = "", column: int = 0, limit: bool = False
    ) -> None:
        self.text, self.ast, self.error, self.column, self.limit = text, ast, error, column, limit
        self._by_type: dict[type, list[pp.Expr]] | None = None
        self._parents: dict[int, tuple[pp.Expr, ...]] | None = None

    def of_type(self, kind: type) -> Sequence[pp.Expr]:
        """The nodes of one syntax type, e.g. ``promql_parser.VectorSelector``, in depth-first order."""
        by_type = self._by_type
        if by_type is None:
            by_type = self._by_type = nodes_by_type(self.ast) if self.ast is not None else {}
        return by_type.get(kind, ())

    def parents(self, node: pp.Expr) -> tuple[pp.Expr, ...]:
        """The ancestors of ``node``, a node of this tree, nearest last (the checks that need them are few:
        they are found for the whole tree on first use)."""
        if self._parents is None:
            self._parents = ancestors(self.ast) if self.ast is not None else {}
        return self._parents.get(id(node), ())


def _children(expr: pp.Expr, kind: type) -> tuple[pp.Expr, ...]:
    """The nodes right under ``expr`` (of type ``kind``, one of _BRANCHES), last first."""
    if kind is pp.BinaryExpr:
        return expr.rhs, expr.lhs
    if kind is pp.Call:
        return tuple(reversed(expr.args))
    if kind is pp.AggregateExpr:
        return (expr.expr,) if expr.param is None else (expr.expr, expr.param)
    if kind is pp.MatrixSelector:
        return (expr.vector_selector,)
    return (expr.expr,)  # parentheses, a unary minus, a subquery


_BRANCHES = frozenset(
    {pp.BinaryExpr, pp.Call, pp.AggregateExpr, pp.MatrixSelector, pp.ParenExpr, pp.UnaryExpr, pp.SubqueryExpr}
)


def nodes_by_type(ast: pp.Expr) -> dict[type, list[pp.Expr]]:
    """Every node under ``ast`` (itself included) by syntax type, each type's nodes in depth-first order."""
    # Our own walk: promql_parser.walk calls back into Python for every node, over ten times slower.
    index: dict[type, list[pp.Expr]] = {}
    pending = [ast]
    while pending:
        expr = pending.pop()
        kind = type(expr)
        found = index.get(kind)
        if found is None:
            index[kind] = [expr]
        else:
            found.append(expr)
        if kind in _BRANCHES:  # most nodes are leaves
            pending += _children(expr, kind)  # the last pushed is visited first: the children in order
    return index


def ancestors(ast: pp.Expr) -> dict[int, tuple[pp.Expr, ...]]:
    """The ancestors of every node under ``ast`` (nearest last), by the node's ``id``."""
    found: dict[int, tuple[pp.Expr, ...]] = {}
    pending: list[tuple[pp.Expr, tuple[pp.Expr, ...]]] = [(ast, ())]
    while pending:
        expr, parents = pending.pop()
        found[id(expr)] = parents
        kind = type(expr)
        if kind in _BRANCHES:
            pending += ((child, (*parents, expr)) for child in _children(expr, kind))
    return found


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
