"""Leaf by leaf: what a built dashboard part lacks of its input, and what Grafana assumes where the
input says nothing. The dashboard import uses it to give back what the helpers lost (``extra=``), to
put Grafana's defaults back where a helper chose otherwise, and to list whatever still differs."""

from __future__ import annotations

import re
from typing import Any

MISSING = object()
# Grafana's own defaults for the time series field config the timeseries() helper writes (what Grafana
# assumes where a dashboard says nothing); options defaults are PLUGIN_OPTIONS of the build
TIMESERIES_CUSTOM = {
    "axisBorderShow": False,
    "axisCenteredZero": False,
    "axisColorMode": "text",
    "axisLabel": "",
    "axisPlacement": "auto",
    "barAlignment": 0,
    "drawStyle": "line",
    "fillOpacity": 0,
    "gradientMode": "none",
    "hideFrom": {"legend": False, "tooltip": False, "viz": False},
    "insertNulls": False,
    "lineInterpolation": "linear",
    "lineWidth": 1,
    "pointSize": 5,
    "scaleDistribution": {"type": "linear"},
    "showPoints": "auto",
    "spanNulls": False,
    "stacking": {"group": "A", "mode": "none"},
    "thresholdsStyle": {"mode": "off"},
}


def residual(wanted: Any, built: Any, path: str = "", empty: list[str] | None = None) -> Any:
    """What ``extra`` must hold so that ``built`` with it laid over equals ``wanted`` (``MISSING`` when
    nothing); keys ``built`` has and ``wanted`` lacks cannot be removed that way and are left alone.
    An empty text or null in ``wanted`` (Grafana reads it as unset) is left out, the build's own value
    or Grafana's default standing, and its path added to ``empty``."""
    if wanted == built:
        return MISSING
    if isinstance(wanted, dict) and isinstance(built, dict):
        out = {}
        for key, value in wanted.items():
            where = f"{path}.{key}" if path else key
            if value in ("", None) and empty is not None and (key not in built or built[key] != value):
                empty.append(where)
                continue
            rest = residual(value, built[key], where, empty) if key in built else value
            if rest is not MISSING:
                out[key] = rest
        return out or MISSING
    if (
        isinstance(wanted, list)
        and isinstance(built, list)
        and len(wanted) == len(built)
        and all(isinstance(item, dict) for item in [*wanted, *built])
    ):
        items = [
            residual(w, b, f"{path}[{i}]", empty) for i, (w, b) in enumerate(zip(wanted, built, strict=True))
        ]
        if all(item is MISSING for item in items):  # only keys the build adds: nothing to lay over
            return MISSING
        return [{} if item is MISSING else item for item in items]
    return wanted


# what the helpers write that means nothing where the input leaves it unset (a log base on a linear scale)
MEANINGLESS = ("scaleDistribution.log",)
# what the build writes on every panel, with the meaning Grafana gives the unset key
BUILD_WRITES = (
    "datasource",
    "fieldConfig.defaults.mappings",
    "fieldConfig.overrides",
    "targets",
    "description",
)


def grafana_defaults(kind: str) -> dict[str, Any]:
    """What Grafana assumes for a ``kind`` panel's options and field config where the JSON says nothing."""
    from toolkit.sources.plugin_defaults import (
        PLUGIN_COLOR_MODE,
        PLUGIN_CUSTOM,
        PLUGIN_CUSTOM_DEFAULTS,
        PLUGIN_OPTIONS,
    )

    timeseries = kind == "timeseries"
    field = {
        "noValue": "No data",  # what Grafana shows where noValue is unset
        "color": {"mode": PLUGIN_COLOR_MODE.get(kind, "thresholds")},
        "thresholds": {"mode": "absolute"},
        "custom": TIMESERIES_CUSTOM
        if timeseries
        else {**PLUGIN_CUSTOM_DEFAULTS.get(kind, {}), **PLUGIN_CUSTOM.get(kind, {})},
    }
    return {"options": PLUGIN_OPTIONS.get(kind, {}), "fieldConfig": {"defaults": field}}


def unsaid(
    wanted: dict[str, Any], built: dict[str, Any], defaults: dict[str, Any], known: Any = None
) -> tuple[Any, list[str]]:
    """For what ``built`` holds and ``wanted`` does not say: the extra that puts Grafana's defaults back
    where the helper chose otherwise, and the paths with no known default (the helper's choice stands).
    ``known`` may hold the :func:`leaves` of both, already taken."""
    said, made = known or (leaves(wanted), leaves(built))
    extra: dict[str, Any] = {}
    chosen = []
    for path, value in made.items():
        if path in said or any(p in said for p in _parents(path)):  # said, or under a leaf the input said
            continue
        if "[" in path:  # a list is Grafana's default or not as a whole
            whole = path.split("[")[0]
            default = _at(defaults, whole)
            if default is not MISSING and default != _at(built, whole):
                _put(extra, whole, default)
            continue
        default = _at(defaults, path)
        if default is MISSING:
            if value not in ({}, [], "") and not path.endswith(MEANINGLESS):
                chosen.append(path)
        elif default != value:
            _put(extra, path, default)
    return extra or MISSING, chosen


_BOUNDARY = re.compile(r"[.\[]")


def _parents(path: str) -> list[str]:
    """The paths ``path`` lies under: ``a``, ``a.b`` for ``a.b[0]``."""
    return [path[: m.start()] for m in _BOUNDARY.finditer(path)]


def _at(data: Any, path: str) -> Any:
    for part in re.split(r"\.|\[", path):
        if part.endswith("]"):
            index = int(part[:-1])
            if not isinstance(data, list) or index >= len(data):
                return MISSING
            data = data[index]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return MISSING
    return data


def _put(extra: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        extra = extra.setdefault(part, {})
    extra[last] = value


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Every leaf of ``value`` by its path (``fieldConfig.defaults.unit``, ``targets[0].expr``)."""
    found: dict[str, Any] = {}
    _collect(value, path, found)
    return found


def _collect(value: Any, path: str, found: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _collect(item, f"{path}.{key}" if path else key, found)
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            _collect(item, f"{path}[{i}]", found)
    else:
        found[path] = value


def lost(wanted: Any, built: Any, known: Any = None) -> list[str]:
    """The leaf paths of ``wanted`` that ``built`` does not hold with the same value (an empty mapping or
    list is held where ``built`` has one there, filled or not; an empty text or null where ``built`` has
    nothing, as Grafana reads all three alike). ``known`` may hold the :func:`leaves` of both."""
    want, have = known or (leaves(wanted), leaves(built))
    missing = [path for path, value in want.items() if have.get(path, MISSING) != value]
    if not any(want[path] in ({}, [], "", None) for path in missing):
        return missing
    prefixes = {parent for p in have for parent in _parents(p)}
    return [
        path
        for path in missing
        if not (want[path] in ({}, []) and path in prefixes)
        and not (want[path] in ("", None) and path not in have and path not in prefixes)
    ]
