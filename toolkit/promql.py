"""The one PromQL parse every module uses: bounded in size and nesting, errors typed, Grafana variables
substituted on request.

promql-parser (Rust) recurses once per nesting level and per chained operator: thousands of levels overflow
the stack and kill the process (exit 139), and parse time grows faster than the length. Prometheus' own Go
parser sets no such limit (its stack grows up to 1 GB), so an expression promtool accepts may be refused
here; the limit is far above any rule people write, and refusing says why instead of crashing.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import promql_parser as pp

MAX_LENGTH = 256 * 1024  # characters of one expression
MAX_NESTING = 1000  # nesting depth plus chained operators, an upper bound of the syntax tree's depth
_DEEP = 200  # from this estimate on, parse in a thread with a stack that fits MAX_NESTING
_STACK_BYTES = 256 * 1024 * 1024

_QUICK = (*"([{+-*/%^<>=!", "and", "or", "unless", "atan2")  # an upper bound of what nesting() counts
# Compiled on first use (re caches them): only expressions with many brackets and operators need the first
# two, only Grafana queries the others.
_SKIPPED = r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`|#[^\n]*"""
_NESTING = r"[(\[{]|[)\]}]|\b(?:and|or|unless|atan2)\b|[-+*/%^]|[=!<>]=|[<>]"

VARIABLE = r"\$__\w+|\$\{[^}]+\}|\$\w+|\[\[[^\]]+\]\]"
SECONDS_MACROS = ("$__range_s", "$__range_ms", "$__interval_ms", "$__rate_interval_ms")
GRAFANA_VARIABLE = "__grafana_variable__"
_OFFSET = r"\boffset\s*-?\s*$"
_GROUPING = r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*$"


class PromQLError(ValueError):
    """An expression that does not parse, or that exceeds a limit. ``column`` is 1-based in the text given
    (None when unknown); ``limit`` is True when the expression is refused for its size, not its syntax."""

    def __init__(self, message: str, column: int | None = None, limit: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.limit = limit


def parse(text: str, *, grafana: bool = False) -> pp.Expr:
    """The syntax tree of ``text``; with ``grafana``, its template variables and macros are first replaced by
    values the parser accepts (see :func:`substitute_variables`). Raises :class:`PromQLError`."""
    ast, error = _parse(text, grafana)
    if error is not None:
        raise error
    return ast


@lru_cache(maxsize=1024)  # syntax trees are large (about 25 KB each): callers keep what they need
def _parse(text: str, grafana: bool) -> tuple[pp.Expr | None, PromQLError | None]:
    try:
        if not grafana:
            return _bounded(text), None
        first = None
        for free in ("", "1", "or"):  # a variable is a name in most places, a number in topk($k, ...),
            # an operator in `a $op b` (a custom variable offering or/unless)
            try:
                return _bounded(substitute_variables(text, free=free)), None
            except PromQLError as error:
                if error.limit:
                    raise
                first = first or error
        assert first is not None
        raise PromQLError(first.message, error_column(text, first.message))
    except PromQLError as error:
        return None, error


def forget_parsed() -> None:
    """Drop the syntax trees :func:`parse` keeps for callers that parse the same text again."""
    _parse.cache_clear()


def _bounded(text: str) -> pp.Expr:
    if len(text) > MAX_LENGTH:
        raise PromQLError(
            f"the expression is {len(text):,} characters long; the limit is {MAX_LENGTH:,}: "
            "split it into recording rules",
            MAX_LENGTH + 1,
            limit=True,
        )
    if len(text) < _DEEP or sum(map(text.count, _QUICK)) < _DEEP:
        return _parse_here(text)  # too few characters, or brackets and operators anywhere, to nest deeply
    estimate, column = nesting(text)
    if estimate > MAX_NESTING:
        raise PromQLError(
            f"the expression nests or chains more than {MAX_NESTING:,} operators (Prometheus' parser has no "
            "limit, ours keeps parsing from crashing): split it into recording rules",
            column,
            limit=True,
        )
    if estimate < _DEEP:
        return _parse_here(text)
    return _parse_in_big_stack(text)


def _parse_here(text: str) -> pp.Expr:
    try:
        return pp.parse(text)
    except ValueError as error:
        raise PromQLError(str(error), error_column(text, str(error))) from None


def _parse_in_big_stack(text: str) -> pp.Expr:
    result: list = []

    def work() -> None:
        try:
            result.append(_parse_here(text))
        except PromQLError as error:
            result.append(error)

    previous = threading.stack_size(_STACK_BYTES)
    try:
        worker = threading.Thread(target=work, name="promql-parse")
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()
    if isinstance(result[0], PromQLError):
        raise result[0]
    return result[0]


def nesting(text: str) -> tuple[int, int | None]:
    """An upper bound of the syntax tree's depth (deepest bracket nesting plus every operator, strings and
    comments skipped), and the 1-based column where it passes MAX_NESTING (None when it does not)."""
    depth = deepest = operators = 0
    for match in re.finditer(_NESTING, re.sub(_SKIPPED, lambda m: " " * len(m.group(0)), text)):
        token = match.group(0)
        if token in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in ")]}":
            depth -= 1
        else:
            operators += 1
        if deepest + operators > MAX_NESTING:
            return deepest + operators, match.start() + 1
    return deepest + operators, None


def _variable_name(token: str) -> str:
    name = token.strip("$[]{}").split(":")[0]
    return re.sub(r"\W", "_", name) or "var"


def substitute_variables(expr: str, *, free: str = "") -> str:
    """``expr`` with Grafana's macros and template variables replaced by values the parser accepts.

    Inside ``[...]`` and after ``offset`` a variable becomes a duration (``5m``); in a string it becomes its
    name marked with ``GRAFANA_VARIABLE`` (so checks can tell a variable from a literal); ``$__range_s`` and
    friends become a number; elsewhere a variable becomes an identifier, or ``free`` when given (a number
    or an operator, for variables that stand for one).
    """
    out, last = [], 0
    code = _without_comments(expr)
    for match in re.finditer(VARIABLE, expr):
        token = match.group(0)
        before = code[: match.start()]
        in_string = before.count('"') % 2 == 1 or before.count("'") % 2 == 1
        in_range = before.rfind("[") > before.rfind("]")
        if token in SECONDS_MACROS:
            value = "300"
        elif in_string:
            value = f"{GRAFANA_VARIABLE}{_variable_name(token)}"
        elif in_range or re.search(_OFFSET, before):
            value = "5m"
        elif free and before.rfind("{") <= before.rfind("}") and not re.search(_GROUPING, before):
            value = free
        else:
            value = _variable_name(token)
        out += [expr[last : match.start()], value]
        last = match.end()
    return "".join(out) + expr[last:]


def _without_comments(expr: str) -> str:
    """``expr`` with ``# ...`` comments (outside strings) blanked, same length, so quotes in a comment
    ("we're") do not look like strings."""
    out, quote, comment = [], "", False
    for char in expr:
        if comment:
            comment = char != "\n"
            out.append(char if not comment else " ")
            continue
        if quote:
            quote = "" if char == quote and (not out or out[-1] != "\\") else quote
        elif char in "\"'`":
            quote = char
        elif char == "#":
            comment = True
            out.append(" ")
            continue
        out.append(char)
    return "".join(out)


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
