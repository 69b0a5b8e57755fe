"""PromQL compared by meaning: prettified for line diffs, and a moved threshold recognised as such."""

from __future__ import annotations

import re
from functools import lru_cache

import promql_parser as pp

from toolkit.diff.model import line_diff
from toolkit.lint.promql import substitute_variables

STRING = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
NUMBER = re.compile(r"(?<![\w.$])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])")


@lru_cache(maxsize=4096)
def pretty(expr: str) -> str:
    """``expr`` as promql-parser's prettifier writes it; unchanged when it does not parse."""
    try:
        return pp.parse(expr).prettify()
    except ValueError:
        try:
            pp.parse(substitute_variables(expr))
        except ValueError:
            return expr.strip()
        return " ".join(expr.split())


def _squeezed(expr: str) -> str:
    """``expr`` without whitespace outside string literals."""
    parts = STRING.split(expr)
    return "".join(part if part[:1] in "\"'" and part else re.sub(r"\s+", "", part) for part in parts)


def same(old: str, new: str) -> bool:
    """True when the two expressions mean the same: equal once prettified, or, for queries with Grafana
    variables (which the parser cannot print back), equal without whitespace."""
    return old == new or pretty(old) == pretty(new) or _squeezed(old) == _squeezed(new)


def difference(old: str, new: str) -> tuple[str, tuple[str, ...]] | None:
    """None when the expressions mean the same; ``("from 0.05 to 0.03", ())`` when only numbers moved;
    else ``("", line diff of the prettified expressions)``."""
    if same(old, new):
        return None
    moved = moved_thresholds(old, new)
    if moved:
        return "from " + "; ".join(f"{a} to {b}" for a, b in moved), ()
    return "", line_diff(pretty(old), pretty(new))


def moved_thresholds(old: str, new: str) -> list[tuple[str, str]]:
    """When the expressions differ only in numbers, the (old, new) numbers that changed; else []."""
    a, b = pretty(old), pretty(new)
    if NUMBER.sub("#", a) != NUMBER.sub("#", b):
        return []
    return [(x, y) for x, y in zip(NUMBER.findall(a), NUMBER.findall(b), strict=True) if float(x) != float(y)]
