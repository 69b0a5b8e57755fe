"""PromQL compared by meaning: prettified for line diffs, and a moved threshold recognised as such."""

from __future__ import annotations

import re

from toolkit import promql

STRING = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
NUMBER = re.compile(r"(?<![\w.$])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])")


def pretty(expr: str) -> str:
    """``expr`` as promql-parser's prettifier writes it; unchanged when it does not parse."""
    try:
        return promql.parse(expr).prettify()
    except ValueError:
        try:
            promql.parse(expr, grafana=True)
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
    return pretty(old) == pretty(new) or _squeezed(old) == _squeezed(new)


def moved_thresholds(old: str, new: str) -> list[tuple[str, str]]:
    """When the expressions differ only in numbers, the (old, new) numbers that changed; else []."""
    a, b = pretty(old), pretty(new)
    if NUMBER.sub("#", a) != NUMBER.sub("#", b):
        return []
    return [(x, y) for x, y in zip(NUMBER.findall(a), NUMBER.findall(b), strict=True) if float(x) != float(y)]
