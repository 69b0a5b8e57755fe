"""Grafana's reducer ids and the old names that alias them (packages/grafana-data/src/transformations/
fieldReducer.ts: ``avg`` is ``mean``, ``current`` is ``lastNotNull``, ``total`` is ``sum``)."""

from __future__ import annotations

REDUCERS = frozenset(
    {
        "allIsNull",
        "allIsZero",
        "allValues",
        "changeCount",
        "count",
        "delta",
        "diff",
        "diffperc",
        "distinctCount",
        "first",
        "firstNotNull",
        "last",
        "lastNotNull",
        "logmin",
        "max",
        "mean",
        "median",
        "min",
        "range",
        "step",
        "stdDev",
        "sum",
        "uniqueValues",
        "variance",
    }
)
ALIASES = {"avg": "mean", "current": "lastNotNull", "total": "sum"}


def reducer(name: object) -> str | None:
    """The reducer id ``name`` stands for (``fieldReducers.getIfExists``), or None."""
    if not isinstance(name, str):
        return None
    return name if name in REDUCERS else ALIASES.get(name)
