"""The old ``graph`` panel as the ``timeseries`` panel Grafana makes of it when it opens the dashboard.

Follows grafana/grafana public/app/plugins/panel/timeseries/migrations.ts (``graphToTimeseriesOptions``,
``getFieldConfigFromOldAxis``, ``fillY2DynamicValues``, ``getLegendHideFromOverride``,
``getStackingFromOverrides``) and the choice of target plugin in
public/app/features/dashboard/state/getPanelPluginToMigrateTo.ts.
"""

from __future__ import annotations

import math
import re
from typing import Any

from toolkit.bundle.mappings import js_number
from toolkit.bundle.notes import Notes
from toolkit.bundle.reducers import reducer
from toolkit.bundle.shape import items, mapping

# What graphToTimeseriesOptions reads; every other graph-only key is dropped by Grafana (and noted).
GRAPH_KEYS = frozenset(
    {
        "aliasColors",
        "bars",
        "dashLength",
        "dashes",
        "fill",
        "fillGradient",
        "legend",
        "lines",
        "linewidth",
        "nullPointMode",
        "pointradius",
        "points",
        "seriesOverrides",
        "spaceLength",
        "stack",
        "steppedLine",
        "thresholds",
        "timeRegions",
        "tooltip",
        "xaxis",
        "yaxes",
    }
)
_REGEX_ALIAS = re.compile(r"^([/~@;%#'])(.*?)\1([gimsuy]*)$")
_DEFAULT_STACK_GROUP = "A"


def graph_target(panel: dict[str, Any]) -> str:
    """The plugin Grafana moves a graph to: barchart or bargauge for a series x-axis, histogram for a
    histogram x-axis, else timeseries (getPanelPluginToMigrateTo.ts)."""
    mode = mapping(panel.get("xaxis")).get("mode") if isinstance(panel.get("xaxis"), dict) else None
    if mode == "series":
        return "bargauge" if mapping(panel.get("legend")).get("values") else "barchart"
    if mode == "histogram":
        return "histogram"
    return "timeseries"


def _number(value: Any) -> float | int | None:
    """lodash-like ``validNumber``: a number, or a string holding one, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value) if value.strip() else 0.0
        except ValueError:
            return None
        return int(number) if number.is_integer() else number
    return None


def axis_field_config(axis: Any) -> dict[str, Any]:
    """``getFieldConfigFromOldAxis``: unit, decimals, min, max, label, placement and log scale of a y-axis."""
    if not isinstance(axis, dict):
        return {}
    custom: dict[str, Any] = {"axisPlacement": "auto" if axis.get("show") else "hidden"}
    if axis.get("label"):
        custom["axisLabel"] = axis["label"]
    if axis.get("logBase") in (2, 10):
        custom["scaleDistribution"] = {"type": "log", "log": axis["logBase"]}
    config = {
        "unit": axis.get("format"),
        "decimals": _number(axis.get("decimals")),
        "min": _number(axis.get("min")),
        "max": _number(axis.get("max")),
        "custom": custom,
    }
    return {k: v for k, v in config.items() if v is not None}


def _right_axis(y1: dict[str, Any], y2: dict[str, Any]) -> list[dict[str, Any]]:
    """``fillY2DynamicValues``: what the right axis sets differently from the left one."""
    props = [{"id": k, "value": v} for k, v in y2.items() if k != "custom" and v != y1.get(k)]
    left = y1.get("custom") or {}
    props += [
        {"id": f"custom.{k}", "value": v} for k, v in mapping(y2.get("custom")).items() if v != left.get(k)
    ]
    return props


def _override_properties(
    override: dict[str, Any],
    y1: dict[str, Any],
    yaxes: list[Any],
    line: dict[str, Any],
    where: tuple[str, Notes],
) -> tuple[list[dict[str, Any]], bool]:
    """The properties of one ``seriesOverrides`` entry, and whether it used ``fillBelowTo``."""
    path, notes = where
    props: list[dict[str, Any]] = []
    below = False
    dash: dict[str, Any] | None = None
    for key, value in override.items():
        if key in ("alias", "$$hashKey"):
            continue
        if key == "yaxis":
            if value == 2:
                props += _right_axis(y1, axis_field_config(yaxes[1] if len(yaxes) > 1 else None))
        elif key == "fill":
            props.append({"id": "custom.fillOpacity", "value": _times_ten(value)})
        elif key == "fillBelowTo":
            below = True
            props.append({"id": "custom.fillBelowTo", "value": value})
        elif key == "fillGradient":
            if value:
                props.append({"id": "custom.fillGradient", "value": "opacity"})
                props.append({"id": "custom.fillOpacity", "value": _times_ten(value)})
        elif key == "points":
            props.append({"id": "custom.showPoints", "value": "always" if value else "never"})
        elif key == "bars":
            props.append({"id": "custom.drawStyle", "value": "bars" if value else "line"})
            if value:
                props.append({"id": "custom.fillOpacity", "value": 100})
        elif key == "lines":
            props.append(
                {"id": "custom.drawStyle", "value": "line"}
                if value
                else {"id": "custom.lineWidth", "value": 0}
            )
        elif key == "linewidth":
            props.append({"id": "custom.lineWidth", "value": value})
        elif key == "pointradius":
            radius = js_number(value)
            props.append({"id": "custom.pointSize", "value": None if radius is None else 2 + radius * 2})
        elif key in ("dashLength", "spaceLength", "dashes"):
            dash = dash or {"fill": line["fill"], "dash": list(line["dash"])}
            if key == "dashLength":
                dash["dash"][0] = value
            elif key == "spaceLength":
                dash["dash"][1] = value
            else:
                dash["fill"] = "dash" if value else "solid"
        elif key == "stack":
            group = value if isinstance(value, str) else _DEFAULT_STACK_GROUP
            props.append(
                {"id": "custom.stacking", "value": {"mode": "normal" if value else "none", "group": group}}
            )
        elif key == "color":
            props.append({"id": "color", "value": {"fixedColor": value, "mode": "fixed"}})
        elif key == "transform":
            props.append(
                {"id": "custom.transform", "value": "negative-Y" if value == "negative-Y" else "constant"}
            )
        else:
            notes.add(f"{path}/{key}", "series override with no timeseries equivalent: Grafana ignores it")
    if dash is not None:
        props.append({"id": "custom.lineStyle", "value": dash})
    return props, below


def _times_ten(value: Any) -> Any:
    """``value * 10`` as JavaScript computes it (text holding a number counts; anything else is NaN, null)."""
    number = js_number(value)
    return None if number is None else number * 10


def _series_overrides(
    panel: dict[str, Any], y1: dict[str, Any], line: dict[str, Any], where: tuple[str, Notes]
) -> tuple[list[dict[str, Any]], bool]:
    """aliasColors and seriesOverrides as field overrides (fixed colours first, as Grafana orders them)."""
    overrides: list[dict[str, Any]] = []
    for alias, color in mapping(panel.get("aliasColors")).items():
        if color:
            overrides.append(
                {
                    "matcher": {"id": "byName", "options": alias},
                    "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": color}}],
                }
            )
    yaxes = items(panel.get("yaxes"))
    below = False
    for index, override in enumerate(items(panel.get("seriesOverrides"))):
        if not isinstance(override, dict) or not override.get("alias"):
            continue
        alias = str(override["alias"])
        at = (f"{where[0]}/seriesOverrides/{index}", where[1])
        props, used = _override_properties(override, y1, yaxes, line, at)
        below = below or used
        if props:
            matcher = "byRegexp" if _REGEX_ALIAS.match(alias) else "byName"
            overrides.append({"matcher": {"id": matcher, "options": alias}, "properties": props})
    return overrides, below


def _threshold_color(threshold: dict[str, Any]) -> Any:
    mode = threshold.get("colorMode")
    if mode == "warning":
        return "orange"
    if mode == "custom":
        return threshold.get("fillColor") or threshold.get("lineColor")
    return "red"


def graph_thresholds(thresholds: list[Any]) -> tuple[list[dict[str, Any]], str]:
    """The graph's ``gt``/``lt`` threshold lines and areas as steps (a transparent base) and the
    thresholds style mode (line, area or line+area)."""
    items = sorted(
        (t for t in thresholds if isinstance(t, dict)),
        key=lambda t: (
            t.get("value") is None,
            t.get("value") if isinstance(t.get("value"), int | float) else 0,
        ),
    )
    steps: list[dict[str, Any]] = []
    area = any(t.get("fill") for t in items)
    line = any(t.get("line") for t in items)
    for index, threshold in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        if threshold.get("op") == "gt":
            steps.append({"value": threshold.get("value"), "color": _threshold_color(threshold)})
        if threshold.get("op") == "lt":
            if not steps:
                steps.append({"value": -math.inf, "color": _threshold_color(threshold)})
            if following and following.get("op") == "lt":
                steps.append({"value": threshold.get("value"), "color": _threshold_color(following)})
            else:
                steps.append({"value": threshold.get("value"), "color": "transparent"})
    if steps and steps[0]["value"] != -math.inf:
        steps.insert(0, {"color": "transparent", "value": -math.inf})
    steps = [{"color": s["color"], "value": None if s["value"] == -math.inf else s["value"]} for s in steps]
    mode = "line+area" if line and area else "area" if area else "line"
    return steps, mode


def _legend(panel: dict[str, Any], overrides: list[dict[str, Any]]) -> dict[str, Any]:
    legend: dict[str, Any] = {"displayMode": "list", "showLegend": True, "placement": "bottom", "calcs": []}
    old = panel.get("legend")
    if not isinstance(old, dict):
        return legend
    if old.get("show"):
        legend["displayMode"] = "table" if old.get("alignAsTable") else "list"
    else:
        legend["showLegend"] = False
    if old.get("rightSide"):
        legend["placement"] = "right"
    if old.get("values"):
        legend["calcs"] = [r for key, value in old.items() if value and (r := reducer(key))]
    if old.get("sideWidth"):
        legend["width"] = old["sideWidth"]
    for flag, reduce in (("hideZero", "allIsZero"), ("hideEmpty", "allIsNull")):
        if old.get(flag):
            overrides.append(
                {
                    "matcher": {"id": "byValue", "options": {"reducer": reduce, "op": "gte", "value": 0}},
                    "properties": [
                        {"id": "custom.hideFrom", "value": {"tooltip": True, "viz": False, "legend": True}}
                    ],
                }
            )
    return legend


def _tooltip(panel: dict[str, Any]) -> dict[str, Any]:
    tooltip = {"mode": "single", "sort": "none"}
    old = panel.get("tooltip")
    if isinstance(old, dict):
        if "shared" in old:
            tooltip["mode"] = "multi" if old["shared"] else "single"
        if "sort" in old and old.get("shared"):
            tooltip["sort"] = (
                {1: "asc", 2: "desc"}.get(old["sort"], "none") if old["sort"] in (1, 2) else "none"
            )
    return tooltip


def time_region_annotations(panel: dict[str, Any]) -> list[dict[str, Any]]:
    """The graph's ``timeRegions`` as dashboard annotations of the Grafana datasource (one per region that
    fills or draws a line), as graphToTimeseriesOptions adds them."""
    found = []
    for index, old in enumerate(items(panel.get("timeRegions"))):
        if not isinstance(old, dict) or not (old.get("fill") or old.get("line")):
            continue
        color = old.get("colorMode") if old.get("colorMode") != "custom" else old.get("fillColor")
        if not old.get("fill"):
            color = "white"  # Grafana reads a lineColor the region it built never has
        region = {
            k: old.get(k) for k in ("fromDayOfWeek", "toDayOfWeek", "from", "to") if old.get(k) is not None
        }
        found.append(
            {
                "datasource": {"type": "datasource", "uid": "grafana"},
                "enable": True,
                "hide": True,
                "filter": {"exclude": False, "ids": [panel.get("id")]},
                "iconColor": color,
                "name": f"T{index + 1}",
                "target": {
                    "queryType": "timeRegions",
                    "refId": "Anno",
                    "timeRegion": {**region, "timezone": "utc"},
                },
            }
        )
    return found


def graph_to_timeseries(panel: dict[str, Any], path: str, notes: Notes) -> dict[str, Any]:
    """``graphToTimeseriesOptions``: the graph's axes, draw style, fills, stacking, null handling, legend,
    tooltip, thresholds, colours and series overrides as timeseries ``fieldConfig`` and ``options``."""
    field_config = mapping(panel.get("fieldConfig"))
    overrides = list(items(field_config.get("overrides")))
    yaxes = items(panel.get("yaxes"))
    y1 = axis_field_config(yaxes[0] if yaxes else None)
    if mapping(field_config.get("defaults")):
        y1 = {**field_config["defaults"], **y1}
    dash = [panel.get("dashLength", 10), panel.get("spaceLength", 10)]
    line = {"fill": "dash" if panel.get("dashes") else "solid", "dash": dash}
    more, below = _series_overrides(panel, y1, line, (path, notes))
    overrides += more
    graph = dict(mapping(y1.get("custom")))
    graph["drawStyle"] = "bars" if panel.get("bars") else "line" if panel.get("lines") else "points"
    if panel.get("points"):
        graph["showPoints"] = "always"
        radius = panel.get("pointradius")
        if isinstance(radius, int | float) and not isinstance(radius, bool):
            graph["pointSize"] = 2 + radius * 2
    elif graph["drawStyle"] != "points":
        graph["showPoints"] = "never"
    graph["lineWidth"] = panel.get("linewidth")
    if panel.get("dashes"):
        graph["lineStyle"] = {"fill": "dash", "dash": dash}
    fill = panel.get("fill")
    if below:
        graph["fillOpacity"] = 35
    elif isinstance(fill, int | float) and not isinstance(fill, bool):
        graph["fillOpacity"] = fill * 10
    gradient = panel.get("fillGradient")
    if isinstance(gradient, int | float) and not isinstance(gradient, bool) and gradient > 0:
        graph["gradientMode"] = "opacity"
        graph["fillOpacity"] = gradient * 10
    graph["spanNulls"] = panel.get("nullPointMode") == "connected"
    if panel.get("steppedLine"):
        graph["lineInterpolation"] = "stepAfter"
    if graph["drawStyle"] == "bars":
        graph["fillOpacity"] = 100
    if panel.get("stack"):
        graph["stacking"] = {"mode": "normal", "group": _DEFAULT_STACK_GROUP}
    y1["custom"] = {k: v for k, v in graph.items() if v is not None}
    if panel.get("nullPointMode") is not None:
        y1["nullValueMode"] = panel["nullPointMode"]
    options = {"legend": _legend(panel, overrides), "tooltip": _tooltip(panel)}
    thresholds = panel.get("thresholds")
    if isinstance(thresholds, list) and thresholds:
        steps, mode = graph_thresholds(thresholds)
        y1["custom"]["thresholdsStyle"] = {"mode": mode}
        y1["thresholds"] = {"mode": "absolute", "steps": steps}
    xaxis = panel.get("xaxis")
    if isinstance(xaxis, dict) and xaxis.get("show") is False and xaxis.get("mode") == "time":
        overrides.append(
            {
                "matcher": {"id": "byType", "options": "time"},
                "properties": [{"id": "custom.axisPlacement", "value": "hidden"}],
            }
        )
    return {
        "fieldConfig": {"defaults": {k: v for k, v in y1.items() if v is not None}, "overrides": overrides},
        "options": options,
    }
